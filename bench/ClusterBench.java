// Raftray cluster benchmark: load generator, failover probe and report, for a 3-node Raftray
// cluster and a 3-member etcd cluster on loopback. Single file, JDK classes only; run with the
// source launcher (JEP 330). bench/cluster.sh drives it; see bench/README.md.
//
//   $JAVA bench/ClusterBench.java free-ports N
//   $JAVA bench/ClusterBench.java wait     --system raftray|etcd --urls U1,U2,U3 [--ca PEM
//       --token-file F] [--timeout-seconds 120]                  -> prints the leader's index (1..)
//   $JAVA bench/ClusterBench.java load     --system S --urls ... --pids P1,P2,P3 --clients N
//       --warmup-seconds W --seconds S --label L --props FILE [--value-bytes 300] [--ca --token-file]
//   $JAVA bench/ClusterBench.java failover --urls ... --pids ... --ca PEM --token-file F --trial N
//       --props FILE [--writers 8] [--request-timeout-ms 1000] [--give-up-seconds 60]
//                                                                -> prints the killed node's index
//   $JAVA bench/ClusterBench.java report   --props FILE --results FILE
//
// Intermediate figures go to a java.util.Properties file (--props); "report" turns it into the
// human report (stdout) and one JSON line (appended to --results). Keys "meta.*" are machine facts
// written by the script. Every load write must succeed (Raftray 201, etcd 200) or the run fails.

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

public class ClusterBench {

  static final Duration LOAD_REQUEST_TIMEOUT = Duration.ofSeconds(30);
  static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      die("usage: ClusterBench.java free-ports N | wait | load | failover | report | set-preset ...");
    }
    if (args[0].equals("set-preset")) {
      if (args.length != 3) {
        die("usage: ClusterBench.java set-preset NODE_JSON PRESET");
      }
      setPreset(Path.of(args[1]), args[2]);
      return;
    }
    Opts o = Opts.parse(Arrays.copyOfRange(args, 1, args.length));
    switch (args[0]) {
      case "free-ports" -> freePorts(args.length > 1 ? Integer.parseInt(args[1]) : 1);
      case "wait" -> System.out.println(waitHealthy(new Cluster(o), o.i("timeout-seconds", 120)));
      case "load" -> load(o);
      case "failover" -> System.out.println(failover(o));
      case "report" -> report(o);
      default -> die("unknown command: " + args[0]);
    }
  }

  // ---------------------------------------------------------------- options

  record Opts(Map<String, String> m) {
    static Opts parse(String[] a) {
      Map<String, String> m = new LinkedHashMap<>();
      for (int i = 0; i < a.length; i++) {
        if (!a[i].startsWith("--")) {
          if (i == 0) {
            continue; // free-ports N
          }
          die("bad argument: " + a[i]);
        }
        if (i + 1 >= a.length) {
          die("missing value for " + a[i]);
        }
        m.put(a[i].substring(2), a[++i]);
      }
      return new Opts(m);
    }

    String s(String k) {
      String v = m.get(k);
      if (v == null || v.isEmpty()) {
        die("missing --" + k);
      }
      return v;
    }

    String s(String k, String def) {
      String v = m.get(k);
      return v == null || v.isEmpty() ? def : v;
    }

    int i(String k, int def) {
      String v = m.get(k);
      if (v == null || v.isEmpty()) {
        return def;
      }
      try {
        int n = Integer.parseInt(v);
        if (n >= 0) {
          return n;
        }
      } catch (NumberFormatException e) {
        // fall through
      }
      die("--" + k + " must be a non-negative integer, got: " + v);
      return def;
    }

    List<String> list(String k) {
      return List.of(s(k).split(","));
    }
  }

  static void freePorts(int n) throws IOException {
    List<ServerSocket> held = new ArrayList<>(); // held open together: n distinct ports
    try {
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        held.add(s);
        System.out.println(s.getLocalPort());
      }
    } finally {
      for (ServerSocket s : held) {
        s.close();
      }
    }
  }

  // ---------------------------------------------------------------- the two systems

  /** The system under test: how to write, how to find the leader. Node indexes are 0-based. */
  static final class Cluster {
    final String system;
    final List<String> urls;
    final SSLContext ssl;
    final String token;
    final byte[] value;
    String etcdPrefix; // "/v3" (etcd >= 3.4) or "/v3beta" (3.3), found from GET /version

    Cluster(Opts o) throws Exception {
      system = o.s("system", "raftray");
      if (!system.equals("raftray") && !system.equals("etcd")) {
        die("--system must be raftray or etcd");
      }
      urls = new ArrayList<>();
      for (String u : o.list("urls")) {
        urls.add(u.replaceAll("/+$", ""));
      }
      if (raftray()) {
        ssl = trustOnly(Path.of(o.s("ca")));
        token = Files.readString(Path.of(o.s("token-file"))).strip();
      } else {
        ssl = null;
        token = null;
      }
      value = new byte[o.i("value-bytes", 300)];
      new SecureRandom().nextBytes(value);
    }

    boolean raftray() {
      return system.equals("raftray");
    }

    HttpClient client() {
      HttpClient.Builder b =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1) // keep-alive connections, pooled per client
              .connectTimeout(Duration.ofSeconds(5));
      if (ssl != null) {
        b.sslContext(ssl);
      }
      return b.build();
    }

    /** One write: a Raftray user (POST /api/v1/users) or an etcd key (POST /v3/kv/put). */
    HttpRequest write(int node, String id, Duration timeout) {
      if (raftray()) {
        return HttpRequest.newBuilder(URI.create(urls.get(node) + "/api/v1/users"))
            .timeout(timeout)
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + id + "\"}"))
            .build();
      }
      Base64.Encoder b64 = Base64.getEncoder();
      String body =
          "{\"key\":\""
              + b64.encodeToString(("bench/" + id).getBytes(StandardCharsets.UTF_8))
              + "\",\"value\":\""
              + b64.encodeToString(value)
              + "\"}";
      return HttpRequest.newBuilder(URI.create(urls.get(node) + etcdPrefix + "/kv/put"))
          .timeout(timeout)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body))
          .build();
    }

    int okStatus() {
      return raftray() ? 201 : 200;
    }

    String get(HttpClient c, String url, boolean auth) throws IOException, InterruptedException {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(PROBE_TIMEOUT).GET();
      if (auth) {
        b.header("Authorization", "Bearer " + token);
      }
      HttpResponse<String> r = c.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? r.body() : null;
    }

    String post(HttpClient c, String url, String body) throws IOException, InterruptedException {
      HttpRequest req =
          HttpRequest.newBuilder(URI.create(url))
              .timeout(PROBE_TIMEOUT)
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body))
              .build();
      HttpResponse<String> r = c.send(req, HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? r.body() : null;
    }

    /**
     * The leader's index if the whole cluster is healthy and agrees on it, else a reason (String).
     * Raftray: every node /readyz = 200 and GET /api/v1/cluster on every node names the same
     * leader with all members healthy. etcd: every member /health = true and the same leader in
     * /maintenance/status.
     */
    Object health(HttpClient c) {
      try {
        if (raftray()) {
          String leaderId = null;
          int leaderIdx = -1;
          for (int n = 0; n < urls.size(); n++) {
            if (get(c, urls.get(n) + "/readyz", false) == null) {
              return "node " + (n + 1) + " not ready";
            }
            String body = get(c, urls.get(n) + "/api/v1/cluster", true);
            if (body == null) {
              return "node " + (n + 1) + ": GET /api/v1/cluster failed";
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> st = (Map<String, Object>) Json.parse(body);
            Object lid = st.get("leader_id");
            if (!(lid instanceof String l)) {
              return "node " + (n + 1) + " knows no leader";
            }
            if (leaderId != null && !leaderId.equals(l)) {
              return "nodes disagree on the leader";
            }
            leaderId = l;
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> members = (List<Map<String, Object>>) st.get("members");
            if (members.size() != urls.size()) {
              return members.size() + " members, want " + urls.size();
            }
            for (Map<String, Object> m : members) {
              if (!Boolean.TRUE.equals(m.get("healthy"))) {
                return "member " + m.get("name") + " not healthy";
              }
              if (l.equals(m.get("node_id"))) {
                leaderIdx = urls.indexOf(String.valueOf(m.get("api_base_url")).replaceAll("/+$", ""));
              }
            }
          }
          return leaderIdx >= 0 ? (Object) leaderIdx : "leader's URL is none of --urls";
        }
        if (etcdPrefix == null) {
          String v = get(c, urls.get(0) + "/version", false);
          if (v == null) {
            return "etcd /version failed";
          }
          @SuppressWarnings("unchecked")
          String server = (String) ((Map<String, Object>) Json.parse(v)).get("etcdserver");
          String[] p = server.split("\\.");
          int major = Integer.parseInt(p[0]), minor = Integer.parseInt(p[1]);
          etcdPrefix = major > 3 || minor >= 4 ? "/v3" : minor == 3 ? "/v3beta" : "/v3alpha";
        }
        String leader = null;
        int leaderIdx = -1;
        for (int n = 0; n < urls.size(); n++) {
          String h = get(c, urls.get(n) + "/health", false);
          if (h == null || !h.contains("\"true\"")) {
            return "member " + (n + 1) + " not healthy";
          }
          String body = post(c, urls.get(n) + etcdPrefix + "/maintenance/status", "{}");
          if (body == null) {
            return "member " + (n + 1) + ": status failed";
          }
          @SuppressWarnings("unchecked")
          Map<String, Object> st = (Map<String, Object>) Json.parse(body);
          @SuppressWarnings("unchecked")
          Object self = ((Map<String, Object>) st.get("header")).get("member_id");
          Object l = st.get("leader");
          if (l == null || "0".equals(l)) {
            return "member " + (n + 1) + " knows no leader";
          }
          if (leader != null && !leader.equals(l)) {
            return "members disagree on the leader";
          }
          leader = String.valueOf(l);
          if (leader.equals(String.valueOf(self))) {
            leaderIdx = n;
          }
        }
        return leaderIdx >= 0 ? (Object) leaderIdx : "leader not among the members";
      } catch (IOException | RuntimeException e) {
        return e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "interrupted";
      }
    }

    /** Raftray: the name of the node that GET /api/v1/cluster on node n names as leader. */
    String raftrayLeaderSeenBy(HttpClient c, int n) {
      try {
        String body = get(c, urls.get(n) + "/api/v1/cluster", true);
        if (body == null) {
          return null;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> st = (Map<String, Object>) Json.parse(body);
        return st.get("leader_id") instanceof String s ? s : null;
      } catch (IOException | RuntimeException e) {
        return null;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
  }

  /** Waits until the cluster is healthy; returns the leader's 1-based index. */
  static int waitHealthy(Cluster cl, int timeoutSeconds) throws InterruptedException {
    HttpClient c = cl.client();
    long until = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
    Object h;
    while (!((h = cl.health(c)) instanceof Integer)) {
      if (System.nanoTime() > until) {
        die(cl.system + " cluster not healthy after " + timeoutSeconds + " s: " + h);
      }
      Thread.sleep(200);
    }
    return (Integer) h + 1;
  }

  // ---------------------------------------------------------------- load

  /**
   * N clients (virtual threads, each with its own HttpClient and keep-alive connections) write as
   * fast as they can for warmup + measured seconds. Client i sends its k-th write to node
   * (i + k) mod 3, so every client uses every node. Latency = send to full response; only writes
   * started in the measured window count; writes/s = acknowledged writes that started in the
   * window / the window's length (from its start to the last of them acknowledged).
   */
  static void load(Opts o) throws Exception {
    Cluster cl = new Cluster(o);
    int clients = Math.max(1, o.i("clients", 1));
    int warmup = o.i("warmup-seconds", 5);
    int seconds = Math.max(1, o.i("seconds", 20));
    String label = o.s("label");
    List<String> pids = o.list("pids");
    int leader = waitHealthy(cl, 60) - 1;
    int nodes = cl.urls.size();
    String target = o.s("target", "all");
    List<Integer> targets = new ArrayList<>();
    for (int n = 0; n < nodes; n++) {
      boolean isLeader = n == leader;
      if (target.equals("all") || (target.equals("leader") && isLeader)
          || (target.equals("followers") && !isLeader)) {
        targets.add(n);
      }
    }
    if (targets.isEmpty() || !List.of("all", "leader", "followers").contains(target)) {
      die("--target must be all, leader or followers, not " + target);
    }
    log(f("%s: %d client(s), %d s warmup + %d s measured; leader is node %d; writes to %s (nodes %s)",
        label, clients, warmup, seconds, leader + 1, target,
        targets.stream().map(n -> String.valueOf(n + 1)).toList()));

    long[][] lat = new long[clients][];
    int[][] via = new int[clients][];
    long[] lastDone = new long[clients];
    AtomicReference<String> failure = new AtomicReference<>();
    String run = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);
    long start = System.nanoTime() + 200_000_000L; // all clients start together
    long measureFrom = start + warmup * 1_000_000_000L;
    long measureTo = measureFrom + seconds * 1_000_000_000L;
    Cpu cpu0;
    Cpu cpu1;
    try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < clients; i++) {
        final int ci = i;
        pool.submit(
            () -> {
              LongList l = new LongList();
              LongList v = new LongList();
              try (HttpClient http = cl.client()) {
                sleepUntil(start);
                for (int k = 0; failure.get() == null; k++) {
                  long s = System.nanoTime();
                  if (s >= measureTo) {
                    break;
                  }
                  int node = targets.get((ci + k) % targets.size());
                  String id = f("cb-%s-%s-c%02d-%07d", run, label, ci, k);
                  HttpResponse<String> r =
                      http.send(cl.write(node, id, LOAD_REQUEST_TIMEOUT),
                          HttpResponse.BodyHandlers.ofString());
                  long e = System.nanoTime();
                  if (r.statusCode() != cl.okStatus()) {
                    failure.compareAndSet(null, f("write to node %d answered %d: %s",
                        node + 1, r.statusCode(), truncate(r.body(), 500)));
                    break;
                  }
                  if (s >= measureFrom) {
                    l.add(e - s);
                    v.add(node);
                    lastDone[ci] = e;
                  }
                }
              } catch (Exception e) {
                failure.compareAndSet(null, "client " + ci + ": " + e);
              }
              lat[ci] = l.toArray();
              via[ci] = toInts(v.toArray());
              return null;
            });
      }
      sleepUntil(measureFrom);
      cpu0 = Cpu.read(pids);
      sleepUntil(measureTo);
      cpu1 = Cpu.read(pids);
    } // close() waits for the clients to finish their last write
    if (failure.get() != null) {
      die(label + " failed: " + failure.get());
    }
    long end = Arrays.stream(lastDone).max().orElse(measureTo);
    LongList all = new LongList();
    LongList viaLeader = new LongList();
    LongList viaFollower = new LongList();
    for (int i = 0; i < clients; i++) {
      for (int k = 0; k < lat[i].length; k++) {
        all.add(lat[i][k]);
        (via[i][k] == leader ? viaLeader : viaFollower).add(lat[i][k]);
      }
    }
    long[] sorted = all.toArray();
    Arrays.sort(sorted);
    if (sorted.length == 0) {
      die(label + ": no write completed in the measured window");
    }
    double wall = (Math.max(end, measureFrom + 1) - measureFrom) / 1e9;
    CpuUse cpu = cpu0.until(cpu1);
    Props p = new Props(Path.of(o.s("props")));
    String k = label + ".";
    p.put(k + "clients", clients);
    p.put(k + "warmup_seconds", warmup);
    p.put(k + "seconds", round(wall));
    p.put(k + "writes", sorted.length);
    p.put(k + "writes_per_sec", round(sorted.length / wall));
    p.put(k + "latency_ms_p50", round(pct(sorted, 0.50)));
    p.put(k + "latency_ms_p90", round(pct(sorted, 0.90)));
    p.put(k + "latency_ms_p99", round(pct(sorted, 0.99)));
    p.put(k + "latency_ms_max", round(sorted[sorted.length - 1] / 1e6));
    p.put(k + "latency_ms_mean", round(Arrays.stream(sorted).average().orElse(0) / 1e6));
    p.put(k + "latency_ms_p50_via_leader", round(pct(sortedOf(viaLeader), 0.50)));
    p.put(k + "latency_ms_p50_via_followers", round(pct(sortedOf(viaFollower), 0.50)));
    p.put(k + "target", target);
    p.put(k + "leader_node", leader + 1);
    p.put(k + "cpu_cores_servers", round(cpu.servers()));
    // CPU seconds of each server process over the measured window, per acknowledged write.
    double followerCpu = 0;
    for (int n = 0; n < cpu.perServerSeconds().length; n++) {
      double msPerWrite = 1000 * cpu.perServerSeconds()[n] / sorted.length;
      p.put(k + "cpu_ms_per_write_node" + (n + 1), round(msPerWrite));
      if (n == leader) {
        p.put(k + "cpu_ms_per_write_leader", round(msPerWrite));
      } else {
        followerCpu += msPerWrite / (cpu.perServerSeconds().length - 1);
      }
    }
    p.put(k + "cpu_ms_per_write_follower", round(followerCpu));
    p.put(k + "cpu_cores_bench", round(cpu.bench()));
    p.put(k + "cpu_cores_other", round(cpu.other()));
    p.put(k + "value_bytes", cl.raftray() ? 0 : cl.value.length);
    if (!cl.raftray()) {
      p.put("meta.etcd_gateway", cl.etcdPrefix + "/kv/put");
    }
    p.store();
    log(f("%s: %d writes in %.1f s = %.1f writes/s, p50 %.2f ms, p99 %.2f ms; cpu other %.2f",
        label, sorted.length, wall, sorted.length / wall, pct(sorted, 0.5), pct(sorted, 0.99),
        cpu.other()));
  }

  static int[] toInts(long[] a) {
    int[] r = new int[a.length];
    for (int i = 0; i < a.length; i++) {
      r[i] = (int) a[i];
    }
    return r;
  }

  static long[] sortedOf(LongList l) {
    long[] a = l.toArray();
    Arrays.sort(a);
    return a;
  }

  /** Nearest-rank percentile in ms; NaN when empty. */
  static double pct(long[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
  }

  static void sleepUntil(long nanoTime) throws InterruptedException {
    long d;
    while ((d = nanoTime - System.nanoTime()) > 0) {
      Thread.sleep(Duration.ofNanos(Math.min(d, 50_000_000L)));
    }
  }

  // ---------------------------------------------------------------- failover

  /**
   * One trial: check the cluster is healthy and find the leader; warm up writers against the two
   * survivors; SIGKILL the leader's process; the writers then hammer the survivors (short request
   * timeout, staggered) until the first write is acknowledged. Meanwhile a poller asks the
   * survivors for the leader every 20 ms. Returns the killed node's 1-based index.
   */
  static int failover(Opts o) throws Exception {
    Cluster cl = new Cluster(o);
    if (!cl.raftray()) {
      die("failover is implemented for raftray only");
    }
    List<String> pids = o.list("pids");
    int trial = o.i("trial", 1);
    int writers = Math.max(2, o.i("writers", 8));
    Duration timeout = Duration.ofMillis(Math.max(50, o.i("request-timeout-ms", 1000)));
    int giveUp = o.i("give-up-seconds", 60);
    int leader = waitHealthy(cl, 120) - 1;
    ProcessHandle victim =
        ProcessHandle.of(Long.parseLong(pids.get(leader)))
            .filter(ProcessHandle::isAlive)
            .orElseThrow(() -> new IllegalStateException("leader pid " + pids.get(leader) + " is not alive"));
    List<Integer> survivors = new ArrayList<>();
    for (int n = 0; n < cl.urls.size(); n++) {
      if (n != leader) {
        survivors.add(n);
      }
    }
    HttpClient probe = cl.client();
    String oldLeaderId = cl.raftrayLeaderSeenBy(probe, survivors.get(0));
    String run = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);

    // Warm: each writer opens its connection (TLS handshake, JIT) with two acknowledged writes.
    HttpClient[] clients = new HttpClient[writers];
    for (int w = 0; w < writers; w++) {
      clients[w] = cl.client();
      for (int k = 0; k < 2; k++) {
        int node = survivors.get(w % survivors.size());
        HttpResponse<String> r =
            clients[w].send(cl.write(node, f("fo-%s-t%02d-w%02d-warm%d", run, trial, w, k),
                LOAD_REQUEST_TIMEOUT), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != cl.okStatus()) {
          die("warmup write to node " + (node + 1) + " answered " + r.statusCode() + ": "
              + truncate(r.body(), 300));
        }
      }
    }

    AtomicLong firstAck = new AtomicLong(-1);
    AtomicLong electedAt = new AtomicLong(-1);
    AtomicReference<String> newLeaderId = new AtomicReference<>();
    AtomicReference<String> ackedBy = new AtomicReference<>();
    Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    LongAdder attempts = new LongAdder();
    CountDownLatch done = new CountDownLatch(1);
    long stagger = timeout.toNanos() / writers;

    log(f("failover trial %d: killing the leader, node %d (pid %d)", trial, leader + 1, victim.pid()));
    long t0 = System.nanoTime();
    if (!victim.destroyForcibly()) { // SIGKILL on Linux
      die("could not send SIGKILL to pid " + victim.pid());
    }
    try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int w = 0; w < writers; w++) {
        final int wi = w;
        pool.submit(
            () -> {
              int node = survivors.get(wi % survivors.size());
              sleepUntil(t0 + wi * stagger); // spread the in-flight requests over the timeout
              for (int k = 0; firstAck.get() < 0; k++) {
                if (System.nanoTime() - t0 > giveUp * 1_000_000_000L) {
                  break;
                }
                attempts.increment();
                String kind;
                try {
                  HttpResponse<String> r =
                      clients[wi].send(cl.write(node, f("fo-%s-t%02d-w%02d-%05d", run, trial, wi, k),
                          timeout), HttpResponse.BodyHandlers.ofString());
                  if (r.statusCode() == cl.okStatus()) {
                    long now = System.nanoTime();
                    if (firstAck.compareAndSet(-1, now)) {
                      ackedBy.set("node " + (node + 1));
                      done.countDown();
                    }
                    break;
                  }
                  kind = "HTTP " + r.statusCode();
                } catch (HttpTimeoutException e) {
                  kind = "timeout";
                } catch (IOException e) {
                  kind = e.getClass().getSimpleName();
                }
                errors.computeIfAbsent(kind, x -> new LongAdder()).increment();
                Thread.sleep(20);
              }
              return null;
            });
      }
      pool.submit(
          () -> { // the time a survivor first names a new leader
            while (electedAt.get() < 0 && done.getCount() > 0
                && System.nanoTime() - t0 < giveUp * 1_000_000_000L) {
              for (int n : survivors) {
                String l = cl.raftrayLeaderSeenBy(probe, n);
                if (l != null && !l.equals(oldLeaderId)) {
                  electedAt.compareAndSet(-1, System.nanoTime());
                  newLeaderId.set(l);
                  break;
                }
              }
              Thread.sleep(20);
            }
            return null;
          });
    }
    if (firstAck.get() < 0) {
      die(f("failover trial %d: no write acknowledged within %d s; errors %s", trial, giveUp, errors));
    }
    if (newLeaderId.get() == null) { // acknowledged before the poller saw the new leader
      for (int n : survivors) {
        String l = cl.raftrayLeaderSeenBy(probe, n);
        if (l != null && !l.equals(oldLeaderId)) {
          newLeaderId.set(l);
          break;
        }
      }
    }
    double ms = (firstAck.get() - t0) / 1e6;
    double electedMs = electedAt.get() < 0 ? Double.NaN : (electedAt.get() - t0) / 1e6;
    String errs = new TreeMap<>(errors).toString().replace("=", " x").replace("{", "").replace("}", "");
    Props p = new Props(Path.of(o.s("props")));
    String k = "failover." + o.s("preset", "default") + "." + trial + ".";
    p.put(k + "killed_node", leader + 1);
    p.put(k + "first_ack_ms", round(ms));
    p.put(k + "leader_seen_ms", round(electedMs));
    p.put(k + "acked_by", ackedBy.get());
    p.put(k + "attempts", attempts.sum());
    p.put(k + "errors", errs.isEmpty() ? "none" : errs);
    p.put(k + "new_leader_node", nodeIndexOf(cl, probe, survivors.get(0), newLeaderId.get()));
    p.put("failover.writers", writers);
    p.put("failover.request_timeout_ms", timeout.toMillis());
    p.store();
    log(f("failover trial %d: first acknowledged write after %.0f ms (%s); new leader seen after %.0f ms; errors: %s",
        trial, ms, ackedBy.get(), electedMs, errs.isEmpty() ? "none" : errs));
    return leader + 1;
  }

  /** 1-based index of node id among --urls, via GET /api/v1/cluster on node n; 0 if unknown. */
  static int nodeIndexOf(Cluster cl, HttpClient c, int n, String nodeId) {
    if (nodeId == null) {
      return 0;
    }
    try {
      String body = cl.get(c, cl.urls.get(n) + "/api/v1/cluster", true);
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> members =
          (List<Map<String, Object>>) ((Map<String, Object>) Json.parse(body)).get("members");
      for (Map<String, Object> m : members) {
        if (nodeId.equals(m.get("node_id"))) {
          return cl.urls.indexOf(String.valueOf(m.get("api_base_url")).replaceAll("/+$", "")) + 1;
        }
      }
    } catch (Exception e) {
      // unknown
    }
    return 0;
  }

  /** Sets raft.preset in a node.json (the only "preset" key in it), keeping the rest as is. */
  static void setPreset(Path nodeJson, String preset) throws IOException {
    if (!preset.matches("[a-z]+")) {
      die("preset must be a word, not " + preset);
    }
    String text = Files.readString(nodeJson);
    String changed = text.replaceFirst("(\"preset\"\\s*:\\s*)\"[a-z]+\"", "$1\"" + preset + "\"");
    if (changed.equals(text) && !text.contains("\"" + preset + "\"")) {
      die(nodeJson + " has no raft.preset to change");
    }
    Files.writeString(nodeJson, changed);
  }

  // ---------------------------------------------------------------- report

  static void report(Opts o) throws Exception {
    Props p = new Props(Path.of(o.s("props")));
    Path results = Path.of(o.s("results"));
    StringBuilder b = new StringBuilder();
    String nl = System.lineSeparator();
    b.append("Raftray 3-node cluster vs etcd 3-member cluster, one machine, loopback").append(nl);
    b.append(f("  date        %s%n", p.get("meta.date")));
    b.append(f("  machine     %s CPUs (%s), %s RAM, kernel %s%n",
        p.get("meta.nproc"), p.get("meta.cpu"), p.get("meta.mem_total"), p.get("meta.kernel")));
    b.append(f("  data dirs   %s, all six under one temp parent (%s)%n",
        p.get("meta.data_fs"), p.get("meta.tmp_parent")));
    b.append(f("  raftray     %s; java %s (%s); JVM flags: launcher defaults%s%n",
        p.get("meta.raftray"), p.get("meta.java_version"), p.get("meta.java_home"),
        p.get("meta.java_opts").isEmpty() ? "" : " + " + p.get("meta.java_opts")));
    b.append(f("              election timeout %s, write timeout %s ms; HTTPS + bearer token; TLS between nodes%n",
        p.get("meta.raftray_election_timeout_ms"), p.get("meta.raftray_write_timeout_ms")));
    b.append(f("  etcd        %s; defaults (fsync on, heartbeat 100 ms, election 1000 ms); plain HTTP, no auth%n",
        p.get("meta.etcd_version")));
    b.append(f("  load avg    at start %s, at end %s (1/5/15 min)%n",
        p.get("meta.loadavg_start"), p.get("meta.loadavg_end")));
    b.append(nl);
    b.append("Writes (each one Raft commit, replicated to 3 and fsync'd)").append(nl);
    b.append("  Raftray: POST /api/v1/users {\"name\":...} over HTTPS (user record; ~570 B Raft log entry)").append(nl);
    b.append(f("  etcd:    POST %s with a %s-byte value (base64 in the JSON)%n",
        p.get("meta.etcd_gateway"), p.get("meta.value_bytes")));
    b.append("  each phase sends every write to the leader, or to the followers (client i sends its k-th").append(nl);
    b.append("  write to follower (i+k) mod 2), or to all nodes (node (i+k) mod 3): TARGETS;").append(nl);
    b.append("  HTTP/1.1 keep-alive, one java.net.http client per client; warmup first, then a fixed duration").append(nl);
    String jit = p.p.getProperty("meta.jit_warmup_seconds", "0");
    if (!"0".equals(jit)) {
      b.append(f("  once per cluster start, before the first phase: %s s of untimed writes, 16 clients to all%n", jit));
      b.append("  nodes (JIT warm-up; the same for etcd)").append(nl);
    }
    b.append(nl);
    List<String> loads = new ArrayList<>();
    for (String c : p.get("meta.clients").split("\\s+")) {
      if (!c.isEmpty()) {
        loads.add(c);
      }
    }
    boolean warn = false;
    double probeMin = Double.POSITIVE_INFINITY;
    double probeMax = 0;
    List<String> targets = new ArrayList<>();
    for (String t : p.get("meta.targets", "all").split("\\s+")) {
      if (!t.isEmpty()) {
        targets.add(t);
      }
    }
    b.append(f("  %-26s %22s %22s %12s%n", "", "Raftray", "etcd", "Raftray/etcd"));
    for (String c : loads) {
      for (String t : targets) {
        String r = "raftray-c" + c + "-" + t + ".";
        String e = "etcd-c" + c + "-" + t + ".";
        b.append(f("  %s concurrent client%s, writes sent to %s (measured %s s / %s s after %s s warmup)%n",
            c, c.equals("1") ? "" : "s", t.equals("all") ? "all nodes" : "the " + t,
            fmt1(p.d(r + "seconds")), fmt1(p.d(e + "seconds")),
            p.get(r + "warmup_seconds", p.get(e + "warmup_seconds"))));
        row(b, "writes/s", p, r, e, "writes_per_sec", "%.1f");
        row(b, "latency p50 ms", p, r, e, "latency_ms_p50", "%.2f");
        row(b, "latency p90 ms", p, r, e, "latency_ms_p90", "%.2f");
        row(b, "latency p99 ms", p, r, e, "latency_ms_p99", "%.2f");
        row(b, "latency max ms", p, r, e, "latency_ms_max", "%.2f");
        row(b, "writes measured", p, r, e, "writes", "%.0f");
        row(b, "cpu ms/write: leader", p, r, e, "cpu_ms_per_write_leader", "%.3f");
        row(b, "cpu ms/write: follower", p, r, e, "cpu_ms_per_write_follower", "%.3f");
        row(b, "cpu cores: servers (3)", p, r, e, "cpu_cores_servers", "%.2f");
        row(b, "cpu cores: bench client", p, r, e, "cpu_cores_bench", "%.2f");
        row(b, "cpu cores: other procs", p, r, e, "cpu_cores_other", "%.2f");
        row(b, "machine probe ms", p, r, e, "cpu_probe_ms", "%.0f");
        for (String x : List.of(r, e)) {
          if (p.d(x + "cpu_cores_other") > 0.2) {
            warn = true;
          }
          double probe = p.d(x + "cpu_probe_ms");
          if (!Double.isNaN(probe)) {
            probeMin = Math.min(probeMin, probe);
            probeMax = Math.max(probeMax, probe);
          }
        }
        double p50 = p.d(r + "latency_ms_p50") / p.d(e + "latency_ms_p50");
        double tput = p.d(r + "writes_per_sec") / p.d(e + "writes_per_sec");
        String ratios = "raftray-c" + c + "-" + t + ".ratio_";
        p.put(ratios + "p50", round(p50));
        p.put(ratios + "writes_per_sec", round(tput));
        b.append(f("    %-24s %45s %12.2f%n", "p50 ratio", "", p50));
        b.append(f("    %-24s %45s %12.2f%n", "writes/s ratio", "", tput));
      }
    }
    b.append(nl);
    b.append("Targets (ratios of this run): 1-client p50 <= 2.5x etcd, 16-client writes/s >= 0.6x etcd,").append(nl);
    b.append("failover median <= 1500 ms with the lan preset").append(nl);
    for (String t : targets) {
      double p50 = p.d("raftray-c1-" + t + ".ratio_p50");
      double tput = p.d("raftray-c16-" + t + ".ratio_writes_per_sec");
      b.append(f("  writes to %-10s 1-client p50 ratio %s (%s), 16-client throughput ratio %s (%s)%n",
          t, fmt2(p50), verdict(p50 <= 2.5, p50), fmt2(tput), verdict(tput >= 0.6, tput)));
    }
    b.append(nl);
    int trials = p.i("meta.failover_trials");
    if (trials > 0) {
      b.append(f("Leader failover (Raftray): kill -9 of the leader, then %s writers hammer the two survivors%n",
          p.get("failover.writers")));
      b.append(f("  (request timeout %s ms, staggered); time from the SIGKILL to the first acknowledged write%n",
          p.get("failover.request_timeout_ms")));
      for (String preset : p.get("meta.failover_presets").split("\\s+")) {
        if (preset.isEmpty()) {
          continue;
        }
        List<Double> fo = new ArrayList<>();
        List<Double> seen = new ArrayList<>();
        b.append(f("  preset %s: election timeout %s ms%n", preset,
            p.get("meta.failover." + preset + ".election_timeout_ms")));
        for (int t = 1; t <= trials; t++) {
          String k = "failover." + preset + "." + t + ".";
          if (p.get(k + "first_ack_ms").isEmpty()) {
            continue;
          }
          fo.add(p.d(k + "first_ack_ms"));
          if (!Double.isNaN(p.d(k + "leader_seen_ms"))) {
            seen.add(p.d(k + "leader_seen_ms"));
          }
          b.append(f("    trial %2d  killed node %s -> first ack %7.0f ms (%s); new leader node %s seen after %s ms; failed attempts: %s%n",
              t, p.get(k + "killed_node"), p.d(k + "first_ack_ms"), p.get(k + "acked_by"),
              p.get(k + "new_leader_node"), fmt0(p.d(k + "leader_seen_ms")), p.get(k + "errors")));
        }
        if (fo.isEmpty()) {
          continue;
        }
        b.append(f("    %s: first acknowledged write: median %.0f ms, min %.0f ms, max %.0f ms (%d trials)%n",
            preset, median(fo), min(fo), max(fo), fo.size()));
        if (!seen.isEmpty()) {
          b.append(f("    %s: new leader visible via GET /api/v1/cluster: median %.0f ms, min %.0f ms, max %.0f ms%n",
              preset, median(seen), min(seen), max(seen)));
        }
        p.put("failover." + preset + ".median_first_ack_ms", round(median(fo)));
        if (preset.equals("lan")) {
          b.append(f("    target: median <= 1500 ms with lan: %s%n",
              verdict(median(fo) <= 1500, median(fo))));
        }
      }
      b.append(nl);
    }
    if (warn) {
      b.append("WARNING: other processes used more than 0.2 CPU cores during a timed phase; the machine").append(nl);
      b.append("         was not quiet and latency/throughput figures are disturbed (see the cpu rows, load avg).").append(nl);
    }
    // The probe (cluster.sh: SHA-256 of 256 MiB on one core before each phase) took longer or
    // shorter by more than a quarter: the machine's speed changed while the phases ran.
    boolean drift = probeMax > 0 && probeMax > 1.25 * probeMin;
    if (drift) {
      b.append(f("WARNING: the machine probe took %.0f to %.0f ms across the phases: the machine's speed%n",
          probeMin, probeMax));
      b.append("         changed during the run; compare only phases with similar probe times.").append(nl);
    }
    String[] la = p.get("meta.loadavg_start").split("\\s+");
    try {
      if (Double.parseDouble(la[0]) > 0.5 * p.i("meta.nproc")) {
        b.append(f("WARNING: load average %s at the start on %s CPUs: other work was running.%n",
            la[0], p.get("meta.nproc")));
      }
    } catch (RuntimeException e) {
      // no warning
    }
    System.out.print(b);

    Map<String, Object> j = new LinkedHashMap<>();
    j.put("bench", "cluster");
    for (String k : p.keys()) {
      if (k.startsWith("meta.")) {
        j.put(k.substring(5), p.get(k));
      }
    }
    for (String k : p.keys()) {
      if (!k.startsWith("meta.")) {
        j.put(k.replace('-', '_').replace('.', '_'), num(p.get(k)));
      }
    }
    j.put("warning_busy_machine", warn);
    j.put("warning_machine_speed_changed", drift);
    Files.createDirectories(results.toAbsolutePath().getParent());
    Files.writeString(results, Json.write(j) + "\n", StandardOpenOption.CREATE,
        StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    System.out.println("JSON line appended to " + results);
  }

  static String fmt2(double d) {
    return Double.isNaN(d) ? "-" : f("%.2f", d);
  }

  static String verdict(boolean met, double value) {
    return Double.isNaN(value) ? "not measured" : met ? "met" : "MISSED";
  }

  static void row(StringBuilder b, String what, Props p, String r, String e, String key, String fmt) {
    b.append(f("    %-24s %22s %22s%n", what, cell(p, r + key, fmt), cell(p, e + key, fmt)));
  }

  static String cell(Props p, String key, String fmt) {
    String v = p.get(key);
    if (v.isEmpty()) {
      return "-";
    }
    double d = p.d(key);
    return Double.isNaN(d) ? "-" : f(fmt, d);
  }

  static Object num(String v) {
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      return v;
    }
  }

  static String fmt1(double d) {
    return Double.isNaN(d) ? "-" : f("%.1f", d);
  }

  static String fmt0(double d) {
    return Double.isNaN(d) ? "?" : f("%.0f", d);
  }

  static double median(List<Double> l) {
    double[] a = l.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    if (a.length == 0) {
      return Double.NaN;
    }
    return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
  }

  static double min(List<Double> l) {
    return l.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
  }

  static double max(List<Double> l) {
    return l.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
  }

  // ---------------------------------------------------------------- CPU accounting

  /** Jiffies: all CPUs (total, busy) from /proc/stat, the server processes, this process. */
  record Cpu(long total, long busy, long servers, long self, long[] perServer) {
    static Cpu read(List<String> pids) {
      try {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long total = 0;
        for (int i = 1; i < Math.min(f.length, 9); i++) { // user..steal; guest is inside user
          total += Long.parseLong(f[i]);
        }
        long busy = total - Long.parseLong(f[4]) - Long.parseLong(f[5]); // minus idle, iowait
        long servers = 0;
        long[] per = new long[pids.size()];
        for (int i = 0; i < per.length; i++) {
          per[i] = procTicks(pids.get(i));
          servers += per[i];
        }
        return new Cpu(total, busy, servers, procTicks("self"), per);
      } catch (IOException | RuntimeException e) {
        return new Cpu(-1, -1, -1, -1, new long[0]);
      }
    }

    CpuUse until(Cpu end) {
      double perCpu = (end.total - total) / (double) Runtime.getRuntime().availableProcessors();
      if (total < 0 || end.total < 0 || perCpu <= 0) {
        return new CpuUse(Double.NaN, Double.NaN, Double.NaN, new double[0]);
      }
      double s = (end.servers - servers) / perCpu;
      double b = (end.self - self) / perCpu;
      double other = (end.busy - busy) / perCpu - s - b;
      double[] seconds = new double[Math.min(perServer.length, end.perServer.length)];
      for (int i = 0; i < seconds.length; i++) {
        seconds[i] = (end.perServer[i] - perServer[i]) / (double) CLOCK_TICKS;
      }
      return new CpuUse(s, b, Math.max(0, other), seconds);
    }
  }

  /** USER_HZ of /proc/<pid>/stat: 100 on Linux (x86, arm) whatever the kernel's HZ. */
  static final int CLOCK_TICKS = 100;

  /** Cores used (shares of the machine) over a window, and each server's CPU seconds in it. */
  record CpuUse(double servers, double bench, double other, double[] perServerSeconds) {}

  /** utime + stime of a process, in jiffies, from /proc/<pid>/stat (fields after the comm). */
  static long procTicks(String pid) throws IOException {
    String st = Files.readString(Path.of("/proc", pid, "stat"));
    String[] f = st.substring(st.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15 of stat(5)
  }

  // ---------------------------------------------------------------- small helpers

  /** A Properties file shared by the steps of one run (one writer at a time). */
  static final class Props {
    final Path path;
    final Properties p = new Properties();

    Props(Path path) throws IOException {
      this.path = path;
      if (Files.exists(path)) {
        try (Reader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
          p.load(r);
        }
      }
    }

    void put(String k, Object v) {
      p.setProperty(k, String.valueOf(v));
    }

    String get(String k) {
      return p.getProperty(k, "");
    }

    String get(String k, String def) {
      String v = p.getProperty(k);
      return v == null || v.isEmpty() ? def : v;
    }

    double d(String k) {
      try {
        return Double.parseDouble(get(k));
      } catch (NumberFormatException e) {
        return Double.NaN;
      }
    }

    int i(String k) {
      try {
        return Integer.parseInt(get(k));
      } catch (NumberFormatException e) {
        return 0;
      }
    }

    List<String> keys() {
      return new ArrayList<>(new TreeMap<>(p).keySet().stream().map(String::valueOf).toList());
    }

    void store() throws IOException {
      try (Writer w = Files.newBufferedWriter(path, StandardCharsets.UTF_8)) {
        p.store(w, null);
      }
    }
  }

  static final class LongList {
    long[] a = new long[1024];
    int n;

    void add(long v) {
      if (n == a.length) {
        a = Arrays.copyOf(a, n * 2);
      }
      a[n++] = v;
    }

    long[] toArray() {
      return Arrays.copyOf(a, n);
    }
  }

  /** An SSLContext that trusts exactly the certificates in the given PEM file (the cluster CA). */
  static SSLContext trustOnly(Path pem) throws Exception {
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    ks.load(null, null);
    try (InputStream in = Files.newInputStream(pem)) {
      int i = 0;
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        ks.setCertificateEntry("ca-" + i++, c);
      }
      if (i == 0) {
        die("no certificate in " + pem);
      }
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  /** A minimal JSON reader (objects, arrays, strings, numbers, literals) and writer. */
  static final class Json {
    final String s;
    int i;

    Json(String s) {
      this.s = s;
    }

    static Object parse(String s) {
      Json j = new Json(s);
      Object v = j.value();
      j.ws();
      if (j.i != s.length()) {
        throw new IllegalArgumentException("trailing data in JSON at " + j.i);
      }
      return v;
    }

    void ws() {
      while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
    }

    Object value() {
      ws();
      if (i >= s.length()) {
        throw new IllegalArgumentException("unexpected end of JSON");
      }
      char c = s.charAt(i);
      switch (c) {
        case '{' -> {
          i++;
          Map<String, Object> m = new LinkedHashMap<>();
          ws();
          if (s.charAt(i) == '}') {
            i++;
            return m;
          }
          while (true) {
            ws();
            String k = string();
            ws();
            expect(':');
            m.put(k, value());
            ws();
            if (s.charAt(i) == ',') {
              i++;
            } else {
              expect('}');
              return m;
            }
          }
        }
        case '[' -> {
          i++;
          List<Object> l = new ArrayList<>();
          ws();
          if (s.charAt(i) == ']') {
            i++;
            return l;
          }
          while (true) {
            l.add(value());
            ws();
            if (s.charAt(i) == ',') {
              i++;
            } else {
              expect(']');
              return l;
            }
          }
        }
        case '"' -> {
          return string();
        }
        default -> {
          if (s.startsWith("true", i)) {
            i += 4;
            return Boolean.TRUE;
          }
          if (s.startsWith("false", i)) {
            i += 5;
            return Boolean.FALSE;
          }
          if (s.startsWith("null", i)) {
            i += 4;
            return null;
          }
          int st = i;
          while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
            i++;
          }
          if (st == i) {
            throw new IllegalArgumentException("bad JSON at " + i);
          }
          return Double.parseDouble(s.substring(st, i));
        }
      }
    }

    void expect(char c) {
      if (i >= s.length() || s.charAt(i) != c) {
        throw new IllegalArgumentException("expected '" + c + "' in JSON at " + i);
      }
      i++;
    }

    String string() {
      expect('"');
      StringBuilder b = new StringBuilder();
      while (true) {
        char c = s.charAt(i++);
        if (c == '"') {
          return b.toString();
        }
        if (c != '\\') {
          b.append(c);
          continue;
        }
        char e = s.charAt(i++);
        switch (e) {
          case 'n' -> b.append('\n');
          case 't' -> b.append('\t');
          case 'r' -> b.append('\r');
          case 'b' -> b.append('\b');
          case 'f' -> b.append('\f');
          case 'u' -> {
            b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
            i += 4;
          }
          default -> b.append(e);
        }
      }
    }

    static String write(Object v) {
      if (v == null) {
        return "null";
      }
      if (v instanceof Double d) {
        if (d.isNaN() || d.isInfinite()) {
          return "null";
        }
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString(d.longValue()) : d.toString();
      }
      if (v instanceof Number || v instanceof Boolean) {
        return v.toString();
      }
      if (v instanceof Map<?, ?> m) {
        StringBuilder b = new StringBuilder("{");
        m.forEach((k, x) -> {
          if (b.length() > 1) {
            b.append(',');
          }
          b.append(quote(String.valueOf(k))).append(':').append(write(x));
        });
        return b.append('}').toString();
      }
      if (v instanceof List<?> l) {
        StringBuilder b = new StringBuilder("[");
        for (Object x : l) {
          if (b.length() > 1) {
            b.append(',');
          }
          b.append(write(x));
        }
        return b.append(']').toString();
      }
      return quote(String.valueOf(v));
    }

    static String quote(String s) {
      StringBuilder b = new StringBuilder("\"");
      for (char c : s.toCharArray()) {
        switch (c) {
          case '"' -> b.append("\\\"");
          case '\\' -> b.append("\\\\");
          case '\n' -> b.append("\\n");
          case '\r' -> b.append("\\r");
          case '\t' -> b.append("\\t");
          default -> {
            if (c < 0x20) {
              b.append(String.format("\\u%04x", (int) c));
            } else {
              b.append(c);
            }
          }
        }
      }
      return b.append('"').toString();
    }
  }

  static String f(String fmt, Object... args) {
    return String.format(Locale.ROOT, fmt, args);
  }

  static double round(double d) {
    return Double.isNaN(d) || Double.isInfinite(d) ? d : Math.round(d * 1000) / 1000.0;
  }

  static String truncate(String s, int max) {
    return s == null ? "" : s.length() <= max ? s : s.substring(0, max) + "...";
  }

  static void log(String msg) {
    System.err.println("bench: " + msg);
  }

  static void die(String msg) {
    System.err.println("bench: FAILED: " + msg);
    System.exit(1);
  }
}
