package io.raftray.daemon;

import io.raftray.cluster.MemberLookup;
import io.raftray.model.Node;
import io.raftray.model.NodeStatus;
import io.raftray.state.State;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.logging.Logger;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;

/**
 * Finds out that this node was removed while it was down. Such a node is no longer in the Raft
 * configuration, so no leader sends it the removal, and every member refuses its requests; it sees
 * no leader. Once it has had no leader for {@link #LEADERLESS_MILLIS}, it asks the members its own
 * state knows for its own record ({@link MemberLookup}, at most every {@link #ASK_EVERY_MILLIS}). A
 * member that refuses it with 403 {@code node was removed}, or answers (signed) with a record that
 * says removed, settles it: the notice is set for good and the node refuses admin writes and
 * reports not ready (see {@code Replica.removedNotice}). Removal is final, so one such answer is
 * enough; an answer that it is active, or no answer, changes nothing.
 */
@NullMarked
final class RemovalWatch {
  private static final Logger LOG = Logger.getLogger(RemovalWatch.class.getName());
  static final long LEADERLESS_MILLIS = 3_000;
  static final long ASK_EVERY_MILLIS = 5_000;
  private static final String REFUSED_AS_REMOVED = "node was removed";

  /** Asks members about a node; {@link MemberLookup#ask} in the daemon. */
  interface Lookup {
    List<MemberLookup.Reply> ask(String nodeId, @Nullable String serial, Set<String> exclude);
  }

  private final String self;
  private final Lookup lookup;
  private final Supplier<State> view;
  private final BooleanSupplier hasLeader;
  private final Clock clock;
  private final AtomicReference<@Nullable String> notice = new AtomicReference<>();
  private long leaderlessSince = -1;
  private long lastAsk = -1;

  RemovalWatch(
      String self, Lookup lookup, Supplier<State> view, BooleanSupplier hasLeader, Clock clock) {
    this.self = self;
    this.lookup = lookup;
    this.view = view;
    this.hasLeader = hasLeader;
    this.clock = clock;
  }

  /** The reason this node no longer serves the cluster, once members said it was removed. */
  Optional<String> notice() {
    return Optional.ofNullable(notice.get());
  }

  /** The periodic check (every second); asks only when due. Never throws. */
  synchronized void check() {
    try {
      checkNow();
    } catch (RuntimeException e) {
      LOG.fine("removal check failed: " + e);
    }
  }

  private void checkNow() {
    if (notice.get() != null) {
      return;
    }
    Node me = view.get().nodes().get(self);
    if (me == null || me.status() != NodeStatus.ACTIVE) {
      // Not admitted yet (a joining node has no leader until it is added), or removed in its own
      // view, which reports itself.
      leaderlessSince = -1;
      return;
    }
    long now = clock.millis();
    if (hasLeader.getAsBoolean()) {
      leaderlessSince = -1;
      return;
    }
    if (leaderlessSince < 0) {
      leaderlessSince = now;
    }
    if (now - leaderlessSince < LEADERLESS_MILLIS
        || (lastAsk >= 0 && now - lastAsk < ASK_EVERY_MILLIS)) {
      return;
    }
    lastAsk = now;
    for (MemberLookup.Reply r : lookup.ask(self, null, Set.of())) {
      if (r.verified()) {
        if (r.answer().known() && r.answer().removed()) {
          removed("the record member " + r.memberName() + " has of it says removed");
        }
        return;
      }
      if (r.status() == 403 && r.text().contains(REFUSED_AS_REMOVED)) {
        removed("member " + r.memberName() + " refuses its requests as those of a removed node");
        return;
      }
    }
  }

  private void removed(String evidence) {
    String reason =
        "this node was removed from the cluster while it was down ("
            + evidence
            + "); it no longer serves the cluster";
    if (notice.compareAndSet(null, reason)) {
      LOG.warning(
          reason
              + ": admin writes are refused and /readyz is 503."
              + " Stop it; to rejoin, clear its data directory and join with a new token.");
    }
  }
}
