package io.raftray.state;

import io.raftray.model.FailureStreak;
import io.raftray.model.Threads;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * Drives expiry and periodic usage resets: on the Raft leader only, every interval, when {@link
 * Store#due} says a {@code users.tick} at the local time would change something, submits one. The
 * state machine evaluates it at the leader-stamped time, so followers never act on their own
 * clocks; a tick that raced with another finds nothing to do and changes nothing. Failures are
 * retried on the next round and logged once per streak. The same rounds raise the cluster's feature
 * level once every voter has said it reads a higher one ({@link Features}).
 */
public final class UsageTicker implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(UsageTicker.class.getName());

  private final String nodeId;
  private final Replica replica;
  private final Clock clock;
  private final Duration interval;
  private final RaftrayStateMachine.FeatureSupport features;
  private ScheduledExecutorService timer;
  private boolean closed;
  private final FailureStreak streak = new FailureStreak(LOG);

  public UsageTicker(String nodeId, Replica replica, Clock clock, Duration interval) {
    this(nodeId, replica, clock, interval, null);
  }

  /**
   * @param features what this node reads and has heard its peers read; null: never raise the
   *     feature level
   */
  public UsageTicker(
      String nodeId,
      Replica replica,
      Clock clock,
      Duration interval,
      RaftrayStateMachine.@Nullable FeatureSupport features) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("tick interval must be positive");
    }
    this.nodeId = nodeId;
    this.replica = replica;
    this.clock = clock;
    this.interval = interval;
    this.features = features;
  }

  @SuppressWarnings("FutureReturnValueIgnored") // safeTick() logs failures; close() stops it
  public synchronized void start() {
    if (timer != null || closed) {
      return;
    }
    timer = Threads.scheduler("raftray-ticker-" + nodeId);
    long ms = interval.toMillis();
    timer.scheduleWithFixedDelay(this::safeTick, ms, ms, TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (timer != null) {
      timer.shutdownNow();
    }
  }

  private void safeTick() {
    try {
      tick();
    } catch (RuntimeException e) {
      failed(e.getMessage());
    }
  }

  /** One round; true when a tick was submitted and committed. */
  boolean tick() {
    Replica.RaftStatus st = replica.status();
    if (!"LEADER".equals(st.role()) || !st.leaderId().map(nodeId::equals).orElse(false)) {
      return false;
    }
    expireStaleJoins(st);
    raiseFeatureLevel(st);
    if (!Store.due(replica.view(), clock.instant())) {
      return false;
    }
    Result r = replica.submit(nodeId, new Command.UsersTick());
    if (!r.ok()) {
      failed(r.message());
      return false;
    }
    streak.succeeded("users.tick committed again");
    return true;
  }

  /**
   * Removes nodes whose join never completed ({@link JoinRules#staleJoins}); never one that is in
   * the Raft configuration (it became a voter and is activating).
   */
  private void expireStaleJoins(Replica.RaftStatus st) {
    for (String id : JoinRules.staleJoins(replica.view(), clock.instant())) {
      if (st.memberIds().contains(id)) {
        continue;
      }
      Result r = replica.submit(nodeId, new Command.ExpireJoiningNode(id));
      if (r.ok()) {
        LOG.info("removed node " + id + ": its join never completed");
      }
    }
  }

  /** Raises the cluster's feature level when every voter has said it reads a higher one. */
  private void raiseFeatureLevel(Replica.RaftStatus st) {
    if (features == null) {
      return;
    }
    int current = replica.view().featureLevel();
    Optional<Integer> to = Features.raiseTo(current, st.memberIds(), features.heard());
    if (to.isEmpty()) {
      return;
    }
    int level = Math.min(to.get(), features.supported());
    if (level <= current) {
      return;
    }
    try {
      Result r = replica.submit(nodeId, new Command.SetFeatureLevel(level));
      if (r.ok()) {
        LOG.info("cluster feature level raised from " + current + " to " + level);
      }
    } catch (RuntimeException e) {
      // A voter changed between the check and the leader's own (or leadership moved): next round.
      LOG.fine("feature level not raised yet: " + e.getMessage());
    }
  }

  private void failed(String why) {
    streak.failed("cannot commit users.tick, retrying every " + interval + ": " + why);
  }
}
