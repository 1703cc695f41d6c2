package io.raftray.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Assumptions;

/**
 * A real V2Ray process ({@code v2ray -config FILE}, Debian's 4.34 at {@code /usr/bin/v2ray}) for
 * tests, as a server with the gRPC API or as a client with a SOCKS inbound.
 *
 * <pre>{@code
 * try (V2RayProcess server = V2RayProcess.startServer(dir.resolve("server"));
 *     GrpcXrayApi api = new GrpcXrayApi(Flavor.V2RAY, "127.0.0.1", server.apiPort(),
 *         "127.0.0.1", Duration.ofSeconds(5))) {
 *   api.addInbound(endpoint, List.of(user));
 *   try (V2RayProcess client = V2RayProcess.startClient(dir.resolve("client"),
 *       V2RayOutbound.vmess("127.0.0.1", endpoint.port(), uuid))) {
 *     byte[] got = SocksFetch.get(client.socksPort(), payload.uri(), Duration.ofSeconds(10));
 *   }
 * }
 * }</pre>
 *
 * Each process gets its own directory with {@code config.json} and {@code v2ray.log} (stdout and
 * stderr); {@link #logTail()} is meant for assertion messages. A missing binary fails the test when
 * {@code CI=true} ({@code ./run-tests} installs the package) and skips it otherwise.
 */
public final class V2RayProcess implements AutoCloseable {
  /** Where Debian installs it; override with system property {@code raftray.v2ray}. */
  public static final Path BINARY = Path.of(System.getProperty("raftray.v2ray", "/usr/bin/v2ray"));

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

  private final Process process;
  private final Path dir;
  private final Path log;
  private final int port;

  private V2RayProcess(Process process, Path dir, Path log, int port) {
    this.process = process;
    this.dir = dir;
    this.log = log;
    this.port = port;
  }

  /**
   * Kills every V2Ray process whose command line names a path under {@code dir}: a core left by a
   * killed daemon that belongs to a test's data directory.
   */
  public static void destroyStrays(Path dir) {
    ProcessHandle.allProcesses()
        .filter(h -> h.info().command().map(c -> c.endsWith("v2ray")).orElse(false))
        .filter(
            h ->
                h.info()
                    .arguments()
                    .map(a -> String.join(" ", a).contains(dir.toString()))
                    .orElse(false))
        .forEach(ProcessHandle::destroyForcibly);
  }

  /**
   * A core with the API reachable the way docs/data-plane.md describes (HandlerService and
   * StatsService on a dokodemo-door inbound tagged {@code api} on a free 127.0.0.1 port, per-user
   * counters at level 0, a freedom outbound). Returns once the API port accepts connections.
   */
  public static V2RayProcess startServer(Path dir) {
    int apiPort = freePort();
    return start(dir, serverConfig(apiPort), apiPort);
  }

  /**
   * A client: SOCKS5 (no auth) on a free 127.0.0.1 port whose traffic goes to {@code outbound}.
   * Returns once the SOCKS port accepts connections; {@link #socksPort()} names it.
   */
  public static V2RayProcess startClient(Path dir, V2RayOutbound outbound) {
    int socksPort = freePort();
    return start(dir, clientConfig(socksPort, outbound.json()), socksPort);
  }

  /**
   * Any configuration: writes {@code dir/config.json}, starts the process and waits until {@code
   * readyPort} on 127.0.0.1 accepts TCP connections (fails with the log if the process exits
   * first).
   */
  public static V2RayProcess start(Path dir, ObjectNode config, int readyPort) {
    Path binary = binary();
    try {
      Files.createDirectories(dir);
      Path configFile = dir.resolve("config.json");
      Files.writeString(
          configFile, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config));
      Path log = dir.resolve("v2ray.log");
      Process p =
          new ProcessBuilder(binary.toString(), "-config", configFile.toString())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      V2RayProcess v = new V2RayProcess(p, dir, log, readyPort);
      try {
        Awaitility.await("v2ray in " + dir + " listening on " + readyPort)
            .atMost(START_TIMEOUT)
            .pollInterval(Duration.ofMillis(50))
            .until(
                () -> {
                  if (!p.isAlive()) {
                    throw new AssertionError(
                        "v2ray exited with " + p.exitValue() + ":\n" + v.logTail());
                  }
                  return accepts(readyPort);
                });
      } catch (ConditionTimeoutException | AssertionError e) {
        v.close();
        throw new AssertionError(e.getMessage() + "\n" + v.logTail(), e);
      }
      return v;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The server configuration of {@link #startServer}, API on {@code apiPort}. */
  public static ObjectNode serverConfig(int apiPort) {
    ObjectNode c = JSON.createObjectNode();
    c.putObject("log").put("loglevel", "warning");
    ObjectNode api = c.putObject("api").put("tag", "api");
    api.putArray("services").add("HandlerService").add("StatsService");
    c.putObject("stats");
    ObjectNode policy = c.putObject("policy");
    policy
        .putObject("levels")
        .putObject("0")
        .put("statsUserUplink", true)
        .put("statsUserDownlink", true);
    policy.putObject("system").put("statsInboundUplink", true).put("statsInboundDownlink", true);
    ObjectNode in = c.putArray("inbounds").addObject();
    in.put("tag", "api").put("listen", "127.0.0.1").put("port", apiPort);
    in.put("protocol", "dokodemo-door").putObject("settings").put("address", "127.0.0.1");
    c.putArray("outbounds").addObject().put("protocol", "freedom").put("tag", "direct");
    ObjectNode rule = c.putObject("routing").putArray("rules").addObject().put("type", "field");
    rule.putArray("inboundTag").add("api");
    rule.put("outboundTag", "api");
    return c;
  }

  /** The client configuration of {@link #startClient}: SOCKS on {@code socksPort}. */
  public static ObjectNode clientConfig(int socksPort, ObjectNode outbound) {
    ObjectNode c = JSON.createObjectNode();
    c.putObject("log").put("loglevel", "warning");
    ObjectNode in = c.putArray("inbounds").addObject();
    in.put("tag", "socks").put("listen", "127.0.0.1").put("port", socksPort);
    in.put("protocol", "socks").putObject("settings").put("auth", "noauth").put("udp", false);
    ArrayNode outs = c.putArray("outbounds");
    outs.add(outbound.deepCopy().put("tag", "proxy"));
    return c;
  }

  /** A TCP port that was free a moment ago on 127.0.0.1. */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether something accepts TCP connections on 127.0.0.1:{@code port}. */
  public static boolean accepts(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The binary, or: fail when {@code CI=true}, skip otherwise (Debian: {@code apt-get install
   * v2ray}; {@code ./run-tests} does it).
   */
  public static Path binary() {
    if (Files.isExecutable(BINARY)) {
      return BINARY;
    }
    String why = "v2ray is not installed at " + BINARY + " (Debian: apt-get install -y v2ray)";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new AssertionError(why + " but CI=true: this test must run in CI");
    }
    Assumptions.abort(why + "; skipping");
    return null;
  }

  /** The API port of a server, the SOCKS port of a client, the ready port of {@link #start}. */
  public int port() {
    return port;
  }

  public int apiPort() {
    return port;
  }

  public int socksPort() {
    return port;
  }

  public Path dir() {
    return dir;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL, and wait until it is gone. */
  public void kill9() {
    process.destroyForcibly();
    waitFor(Duration.ofSeconds(10));
  }

  /** The last 40 lines of the process output. */
  public String logTail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      if (!waitFor(Duration.ofSeconds(5))) {
        process.destroyForcibly();
        waitFor(Duration.ofSeconds(5));
      }
    }
  }

  private boolean waitFor(Duration d) {
    try {
      return process.waitFor(d.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public String toString() {
    return "V2RayProcess[pid " + process.pid() + " port " + port + " " + dir + "]";
  }
}
