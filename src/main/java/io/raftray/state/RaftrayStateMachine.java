package io.raftray.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.MD5FileUtil;
import org.jspecify.annotations.Nullable;

/**
 * Thin Ratis adapter over {@link Store}. The leader stamps the time in {@link #startTransaction};
 * {@link #applyTransaction} decodes, applies and publishes a new immutable {@link State}. Snapshots
 * are checksummed JSON files; a damaged one stops startup instead of serving partial data.
 *
 * <p>Two things are kept off the apply path (issue 12): the {@link Result} of an entry is encoded
 * only when Ratis reads the reply's content, i.e. where a client waits for it (the leader; a
 * follower puts the reply in its retry cache and never sends it), see {@link ResultMessage}; and
 * {@link #takeSnapshot} writes the snapshot of the immutable view on a background thread. It
 * returns an index to Ratis (which then purges the log up to it) only once that index's file is
 * complete, fsynced, renamed, checksummed and its directory synced; until then it returns {@link
 * RaftLog#INVALID_LOG_INDEX}, so Ratis asks again after its next applied entries.
 */
public final class RaftrayStateMachine extends BaseStateMachine {
  private static final Logger LOG = Logger.getLogger(RaftrayStateMachine.class.getName());

  private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
  private final Clock clock;
  private final int auditRetention;
  private final List<Consumer<State>> listeners = new CopyOnWriteArrayList<>();
  private final Object appliedMonitor = new Object();

  private final DirectorySync directorySync;
  // The latest leader stamp this node applied or issued (see startTransaction).
  private final AtomicReference<Instant> latestTime = new AtomicReference<>(Instant.EPOCH);
  private volatile String halt;

  private volatile State view = State.empty();

  // The snapshot writer (one background thread in the daemon; the caller's thread in tests).
  private final Executor snapshotWriter;
  private final @Nullable ExecutorService ownedSnapshotWriter;
  private final Object snapshotLock = new Object();
  // Guarded by snapshotLock: the write in flight; the newest index whose snapshot is durable; the
  // newest index returned to Ratis (or loaded: Ratis' own snapshot index never goes backwards).
  private @Nullable CompletableFuture<Void> snapshotWrite;
  private long durableSnapshotIndex = RaftLog.INVALID_LOG_INDEX;
  private long reportedSnapshotIndex = RaftLog.INVALID_LOG_INDEX;

  // How the leader checks a joining host's proof of its join token (set by the daemon).
  private volatile Authority.@Nullable JoinProofs joinProofs;

  /** What this node reads and, as leader, has heard its peers read ({@link Features}). */
  public interface FeatureSupport {
    /** The highest feature level this node reads. */
    int supported();

    /** Node id to the level it last said it reads (this node included). */
    Map<String, Integer> heard();
  }

  private volatile FeatureSupport features =
      new FeatureSupport() {
        @Override
        public int supported() {
          return Features.CURRENT;
        }

        @Override
        public Map<String, Integer> heard() {
          return Map.of();
        }
      };

  /** Has this node read, and as leader log, only what {@code f} says (set by the daemon). */
  public void useFeatures(FeatureSupport f) {
    this.features = f;
  }

  /** Has the leader check join-token proofs with {@code proofs} (see {@link Authority}). */
  public void checkJoinProofsWith(Authority.JoinProofs proofs) {
    this.joinProofs = proofs;
  }

  /** The daemon's state machine: snapshots are written on their own background thread. */
  public RaftrayStateMachine(Clock clock, int auditRetention) {
    this(clock, auditRetention, RaftrayStateMachine::fsyncDirectory, null);
  }

  /** Snapshots written on the calling thread (a seam for tests: takeSnapshot returns its index). */
  RaftrayStateMachine(Clock clock, int auditRetention, DirectorySync directorySync) {
    this(clock, auditRetention, directorySync, Runnable::run);
  }

  /** Snapshots written by {@code snapshotWriter}; null for a background thread of its own. */
  RaftrayStateMachine(
      Clock clock,
      int auditRetention,
      DirectorySync directorySync,
      @Nullable Executor snapshotWriter) {
    this.clock = clock;
    this.auditRetention = auditRetention;
    this.directorySync = directorySync;
    if (snapshotWriter == null) {
      this.ownedSnapshotWriter =
          Executors.newSingleThreadExecutor(
              r -> {
                Thread t = new Thread(r, "raftray-snapshot-writer");
                t.setDaemon(true);
                return t;
              });
      this.snapshotWriter = ownedSnapshotWriter;
    } else {
      this.ownedSnapshotWriter = null;
      this.snapshotWriter = snapshotWriter;
    }
  }

  /** Makes a rename inside {@code dir} durable (a seam for tests). */
  interface DirectorySync {
    void sync(Path dir) throws IOException;
  }

  /**
   * Why this replica stopped applying the log (an entry it cannot decode or apply), or empty while
   * it applies normally. Once set it stays until the process restarts.
   */
  public Optional<String> halted() {
    return Optional.ofNullable(halt);
  }

  /** Forces a directory's entries (a rename into it) to disk. */
  static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  /** The latest applied state; never blocks. */
  public State view() {
    return view;
  }

  /** Called after each publication with the new view (on the apply thread: keep it cheap). */
  public void addListener(Consumer<State> listener) {
    listeners.add(listener);
  }

  /** Waits until the local view has applied at least {@code index}. */
  public State awaitApplied(long index, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (appliedMonitor) {
      while (view.appliedIndex() < index) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        appliedMonitor.wait(Math.max(1, left / 1_000_000));
      }
    }
    return view;
  }

  @Override
  public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage)
      throws IOException {
    super.initialize(server, groupId, raftStorage);
    storage.init(raftStorage);
    loadLatestSnapshot();
  }

  /**
   * Installing a snapshot from the leader pauses the state machine, replaces the snapshot files and
   * calls {@link #reinitialize()}; Ratis checks that the state machine is PAUSED in between.
   */
  @Override
  public void pause() {
    // The leader's snapshot files are about to replace ours: let a write in flight finish first.
    awaitSnapshotWrite();
    LifeCycle lc = getLifeCycle();
    if (lc.getCurrentState() == LifeCycle.State.NEW) {
      lc.transition(LifeCycle.State.STARTING);
      lc.transition(LifeCycle.State.RUNNING);
    }
    if (lc.getCurrentState() == LifeCycle.State.RUNNING) {
      lc.transition(LifeCycle.State.PAUSING);
      lc.transition(LifeCycle.State.PAUSED);
    }
  }

  @Override
  public void reinitialize() throws IOException {
    loadLatestSnapshot();
    LifeCycle lc = getLifeCycle();
    if (lc.getCurrentState() == LifeCycle.State.PAUSED) {
      lc.transition(LifeCycle.State.STARTING);
      lc.transition(LifeCycle.State.RUNNING);
    }
  }

  @Override
  public SimpleStateMachineStorage getStateMachineStorage() {
    return storage;
  }

  private void loadLatestSnapshot() throws IOException {
    SingleFileSnapshotInfo snap = storage.loadLatestSnapshot();
    if (snap == null) {
      return;
    }
    File file = snap.getFile().getPath().toFile();
    State loaded;
    try {
      loaded = SnapshotCodec.decode(file.toPath(), auditRetention);
    } catch (IOException e) {
      // The file name is what an operator needs; keep the detail as a suppressed exception so
      // the one-line startup error (the innermost cause) still names the file.
      IOException named = new IOException("cannot load snapshot " + file + ": " + e.getMessage());
      named.addSuppressed(e);
      throw named;
    }
    if (loaded.featureLevel() > features.supported()) {
      throw new IOException(
          "snapshot "
              + file
              + " needs feature level "
              + loaded.featureLevel()
              + ", and this release reads up to "
              + features.supported()
              + ": run a newer release (docs/operations.md, \"Rolling upgrades\")");
    }
    if (loaded.appliedIndex() != snap.getIndex()) {
      throw new IOException(
          "snapshot "
              + file
              + " holds index "
              + loaded.appliedIndex()
              + ", expected "
              + snap.getIndex());
    }
    // Entries purged into the snapshot still bound the next stamps (see startTransaction).
    loaded.audit().newestFirst(e -> true, Long.MAX_VALUE, 1).stream()
        .findFirst()
        .ifPresent(e -> latestTime.accumulateAndGet(e.at(), RaftrayStateMachine::later));
    publish(loaded);
    updateLastAppliedTermIndex(snap.getTerm(), snap.getIndex());
    synchronized (snapshotLock) {
      // Ratis counts this as its snapshot index: never report an older one after it.
      reportedSnapshotIndex = Math.max(reportedSnapshotIndex, snap.getIndex());
    }
  }

  @Override
  public TransactionContext startTransaction(RaftClientRequest request) throws IOException {
    // Runs on the leader only, before the entry is logged: who may submit what is checked here
    // (Authority), and the envelope is logged without the credential that came with it.
    CommandEnvelope env;
    try {
      Submission submission =
          CommandCodec.decodeSubmission(request.getMessage().getContent().toByteArray());
      env = Authority.verify(view, submission, this::inRaftConfiguration, joinProofs);
      checkFeatureLevel(env.command());
    } catch (Authority.Refused e) {
      // Handed back as the transaction's exception (not thrown): Ratis then answers the client
      // with it and settles the request's retry-cache entry, so nothing is logged or left pending.
      TransactionContext refused =
          TransactionContext.newBuilder()
              .setStateMachine(this)
              .setClientRequest(request)
              .setLogData(ByteString.EMPTY)
              .build();
      // A plain IOException: Ratis sends the cause to the client Java-serialized, and peers only
      // revive JDK and Ratis types (RaftWire, cli.Main). Its text carries Refused.MARKER.
      refused.setException(new IOException(e.getMessage()));
      return refused;
    }
    // The leader's clock is the cluster's clock, but clocks differ: never stamp below any time
    // this node stamped or applied, so time never runs backwards across a leader change (a new
    // leader has applied every earlier term's entry before Ratis lets it take requests).
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    Instant at = latestTime.accumulateAndGet(now, RaftrayStateMachine::later);
    byte[] stamped = CommandCodec.encode(env.stampedAt(at));
    return TransactionContext.newBuilder()
        .setStateMachine(this)
        .setClientRequest(request)
        .setLogData(ByteString.copyFrom(stamped))
        .build();
  }

  /**
   * Refuses what a voter might not read: a command above the cluster's level, or a raise of the
   * level that this leader has not heard every voter of its configuration support.
   */
  private void checkFeatureLevel(Command c) throws Authority.Refused {
    FeatureSupport f = features;
    Optional<String> refusal = Features.refusal(view, c, f.supported());
    if (refusal.isEmpty() && c instanceof Command.SetFeatureLevel l) {
      int heardMin = Features.raiseTo(Features.BASE - 1, voterIds(), f.heard()).orElse(0);
      if (heardMin < l.level()) {
        refusal =
            Optional.of(
                "cannot raise the cluster to feature level "
                    + l.level()
                    + ": not every voter has said it reads it");
      }
    }
    if (refusal.isPresent()) {
      throw new Authority.Refused(refusal.get());
    }
  }

  /** The voters of this server's current Raft configuration (empty when unknown). */
  List<String> voterIds() {
    try {
      return getServer()
          .getNow(null)
          .getDivision(getGroupId())
          .getRaftConf()
          .getCurrentPeers()
          .stream()
          .map(p -> p.getId().toString())
          .toList();
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }

  /** Whether {@code nodeId} is a voter of this server's current Raft configuration. */
  private boolean inRaftConfiguration(String nodeId) {
    return voterIds().contains(nodeId);
  }

  /**
   * Applies one committed entry. An entry this release cannot decode, or whose apply throws (not a
   * business rejection: those are results), halts the replica: Ratis would otherwise advance past
   * it and this replica would silently diverge. Halting throws out of this method, which makes
   * Ratis stop applying and close this node's Raft server; the view stays at the last good index,
   * no snapshot is taken past it, and {@link #halted()} says why.
   */
  @Override
  public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
    LogEntryProto entry = trx.getLogEntry();
    long index = entry.getIndex();
    String stop = halt;
    if (stop != null) {
      throw new IllegalStateException(stop);
    }
    CommandEnvelope env;
    try {
      env = CommandCodec.decode(entry.getStateMachineLogEntry().getLogData().toByteArray());
    } catch (IOException e) {
      throw halt(index, undecodable(e), e);
    }
    int needs = Features.required(env.command());
    if (needs > features.supported()) {
      throw halt(
          index,
          env.command().action()
              + " needs feature level "
              + needs
              + ", and this release reads up to "
              + features.supported()
              + ": run a newer release (docs/operations.md, \"Rolling upgrades\")",
          null);
    }
    Store.Applied applied;
    try {
      applied = Store.apply(view, env, index);
    } catch (RuntimeException e) {
      throw halt(
          index,
          "applying " + env.command().action() + " threw " + e.getClass().getSimpleName(),
          e);
    }
    latestTime.accumulateAndGet(env.at(), RaftrayStateMachine::later);
    publish(applied.state());
    updateLastAppliedTermIndex(entry.getTerm(), index);
    return CompletableFuture.completedFuture(new ResultMessage(applied.result()));
  }

  /**
   * An entry's {@link Result} as a Ratis reply, encoded the first time its content is read: on the
   * leader when it answers the client (or a retry from the cache); a follower never reads it.
   */
  static final class ResultMessage implements Message {
    private final Result result;
    private volatile @Nullable ByteString content;

    ResultMessage(Result result) {
      this.result = result;
    }

    @Override
    public ByteString getContent() {
      ByteString c = content;
      if (c == null) {
        c = ByteString.copyFrom(CommandCodec.encodeResult(result));
        content = c;
      }
      return c;
    }

    /** Whether the content was asked for (and so encoded). */
    boolean encoded() {
      return content != null;
    }

    @Override
    public String toString() {
      return "ResultMessage(index " + result.index() + ")";
    }
  }

  private IllegalStateException halt(long index, String what, Exception cause) {
    String reason =
        "this replica halted at log entry "
            + index
            + ": "
            + what
            + "; it applies nothing more and serves no cluster data until it is restarted on a"
            + " release that can apply it";
    synchronized (appliedMonitor) {
      if (halt == null) {
        halt = reason;
        // One line for the operator; the stack trace (no secrets: class names and frames) goes
        // with it at FINE for whoever debugs the release.
        LOG.severe(reason);
        LOG.log(Level.FINE, "halt cause at log entry " + index, cause);
      }
      appliedMonitor.notifyAll();
    }
    IllegalStateException e = new IllegalStateException(reason, cause);
    return e;
  }

  /** What is wrong with an entry, naming types and fields but never a value (it may be secret). */
  private static String undecodable(IOException e) {
    if (e instanceof InvalidTypeIdException t) {
      return "unknown command type '" + bounded(t.getTypeId()) + "' (written by a newer release?)";
    }
    if (e instanceof UnrecognizedPropertyException u) {
      return "unknown field '"
          + bounded(u.getPropertyName())
          + "' in a log entry (written by a newer release?)";
    }
    if (e instanceof JsonMappingException m) {
      return "cannot decode the log entry at " + bounded(m.getPathReference());
    }
    if (e instanceof JsonProcessingException) {
      return "the log entry is not valid JSON";
    }
    return "cannot decode the log entry: " + bounded(e.getMessage());
  }

  private static String bounded(String s) {
    if (s == null) {
      return "?";
    }
    return s.length() > 120 ? s.substring(0, 120) + "..." : s;
  }

  private static Instant later(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  @Override
  public void notifyTermIndexUpdated(long term, long index) {
    // Entries that bypass applyTransaction (leader no-ops, configuration changes) still advance
    // the applied index, so the view, readiness and snapshots agree with Ratis.
    if (halt != null) {
      return; // nothing moves past the entry this replica could not apply
    }
    super.notifyTermIndexUpdated(term, index);
    if (index > view.appliedIndex()) {
      publish(view.withIndex(index));
    }
  }

  @Override
  public CompletableFuture<Message> query(Message request) {
    // Used by linearizable reads: after ReadIndex the local view is current; report its index.
    return CompletableFuture.completedFuture(Message.valueOf(Long.toString(view.appliedIndex())));
  }

  private void publish(State next) {
    synchronized (appliedMonitor) {
      view = next;
      appliedMonitor.notifyAll();
    }
    for (Consumer<State> l : listeners) {
      try {
        l.accept(next);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "state listener failed", e);
      }
    }
  }

  /**
   * Starts writing a snapshot of the current view when it is newer than the last one, and returns
   * the newest index whose snapshot is durable and not yet returned, or {@link
   * RaftLog#INVALID_LOG_INDEX} while none is (Ratis calls again after the next applied entries, and
   * purges the log only up to an index returned here). Runs on the apply thread, so it only starts
   * the write: the view is immutable, so the writer reads it while the log goes on being applied.
   */
  @Override
  public long takeSnapshot() {
    if (halt != null) {
      return RaftLog.INVALID_LOG_INDEX;
    }
    State s = view;
    TermIndex last = getLastAppliedTermIndex();
    synchronized (snapshotLock) {
      CompletableFuture<Void> w = snapshotWrite;
      if (w == null || w.isDone()) {
        snapshotWrite = null;
        boolean current =
            last != null && last.getIndex() > 0 && s.appliedIndex() == last.getIndex();
        if (current && last.getIndex() > Math.max(durableSnapshotIndex, reportedSnapshotIndex)) {
          TermIndex at = last;
          snapshotWrite =
              CompletableFuture.runAsync(() -> writeSnapshot(s, at), snapshotWriter)
                  .exceptionally(
                      e -> {
                        // Logged once; the next takeSnapshot starts another write.
                        LOG.log(Level.WARNING, "snapshot at index " + at.getIndex() + " failed", e);
                        return null;
                      });
        }
      }
      if (durableSnapshotIndex > reportedSnapshotIndex) {
        reportedSnapshotIndex = durableSnapshotIndex;
        return durableSnapshotIndex;
      }
      return RaftLog.INVALID_LOG_INDEX;
    }
  }

  /** Waits for a snapshot write in flight (before a snapshot install and on close). */
  private void awaitSnapshotWrite() {
    CompletableFuture<Void> w;
    synchronized (snapshotLock) {
      w = snapshotWrite;
    }
    if (w != null) {
      w.join(); // never completes exceptionally: failures are logged and mapped to null
    }
  }

  @Override
  public void close() throws IOException {
    awaitSnapshotWrite();
    if (ownedSnapshotWriter != null) {
      ownedSnapshotWriter.shutdown();
      try {
        if (!ownedSnapshotWriter.awaitTermination(60, TimeUnit.SECONDS)) {
          LOG.warning("snapshot writer did not stop within 60 s");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    super.close();
  }

  /**
   * Writes the snapshot of {@code s} at {@code last}: a temporary file streamed and forced to the
   * device, renamed into place, its checksum file, then the directory synced; only then is the
   * index durable.
   */
  private void writeSnapshot(State s, TermIndex last) {
    long started = System.nanoTime();
    try {
      File file = storage.getSnapshotFile(last.getTerm(), last.getIndex());
      File tmp = new File(file.getPath() + ".tmp");
      // Streamed to the file and forced to the device before the rename (the state's bytes are
      // never held in memory).
      SnapshotCodec.write(s, tmp.toPath());
      Files.move(tmp.toPath(), file.toPath(), StandardCopyOption.ATOMIC_MOVE);
      var md5 = MD5FileUtil.computeAndSaveMd5ForFile(file);
      // The renames are only durable once the directory is: Ratis purges the log up to this index
      // as soon as takeSnapshot returns it, so a crash must not find the log gone and the
      // snapshot unnamed.
      directorySync.sync(file.getParentFile().toPath());
      storage.updateLatestSnapshot(
          new SingleFileSnapshotInfo(new FileInfo(file.toPath(), md5), last));
      synchronized (snapshotLock) {
        durableSnapshotIndex = Math.max(durableSnapshotIndex, last.getIndex());
      }
      LOG.info(
          "snapshot written at index "
              + last.getIndex()
              + " ("
              + file.length()
              + " bytes, "
              + (System.nanoTime() - started) / 1_000_000
              + " ms off the apply thread)");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
