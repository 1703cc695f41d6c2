package io.raftray.xray;

import io.raftray.model.ErrorKind;
import io.raftray.model.FailureStreak;
import io.raftray.model.NodeUsage;
import io.raftray.model.Threads;
import io.raftray.model.User;
import io.raftray.state.Command;
import io.raftray.state.Replica;
import io.raftray.state.Result;
import io.raftray.state.State;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Reads this node's per-user traffic counters from the core and commits them to the cluster as
 * idempotent {@code usage.report} batches (see docs/data-plane.md, "Traffic, limits and expiry").
 *
 * <p>Every round: QueryStats {@code user>>>} without reset; each counter's delta against the last
 * value seen (a counter that went down belongs to a restarted core: its value is the delta); deltas
 * summed per user go into a numbered batch; the journal (last seen values + batches + next seq) is
 * written durably BEFORE a batch is submitted, and a batch leaves the journal only after its
 * commit. A batch is marked attempted in the journal before its first submit and is then
 * resubmitted unchanged (same seq) until it commits, so a lost answer, a crash or a restart never
 * counts it twice (the state machine drops a seq it has applied) and never loses it. New traffic
 * while a batch waits is merged into one unattempted batch: the journal holds at most two batches.
 *
 * <p>Core restarts: call {@link #coreRestarted()} as soon as the core is known to be gone, and
 * {@link #coreReady(String)} with a token naming the running core process (e.g. pid and start time)
 * before its API is handed out. A different token than the journal's forgets the last seen values
 * (the new core counts from zero); the same token (the daemon restarted and adopted the running
 * core) keeps them. The core's uptime (GetSysStats) tells a restarted core on its own, so a lost
 * connection (an external core that did not answer for a while) is not taken for a restart.
 *
 * <p>Counters are read every second at most ({@link #MAX_POLL_PERIOD}) and journaled at once;
 * batches are submitted on their own thread, at most once per interval. Bytes a core counted after
 * the last read and before it died are lost: at most one poll period of traffic.
 */
public final class TrafficCollector implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(TrafficCollector.class.getName());
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);

  /**
   * Counters are read at least this often whatever the report interval: what a core counted after
   * the last read dies with it, so this is the loss bound of a core crash.
   */
  public static final Duration MAX_POLL_PERIOD = Duration.ofSeconds(1);

  /**
   * An estimate of a core's start time (read time minus its uptime in whole seconds) later than the
   * known one by more than this, within one daemon run (monotonic clock), is another process.
   */
  static final long SAME_CORE_TOLERANCE_MILLIS = 3_000;

  /** The same across a daemon restart, where only the wall clock links the two estimates. */
  static final long SAME_CORE_TOLERANCE_ACROSS_RUNS_MILLIS = 10_000;

  static final String PATTERN = "user>>>";
  private static final String UPLINK = ">>>traffic>>>uplink";
  private static final String DOWNLINK = ">>>traffic>>>downlink";

  private final String nodeId;
  private final Replica replica;
  private final Supplier<Optional<XrayApi>> api;
  private final Duration interval;
  private final Duration pollPeriod;
  private final TrafficJournal journal;
  private final ReentrantLock lock = new ReentrantLock();
  private final ReentrantLock flushLock = new ReentrantLock();
  private final AtomicLong batchesCommitted = new AtomicLong();
  private volatile ScheduledExecutorService timer;
  private volatile ScheduledExecutorService poller;
  private volatile boolean closed;

  /** The current core's start as {@code System.nanoTime()} minus its uptime; this run only. */
  private long coreStartNanos;

  private boolean coreStartKnown;

  /** When the flush thread last submitted (nanoTime); 0 = not yet in this run. Flush thread. */
  private long lastSubmitNanos;

  /** After a damaged journal: the first poll only records values (no double counting). */
  private boolean baseline;

  /** Bumped by the core hooks: counters read before a hook must not be compared after it. */
  private long epoch;

  private boolean pollFailing;
  private final FailureStreak submits = new FailureStreak(LOG);

  /** With the default interval of 5 s. */
  public TrafficCollector(
      String nodeId, Path dataDir, Replica replica, Supplier<Optional<XrayApi>> api) {
    this(nodeId, dataDir, replica, api, DEFAULT_INTERVAL);
  }

  /**
   * Loads {@code <dataDir>/xray/traffic-journal.json} if present. A damaged journal is moved aside
   * ({@code .damaged}) with a warning; its pending batches are lost and the first poll then only
   * records the counters, so nothing is counted twice.
   *
   * @param api the core's API when it is up; empty (or throwing) while it is down or restarting
   */
  public TrafficCollector(
      String nodeId,
      Path dataDir,
      Replica replica,
      Supplier<Optional<XrayApi>> api,
      Duration interval) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("stats interval must be positive");
    }
    this.nodeId = nodeId;
    this.replica = replica;
    this.api = api;
    this.interval = interval;
    this.pollPeriod = interval.compareTo(MAX_POLL_PERIOD) < 0 ? interval : MAX_POLL_PERIOD;
    this.journal = new TrafficJournal(dataDir.resolve("xray"));
    if (journal.exists()) {
      try {
        journal.load();
        if (!nodeId.equals(journal.nodeId)) {
          // The data dir now belongs to another node id: those batches are not ours to send.
          LOG.warning(
              "traffic journal belongs to node "
                  + journal.nodeId
                  + ", dropping its "
                  + journal.pending.size()
                  + " pending usage batches");
          journal.pending.clear();
          journal.nextSeq = 1;
        }
      } catch (IOException e) {
        LOG.warning(e.getMessage() + "; moved aside, the next poll only records the counters");
        moveAside();
        baseline = true;
      }
    }
    journal.nodeId = nodeId;
  }

  private void moveAside() {
    try {
      Files.move(
          journal.file(),
          journal.file().resolveSibling(TrafficJournal.FILE + ".damaged"),
          StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move the damaged traffic journal aside", e);
    }
    journal.generation = null;
    journal.coreStartedAt = null;
    journal.lastSeen = new TreeMap<>();
    journal.pending.clear();
  }

  /**
   * Reads the counters every {@link #MAX_POLL_PERIOD} (or the interval, when shorter) on one thread
   * and submits batches on another: the first as soon as there is one, then at most one submit
   * round per interval, so a slow or leaderless cluster never delays reading the core.
   */
  @SuppressWarnings("FutureReturnValueIgnored") // the tasks log failures; close() stops them
  public synchronized void start() {
    if (timer != null || closed) {
      return;
    }
    poller = Threads.scheduler("raftray-traffic-poll-" + nodeId);
    timer = Threads.scheduler("raftray-traffic-" + nodeId);
    poller.scheduleWithFixedDelay(this::safePoll, 0, pollPeriod.toMillis(), TimeUnit.MILLISECONDS);
    timer.scheduleWithFixedDelay(
        this::flushWhenDue, 0, pollPeriod.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Stops the timers, then one final poll and flush. Idempotent. */
  @Override
  public void close() {
    ScheduledExecutorService t;
    ScheduledExecutorService p;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      t = timer;
      p = poller;
    }
    stop(p);
    stop(t);
    safeRound();
  }

  private static void stop(ScheduledExecutorService s) {
    if (s == null) {
      return;
    }
    s.shutdown();
    try {
      if (!s.awaitTermination(30, TimeUnit.SECONDS)) {
        s.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void safeRound() {
    try {
      round();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "traffic collection round failed", e);
    }
  }

  private void safePoll() {
    try {
      poll();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "reading traffic counters failed", e);
    }
  }

  /** Flush thread: submits when batches wait and the interval since the last submit passed. */
  private void flushWhenDue() {
    try {
      if (pendingBatches() == 0) {
        return;
      }
      long now = System.nanoTime();
      if (lastSubmitNanos != 0 && now - lastSubmitNanos < interval.toNanos()) {
        return;
      }
      lastSubmitNanos = now;
      flush();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "submitting usage reports failed", e);
    }
  }

  /** One poll then one flush (tests call it directly instead of starting the timer). */
  void round() {
    poll();
    flush();
  }

  /**
   * The core is gone (crashed, killed, being replaced): the next counters seen come from a fresh
   * core, so the last seen values are forgotten now.
   */
  public void coreRestarted() {
    lock.lock();
    try {
      epoch++;
      journal.generation = null;
      forgetCore();
      save();
    } finally {
      lock.unlock();
    }
  }

  /**
   * The core identified by {@code generation} is up. A generation different from the one the last
   * seen values were read from means a new core: forget them. The same generation (an adopted core
   * after a daemon restart) or none known keeps them, and counters that went down still count from
   * zero.
   */
  public void coreReady(String generation) {
    lock.lock();
    try {
      if (journal.generation != null && !journal.generation.equals(generation)) {
        epoch++;
        forgetCore();
      }
      journal.generation = generation;
      save();
    } finally {
      lock.unlock();
    }
  }

  /** The counters belong to a core we have not seen: forget its predecessor's. Under lock. */
  private void forgetCore() {
    journal.lastSeen = new TreeMap<>();
    journal.coreStartedAt = null;
    coreStartKnown = false;
  }

  /** One read of the core: its counters and, when it tells, when it started. */
  private record Reading(
      Map<String, Long> stats, boolean hasStart, long startNanos, long startWallMillis) {}

  /**
   * Reads the counters and records the deltas in the journal; false when the core was not there.
   *
   * <p>The core's uptime is read before and after the counters: when the two disagree the core was
   * replaced during the read and the reading is dropped. A start time later than the one the last
   * seen values belong to is a restarted core, whatever the supervisor said (an external core can
   * restart unseen during a lost connection, and a lost connection alone is no restart).
   */
  boolean poll() {
    long readIn;
    lock.lock();
    try {
      readIn = epoch;
    } finally {
      lock.unlock();
    }
    Reading reading;
    try {
      Optional<XrayApi> core = api.get();
      if (core.isEmpty()) {
        return false;
      }
      reading = read(core.get());
    } catch (RuntimeException e) {
      if (!pollFailing) {
        LOG.warning("cannot read traffic counters from the core: " + e.getMessage());
      }
      pollFailing = true;
      return false;
    }
    if (pollFailing) {
      LOG.info("reading traffic counters from the core again");
      pollFailing = false;
    }
    if (reading == null) {
      return false; // the core was replaced while we read it
    }
    // Which users the new traffic belongs to, outside the lock: it may need a Raft read.
    Map<String, Long> previous;
    boolean restarted;
    lock.lock();
    try {
      if (readIn != epoch) {
        return false;
      }
      restarted = restarted(reading);
      previous = restarted ? Map.of() : new TreeMap<>(journal.lastSeen);
    } finally {
      lock.unlock();
    }
    Owners owners = owners(reading.stats(), previous);
    lock.lock();
    try {
      if (readIn != epoch) {
        return false; // read from the core that just went away: its values mean nothing now
      }
      if (restarted) {
        LOG.info("the core restarted (its uptime began again): counting its counters from zero");
        forgetCore();
      }
      if (reading.hasStart() && !coreStartKnown) {
        coreStartKnown = true;
        coreStartNanos = reading.startNanos();
      }
      boolean startChanged = false;
      if (reading.hasStart() && journal.coreStartedAt == null) {
        journal.coreStartedAt = reading.startWallMillis();
        startChanged = true;
      }
      record(reading.stats(), owners, startChanged);
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Uptime, counters, uptime again; null when the two uptimes name different processes. */
  private static Reading read(XrayApi core) {
    OptionalLong before = core.uptimeSeconds();
    long beforeNanos = System.nanoTime();
    Map<String, Long> stats = core.queryStats(PATTERN, false);
    OptionalLong after = core.uptimeSeconds();
    long afterNanos = System.nanoTime();
    long wall = System.currentTimeMillis();
    if (before.isEmpty() || after.isEmpty()) {
      return new Reading(stats, false, 0, 0);
    }
    long start1 = beforeNanos - TimeUnit.SECONDS.toNanos(before.getAsLong());
    long start2 = afterNanos - TimeUnit.SECONDS.toNanos(after.getAsLong());
    if (Math.abs(start2 - start1) > TimeUnit.MILLISECONDS.toNanos(SAME_CORE_TOLERANCE_MILLIS)) {
      return null;
    }
    return new Reading(stats, true, start1, wall - after.getAsLong() * 1000);
  }

  /** Whether {@code r} comes from another core than the last seen values. Under lock. */
  private boolean restarted(Reading r) {
    if (!r.hasStart()) {
      return false; // a core without uptime: only the decrease rule and the hooks tell
    }
    // A new process starts after the old one: only a start that moved later counts (an earlier
    // estimate is rounding, or a wall clock set back while the daemon was down).
    if (coreStartKnown) {
      return r.startNanos() - coreStartNanos
          > TimeUnit.MILLISECONDS.toNanos(SAME_CORE_TOLERANCE_MILLIS);
    }
    Long known = journal.coreStartedAt;
    return known != null && r.startWallMillis() - known > SAME_CORE_TOLERANCE_ACROSS_RUNS_MILLIS;
  }

  /**
   * The users of the counters with new traffic. The local view can lag (a restarted node still
   * replaying its log, a follower behind): a user it does not know is looked up once more with a
   * linearizable read, and only a user the cluster does not have either is deleted. When that read
   * fails, those counters are held: their last seen value stays, so a later poll charges them.
   */
  private Owners owners(Map<String, Long> stats, Map<String, Long> previous) {
    Map<String, String> byEmail = new HashMap<>();
    List<String> unknown = new ArrayList<>();
    Resolver local = new Resolver(replica.view());
    for (Map.Entry<String, Long> e : stats.entrySet()) {
      String email = email(e.getKey());
      Long value = e.getValue();
      if (email == null || value == null || value.equals(previous.get(e.getKey()))) {
        continue;
      }
      if (byEmail.containsKey(email) || unknown.contains(email)) {
        continue;
      }
      String userId = Emails.parse(email).map(p -> local.resolve(p.userId())).orElse(null);
      if (userId != null) {
        byEmail.put(email, userId);
      } else if (Emails.parse(email).isPresent()) {
        unknown.add(email);
      }
    }
    Set<String> held = new HashSet<>();
    if (!unknown.isEmpty()) {
      try {
        Resolver cluster = new Resolver(replica.linearizableView());
        for (String email : unknown) {
          String userId = Emails.parse(email).map(p -> cluster.resolve(p.userId())).orElse(null);
          if (userId != null) {
            byEmail.put(email, userId);
          }
        }
      } catch (RuntimeException e) {
        LOG.fine("cannot confirm " + unknown.size() + " unknown users yet: " + e.getMessage());
        held.addAll(unknown);
      }
    }
    return new Owners(byEmail, held);
  }

  /** User id per email (absent: nobody to charge) and the emails that cannot be told yet. */
  private record Owners(Map<String, String> byEmail, Set<String> held) {}

  /** The email of a user counter name, or null when it is none. */
  private static String email(String name) {
    boolean up = name.endsWith(UPLINK);
    if (!name.startsWith(PATTERN) || (!up && !name.endsWith(DOWNLINK))) {
      return null;
    }
    int end = name.length() - (up ? UPLINK : DOWNLINK).length();
    return end <= PATTERN.length() ? null : name.substring(PATTERN.length(), end);
  }

  private void record(Map<String, Long> stats, Owners owners, boolean startChanged) {
    TreeMap<String, Long> seen = new TreeMap<>();
    TreeMap<String, long[]> byUser = new TreeMap<>();
    for (Map.Entry<String, Long> e : stats.entrySet()) {
      String name = e.getKey();
      String email = email(name);
      if (email == null || e.getValue() == null) {
        continue;
      }
      boolean up = name.endsWith(UPLINK);
      long value = Math.max(0, e.getValue());
      Long prev = journal.lastSeen.get(name);
      if (!baseline && owners.held().contains(email)) {
        if (prev != null) {
          seen.put(name, prev); // charged by a later poll, once the user can be told
        }
        continue;
      }
      seen.put(name, value);
      if (baseline) {
        continue;
      }
      long delta = prev == null || value < prev ? value : value - prev;
      if (delta == 0) {
        continue;
      }
      String userId = owners.byEmail().get(email);
      if (userId == null) {
        continue; // deleted user (or not a counter of ours): nobody to charge
      }
      long[] sum = byUser.computeIfAbsent(userId, k -> new long[2]);
      sum[up ? 0 : 1] = NodeUsage.add(sum[up ? 0 : 1], delta);
    }
    boolean changed = baseline || startChanged || !seen.equals(journal.lastSeen);
    baseline = false;
    journal.lastSeen = seen;
    if (!byUser.isEmpty()) {
      TrafficJournal.Batch last = journal.pending.isEmpty() ? null : journal.pending.getLast();
      if (last != null && !last.attempted) {
        byUser.forEach(
            (u, s) ->
                last.byUser.merge(
                    u,
                    s,
                    (a, b) -> new long[] {NodeUsage.add(a[0], b[0]), NodeUsage.add(a[1], b[1])}));
      } else {
        journal.pending.add(new TrafficJournal.Batch(journal.nextSeq++, false, byUser));
      }
      changed = true;
    }
    if (changed) {
      save();
    }
  }

  /** Submits pending batches in seq order until one fails; it stays first for the next round. */
  void flush() {
    flushLock.lock();
    try {
      while (true) {
        TrafficJournal.Batch head;
        lock.lock();
        try {
          if (journal.pending.isEmpty()) {
            return;
          }
          head = journal.pending.getFirst();
          if (!head.attempted) {
            // Never below what the cluster has applied for this node (a lost or reset journal).
            long floor = replica.view().usageSeq(nodeId) + 1;
            long seq = Math.max(head.seq, floor);
            head = new TrafficJournal.Batch(seq, true, head.byUser);
            journal.pending.set(0, head);
            journal.nextSeq = Math.max(journal.nextSeq, seq + 1);
            save(); // durable before the first submit: from now on only this seq carries it
          }
        } finally {
          lock.unlock();
        }
        if (!submit(head)) {
          return;
        }
        long done = head.seq;
        lock.lock();
        try {
          journal.pending.removeIf(b -> b.seq == done && b.attempted);
          save();
        } finally {
          lock.unlock();
        }
      }
    } finally {
      flushLock.unlock();
    }
  }

  private boolean submit(TrafficJournal.Batch b) {
    Result r;
    try {
      r = replica.submit(nodeId, new Command.UsageReport(nodeId, b.seq, b.deltas(), true, true));
    } catch (RuntimeException e) {
      submitFailed(e.getMessage());
      return false;
    }
    if (!r.ok() && r.error() == ErrorKind.UNAVAILABLE) {
      submitFailed(r.message());
      return false;
    }
    if (!r.ok()) {
      // A business rejection will not change on retry: drop the batch rather than block the rest.
      LOG.warning("usage report " + b.seq + " rejected, its traffic is dropped: " + r.message());
    } else {
      batchesCommitted.incrementAndGet();
    }
    submits.succeeded("usage reports committed again");
    return true;
  }

  private void submitFailed(String why) {
    submits.failed("cannot commit usage reports, keeping them in the journal: " + why);
  }

  private void save() {
    try {
      journal.save();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the traffic journal " + journal.file(), e);
    }
  }

  /** Batches committed since start (metric {@code raftray_usage_batches_total}). */
  public long batchesCommitted() {
    return batchesCommitted.get();
  }

  /** Batches waiting in the journal (metric {@code raftray_usage_pending_batches}). */
  public int pendingBatches() {
    lock.lock();
    try {
      return journal.pending.size();
    } finally {
      lock.unlock();
    }
  }

  /** Appends this collector's metrics in the Prometheus text format. */
  public void appendMetrics(StringBuilder out) {
    out.append("# HELP raftray_usage_batches_total Usage batches committed by this node.\n")
        .append("# TYPE raftray_usage_batches_total counter\n")
        .append("raftray_usage_batches_total ")
        .append(batchesCommitted())
        .append('\n')
        .append("# HELP raftray_usage_pending_batches Usage batches waiting in the journal.\n")
        .append("# TYPE raftray_usage_pending_batches gauge\n")
        .append("raftray_usage_pending_batches ")
        .append(pendingBatches())
        .append('\n');
  }

  /**
   * Emails carry user ids in lower case; ids are a lower-case prefix and upper-case Crockford
   * base32, so the upper-cased suffix is tried first and a case-insensitive index built only when
   * that misses.
   */
  private static final class Resolver {
    private final State view;
    private Map<String, String> byLower;

    Resolver(State view) {
      this.view = view;
    }

    String resolve(String lower) {
      int us = lower.indexOf('_');
      String guess =
          us < 0
              ? lower
              : lower.substring(0, us + 1) + lower.substring(us + 1).toUpperCase(Locale.ROOT);
      if (view.users().containsKey(guess)) {
        return guess;
      }
      if (byLower == null) {
        byLower = new HashMap<>();
        for (User u : view.users().values()) {
          byLower.put(u.id().toLowerCase(Locale.ROOT), u.id());
        }
      }
      return byLower.get(lower);
    }
  }
}
