package io.raftray.state;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
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

/**
 * Thin Ratis adapter over {@link Store}. The leader stamps the time in {@link #startTransaction};
 * {@link #applyTransaction} decodes, applies and publishes a new immutable {@link State}. Snapshots
 * are checksummed JSON files; a damaged one stops startup instead of serving partial data.
 */
public final class RaftrayStateMachine extends BaseStateMachine {
  private static final Logger LOG = Logger.getLogger(RaftrayStateMachine.class.getName());

  private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
  private final Clock clock;
  private final int auditRetention;
  private final List<Consumer<State>> listeners = new CopyOnWriteArrayList<>();
  private final Object appliedMonitor = new Object();
  private volatile State view = State.empty();

  public RaftrayStateMachine(Clock clock, int auditRetention) {
    this.clock = clock;
    this.auditRetention = auditRetention;
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
      loaded = SnapshotCodec.decode(Files.readAllBytes(file.toPath()), auditRetention);
    } catch (IOException e) {
      // The file name is what an operator needs; keep the detail as a suppressed exception so
      // the one-line startup error (the innermost cause) still names the file.
      IOException named = new IOException("cannot load snapshot " + file + ": " + e.getMessage());
      named.addSuppressed(e);
      throw named;
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
    publish(loaded);
    updateLastAppliedTermIndex(snap.getTerm(), snap.getIndex());
  }

  @Override
  public TransactionContext startTransaction(RaftClientRequest request) throws IOException {
    CommandEnvelope env = CommandCodec.decode(request.getMessage().getContent().toByteArray());
    // The leader's clock is the cluster's clock; never go backwards within one leader.
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    byte[] stamped = CommandCodec.encode(env.stampedAt(now));
    return TransactionContext.newBuilder()
        .setStateMachine(this)
        .setClientRequest(request)
        .setLogData(ByteString.copyFrom(stamped))
        .build();
  }

  @Override
  public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
    LogEntryProto entry = trx.getLogEntry();
    long index = entry.getIndex();
    CommandEnvelope env;
    try {
      env = CommandCodec.decode(entry.getStateMachineLogEntry().getLogData().toByteArray());
    } catch (IOException e) {
      // An entry this node cannot read must not be skipped: the replicas would diverge.
      LOG.log(Level.SEVERE, "cannot decode log entry " + index + ": " + e.getMessage());
      return CompletableFuture.failedFuture(new IOException("cannot decode log entry " + index, e));
    }
    Store.Applied applied = Store.apply(view, env, index);
    publish(applied.state());
    updateLastAppliedTermIndex(entry.getTerm(), index);
    return CompletableFuture.completedFuture(
        Message.valueOf(ByteString.copyFrom(CommandCodec.encodeResult(applied.result()))));
  }

  @Override
  public void notifyTermIndexUpdated(long term, long index) {
    // Entries that bypass applyTransaction (leader no-ops, configuration changes) still advance
    // the applied index, so the view, readiness and snapshots agree with Ratis.
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

  @Override
  public long takeSnapshot() throws IOException {
    State s = view;
    TermIndex last = getLastAppliedTermIndex();
    if (last == null || last.getIndex() <= 0 || s.appliedIndex() != last.getIndex()) {
      return RaftLog.INVALID_LOG_INDEX;
    }
    File file = storage.getSnapshotFile(last.getTerm(), last.getIndex());
    File tmp = new File(file.getPath() + ".tmp");
    try (OutputStream out =
        Files.newOutputStream(
            tmp.toPath(),
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE,
            StandardOpenOption.SYNC)) {
      out.write(SnapshotCodec.encode(s));
    }
    Files.move(tmp.toPath(), file.toPath(), StandardCopyOption.ATOMIC_MOVE);
    var md5 = MD5FileUtil.computeAndSaveMd5ForFile(file);
    storage.updateLatestSnapshot(
        new SingleFileSnapshotInfo(new FileInfo(file.toPath(), md5), last));
    LOG.info("snapshot taken at index " + last.getIndex());
    return last.getIndex();
  }
}
