package io.raftray.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The packaged program ({@code java -jar target/raftray.jar}) as a separate OS process, on one data
 * directory: {@code init}, {@code run} until ready, SIGKILL, SIGTERM, the CLI, and a small JSON
 * client for the admin API with the owner token.
 *
 * <p>Every {@code run} writes stdout and stderr to their own files beside the data directory
 * ({@code <data-dir>-logs/run-<n>.out|.err}), so assertions can tell the one-line error on stderr
 * from the log on stdout.
 */
final class RaftrayProcess implements AutoCloseable {
  static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
  static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern SNAPSHOT = Pattern.compile("snapshot\\.(\\d+)_(\\d+)");

  private final Path dataDir;
  private final Path logDir;
  private final Path tokenFile;
  private int port;
  private String apiBaseUrl;
  private String name;
  private Process process;
  private int runs;
  private Integer lastExit;
  private HttpClient http;
  private List<String> runArgs = List.of();
  private Map<String, String> runEnv = Map.of();

  private RaftrayProcess(Path dataDir, Path tokenFile, int port) {
    this.dataDir = dataDir.toAbsolutePath();
    this.logDir = this.dataDir.resolveSibling(this.dataDir.getFileName() + "-logs");
    this.tokenFile = tokenFile.toAbsolutePath();
    this.port = port;
    this.apiBaseUrl = "https://127.0.0.1:" + port;
    try {
      Files.createDirectories(logDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---------------------------------------------------------------- program and processes

  /** The JVM running this test: a JDK >= 21 chosen by the build, unlike {@code java} on PATH. */
  static String javaBin() {
    return ProcessHandle.current().info().command().orElseThrow();
  }

  /** {@code target/raftray.jar}, set by failsafe; fails loudly when missing. */
  static Path jar() {
    String p = System.getProperty("raftray.jar");
    assertThat(p).as("system property raftray.jar (set by failsafe)").isNotBlank();
    Path jar = Path.of(p);
    assertThat(jar).as("the packaged program; run 'mvnw package' first").isRegularFile();
    return jar;
  }

  /**
   * {@code java <launcher options> -jar raftray.jar args}: the JVM options are those the {@code
   * ./raftray} launcher adds, so the tests run the program as operators do.
   */
  static List<String> command(String... args) {
    List<String> cmd =
        new ArrayList<>(List.of(javaBin(), "-Xmx512m", "-XX:+ExitOnOutOfMemoryError"));
    if (Runtime.version().feature() >= 24) {
      cmd.add("--sun-misc-unsafe-memory-access=allow");
    }
    cmd.addAll(List.of("-jar", jar().toString()));
    cmd.addAll(Arrays.asList(args));
    return cmd;
  }

  /** A port that was free a moment ago (the OS picks it; we release it right away). */
  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Output of a finished command. */
  record Result(int exitCode, String stdout, String stderr) {
    /** stderr without the JVM's own warnings (e.g. sun.misc.Unsafe notices on JDK >= 24). */
    List<String> errorLines() {
      return stderr.lines().filter(l -> !l.isBlank() && !l.startsWith("WARNING: ")).toList();
    }

    String all() {
      return stdout + stderr;
    }

    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
    }
  }

  /** Runs {@code java -jar raftray.jar args} to completion; output is captured via files. */
  static Result exec(Path workDir, Map<String, String> env, Duration timeout, String... args) {
    try {
      Files.createDirectories(workDir);
      Path out = Files.createTempFile(workDir, "cmd-", ".out");
      Path err = Files.createTempFile(workDir, "cmd-", ".err");
      ProcessBuilder pb =
          new ProcessBuilder(command(args))
              .directory(workDir.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .redirectOutput(out.toFile())
              .redirectError(err.toFile());
      pb.environment().remove("RAFTRAY_TOKEN");
      pb.environment().remove("RAFTRAY_SERVER");
      pb.environment().remove("RAFTRAY_CA");
      pb.environment().putAll(env);
      Process p = pb.start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor();
        throw new AssertionError(
            "raftray " + String.join(" ", args) + " did not finish within " + timeout);
      }
      return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /**
   * {@code raftray init} into {@code dataDir} listening on 127.0.0.1:port; the owner token goes to
   * {@code <data-dir>.token}. Asserts success.
   */
  static RaftrayProcess init(Path dataDir, int port) {
    return init(dataDir, port, "https://127.0.0.1:" + port, null);
  }

  /**
   * {@code raftray init} with another {@code --api-base-url} (e.g. a reverse proxy in front of the
   * node) and, when not null, {@code --name}.
   */
  static RaftrayProcess init(Path dataDir, int port, String apiBaseUrl, String name) {
    Path token = dataDir.resolveSibling(dataDir.getFileName() + ".token");
    RaftrayProcess p = new RaftrayProcess(dataDir, token, port);
    p.apiBaseUrl = apiBaseUrl;
    p.name = name;
    Result r = exec(p.logDir, Map.of(), Duration.ofSeconds(60), p.initArgs());
    assertThat(r.exitCode()).as("raftray init\n%s", r).isZero();
    assertThat(token).isRegularFile();
    return p;
  }

  /**
   * {@code raftray join TOKEN --data-dir dataDir --bind 127.0.0.1:port --api-base-url apiBaseUrl
   * --access-host 127.0.0.1 --name name} as its own process; asserts exit 0. The admin token of the
   * returned node is the cluster's owner token in {@code ownerTokenFile}.
   */
  static RaftrayProcess join(
      String joinToken,
      Path dataDir,
      int port,
      String apiBaseUrl,
      String name,
      Path ownerTokenFile) {
    RaftrayProcess p = new RaftrayProcess(dataDir, ownerTokenFile, port);
    p.apiBaseUrl = apiBaseUrl;
    p.name = name;
    Result r =
        exec(
            p.logDir,
            Map.of(),
            Duration.ofSeconds(90),
            "join",
            joinToken,
            "--data-dir",
            p.dataDir.toString(),
            "--bind",
            "127.0.0.1:" + port,
            "--api-base-url",
            apiBaseUrl,
            "--access-host",
            "127.0.0.1",
            "--name",
            name);
    assertThat(r.exitCode()).as("raftray join (%s)\n%s", name, r).isZero();
    assertThat(p.configFile()).isRegularFile();
    return p;
  }

  /**
   * The admin CLI ({@code raftray <args> --data-dir D}) with the owner token in {@code
   * RAFTRAY_TOKEN}: server URL and CA come from this node's data directory.
   */
  Result cli(String... args) {
    List<String> all = new ArrayList<>(Arrays.asList(args));
    all.addAll(List.of("--data-dir", dataDir.toString()));
    return exec(
        logDir,
        Map.of("RAFTRAY_TOKEN", token()),
        Duration.ofSeconds(60),
        all.toArray(String[]::new));
  }

  /** A data directory made elsewhere (e.g. by a test running {@code init} itself). */
  static RaftrayProcess existing(Path dataDir, Path tokenFile, int port) {
    return new RaftrayProcess(dataDir, tokenFile, port);
  }

  String[] initArgs() {
    String[] args = {
      "init",
      "--data-dir",
      dataDir.toString(),
      "--bind",
      "127.0.0.1:" + port,
      "--api-base-url",
      apiBaseUrl,
      "--access-host",
      "127.0.0.1",
      "--admin-token-file",
      tokenFile.toString()
    };
    if (name == null) {
      return args;
    }
    String[] named = Arrays.copyOf(args, args.length + 2);
    named[args.length] = "--name";
    named[args.length + 1] = name;
    return named;
  }

  /**
   * A copy of this (stopped) node's data directory and token at {@code target}, moved to a fresh
   * port: lets several tests damage their own copy of one prepared directory.
   */
  RaftrayProcess copyTo(Path target) {
    assertThat(isRunning()).as("copy only a stopped node").isFalse();
    copyTree(dataDir, target);
    Path token = target.resolveSibling(target.getFileName() + ".token");
    try {
      Files.copy(tokenFile, token);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    RaftrayProcess copy = new RaftrayProcess(target, token, port);
    copy.movePort(freePort());
    return copy;
  }

  /** Points node.json (bind, base URL, own peer entry) at another port. */
  void movePort(int newPort) {
    String base = "https://127.0.0.1:" + newPort;
    editConfig(
        c -> {
          c.put("bind", "127.0.0.1:" + newPort);
          c.put("api_base_url", base);
          for (JsonNode peer : c.withArray("initial_peers")) {
            ((ObjectNode) peer).put("api_base_url", base);
          }
        });
    this.port = newPort;
    this.apiBaseUrl = base;
    this.http = null;
  }

  /** Starts {@code raftray run} and waits until {@code /readyz} answers 200. */
  RaftrayProcess start() {
    launch();
    try {
      awaitReady();
      awaitReplicationMode();
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(e.getMessage() + "\n" + logTail(60), e);
    }
    return this;
  }

  /**
   * The replication mode the daemon inherits from this JVM's environment ({@code
   * RAFTRAY_REPLICATION}, set by {@code -Draftray.replication}, docs/testing.md).
   */
  static String expectedReplication() {
    return io.raftray.config.Tunables.fromEnvironment(System.getenv()).pipelinedReplication()
        ? "pipelined"
        : "default";
  }

  /**
   * Asserts that the run logged the replication mode of {@link #expectedReplication} (the {@code
   * raft timings: ...} line at start), so a run with {@code -Draftray.replication} really tested
   * that mode. Skipped when the node logs below INFO.
   */
  private void awaitReplicationMode() {
    String level = System.getenv("RAFTRAY_IT_LOG_LEVEL");
    if (level != null && (level.equalsIgnoreCase("warn") || level.equalsIgnoreCase("error"))) {
      return;
    }
    String expected = "replication " + expectedReplication();
    await("'" + expected + "' in the log of " + dataDir)
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> read(stdoutFile()).lines().anyMatch(l -> l.contains("raft timings:")));
    assertThat(read(stdoutFile()).lines().filter(l -> l.contains("raft timings:")).toList())
        .as("replication mode logged by the daemon")
        .allMatch(l -> l.endsWith(expected));
  }

  private void awaitReady() {
    await("readyz 200 from " + dataDir)
        .atMost(START_TIMEOUT)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              if (!process.isAlive()) {
                throw new AssertionError(
                    "raftray run exited with "
                        + process.exitValue()
                        + " before it was ready\n"
                        + lastRun());
              }
              return readyzStatus() == 200;
            });
  }

  /** Extra options for every later {@code raftray run}, e.g. {@code --xray-bin PATH}. */
  void setRunArgs(String... args) {
    runArgs = List.of(args);
  }

  /** Extra environment for every later {@code raftray run}, e.g. {@code RAFTRAY_TELEGRAM_API}. */
  void setRunEnv(Map<String, String> env) {
    runEnv = Map.copyOf(env);
  }

  /** Starts {@code raftray run} without waiting for anything. */
  Process launch() {
    assertThat(isRunning()).as("already running").isFalse();
    runs++;
    lastExit = null;
    try {
      ProcessBuilder pb =
          new ProcessBuilder(runCommand())
              .directory(logDir.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .redirectOutput(stdoutFile().toFile())
              .redirectError(stderrFile().toFile());
      // RAFTRAY_IT_LOG_LEVEL=debug makes every node log Ratis' INFO/DEBUG lines too.
      String level = System.getenv("RAFTRAY_IT_LOG_LEVEL");
      if (level != null && !level.isBlank()) {
        pb.environment().put("RAFTRAY_LOG_LEVEL", level);
      }
      pb.environment().putAll(runEnv);
      process = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return process;
  }

  private List<String> runCommand() {
    List<String> args = new java.util.ArrayList<>(List.of("run", "--data-dir", dataDir.toString()));
    args.addAll(runArgs);
    return command(args.toArray(String[]::new));
  }

  /**
   * For a run that must fail: waits until the process exits, polling {@code /readyz} meanwhile.
   * Asserts that it exits within {@code timeout} and never answered ready.
   */
  Result awaitFailedStart(Duration timeout) {
    AtomicBoolean wasReady = new AtomicBoolean();
    await("raftray run in " + dataDir + " to exit")
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(150))
        .until(
            () -> {
              if (process.isAlive() && readyzStatus() == 200) {
                wasReady.set(true);
              }
              return !process.isAlive();
            });
    lastExit = process.exitValue();
    Result r = lastRun();
    assertThat(wasReady).as("a node that fails to start must never be ready\n%s", r).isFalse();
    return r;
  }

  /** SIGKILL (Process.destroyForcibly on Linux) and wait for the process to be gone. */
  int kill9() {
    process.destroyForcibly();
    return waitExit(STOP_TIMEOUT);
  }

  /** SIGTERM; asserts a clean exit (code 0) within 20 s. */
  void stop() {
    process.destroy();
    int code = waitExit(STOP_TIMEOUT);
    assertThat(code).as("exit code after SIGTERM\n%s", logTail(20)).isZero();
  }

  private int waitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor();
        throw new AssertionError("raftray run did not exit within " + timeout + "\n" + logTail(30));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
    lastExit = process.exitValue();
    return lastExit;
  }

  /** OS process id of the current run (for {@code kill -STOP} / {@code kill -CONT}). */
  long pid() {
    assertThat(isRunning()).as("running").isTrue();
    return process.pid();
  }

  /** {@code kill -<signal> <pid>} through the {@code kill} program; asserts it succeeded. */
  void signal(String signal) {
    try {
      Process k =
          new ProcessBuilder("kill", "-" + signal, Long.toString(pid()))
              .redirectErrorStream(true)
              .start();
      String out = new String(k.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(k.waitFor(10, TimeUnit.SECONDS)).as("kill -%s finished", signal).isTrue();
      assertThat(k.exitValue()).as("kill -%s %d: %s", signal, pid(), out).isZero();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** Exit code of the last run, or null while it runs (or before the first). */
  Integer exitCode() {
    return lastExit;
  }

  @Override
  public void close() {
    if (isRunning()) {
      process.destroyForcibly();
      try {
        process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  // ---------------------------------------------------------------- logs

  Path stdoutFile() {
    return logDir.resolve("run-" + runs + ".out");
  }

  Path stderrFile() {
    return logDir.resolve("run-" + runs + ".err");
  }

  /** stdout and stderr of the current or last run. */
  Result lastRun() {
    return new Result(lastExit == null ? -1 : lastExit, read(stdoutFile()), read(stderrFile()));
  }

  /** The last {@code n} lines of the current run's stdout and stderr, for failure messages. */
  String logTail(int n) {
    List<String> out = read(stdoutFile()).lines().toList();
    List<String> err = read(stderrFile()).lines().toList();
    return "--- stdout (tail)\n"
        + String.join("\n", out.subList(Math.max(0, out.size() - n), out.size()))
        + "\n--- stderr (tail)\n"
        + String.join("\n", err.subList(Math.max(0, err.size() - n), err.size()));
  }

  private static String read(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---------------------------------------------------------------- data directory

  Path dataDir() {
    return dataDir;
  }

  Path logDir() {
    return logDir;
  }

  int port() {
    return port;
  }

  /** The URL other nodes and admins use for this node (may be a proxy in front of it). */
  String apiBaseUrl() {
    return apiBaseUrl;
  }

  /** {@code node_id} from node.json. */
  String nodeId() {
    try {
      return JSON.readTree(configFile().toFile()).get("node_id").asText();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** stdout and stderr of every run of this node so far, for log checks. */
  String allRunLogs() {
    StringBuilder all = new StringBuilder();
    for (int i = 1; i <= runs; i++) {
      all.append(read(logDir.resolve("run-" + i + ".out")))
          .append(read(logDir.resolve("run-" + i + ".err")));
    }
    return all.toString();
  }

  String token() {
    return read(tokenFile).strip();
  }

  Path configFile() {
    return dataDir.resolve("node.json");
  }

  /** Rewrites node.json through {@code edit} (stop the node first: it is read at startup). */
  void editConfig(Consumer<ObjectNode> edit) {
    try {
      ObjectNode root = (ObjectNode) JSON.readTree(configFile().toFile());
      edit.accept(root);
      Files.writeString(
          configFile(), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void setSnapshotEveryEntries(long n) {
    editConfig(c -> c.with("raft").put("snapshot_every_entries", n));
  }

  /** {@code raft/<group-uuid>}: the one Raft group directory of this single-node cluster. */
  Path groupDir() {
    try (Stream<Path> s = Files.list(dataDir.resolve("raft"))) {
      List<Path> groups = s.filter(Files::isDirectory).toList();
      assertThat(groups).as("raft group directories").hasSize(1);
      return groups.get(0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Snapshot files {@code sm/snapshot.<term>_<index>}, oldest first by index. */
  List<Path> snapshots() {
    try (Stream<Path> s = Files.list(groupDir().resolve("sm"))) {
      return s.filter(p -> SNAPSHOT.matcher(p.getFileName().toString()).matches())
          .sorted(Comparator.comparingLong(RaftrayProcess::snapshotIndex))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static long snapshotIndex(Path snapshot) {
    Matcher m = SNAPSHOT.matcher(snapshot.getFileName().toString());
    assertThat(m.matches()).isTrue();
    return Long.parseLong(m.group(2));
  }

  /**
   * Log segment files in {@code current/}: {@code log_<start>-<end>} and {@code
   * log_inprogress_<start>}.
   */
  List<Path> segments() {
    try (Stream<Path> s = Files.list(groupDir().resolve("current"))) {
      return s.filter(p -> p.getFileName().toString().startsWith("log_")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void copyTree(Path from, Path to) {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---------------------------------------------------------------- HTTPS + JSON client

  /** An HTTP status, the parsed body (null when it is not JSON) and the Content-Type. */
  record Response(int status, JsonNode body, String raw, String contentType) {}

  URI uri(String path) {
    return URI.create("https://127.0.0.1:" + port + path);
  }

  /** Trusts exactly {@code <data-dir>/tls/ca.crt}, like the CLI does. */
  synchronized HttpClient http() {
    if (http == null) {
      http =
          HttpClient.newBuilder()
              .sslContext(trusting(dataDir.resolve("tls").resolve("ca.crt")))
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(2))
              .build();
    }
    return http;
  }

  static SSLContext trusting(Path caFile) {
    try (InputStream in = Files.newInputStream(caFile)) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      int i = 0;
      for (var cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        ks.setCertificateEntry("ca-" + i++, cert);
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Status of {@code GET /readyz}, or -1 when nothing answers. */
  int readyzStatus() {
    try {
      HttpRequest req =
          HttpRequest.newBuilder(uri("/readyz")).timeout(Duration.ofSeconds(2)).GET().build();
      return http().send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** An admin API call as the owner; IOException when the node does not answer. */
  Response call(String method, String apiPath, Object body) throws IOException {
    return call(uri("/api/v1" + apiPath), method, body, Duration.ofSeconds(15));
  }

  /**
   * A call to any URL (e.g. this node's API through a proxy) as the owner, trusting the cluster CA,
   * with a request timeout; IOException (HttpTimeoutException on timeout) when nothing answers in
   * time.
   */
  Response call(URI target, String method, Object body, Duration timeout) throws IOException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(target)
            .timeout(timeout)
            .header("Authorization", "Bearer " + token())
            .header("Accept", "application/json");
    if (body == null) {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      b.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
    }
    HttpResponse<String> res;
    try {
      res = http().send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    JsonNode json = null;
    if (!res.body().isEmpty()) {
      try {
        json = JSON.readTree(res.body());
      } catch (IOException notJson) {
        json = null;
      }
    }
    return new Response(
        res.statusCode(), json, res.body(), res.headers().firstValue("Content-Type").orElse(""));
  }

  Response get(String apiPath) {
    try {
      return call("GET", apiPath, null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Response post(String apiPath, Object body) throws IOException {
    return call("POST", apiPath, body);
  }

  /** Every item of a paged list ({@code ?limit=1000}, following {@code next_cursor}). */
  List<JsonNode> listAll(String apiPath) {
    return listAll("https://127.0.0.1:" + port + "/api/v1", apiPath);
  }

  /** {@link #listAll(String)} against another API base, e.g. {@code <proxy>/n1/api/v1}. */
  List<JsonNode> listAll(String apiBase, String apiPath) {
    List<JsonNode> all = new ArrayList<>();
    String cursor = null;
    String sep = apiPath.contains("?") ? "&" : "?";
    for (int page = 0; page < 10_000; page++) {
      String path =
          apiPath
              + sep
              + "limit=1000"
              + (cursor == null
                  ? ""
                  : "&cursor=" + java.net.URLEncoder.encode(cursor, StandardCharsets.UTF_8));
      Response r;
      try {
        r = call(URI.create(apiBase + path), "GET", null, Duration.ofSeconds(15));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      assertThat(r.status()).as("GET %s%s: %s", apiBase, path, r.raw()).isEqualTo(200);
      r.body().get("items").forEach(all::add);
      JsonNode next = r.body().get("next_cursor");
      if (next == null || next.isNull()) {
        return all;
      }
      cursor = next.asText();
    }
    throw new AssertionError("endless pagination on " + apiPath);
  }

  static Map<String, Object> obj(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }
}
