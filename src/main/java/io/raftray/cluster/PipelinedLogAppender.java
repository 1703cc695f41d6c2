package io.raftray.cluster;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.ratis.proto.RaftProtos.AppendEntriesReplyProto;
import org.apache.ratis.proto.RaftProtos.AppendEntriesRequestProto;
import org.apache.ratis.proto.RaftProtos.InstallSnapshotReplyProto;
import org.apache.ratis.proto.RaftProtos.InstallSnapshotRequestProto;
import org.apache.ratis.proto.RaftProtos.LogEntryProto.LogEntryBodyCase;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.leader.FollowerInfo;
import org.apache.ratis.server.leader.LeaderState;
import org.apache.ratis.server.leader.LogAppenderBase;
import org.apache.ratis.server.raftlog.LogEntryHeader;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.raftlog.RaftLogIOException;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.util.JavaUtils;
import org.apache.ratis.util.Timestamp;

/**
 * A log appender with up to {@link #WINDOW} AppendEntries in flight per follower, each an HTTPS
 * request stamped with its place in an ordered stream (the follower starts them in that order,
 * {@link AppendSequencer}), and a heartbeat as soon as the leader's commit index moves past what
 * the follower knows, so a follower applies a write without waiting for the next append or the next
 * periodic heartbeat.
 *
 * <p>Modelled on Ratis' gRPC appender, written for this transport:
 *
 * <ul>
 *   <li>Sending: under {@link #lock}, build the next batch from the follower's {@code nextIndex},
 *       record it as in flight and move {@code nextIndex} past it (optimistically), then post it
 *       without waiting. Until the first reply of a stream arrives only one append is in flight, so
 *       a follower that is behind or down costs one request, not a window of them.
 *   <li>SUCCESS: match index and commit index of the follower move up (never down), as with every
 *       appender.
 *   <li>INCONSISTENCY on a request of the current stream: drop the window (a new stream, so the
 *       follower stops waiting for the dropped appends) and set {@code nextIndex} from the reply.
 *       Replies of an older stream only count when they are successes.
 *   <li>NOT_LEADER with a higher term: the leader steps down ({@code onFollowerTerm}).
 *   <li>An error or timeout of a request of the current stream: drop the window, put {@code
 *       nextIndex} back to the oldest unacknowledged entry, back off (25 ms doubling up to 400 ms
 *       per consecutive error) and start again with one append in flight.
 *   <li>Heartbeats are not stamped (the follower starts them at once): while appends are in flight
 *       they name no previous entry, so their order does not matter; otherwise they carry the
 *       previous entry and the leader's commit index, which is the commit notification.
 *   <li>Snapshots: the window is dropped and the snapshot is sent chunk by chunk with the same
 *       blocking {@code installSnapshot} calls as the default appender.
 * </ul>
 */
final class PipelinedLogAppender extends LogAppenderBase {
  private static final Logger LOG = Logger.getLogger(PipelinedLogAppender.class.getName());

  /** AppendEntries in flight per follower, as Ratis' gRPC default. */
  static final int WINDOW = 8;

  /**
   * How long an append that would carry nothing but Ratis' commit-metadata entries waits for a real
   * entry to travel with: about the time a client takes to send its next write after the answer to
   * the last. The follower already learned the commit from the heartbeat sent when it moved; the
   * metadata entry only records it in the follower's log, so it can go with the next write and
   * share its fsync instead of costing an append, a heartbeat and an fsync of its own.
   */
  static final long METADATA_DEFER_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

  /** {@link #METADATA_DEFER_NANOS}, longer in tests that count appends on a loaded machine. */
  private static volatile long metadataDeferNanos = METADATA_DEFER_NANOS;

  /** How many pending entries {@link #onlyMetadataPending} looks at before it gives up. */
  private static final int METADATA_SCAN_MAX = 8;

  private static final Duration FIRST_BACKOFF = Duration.ofMillis(25);
  private static final Duration MAX_BACKOFF = Duration.ofMillis(400);

  /**
   * Stream numbers of this process. Shared by all appender instances, so a restarted appender for
   * the same follower (same term) starts a newer stream than the one it replaces.
   */
  private static final AtomicLong STREAMS = new AtomicLong();

  private final HttpsServerRpc rpc;
  private final AtomicLong callIds = new AtomicLong();
  private final AtomicInteger consecutiveErrors = new AtomicInteger();

  /** Guards the window, the stream and changes of the follower's {@code nextIndex}. */
  private final ReentrantLock lock = new ReentrantLock();

  private final Map<Long, Sent> inFlight = new HashMap<>();
  private long stream = STREAMS.incrementAndGet();
  private long nextSeq;
  private boolean streamConfirmed;
  private long commitSent = RaftLog.INVALID_LOG_INDEX;
  private boolean backoffDue;

  /** When a lone metadata append started waiting ({@link #METADATA_DEFER_NANOS}), else 0. */
  private long metadataWaitingSince;

  /** Appends with entries sent by every appender of this process, for tests. */
  private static final AtomicLong APPENDS_WITH_ENTRIES = new AtomicLong();

  private final ReentrantLock wakeLock = new ReentrantLock();
  private final Condition wake = wakeLock.newCondition();
  private boolean woken;

  /** One request of this appender: what a reply or failure has to be matched with. */
  private record Sent(
      long callId, long stream, boolean heartbeat, long firstIndex, Timestamp sendTime) {}

  PipelinedLogAppender(RaftServer.Division server, LeaderState leaderState, FollowerInfo f) {
    super(server, leaderState, f);
    this.rpc = (HttpsServerRpc) server.getRaftServer().getServerRpc();
  }

  @Override
  public long getCallId() {
    return callIds.get();
  }

  @Override
  public java.util.Comparator<Long> getCallIdComparator() {
    return Long::compare;
  }

  @Override
  public boolean hasPendingDataRequests() {
    lock.lock();
    try {
      return !inFlight.isEmpty();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void notifyLogAppender() {
    wakeLock.lock();
    try {
      woken = true;
      wake.signalAll();
    } finally {
      wakeLock.unlock();
    }
    super.notifyLogAppender();
  }

  @Override
  public void run() throws InterruptedException, IOException {
    while (isRunning()) {
      boolean sent = false;
      if (shouldSendAppendEntries() || commitNotificationDue()) {
        SnapshotInfo snapshot = shouldInstallSnapshot();
        if (snapshot != null) {
          installSnapshot(snapshot);
        } else {
          sent = sendNext();
        }
      }
      getLeaderState().checkHealth(getFollower());
      if (isRunning()) {
        pause(sent);
      }
    }
  }

  /** The follower has not been told of a commit it could apply, and no request carries it. */
  private boolean commitNotificationDue() {
    long target = learnableCommit();
    if (target <= getFollower().getCommitIndex()) {
      return false;
    }
    lock.lock();
    try {
      return inFlight.isEmpty() && target > commitSent;
    } finally {
      lock.unlock();
    }
  }

  /** The leader's commit index as far as the follower has the entries to apply it. */
  private long learnableCommit() {
    return Math.min(getRaftLog().getLastCommittedIndex(), getFollower().getMatchIndex());
  }

  /** Sends the next append or heartbeat if one is due and the window allows; true if it did. */
  private boolean sendNext() throws RaftLogIOException {
    boolean heartbeatDue = getHeartbeatWaitTimeMs() <= 0;
    AppendEntriesRequestProto request = null;
    final Sent sent;
    final long seq;
    lock.lock();
    try {
      int room = (streamConfirmed ? WINDOW : 1) - inFlight.size();
      // The commit notification goes before the next append (e.g. the leader's metadata entry
      // for that very commit): the follower applies on the heartbeat, without waiting to fsync.
      boolean notifyCommit = commitNotificationDueLocked();
      boolean entriesWaiting = room > 0 && hasAppendEntries();
      if (entriesWaiting && !notifyCommit && deferMetadataAppend()) {
        entriesWaiting = false;
      }
      // A due heartbeat goes as this append when one is waiting: it tells the follower the same.
      if (entriesWaiting && !notifyCommit) {
        request = newAppendEntriesRequest(callIds.getAndIncrement(), false);
      }
      if (request == null && (heartbeatDue || notifyCommit)) {
        commitSent = Math.max(commitSent, learnableCommit());
        request = newAppendEntriesRequest(callIds.getAndIncrement(), true);
      }
      if (request == null) {
        return false;
      }
      int count = request.getEntriesCount();
      boolean heartbeat = count == 0;
      sent =
          new Sent(
              request.getServerRequest().getCallId(),
              stream,
              heartbeat,
              heartbeat ? RaftLog.INVALID_LOG_INDEX : request.getEntries(0).getIndex(),
              Timestamp.currentTime());
      commitSent = Math.max(commitSent, request.getLeaderCommit());
      if (heartbeat) {
        seq = -1;
      } else {
        metadataWaitingSince = 0;
        APPENDS_WITH_ENTRIES.incrementAndGet();
        seq = nextSeq++;
        inFlight.put(sent.callId(), sent);
        // updateNextIndex, not increaseNextIndex: a late success reply (handled outside the lock)
        // may already have moved the next index past this request's last entry, and
        // increaseNextIndex throws when it would go down.
        getFollower().updateNextIndex(request.getEntries(count - 1).getIndex() + 1);
      }
    } finally {
      lock.unlock();
    }
    resetHeartbeatTrigger();
    getFollower().updateLastRpcSendTime(sent.heartbeat());
    CompletableFuture<AppendEntriesReplyProto> reply =
        sent.heartbeat()
            ? rpc.appendEntriesAsync(request)
            : rpc.appendEntriesAsync(request, sent.stream(), seq);
    var unused = reply.whenComplete((r, e) -> onReply(sent, r, e));
    return true;
  }

  /**
   * Whether the append that is due would carry only commit-metadata entries and may still wait for
   * a real entry ({@link #METADATA_DEFER_NANOS}). Called under {@link #lock}.
   */
  private boolean deferMetadataAppend() {
    if (!onlyMetadataPending()) {
      metadataWaitingSince = 0;
      return false;
    }
    long now = System.nanoTime();
    if (metadataWaitingSince == 0) {
      metadataWaitingSince = now;
    }
    return now - metadataWaitingSince < metadataDeferNanos;
  }

  /** Every entry from the follower's next index to the end of the log is a metadata entry. */
  private boolean onlyMetadataPending() {
    long next = getFollower().getNextIndex();
    long end = getRaftLog().getNextIndex();
    if (end <= next || end - next > METADATA_SCAN_MAX) {
      return false;
    }
    LogEntryHeader[] pending = getRaftLog().getEntries(next, end);
    if (pending == null || pending.length != end - next) {
      return false;
    }
    for (LogEntryHeader h : pending) {
      if (h == null || h.getLogEntryBodyCase() != LogEntryBodyCase.METADATAENTRY) {
        return false;
      }
    }
    return true;
  }

  /** Appends with entries (not heartbeats) sent so far by the appenders of this process. */
  static long appendsWithEntries() {
    return APPENDS_WITH_ENTRIES.get();
  }

  /** Test seam: how long a lone metadata append waits ({@link #METADATA_DEFER_NANOS}). */
  static void metadataDeferForTests(Duration d) {
    metadataDeferNanos = d.toNanos();
  }

  /** Nanoseconds until a held-back metadata append is due, or {@code Long.MAX_VALUE}. */
  private long metadataDueInNanos() {
    lock.lock();
    try {
      return metadataWaitingSince == 0
          ? Long.MAX_VALUE
          : Math.max(0, metadataDeferNanos - (System.nanoTime() - metadataWaitingSince));
    } finally {
      lock.unlock();
    }
  }

  private boolean commitNotificationDueLocked() {
    long target = learnableCommit();
    return target > getFollower().getCommitIndex() && inFlight.isEmpty() && target > commitSent;
  }

  private void onReply(Sent sent, AppendEntriesReplyProto reply, Throwable error) {
    try {
      if (!isRunning()) {
        return;
      }
      if (error != null) {
        onError(sent, JavaUtils.unwrapCompletionException(error));
      } else {
        onAnswer(sent, reply);
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, this + ": handling the reply to call " + sent.callId() + " failed", e);
    } finally {
      notifyLogAppender();
    }
  }

  private void onAnswer(Sent sent, AppendEntriesReplyProto reply) {
    FollowerInfo follower = getFollower();
    follower.updateLastRpcResponseTime();
    follower.updateLastRespondedAppendEntriesSendTime(sent.sendTime());
    boolean current;
    lock.lock();
    try {
      current = sent.heartbeat() ? sent.stream() == stream : inFlight.remove(sent.callId()) != null;
      if (current) {
        streamConfirmed = true;
      }
    } finally {
      lock.unlock();
    }
    switch (reply.getResult()) {
      case SUCCESS -> {
        consecutiveErrors.set(0);
        getLeaderState().onFollowerCommitIndex(follower, reply.getFollowerCommit());
        if (follower.updateMatchIndex(reply.getMatchIndex())) {
          follower.updateNextIndex(reply.getMatchIndex() + 1);
          getLeaderState().onFollowerSuccessAppendEntries(follower);
        }
      }
      case NOT_LEADER -> {
        if (onFollowerTerm(reply.getTerm())) {
          return;
        }
      }
      case INCONSISTENCY -> {
        if (current) {
          lock.lock();
          try {
            newStream();
            follower.setNextIndex(
                getNextIndexForInconsistency(sent.firstIndex(), reply.getNextIndex()));
          } finally {
            lock.unlock();
          }
        }
      }
      default -> LOG.warning(this + ": unexpected append reply " + reply.getResult());
    }
    getLeaderState().onAppendEntriesReply(this, reply);
  }

  private void onError(Sent sent, Throwable error) {
    lock.lock();
    try {
      boolean current =
          sent.heartbeat() ? sent.stream() == stream : inFlight.containsKey(sent.callId());
      if (!current) {
        return; // the window this request belonged to was dropped already
      }
      int errors = consecutiveErrors.incrementAndGet();
      if (errors == 1 || errors % 10 == 0) {
        LOG.log(
            Level.WARNING,
            this + ": append to follower failed (" + errors + " in a row): " + error);
      }
      long oldest =
          inFlight.values().stream()
              .mapToLong(Sent::firstIndex)
              .min()
              .orElse(RaftLog.INVALID_LOG_INDEX);
      newStream();
      if (oldest != RaftLog.INVALID_LOG_INDEX) {
        getFollower().computeNextIndex(getNextIndexForError(oldest));
      }
      backoffDue = true;
    } finally {
      lock.unlock();
    }
    rpc.handleException(
        getFollowerId(), error instanceof Exception e ? e : new RuntimeException(error), false);
  }

  /** Drops the window: later replies to it are stale; the follower resets on the next stamp. */
  private void newStream() {
    inFlight.clear();
    stream = STREAMS.incrementAndGet();
    nextSeq = 0;
    streamConfirmed = false;
    commitSent = RaftLog.INVALID_LOG_INDEX;
  }

  /**
   * Waits until something may be sent: not at all if the window has room and entries wait, else
   * until a reply, new entries or a heartbeat trigger wakes this appender, or the heartbeat is due.
   * After an error, first backs off.
   */
  private void pause(boolean sentSomething) throws InterruptedException {
    boolean backoff;
    lock.lock();
    try {
      backoff = backoffDue;
      backoffDue = false;
    } finally {
      lock.unlock();
    }
    if (backoff) {
      int errors = Math.max(1, consecutiveErrors.get());
      long ms = FIRST_BACKOFF.toMillis() << Math.min(errors - 1, 4);
      Thread.sleep(Math.min(ms, MAX_BACKOFF.toMillis()));
      return;
    }
    if (sentSomething) {
      return; // maybe more to send right away
    }
    long waitNanos =
        Math.min(
            TimeUnit.MILLISECONDS.toNanos(Math.max(1, getHeartbeatWaitTimeMs())),
            Math.max(100_000, metadataDueInNanos()));
    wakeLock.lock();
    try {
      while (!woken && waitNanos > 0) {
        waitNanos = wake.awaitNanos(waitNanos);
      }
      woken = false;
    } finally {
      wakeLock.unlock();
    }
  }

  private void installSnapshot(SnapshotInfo snapshot) throws InterruptedIOException {
    lock.lock();
    try {
      newStream();
    } finally {
      lock.unlock();
    }
    LOG.info(
        this
            + ": follower nextIndex "
            + getFollower().getNextIndex()
            + " is before the log start "
            + getRaftLog().getStartIndex()
            + ", sending snapshot "
            + snapshot.getTermIndex());
    InstallSnapshotReplyProto reply = null;
    try {
      for (InstallSnapshotRequestProto request :
          newInstallSnapshotRequests(UUID.randomUUID().toString(), snapshot)) {
        if (!isRunning()) {
          return;
        }
        getFollower().updateLastRpcSendTime(false);
        reply = rpc.installSnapshot(request);
        getFollower().updateLastRpcResponseTime();
        if (!reply.getServerReply().getSuccess()) {
          break;
        }
      }
    } catch (InterruptedIOException e) {
      throw e;
    } catch (Exception e) {
      LOG.log(Level.WARNING, this + ": sending snapshot " + snapshot.getTermIndex() + " failed", e);
      consecutiveErrors.incrementAndGet();
      lock.lock();
      try {
        backoffDue = true;
      } finally {
        lock.unlock();
      }
      rpc.handleException(getFollowerId(), e, false);
      return;
    }
    if (reply == null) {
      return;
    }
    consecutiveErrors.set(0);
    if (reply.getServerReply().getSuccess()) {
      getFollower().setSnapshotIndex(snapshot.getTermIndex().getIndex());
      LOG.info(this + ": snapshot " + snapshot.getTermIndex() + " installed");
    }
    switch (reply.getResult()) {
      case NOT_LEADER -> onFollowerTerm(reply.getTerm());
      case SUCCESS, SNAPSHOT_UNAVAILABLE, ALREADY_INSTALLED, SNAPSHOT_EXPIRED ->
          getFollower().setAttemptedToInstallSnapshot();
      default -> {}
    }
  }
}
