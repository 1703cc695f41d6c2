package io.raftray.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftray.config.NodeConfig;
import io.raftray.config.XraySettings;
import io.raftray.daemon.Bootstrapper;
import io.raftray.daemon.Daemon;
import io.raftray.model.Json;
import io.raftray.testing.InProcessNodes;
import io.raftray.testing.PayloadServer;
import io.raftray.testing.SocksFetch;
import io.raftray.testing.V2RayOutbound;
import io.raftray.testing.V2RayProcess;
import io.raftray.xray.ReconcileState;
import io.raftray.xray.Reconciler;
import io.raftray.xray.XrayStatus;
import io.raftray.xray.XraySupervisor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Data-plane benchmark (issue 4): three in-process daemons on loopback, each supervising a real
 * V2Ray child process (a separate OS process), and real V2Ray CLIENT processes. Run by {@code
 * bench/dataplane.sh}; see bench/README.md for what is measured and how.
 *
 * <ol>
 *   <li><b>propagation</b>: per trial a disabled user with a grant on a vmess/tcp endpoint of node
 *       B and a client for it; t0 just before {@code PATCH /users/{id} {"status":"active"}} sent to
 *       node A; from t0 a SOCKS fetch of a tiny payload through the client is started every {@code
 *       --poll-ms}; t1 = the end of the first successful fetch. Also recorded: the write's answer
 *       on A, and the moment node B's reconciler reports the user applied to its core.
 *   <li><b>bulk</b>: {@code --users} users with a grant each on a second endpoint of node B,
 *       created through node A's API; then {@code kill -9} of node B's core, {@code --restarts}
 *       times: from the moment the supervisor reports the new core ready (its generation changed,
 *       state up) until the reconciler reports every user applied to that generation; then a sample
 *       user fetches.
 * </ol>
 */
public final class DataPlaneBench {
  private static final Path V2RAY = Path.of(System.getProperty("raftray.v2ray", "/usr/bin/v2ray"));
  private static final int PAYLOAD = 64;

  private final Map<String, String> opts;
  private final Path tmp;
  private final List<Daemon> daemons = new ArrayList<>();
  private final List<V2RayProcess> clients = new ArrayList<>();
  private final ObjectNode results = Json.mapper().createObjectNode();
  private InProcessNodes.Api api;
  private PayloadServer payload;
  private int clientSeq;

  private DataPlaneBench(Map<String, String> opts) {
    this.opts = opts;
    this.tmp = Path.of(req("dir"));
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --name value pairs, got " + args[i]);
      }
      opts.put(args[i].substring(2), args[i + 1]);
    }
    Logger.getLogger("")
        .setLevel(Level.parse(opts.getOrDefault("log-level", "WARNING").toUpperCase(Locale.ROOT)));
    DataPlaneBench b = new DataPlaneBench(opts);
    int rc = 1;
    try {
      b.run();
      rc = 0;
    } finally {
      b.close();
    }
    System.exit(rc);
  }

  private String req(String name) {
    String v = opts.get(name);
    if (v == null) {
      throw new IllegalArgumentException("--" + name + " is required");
    }
    return v;
  }

  private int intOpt(String name, int dflt) {
    return Integer.parseInt(opts.getOrDefault(name, String.valueOf(dflt)));
  }

  private static void say(String s) {
    System.out.println("bench: " + s);
    System.out.flush();
  }

  private void run() throws Exception {
    int trials = intOpt("trials", 20);
    int warmup = intOpt("warmup", 2);
    int users = intOpt("users", 10000);
    int restarts = intOpt("restarts", 3);
    results.put("loadavg_start", loadavg());
    startCluster();
    Daemon a = daemons.get(0);
    Daemon b = daemons.get(1);
    Daemon c = daemons.get(2);
    String leaderWanted = opts.getOrDefault("leader", "c");
    Daemon leader =
        switch (leaderWanted) {
          case "a" -> a;
          case "b" -> b;
          default -> c;
        };
    moveLeader(leader);
    results.put("leader", leaderWanted);
    say(
        "3 nodes ready (A="
            + a.config().nodeId()
            + ", B="
            + b.config().nodeId()
            + ", C="
            + c.config().nodeId()
            + "); Raft leader is "
            + leaderWanted.toUpperCase(Locale.ROOT)
            + "; writes go to A, clients connect through B's V2Ray");
    payload = PayloadServer.start(PAYLOAD);
    if (trials > 0) {
      propagation(a, b, warmup, trials);
    }
    if (users > 0) {
      bulk(a, b, users, restarts);
    }
    results.put("loadavg_end", loadavg());
    say("loadavg start " + results.path("loadavg_start").asText() + ", end " + loadavg());
    String out = opts.get("results");
    if (out != null) {
      Files.writeString(
          Path.of(out),
          Json.mapper().writeValueAsString(results) + "\n",
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    }
  }

  // --- cluster ------------------------------------------------------------------------------

  private void startCluster() throws Exception {
    Bootstrapper.Seed seed = InProcessNodes.prepare(tmp, 3);
    api =
        new InProcessNodes.Api(
            InProcessNodes.trustingCa(seed.configs().get(0).dataDir()),
            seed.owner().plaintext(),
            Duration.ofSeconds(30));
    for (int i = 0; i < 3; i++) {
      NodeConfig cfg = seed.configs().get(i).withXray(XraySettings.supervised(V2RAY));
      daemons.add(Daemon.start(cfg));
    }
    InProcessNodes.awaitBootstrapped(seed, daemons.get(0));
    for (Daemon d : daemons) {
      until("readyz 200 on " + d.config().nodeId(), Duration.ofMinutes(2), () -> ready(d));
    }
  }

  private boolean ready(Daemon d) {
    try {
      return api.call(d, "GET", "/readyz", null).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void moveLeader(Daemon target) {
    String id = target.config().nodeId();
    until(
        "a leader", Duration.ofSeconds(60), () -> target.replica().status().leaderId().isPresent());
    if (!target.replica().status().leaderId().orElseThrow().equals(id)) {
      target.replica().transferLeadership(id, Duration.ofSeconds(30));
    }
    for (Daemon d : daemons) {
      until(
          "every node sees the new leader",
          Duration.ofSeconds(30),
          () -> d.replica().status().leaderId().map(id::equals).orElse(false));
    }
  }

  private JsonNode call(Daemon d, String method, String path, String body, int expect)
      throws IOException, InterruptedException {
    HttpResponse<String> r = api.call(d, method, path, body);
    if (r.statusCode() != expect) {
      throw new IllegalStateException(
          method + " " + path + " answered " + r.statusCode() + ": " + r.body());
    }
    return r.body() == null || r.body().isEmpty() ? null : InProcessNodes.json(r);
  }

  private JsonNode endpoint(Daemon via, Daemon on, String tag)
      throws IOException, InterruptedException {
    return call(
        via,
        "POST",
        "/api/v1/endpoints",
        "{\"node_id\":\""
            + on.config().nodeId()
            + "\",\"tag\":\""
            + tag
            + "\",\"protocol\":\"vmess\",\"port\":"
            + V2RayProcess.freePort()
            + ",\"transport\":\"tcp\",\"security\":\"none\"}",
        201);
  }

  private V2RayProcess client(int port, String credential) {
    Path dir = tmp.resolve("client-" + clientSeq++);
    V2RayProcess p =
        V2RayProcess.startClient(dir, V2RayOutbound.vmess("127.0.0.1", port, credential));
    clients.add(p);
    return p;
  }

  /**
   * One GET of the payload through the client's SOCKS port on a fresh connection; true when the
   * whole body arrived. Done once Content-Length bytes are read: waiting for the close (as {@link
   * SocksFetch} does) adds V2Ray's close propagation, about a second, to every fetch.
   */
  private boolean fetches(V2RayProcess client, Duration timeout) {
    URI url = payload.uri();
    int millis = (int) timeout.toMillis();
    Proxy proxy =
        new Proxy(Proxy.Type.SOCKS, new InetSocketAddress("127.0.0.1", client.socksPort()));
    try (Socket s = new Socket(proxy)) {
      s.setSoTimeout(millis);
      s.connect(new InetSocketAddress(url.getHost(), url.getPort()), millis);
      OutputStream out = s.getOutputStream();
      out.write(
          ("GET "
                  + url.getRawPath()
                  + " HTTP/1.0\r\nHost: "
                  + url.getHost()
                  + ":"
                  + url.getPort()
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      if (!headerLine(in).matches("HTTP/1\\.[01] 200 .*")) {
        return false;
      }
      int length = -1;
      for (String h = headerLine(in); !h.isEmpty(); h = headerLine(in)) {
        if (h.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
          length = Integer.parseInt(h.substring(h.indexOf(':') + 1).trim());
        }
      }
      return length >= 0 && Arrays.equals(in.readNBytes(length), payload.payload());
    } catch (IOException e) {
      return false;
    }
  }

  private static String headerLine(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0 || b.length() > 8192) {
        throw new IOException("no complete response header");
      }
      if (c != '\r') {
        b.append((char) c);
      }
    }
    return b.toString();
  }

  /** Sequential fetches of an active user: what one successful attempt costs by itself. */
  private List<Double> baseline(V2RayProcess cl, int n) {
    List<Double> xs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long t = System.nanoTime();
      if (!fetches(cl, seconds(5))) {
        throw new IllegalStateException("an active user's fetch failed");
      }
      xs.add(ms(System.nanoTime() - t));
    }
    return xs;
  }

  private static Reconciler.Status recon(Daemon d) {
    return d.dataPlane().orElseThrow().reconcileStatus();
  }

  // --- (1) propagation ----------------------------------------------------------------------

  private void propagation(Daemon a, Daemon b, int warmup, int trials) throws Exception {
    long pollNanos = Duration.ofMillis(intOpt("poll-ms", 20)).toNanos();
    Duration attemptTimeout = Duration.ofMillis(intOpt("attempt-timeout-ms", 2000));
    JsonNode ep = endpoint(a, b, "bench-trial");
    String epId = ep.path("id").asText();
    int port = ep.path("port").asInt();
    until(
        "node B runs the trial endpoint",
        Duration.ofSeconds(60),
        () -> V2RayProcess.accepts(port) && recon(b).state() == ReconcileState.OK);
    List<Double> e2e = new ArrayList<>();
    List<Double> ack = new ArrayList<>();
    List<Double> applied = new ArrayList<>();
    int total = warmup + trials;
    for (int t = 0; t < total; t++) {
      boolean measured = t >= warmup;
      String userId =
          call(
                  a,
                  "POST",
                  "/api/v1/users",
                  "{\"name\":\"dp-trial-" + t + "\",\"status\":\"disabled\"}",
                  201)
              .path("id")
              .asText();
      String cred =
          call(
                  a,
                  "POST",
                  "/api/v1/grants",
                  "{\"user_id\":\"" + userId + "\",\"endpoint_id\":\"" + epId + "\"}",
                  201)
              .path("credential")
              .asText();
      V2RayProcess cl = client(port, cred);
      // Before t0: node B has the disabled user and its grant, its core has no user, and the
      // client is refused (the measured change is the enabling only).
      until(
          "node B knows the disabled user",
          Duration.ofSeconds(30),
          () -> status(b, "/api/v1/grants?user_id=" + userId).contains(epId));
      until(
          "node B's core has no user",
          Duration.ofSeconds(30),
          () -> recon(b).state() == ReconcileState.OK && recon(b).users() == 0);
      if (fetches(cl, Duration.ofSeconds(1))) {
        throw new IllegalStateException("a disabled user could fetch through node B");
      }

      Trial r = trial(a, b, userId, cl, pollNanos, attemptTimeout);
      if (measured) {
        e2e.add(r.connectMs);
        ack.add(r.ackMs);
        applied.add(r.appliedMs);
      }
      say(
          String.format(
              Locale.ROOT,
              "%s %2d: write answered on A %.1f ms, applied to B's core %.1f ms, client connected"
                  + " through B %.1f ms (%d fetch attempts)",
              measured ? "trial " : "warmup",
              measured ? t - warmup + 1 : t + 1,
              r.ackMs,
              r.appliedMs,
              r.connectMs,
              r.attempts));
      if (t == total - 1) {
        List<Double> base = baseline(cl, 20);
        summary(results, "fetch_baseline_ms", base);
        say("    one fetch of an active user, for comparison: " + line(base));
        List<Double> eof = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          long t1 = System.nanoTime();
          SocksFetch.get(cl.socksPort(), payload.uri(), seconds(5));
          eof.add(ms(System.nanoTime() - t1));
        }
        summary(results, "fetch_until_close_ms", eof);
        say("    the same, reading until the connection closes (testing/SocksFetch): " + line(eof));
      }
      cl.close();
      clients.remove(cl);
      call(a, "DELETE", "/api/v1/users/" + userId, null, 204);
      until(
          "node B's core drops the trial user",
          Duration.ofSeconds(30),
          () -> recon(b).state() == ReconcileState.OK && recon(b).users() == 0);
    }
    ObjectNode p = results.putObject("propagation");
    p.put("trials", trials);
    p.put("poll_ms", pollNanos / 1_000_000);
    summary(p, "connect_ms", e2e);
    summary(p, "write_ack_ms", ack);
    summary(p, "applied_on_b_ms", applied);
    say("(1) admin write on A -> user connects through B's V2Ray, " + trials + " trials:");
    say("    connect           " + line(e2e));
    say("    write answered    " + line(ack));
    say("    applied on B core " + line(applied));
  }

  private record Trial(double ackMs, double appliedMs, double connectMs, int attempts) {}

  @SuppressWarnings("FutureReturnValueIgnored") // the probes report through the atomics
  private Trial trial(
      Daemon a, Daemon b, String userId, V2RayProcess cl, long pollNanos, Duration attemptTimeout)
      throws Exception {
    AtomicLong firstOk = new AtomicLong(Long.MAX_VALUE);
    AtomicLong appliedAt = new AtomicLong(Long.MAX_VALUE);
    int attempts = 0;
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      long t0 = System.nanoTime();
      Future<Long> write =
          pool.submit(
              () -> {
                call(a, "PATCH", "/api/v1/users/" + userId, "{\"status\":\"active\"}", 200);
                return System.nanoTime();
              });
      pool.submit(
          () -> {
            while (appliedAt.get() == Long.MAX_VALUE && System.nanoTime() < deadline) {
              if (recon(b).users() >= 1) {
                appliedAt.compareAndSet(Long.MAX_VALUE, System.nanoTime());
              }
              LockSupport.parkNanos(200_000);
            }
          });
      long next = t0;
      while (firstOk.get() == Long.MAX_VALUE) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the enabled user could not connect within 60 s");
        }
        attempts++;
        pool.submit(
            () -> {
              if (fetches(cl, attemptTimeout)) {
                long now = System.nanoTime();
                firstOk.accumulateAndGet(now, Math::min);
              }
            });
        next += pollNanos;
        long wait = next - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
      }
      long ackAt = write.get();
      pool.shutdownNow(); // outstanding failed attempts: not waited for
      return new Trial(ms(ackAt - t0), ms(appliedAt.get() - t0), ms(firstOk.get() - t0), attempts);
    }
  }

  private String status(Daemon d, String path) {
    try {
      HttpResponse<String> r = api.call(d, "GET", path, null);
      return r.statusCode() == 200 ? r.body() : "";
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  // --- (2) bulk -----------------------------------------------------------------------------

  private void bulk(Daemon a, Daemon b, int users, int restarts) throws Exception {
    int writers = intOpt("writers", 16);
    JsonNode ep = endpoint(a, b, "bench-bulk");
    String epId = ep.path("id").asText();
    int port = ep.path("port").asInt();
    say("(2) creating " + users + " users with a grant each through A (" + writers + " writers)");
    AtomicInteger next = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    String[] sample = new String[1];
    long c0 = System.nanoTime();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> fs = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        fs.add(
            pool.submit(
                () -> {
                  for (int i = next.getAndIncrement(); i < users; i = next.getAndIncrement()) {
                    String id =
                        call(
                                a,
                                "POST",
                                "/api/v1/users",
                                String.format(Locale.ROOT, "{\"name\":\"dp-bulk-%06d\"}", i),
                                201)
                            .path("id")
                            .asText();
                    String cred =
                        call(
                                a,
                                "POST",
                                "/api/v1/grants",
                                "{\"user_id\":\"" + id + "\",\"endpoint_id\":\"" + epId + "\"}",
                                201)
                            .path("credential")
                            .asText();
                    if (i == users - 1) {
                      sample[0] = cred;
                    }
                    int n = done.incrementAndGet();
                    if (n % 1000 == 0) {
                      say(
                          String.format(
                              Locale.ROOT,
                              "    %d users + grants after %.1f s; B's core has %d users",
                              n,
                              ms(System.nanoTime() - c0) / 1000,
                              recon(b).users()));
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
    }
    long c1 = System.nanoTime();
    double createS = ms(c1 - c0) / 1000;
    until(
        "node B's core has all users",
        Duration.ofMinutes(5),
        () -> recon(b).state() == ReconcileState.OK && recon(b).users() == users);
    double catchUpMs = ms(System.nanoTime() - c1);
    ObjectNode j = results.putObject("bulk");
    j.put("users", users);
    j.put("writers", writers);
    j.put("create_seconds", createS);
    j.put("create_writes_per_second", 2.0 * users / createS);
    j.put("incremental_catch_up_ms", catchUpMs);
    say(
        String.format(
            Locale.ROOT,
            "    created %d users + %d grants in %.1f s (%.0f writes/s); B's core had all of them"
                + " %.0f ms after the last write was answered",
            users,
            users,
            createS,
            2.0 * users / createS,
            catchUpMs));

    V2RayProcess cl = client(port, sample[0]);
    until("the sample user fetches", Duration.ofSeconds(30), () -> fetches(cl, seconds(5)));

    XraySupervisor xray = b.xray().orElseThrow();
    List<Double> fill = new ArrayList<>();
    List<Double> restart = new ArrayList<>();
    List<Double> fetchAfter = new ArrayList<>();
    for (int r = 1; r <= restarts; r++) {
      XrayStatus before = xray.status();
      long gen = before.generation();
      long k0 = System.nanoTime();
      ProcessHandle.of(before.pid()).orElseThrow().destroyForcibly();
      long readyAt = pollUntil(Duration.ofMinutes(2), () -> newCoreUp(xray, gen));
      long newGen = xray.status().generation();
      long filledAt =
          pollUntil(
              Duration.ofMinutes(5),
              () -> {
                Reconciler.Status s = recon(b);
                return s.generation() == newGen
                    && s.state() == ReconcileState.OK
                    && s.users() == users;
              });
      long fetchedAt = pollUntil(Duration.ofMinutes(1), () -> fetches(cl, Duration.ofSeconds(2)));
      restart.add(ms(readyAt - k0));
      fill.add(ms(filledAt - readyAt));
      fetchAfter.add(ms(fetchedAt - filledAt));
      say(
          String.format(
              Locale.ROOT,
              "    kill -9 #%d: new core ready after %.0f ms; %d users applied %.0f ms after the"
                  + " core was ready; sample user fetched %.0f ms later",
              r,
              ms(readyAt - k0),
              users,
              ms(filledAt - readyAt),
              ms(fetchedAt - filledAt)));
    }
    String readyz = status(b, "/readyz");
    JsonNode rz = Json.mapper().readTree(readyz.isEmpty() ? "{}" : readyz);
    j.put("readyz_reconcile_users", rz.path("xray").path("reconcile").path("users").asInt(-1));
    summary(j, "fill_ms", fill);
    summary(j, "core_restart_ms", restart);
    summary(j, "fetch_after_fill_ms", fetchAfter);
    say("(2) " + users + " users onto one empty V2Ray (after kill -9), " + restarts + " runs:");
    say("    fill              " + line(fill));
    say("    (core restart     " + line(restart) + ")");
    say(
        "    /readyz on B: xray.reconcile.users = "
            + rz.path("xray").path("reconcile").path("users").asText("?"));
  }

  private static boolean newCoreUp(XraySupervisor xray, long gen) {
    XrayStatus s = xray.status();
    return s.generation() > gen && s.up();
  }

  // --- helpers ------------------------------------------------------------------------------

  private static Duration seconds(int s) {
    return Duration.ofSeconds(s);
  }

  /** Polls every 0.2 ms; returns System.nanoTime() when the condition first held. */
  private static long pollUntil(Duration atMost, BooleanSupplier cond) {
    long deadline = System.nanoTime() + atMost.toNanos();
    while (true) {
      if (cond.getAsBoolean()) {
        return System.nanoTime();
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("condition not met within " + atMost);
      }
      LockSupport.parkNanos(200_000);
    }
  }

  private static void until(String what, Duration atMost, BooleanSupplier cond) {
    long deadline = System.nanoTime() + atMost.toNanos();
    while (!cond.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out after " + atMost + " waiting for: " + what);
      }
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    }
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  /** Nearest-rank percentile. */
  static double pct(List<Double> xs, double p) {
    double[] s = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int rank = (int) Math.ceil(p / 100.0 * s.length);
    return s[Math.max(0, Math.min(s.length - 1, rank - 1))];
  }

  private static String line(List<Double> xs) {
    if (xs.isEmpty()) {
      return "(no samples)";
    }
    return String.format(
        Locale.ROOT,
        "p50 %.1f ms  p95 %.1f ms  min %.1f ms  max %.1f ms  (n=%d)",
        pct(xs, 50),
        pct(xs, 95),
        xs.stream().mapToDouble(Double::doubleValue).min().orElse(0),
        xs.stream().mapToDouble(Double::doubleValue).max().orElse(0),
        xs.size());
  }

  private static void summary(ObjectNode o, String name, List<Double> xs) {
    if (xs.isEmpty()) {
      return;
    }
    ObjectNode s = o.putObject(name);
    s.put("p50", pct(xs, 50));
    s.put("p95", pct(xs, 95));
    s.put("min", xs.stream().mapToDouble(Double::doubleValue).min().orElse(0));
    s.put("max", xs.stream().mapToDouble(Double::doubleValue).max().orElse(0));
    var arr = s.putArray("samples");
    xs.forEach(arr::add);
  }

  private static String loadavg() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void close() {
    clients.forEach(V2RayProcess::close);
    for (Daemon d : daemons) {
      try {
        d.close();
      } catch (RuntimeException e) {
        System.err.println("bench: closing a daemon failed: " + e);
      }
    }
    if (payload != null) {
      payload.close();
    }
  }
}
