package io.raftray.cli;

import io.raftray.config.ConfigException;
import io.raftray.config.HostPort;
import io.raftray.config.NodeConfig;
import io.raftray.config.NodeConfigFile;
import io.raftray.config.XraySettings;
import io.raftray.daemon.Daemon;
import io.raftray.daemon.StartupException;
import io.raftray.xray.Flavor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "run", description = "Run this node until SIGTERM or Ctrl-C. Logs go to stdout.")
final class RunCommand implements Callable<Integer> {
  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m)?");

  @Spec CommandSpec spec;

  @Option(names = "--data-dir", required = true, description = "The node's data directory.")
  Path dataDir;

  @Option(
      names = "--xray-bin",
      paramLabel = "PATH",
      description =
          "Run this Xray (or V2Ray) binary as a supervised child. Overrides xray.bin/xray.api"
              + " of node.json.")
  Path xrayBin;

  @Option(
      names = "--xray-api",
      paramLabel = "HOST:PORT",
      description = "Use an external core's gRPC API instead of a child (not with --xray-bin).")
  String xrayApi;

  @Option(
      names = "--xray-flavor",
      paramLabel = "xray|v2ray",
      description =
          "API dialect. Default: detected from the binary's version output; xray for --xray-api.")
  String xrayFlavor;

  @Option(
      names = "--xray-api-port",
      paramLabel = "N",
      description = "Loopback port of the child's API inbound. Default: a free port at each start.")
  Integer xrayApiPort;

  @Option(
      names = "--stats-interval",
      paramLabel = "DURATION",
      description =
          "How often usage reports are committed, e.g. 5s (default), 500ms, 1m; counters are"
              + " read every second (or at this interval when shorter).")
  String statsInterval;

  @Override
  public Integer call() throws InterruptedException {
    Logging.configure(System.getenv("RAFTRAY_LOG_LEVEL"));
    NodeConfig config;
    Daemon daemon;
    if (!Files.isDirectory(dataDir)) {
      return fail("data directory " + dataDir + " does not exist");
    }
    try {
      config = NodeConfigFile.read(dataDir);
      List<String> problems = new ArrayList<>();
      XraySettings xray = xraySettings(config.xray(), problems);
      if (!problems.isEmpty()) {
        return fail(String.join("; ", problems));
      }
      daemon = Daemon.start(config.withXray(xray));
    } catch (ConfigException | StartupException e) {
      return fail(e.getMessage());
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  daemon.close();
                  stopped.countDown();
                  Runtime.getRuntime().halt(0); // a requested stop exits 0, not 128+SIGTERM
                },
                "raftray-shutdown"));
    stopped.await();
    return 0;
  }

  private int fail(String reason) {
    spec.commandLine().getErr().println("raftray run: " + reason);
    spec.commandLine().getErr().flush();
    return 1;
  }

  /**
   * The file's core settings with the options applied: {@code --xray-bin} or {@code --xray-api}
   * replaces both of the file's {@code bin} and {@code api}; the others replace one value each.
   */
  XraySettings xraySettings(XraySettings file, List<String> problems) {
    Optional<Path> bin = file.bin();
    Optional<HostPort> api = file.api();
    if (xrayBin != null || xrayApi != null) {
      bin = Optional.ofNullable(xrayBin);
      api = Optional.empty();
    }
    if (xrayApi != null) {
      try {
        api = Optional.of(HostPort.parse(xrayApi));
      } catch (IllegalArgumentException e) {
        problems.add("--xray-api: " + e.getMessage());
      }
    }
    Optional<Flavor> flavor = file.flavor();
    if (xrayFlavor != null) {
      flavor = Flavor.parse(xrayFlavor);
      if (flavor.isEmpty()) {
        problems.add("--xray-flavor must be xray or v2ray");
      }
    }
    int apiPort = xrayApiPort != null ? xrayApiPort : file.apiPort();
    Duration interval = file.statsInterval();
    if (statsInterval != null) {
      try {
        interval = parseInterval(statsInterval);
      } catch (IllegalArgumentException e) {
        problems.add("--stats-interval: " + e.getMessage());
      }
    }
    XraySettings s = new XraySettings(bin, api, flavor, apiPort, interval);
    if (problems.isEmpty()) {
      s.problems(
              k ->
                  "--" + (k.startsWith("stats") ? "stats-interval" : "xray-" + k.replace('_', '-')))
          .forEach(problems::add);
    }
    return s;
  }

  /** {@code 5s}, {@code 500ms}, {@code 1m}, {@code 2.5s}, or a plain number of seconds. */
  static Duration parseInterval(String text) {
    Matcher m = DURATION.matcher(text.strip().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException("expected e.g. 5s, 500ms or 1m, got '" + text + "'");
    }
    double n = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    double millis =
        switch (unit) {
          case "ms" -> n;
          case "m" -> n * 60_000;
          default -> n * 1000;
        };
    return Duration.ofMillis(Math.round(millis));
  }
}
