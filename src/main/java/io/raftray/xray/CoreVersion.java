package io.raftray.xray;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Flavor and version of a core binary, from the first line of its version output: {@code Xray 1.8.4
 * (Xray, Penetrates Everything.) ...} or {@code V2Ray 4.34.0 (user) ...}.
 */
public record CoreVersion(Flavor flavor, String version) {
  private static final Pattern LINE =
      Pattern.compile("(?m)^\\s*(Xray|V2Ray)\\s+v?(\\d+\\.\\d+(?:\\.\\d+)?[0-9A-Za-z.+-]*)");
  private static final int MAX_OUTPUT = 8192;
  private static final Logger LOG = Logger.getLogger(XraySupervisor.class.getName());

  /** The flavor and version named by version output, or empty when it names neither. */
  public static Optional<CoreVersion> parse(String output) {
    Matcher m = LINE.matcher(output == null ? "" : output);
    if (!m.find()) {
      return Optional.empty();
    }
    Flavor f = m.group(1).equals("Xray") ? Flavor.XRAY : Flavor.V2RAY;
    return Optional.of(new CoreVersion(f, m.group(2)));
  }

  /**
   * Flavor and version of {@code bin}; a configured flavor wins over the detected one (a mismatch
   * is logged). The version is null when the output names none.
   *
   * @throws IOException with a one-line reason when the binary cannot be run, or when its flavor
   *     can be told neither from its output nor from the configuration
   */
  static CoreVersion identify(Path bin, Optional<Flavor> configured, Duration timeout)
      throws IOException {
    String[] firstLine = {""};
    Optional<CoreVersion> detected;
    try {
      detected = probe(bin, timeout, firstLine);
    } catch (IOException e) {
      throw new IOException("cannot run " + bin + ": " + e.getMessage(), e);
    }
    if (detected.isEmpty() && configured.isEmpty()) {
      throw new IOException(
          "cannot tell the flavor of "
              + bin
              + " from its version output ('"
              + firstLine[0]
              + "'); set --xray-flavor xray|v2ray");
    }
    if (detected.isPresent()
        && configured.isPresent()
        && detected.get().flavor() != configured.get()) {
      LOG.warning(
          bin
              + " says it is "
              + detected.get().flavor().wire()
              + " but the configured flavor is "
              + configured.get().wire()
              + "; using "
              + configured.get().wire());
    }
    return new CoreVersion(
        configured.orElseGet(() -> detected.get().flavor()),
        detected.map(CoreVersion::version).orElse(null));
  }

  /**
   * How {@code bin} is started with {@code config}: Xray and V2Ray >= 5 {@code run -c F}, V2Ray 4
   * {@code -config F}.
   */
  List<String> command(Path bin, Path config) {
    boolean v2ray4 = flavor == Flavor.V2RAY && (version == null || major() < 5);
    return v2ray4
        ? List.of(bin.toString(), "-config", config.toString())
        : List.of(bin.toString(), "run", "-c", config.toString());
  }

  /** Major version number, or 0 when the version does not start with one. */
  int major() {
    int dot = version.indexOf('.');
    try {
      return Integer.parseInt(dot < 0 ? version : version.substring(0, dot));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /**
   * Runs {@code bin -version} (understood by V2Ray 4 and, for compatibility, by Xray), then {@code
   * bin version} (Xray, V2Ray 5), with stdin empty so a core that ignores the argument and reads a
   * config from stdin stops at once.
   *
   * @return the version, or empty with the output's first line in {@code firstLine[0]}
   * @throws IOException when the binary cannot be executed or does not finish within {@code
   *     timeout}
   */
  static Optional<CoreVersion> probe(Path bin, Duration timeout, String[] firstLine)
      throws IOException {
    String output = "";
    for (String arg : List.of("-version", "version")) {
      output = run(bin, arg, timeout);
      Optional<CoreVersion> v = parse(output);
      if (v.isPresent()) {
        return v;
      }
    }
    String first = output.strip().lines().findFirst().orElse("");
    firstLine[0] = first.length() > 120 ? first.substring(0, 120) + "..." : first;
    return Optional.empty();
  }

  private static String run(Path bin, String arg, Duration timeout) throws IOException {
    Process p =
        new ProcessBuilder(bin.toString(), arg)
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    CompletableFuture<byte[]> output = new CompletableFuture<>();
    Thread.ofVirtual()
        .start(
            () -> {
              try (InputStream in = p.getInputStream()) {
                output.complete(in.readNBytes(MAX_OUTPUT));
              } catch (IOException e) {
                output.completeExceptionally(e);
              }
            });
    try {
      byte[] bytes = output.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return new String(bytes, StandardCharsets.UTF_8);
    } catch (TimeoutException e) {
      throw new IOException(
          bin + " " + arg + " did not answer within " + timeout.toSeconds() + " s", e);
    } catch (ExecutionException e) {
      throw new IOException("cannot read the output of " + bin + " " + arg, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while asking " + bin + " for its version", e);
    } finally {
      p.destroyForcibly();
    }
  }
}
