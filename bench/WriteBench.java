// Raftray single-node load generator and memory probe. Single file, JDK classes only; run with the
// source launcher (JEP 330):
//
//   $JAVA bench/WriteBench.java free-port
//   $JAVA bench/WriteBench.java run --base-url https://127.0.0.1:PORT --ca D/tls/ca.crt \
//       --token-file F --pid PID [--warmup 200] [--writes 2000] [--users-for-rss 10000] \
//       [--settle-seconds 10] [--load-writers 8] [--load-batch 0] [--startup-ms MS] \
//       [--nmt-dir DIR] [--jcmd PATH] [--results FILE] [--meta k=v ...]
//
// bench/single-node.sh drives it; see bench/README.md for what is measured. Every write must
// answer 201 or the run fails (exit 1) with the status and the response body.

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

public class WriteBench {

  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      die(
          "usage: WriteBench.java free-port | run --base-url URL --ca PEM --token-file F --pid"
              + " PID");
    }
    switch (args[0]) {
      case "free-port" -> {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
          System.out.println(s.getLocalPort());
        }
      }
      case "run" -> new WriteBench(Opts.parse(Arrays.copyOfRange(args, 1, args.length))).run();
      default -> die("unknown command: " + args[0]);
    }
  }

  // ---------------------------------------------------------------- options

  record Opts(
      String baseUrl,
      Path ca,
      Path tokenFile,
      long pid,
      int warmup,
      int writes,
      int usersForRss,
      int settleSeconds,
      int loadWriters,
      int loadBatch,
      long startupMs,
      Path nmtDir,
      String jcmd,
      Path results,
      Map<String, String> meta) {

    static Opts parse(String[] a) {
      Map<String, String> o = new LinkedHashMap<>();
      Map<String, String> meta = new LinkedHashMap<>();
      for (int i = 0; i < a.length; i++) {
        if (!a[i].startsWith("--") || i + 1 >= a.length) {
          die("bad argument: " + a[i]);
        }
        String k = a[i].substring(2);
        String v = a[++i];
        if (k.equals("meta")) {
          int eq = v.indexOf('=');
          if (eq < 1) {
            die("--meta wants key=value, got: " + v);
          }
          meta.put(v.substring(0, eq), v.substring(eq + 1));
        } else {
          o.put(k, v);
        }
      }
      for (String req : List.of("base-url", "ca", "token-file", "pid")) {
        if (!o.containsKey(req)) {
          die("missing --" + req);
        }
      }
      String results = o.getOrDefault("results", "");
      return new Opts(
          o.get("base-url").replaceAll("/+$", ""),
          Path.of(o.get("ca")),
          Path.of(o.get("token-file")),
          Long.parseLong(o.get("pid")),
          nonNegative(o, "warmup", 200),
          nonNegative(o, "writes", 2000),
          nonNegative(o, "users-for-rss", 10_000),
          nonNegative(o, "settle-seconds", 10),
          Math.max(1, nonNegative(o, "load-writers", 8)),
          Math.min(1000, nonNegative(o, "load-batch", 0)),
          o.containsKey("startup-ms") ? Long.parseLong(o.get("startup-ms")) : -1,
          o.getOrDefault("nmt-dir", "").isEmpty() ? null : Path.of(o.get("nmt-dir")),
          o.getOrDefault("jcmd", ""),
          results.isEmpty() ? null : Path.of(results),
          meta);
    }

    static int nonNegative(Map<String, String> o, String k, int def) {
      String v = o.get(k);
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
  }

  // ---------------------------------------------------------------- the run

  final Opts opts;
  final HttpClient http;
  final String token;

  WriteBench(Opts opts) throws Exception {
    this.opts = opts;
    this.token = Files.readString(opts.tokenFile()).strip();
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1) // keep-alive connections are pooled by default
            .sslContext(trustOnly(opts.ca()))
            .connectTimeout(Duration.ofSeconds(10))
            .build();
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

  void run() throws Exception {
    Instant started = Instant.now();
    String loadBefore = loadAvg();
    long usersAtStart = userCount();

    // 1. Idle memory: the node is ready; let it settle, then read RSS (and heap after a full GC).
    log("idle: settling " + opts.settleSeconds() + " s");
    Cpu idle0 = cpu();
    settle();
    CpuUse idleCpu = idle0.until(cpu());
    Mem idle = memory();
    nmt("idle");

    // 2. Warmup, then the timed sequential writes.
    log("warmup: " + opts.warmup() + " sequential writes");
    for (int i = 0; i < opts.warmup(); i++) {
      createUser(String.format("bench-warm-%06d", i));
    }
    log("measure: " + opts.writes() + " sequential writes");
    long[] lat = new long[opts.writes()];
    Cpu cpu0 = cpu();
    long t0 = System.nanoTime();
    for (int i = 0; i < opts.writes(); i++) {
      String name = String.format("bench-seq-%06d", i);
      long s = System.nanoTime();
      createUser(name);
      lat[i] = System.nanoTime() - s;
    }
    long seqNanos = System.nanoTime() - t0;
    CpuUse seqCpu = cpu0.until(cpu());

    // 3. Load to USERS_FOR_RSS users in total with a few concurrent writers, then settle and read.
    long have = userCount();
    int toLoad = (int) Math.max(0, opts.usersForRss() - have);
    log(
        "load: "
            + toLoad
            + " more users with "
            + opts.loadWriters()
            + " concurrent writers"
            + (opts.loadBatch() > 0 ? ", " + opts.loadBatch() + " per POST /users/batch" : ""));
    Cpu cpu1 = cpu();
    long loadNanos = loadConcurrently(toLoad);
    CpuUse loadCpu = cpu1.until(cpu());
    long usersLoaded = userCount();
    if (usersLoaded != have + toLoad) {
      die("user count after load is " + usersLoaded + ", expected " + (have + toLoad));
    }
    log("loaded: settling " + opts.settleSeconds() + " s");
    settle();
    Mem loaded = memory();
    nmt("loaded");

    Report r =
        new Report(
            started,
            usersAtStart,
            lat,
            seqNanos,
            toLoad,
            loadNanos,
            usersLoaded,
            idle,
            loaded,
            loadBefore,
            loadAvg(),
            idleCpu,
            seqCpu,
            loadCpu);
    System.out.print(r.human());
    if (opts.results() != null) {
      Files.createDirectories(opts.results().toAbsolutePath().getParent());
      Files.writeString(
          opts.results(),
          r.json() + "\n",
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND,
          StandardOpenOption.WRITE);
      System.out.println("JSON line appended to " + opts.results());
    }
  }

  void settle() throws InterruptedException {
    long until = System.nanoTime() + opts.settleSeconds() * 1_000_000_000L;
    while (System.nanoTime() < until) {
      if (!ProcessHandle.of(opts.pid()).map(ProcessHandle::isAlive).orElse(false)) {
        die("the daemon (pid " + opts.pid() + ") exited");
      }
      Thread.sleep(200);
    }
  }

  /** POST /api/v1/users; anything but 201 ends the run. */
  void createUser(String name) throws IOException, InterruptedException {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(opts.baseUrl() + "/api/v1/users"))
            .timeout(REQUEST_TIMEOUT)
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + "\"}"))
            .build();
    HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
    if (res.statusCode() != 201) {
      die(
          "POST /api/v1/users name="
              + name
              + " answered "
              + res.statusCode()
              + " (expected 201): "
              + truncate(res.body(), 2000));
    }
  }

  /** POST /api/v1/users/batch with users from..to-1 (one Raft entry); anything but 201 ends it. */
  void createUsers(int from, int to) throws IOException, InterruptedException {
    StringBuilder b = new StringBuilder("{\"users\":[");
    for (int i = from; i < to; i++) {
      b.append(i == from ? "" : ",").append(String.format("{\"name\":\"bench-load-%07d\"}", i));
    }
    b.append("]}");
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(opts.baseUrl() + "/api/v1/users/batch"))
            .timeout(REQUEST_TIMEOUT)
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(b.toString()))
            .build();
    HttpResponse<Void> res = http.send(req, HttpResponse.BodyHandlers.discarding());
    if (res.statusCode() != 201) {
      die("POST /api/v1/users/batch of " + (to - from) + " answered " + res.statusCode());
    }
  }

  /**
   * With --nmt-dir and NMT on in the daemon: its VM.native_memory summary into DIR/nmt-WHEN.txt and
   * the live objects by class (GC.class_histogram, which runs a full GC) into DIR/histo-WHEN.txt.
   */
  void nmt(String when) throws IOException {
    if (opts.nmtDir() == null || opts.jcmd().isEmpty()) {
      return;
    }
    String out = jcmd("VM.native_memory summary");
    if (out != null) {
      Files.createDirectories(opts.nmtDir());
      Files.writeString(opts.nmtDir().resolve("nmt-" + when + ".txt"), out);
    }
    String histo = jcmd("GC.class_histogram");
    if (histo != null) {
      Files.createDirectories(opts.nmtDir());
      Files.writeString(opts.nmtDir().resolve("histo-" + when + ".txt"), histo);
    }
  }

  long loadConcurrently(int n) throws Exception {
    if (n == 0) {
      return 0;
    }
    AtomicInteger next = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    long t0 = System.nanoTime();
    try (var exec = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int w = 0; w < opts.loadWriters(); w++) {
        exec.submit(
            () -> {
              int batch = Math.max(1, opts.loadBatch());
              int i;
              while (failure.get() == null && (i = next.getAndAdd(batch)) < n) {
                try {
                  if (opts.loadBatch() > 0) {
                    createUsers(i, Math.min(n, i + batch));
                  } else {
                    createUser(String.format("bench-load-%07d", i));
                  }
                } catch (Throwable t) {
                  failure.compareAndSet(null, t);
                }
              }
            });
      }
    } // close() waits for all writers
    long nanos = System.nanoTime() - t0;
    if (failure.get() != null) {
      die("load phase failed: " + failure.get());
    }
    return nanos;
  }

  /** Sum of the raftray_users gauge from /metrics (unauthenticated probe endpoint). */
  long userCount() throws IOException, InterruptedException {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(opts.baseUrl() + "/metrics"))
            .timeout(REQUEST_TIMEOUT)
            .GET()
            .build();
    HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
    if (res.statusCode() != 200) {
      die("GET /metrics answered " + res.statusCode());
    }
    Matcher m =
        Pattern.compile("(?m)^raftray_users\\{[^}]*\\}\\s+([0-9.eE+]+)\\s*$").matcher(res.body());
    long sum = 0;
    boolean any = false;
    while (m.find()) {
      sum += (long) Double.parseDouble(m.group(1));
      any = true;
    }
    if (!any) {
      die("no raftray_users gauge in /metrics");
    }
    return sum;
  }

  /** The three load averages from /proc/loadavg ("1m 5m 15m"), or "?". */
  static String loadAvg() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }

  /** Jiffies: all CPUs (total and busy, from /proc/stat), the daemon, this process. */
  record Cpu(long total, long busy, long daemon, long self) {
    /** Cores used over the interval, by the daemon, this bench, and everything else. */
    CpuUse until(Cpu end) {
      double perCpu = (end.total - total) / (double) Runtime.getRuntime().availableProcessors();
      if (total < 0 || end.total < 0 || perCpu <= 0) {
        return new CpuUse(Double.NaN, Double.NaN, Double.NaN);
      }
      double d = (end.daemon - daemon) / perCpu;
      double b = (end.self - self) / perCpu;
      double other = (end.busy - busy) / perCpu - d - b;
      return new CpuUse(d, b, Math.max(0, other));
    }
  }

  record CpuUse(double daemonCores, double benchCores, double otherCores) {}

  Cpu cpu() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < Math.min(f.length, 9); i++) { // user..steal; guest is inside user
        total += Long.parseLong(f[i]);
      }
      long busy = total - Long.parseLong(f[4]) - Long.parseLong(f[5]); // minus idle, iowait
      return new Cpu(total, busy, procTicks(Long.toString(opts.pid())), procTicks("self"));
    } catch (IOException | RuntimeException e) {
      return new Cpu(-1, -1, -1, -1);
    }
  }

  /** utime + stime of a process, in jiffies, from /proc/<pid>/stat (fields after the comm). */
  static long procTicks(String pid) throws IOException {
    String st = Files.readString(Path.of("/proc", pid, "stat"));
    String[] f = st.substring(st.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15 of stat(5)
  }

  // ---------------------------------------------------------------- memory

  /**
   * RSS (and its anonymous part) and, when jcmd works, the heap committed/used as found, then the
   * heap used/committed after {@code jcmd GC.run} and RSS right after that GC. Sizes in kB; -1 =
   * not measured.
   */
  record Mem(
      long rssKb,
      long rssAnonKb,
      long hwmKb,
      long heapCommittedKb,
      long heapUsedKb,
      long gcHeapUsedKb,
      long gcHeapCommittedKb,
      long rssAfterGcKb,
      long threads) {}

  Mem memory() throws Exception {
    Map<String, Long> st = procStatus();
    long rss = st.getOrDefault("VmRSS", -1L);
    long anon = st.getOrDefault("RssAnon", -1L);
    long hwm = st.getOrDefault("VmHWM", -1L);
    long[] before = {-1, -1};
    long[] after = {-1, -1};
    long rssAfter = -1;
    if (!opts.jcmd().isEmpty()) {
      String info = jcmd("GC.heap_info");
      if (info != null) {
        before = parseHeapInfo(info);
        if (jcmd("GC.run") != null) {
          String info2 = jcmd("GC.heap_info");
          if (info2 != null) {
            after = parseHeapInfo(info2);
          }
          rssAfter = procStatus().getOrDefault("VmRSS", -1L);
        }
      }
    }
    return new Mem(
        rss, anon, hwm, before[1], before[0], after[0], after[1], rssAfter, st.getOrDefault("Threads", -1L));
  }

  Map<String, Long> procStatus() throws IOException {
    Path p = Path.of("/proc", Long.toString(opts.pid()), "status");
    if (!Files.exists(p)) {
      die("the daemon (pid " + opts.pid() + ") is gone: no " + p);
    }
    Map<String, Long> out = new LinkedHashMap<>();
    for (String line : Files.readAllLines(p)) {
      Matcher m = Pattern.compile("^(Vm\\w+|Rss\\w+):\\s+(\\d+)\\s+kB").matcher(line);
      if (m.find()) {
        out.put(m.group(1), Long.parseLong(m.group(2)));
      } else if (line.startsWith("Threads:")) {
        out.put("Threads", Long.parseLong(line.substring(8).strip()));
      }
    }
    return out;
  }

  /** jcmd output, or null (with a note on stderr) when it fails; jcmd is optional. */
  String jcmd(String what) {
    try {
      Process p =
          new ProcessBuilder(opts.jcmd(), Long.toString(opts.pid()), what)
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.waitFor() != 0) {
        log("jcmd " + what + " failed (ignored): " + truncate(out.strip(), 300));
        return null;
      }
      return out;
    } catch (IOException | InterruptedException e) {
      log("jcmd " + what + " failed (ignored): " + e);
      return null;
    }
  }

  /**
   * {used, committed} in kB from GC.heap_info. Heap lines look like "garbage-first heap total
   * reserved 6291456K, committed 258048K, used 35840K [...]" (G1; other collectors name their
   * generations, which are summed); sub-lines carry "N% used", not matched; Metaspace is skipped.
   */
  static long[] parseHeapInfo(String info) {
    long used = 0, committed = 0;
    boolean any = false;
    Pattern usedP = Pattern.compile("\\bused (\\d+)([KMG])\\b");
    Pattern commP = Pattern.compile("\\b(?:committed|total) (\\d+)([KMG])\\b");
    for (String line : info.split("\n")) {
      Matcher u = usedP.matcher(line);
      if (!u.find()) {
        continue;
      }
      if (line.contains("Metaspace") || line.contains("class space")) {
        continue;
      }
      used += kb(u.group(1), u.group(2));
      Matcher c = commP.matcher(line);
      long comm = -1;
      while (c.find()) {
        comm = kb(c.group(1), c.group(2)); // "total reserved X, committed Y": last one wins
      }
      if (comm >= 0) {
        committed += comm;
      }
      any = true;
    }
    return any ? new long[] {used, committed} : new long[] {-1, -1};
  }

  static long kb(String n, String unit) {
    long v = Long.parseLong(n);
    return switch (unit) {
      case "G" -> v * 1024 * 1024;
      case "M" -> v * 1024;
      default -> v;
    };
  }

  // ---------------------------------------------------------------- report

  final class Report {
    final Instant started;
    final long usersAtStart, loadCount, loadNanos, usersLoaded, seqNanos;
    final long[] sorted;
    final Mem idle, loaded;
    final String loadBefore, loadAfter;
    final CpuUse idleCpu, seqCpu, loadCpu;

    Report(
        Instant started,
        long usersAtStart,
        long[] lat,
        long seqNanos,
        long loadCount,
        long loadNanos,
        long usersLoaded,
        Mem idle,
        Mem loaded,
        String loadBefore,
        String loadAfter,
        CpuUse idleCpu,
        CpuUse seqCpu,
        CpuUse loadCpu) {
      this.idleCpu = idleCpu;
      this.seqCpu = seqCpu;
      this.loadCpu = loadCpu;
      this.loadBefore = loadBefore;
      this.loadAfter = loadAfter;
      this.started = started;
      this.usersAtStart = usersAtStart;
      this.sorted = lat.clone();
      Arrays.sort(this.sorted);
      this.seqNanos = seqNanos;
      this.loadCount = loadCount;
      this.loadNanos = loadNanos;
      this.usersLoaded = usersLoaded;
      this.idle = idle;
      this.loaded = loaded;
    }

    /** Nearest-rank percentile in ms. */
    double pct(double q) {
      if (sorted.length == 0) {
        return Double.NaN;
      }
      int rank = (int) Math.ceil(q * sorted.length);
      return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
    }

    double mean() {
      return sorted.length == 0 ? Double.NaN : Arrays.stream(sorted).average().orElse(0) / 1e6;
    }

    double writesPerSec() {
      return seqNanos == 0 ? Double.NaN : sorted.length / (seqNanos / 1e9);
    }

    double loadPerSec() {
      return loadNanos == 0 ? Double.NaN : loadCount / (loadNanos / 1e9);
    }

    String human() {
      StringBuilder b = new StringBuilder();
      Map<String, String> m = opts.meta();
      b.append("\n=== Raftray single-node benchmark ===\n");
      b.append(f("date          %s%n", started.truncatedTo(ChronoUnit.SECONDS)));
      b.append(
          f(
              "machine       %s cpus (nproc), %s, %s RAM, kernel %s%n",
              m.getOrDefault("nproc", "?"),
              m.getOrDefault("cpu", "?"),
              m.getOrDefault("mem_total", "?"),
              m.getOrDefault("kernel", "?")));
      b.append(
          f(
              "jdk           %s %s (%s)%n",
              System.getProperty("java.vm.vendor"),
              Runtime.version(),
              m.getOrDefault("java_home", "?")));
      b.append(
          f(
              "jvm flags     %s%n",
              m.getOrDefault("java_opts", "").isEmpty()
                  ? "(none; JVM defaults)"
                  : m.get("java_opts")));
      b.append(f("raftray       %s%n", m.getOrDefault("raftray", "?")));
      b.append(f("data dir fs   %s%n", m.getOrDefault("data_fs", "?")));
      if (opts.startupMs() >= 0) {
        b.append(f("startup       %d ms from process start to /readyz = 200%n", opts.startupMs()));
      }
      b.append(f("load average  %s at start, %s at end (1m 5m 15m)%n", loadBefore, loadAfter));
      b.append(
          f(
              "%nSequential writes: POST /api/v1/users, 1 client, HTTP/1.1 keep-alive, after %d"
                  + " warmup writes%n",
              opts.warmup()));
      b.append(
          f(
              "  writes      %d in %.2f s = %.1f writes/s%n",
              sorted.length, seqNanos / 1e9, writesPerSec()));
      b.append(
          f(
              "  latency ms  p50 %.2f  p90 %.2f  p99 %.2f  max %.2f  (mean %.2f)%n",
              pct(0.50),
              pct(0.90),
              pct(0.99),
              sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e6,
              mean()));
      b.append(cpuLine(seqCpu));
      if (seqCpu.otherCores() > 0.2) {
        b.append(
            f(
                "  WARNING     other processes used %.2f cores during the timed writes: the machine"
                    + " was%n              not quiet, these figures are disturbed; rerun on an idle"
                    + " machine%n",
                seqCpu.otherCores()));
      }
      b.append(f("%nMemory of the daemon (pid %d): RSS = /proc/<pid>/status VmRSS%n", opts.pid()));
      b.append(
          memLine(
              "idle",
              "after startup + " + opts.settleSeconds() + " s settle, " + usersAtStart + " users",
              idle));
      b.append(f("              daemon cpu while idle: %.3f cores%n", idleCpu.daemonCores()));
      b.append(
          memLine(
              "loaded", usersLoaded + " users, + " + opts.settleSeconds() + " s settle", loaded));
      b.append(
          f(
              "  load phase  %d users with %d concurrent writers in %.2f s = %.1f writes/s%n",
              loadCount, opts.loadWriters(), loadNanos / 1e9, loadPerSec()));
      if (loadCount > 0) {
        b.append(cpuLine(loadCpu));
      }
      return b.toString();
    }

    String cpuLine(CpuUse c) {
      return f(
          "  cpu cores   daemon %.2f, bench client %.2f, other processes %.2f (of %d)%n",
          c.daemonCores(),
          c.benchCores(),
          c.otherCores(),
          Runtime.getRuntime().availableProcessors());
    }

    String memLine(String label, String what, Mem mm) {
      String s =
          f("  %-10s  RSS %s, %d threads  (%s)%n", label, mib(mm.rssKb()), mm.threads(), what);
      if (mm.heapCommittedKb() >= 0) {
        s +=
            f(
                "              Java heap committed %s (%s in use, garbage included)%n",
                mib(mm.heapCommittedKb()), mib(mm.heapUsedKb()));
      }
      if (mm.gcHeapUsedKb() >= 0) {
        s +=
            f(
                "              after jcmd GC.run: heap in use %s of %s committed; RSS then %s%n",
                mib(mm.gcHeapUsedKb()), mib(mm.gcHeapCommittedKb()), mib(mm.rssAfterGcKb()));
      }
      return s;
    }

    String json() {
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("bench", "single-node");
      j.put("date", started.truncatedTo(ChronoUnit.SECONDS).toString());
      j.put("java_version", Runtime.version().toString());
      j.put("java_vendor", System.getProperty("java.vm.vendor"));
      j.putAll(opts.meta());
      j.put("loadavg_start", loadBefore);
      j.put("loadavg_end", loadAfter);
      j.put("warmup", opts.warmup());
      j.put("writes", sorted.length);
      j.put("writes_seconds", round(seqNanos / 1e9));
      j.put("writes_per_sec", round(writesPerSec()));
      j.put("latency_ms_p50", round(pct(0.50)));
      j.put("latency_ms_p90", round(pct(0.90)));
      j.put("latency_ms_p99", round(pct(0.99)));
      j.put(
          "latency_ms_max",
          round(sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e6));
      j.put("latency_ms_mean", round(mean()));
      j.put("writes_cpu_cores_daemon", round(seqCpu.daemonCores()));
      j.put("writes_cpu_cores_bench", round(seqCpu.benchCores()));
      j.put("writes_cpu_cores_other", round(seqCpu.otherCores()));
      j.put("settle_seconds", opts.settleSeconds());
      j.put("idle_users", usersAtStart);
      j.put("startup_ms", opts.startupMs());
      j.put("load_batch", opts.loadBatch());
      j.put("idle_threads", idle.threads());
      j.put("loaded_threads", loaded.threads());
      j.put("idle_rss_kb", idle.rssKb());
      j.put("idle_rss_anon_kb", idle.rssAnonKb());
      j.put("idle_heap_committed_kb", idle.heapCommittedKb());
      j.put("idle_heap_used_after_gc_kb", idle.gcHeapUsedKb());
      j.put("idle_cpu_cores_daemon", round(idleCpu.daemonCores()));
      j.put("load_users", loadCount);
      j.put("load_writers", opts.loadWriters());
      j.put("load_seconds", round(loadNanos / 1e9));
      j.put("load_writes_per_sec", round(loadPerSec()));
      j.put("load_cpu_cores_daemon", round(loadCpu.daemonCores()));
      j.put("load_cpu_cores_other", round(loadCpu.otherCores()));
      j.put("loaded_users", usersLoaded);
      j.put("loaded_rss_kb", loaded.rssKb());
      j.put("loaded_rss_anon_kb", loaded.rssAnonKb());
      j.put("loaded_vmhwm_kb", loaded.hwmKb());
      j.put("loaded_heap_committed_kb", loaded.heapCommittedKb());
      j.put("loaded_heap_used_kb", loaded.heapUsedKb());
      j.put("loaded_heap_used_after_gc_kb", loaded.gcHeapUsedKb());
      j.put("loaded_heap_committed_after_gc_kb", loaded.gcHeapCommittedKb());
      j.put("loaded_rss_after_gc_kb", loaded.rssAfterGcKb());
      StringBuilder b = new StringBuilder("{");
      j.forEach(
          (k, v) -> {
            if (b.length() > 1) {
              b.append(',');
            }
            b.append(quote(k)).append(':');
            if (v instanceof Number n
                && !(v instanceof Double d && (d.isNaN() || d.isInfinite()))) {
              b.append(n);
            } else if (v instanceof Double) {
              b.append("null");
            } else {
              b.append(quote(String.valueOf(v)));
            }
          });
      return b.append('}').toString();
    }
  }

  // ---------------------------------------------------------------- helpers

  static String f(String fmt, Object... args) {
    return String.format(Locale.ROOT, fmt, args);
  }

  static String mib(long kb) {
    return kb < 0 ? "n/a" : f("%.1f MiB", kb / 1024.0);
  }

  static double round(double d) {
    return Double.isNaN(d) || Double.isInfinite(d) ? d : Math.round(d * 1000) / 1000.0;
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

  static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "...";
  }

  static void log(String msg) {
    System.err.println("bench: " + msg);
  }

  static void die(String msg) {
    System.err.println("bench: FAILED: " + msg);
    System.exit(1);
  }
}
