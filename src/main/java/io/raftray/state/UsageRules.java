package io.raftray.state;

import static io.raftray.model.ErrorKind.INVALID;

import io.raftray.model.NodeUsage;
import io.raftray.model.ResetStrategy;
import io.raftray.model.User;
import io.raftray.model.UserStatus;
import io.raftray.state.Command.UsageDelta;
import io.raftray.state.Command.UsageReport;
import io.raftray.state.Store.Changed;
import io.raftray.state.Store.Rejection;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Collections;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.pcollections.TreePMap;

/**
 * Traffic, limits and expiry: {@code usage.report} (per-node idempotent traffic batches) and {@code
 * users.tick} (expiry and periodic resets at the leader-stamped time). Pure, like all of {@link
 * Store}.
 *
 * <p>Periods are anchored at the user's {@code period_started_at} (its creation, its activation
 * from on_hold, an admin reset, or the previous periodic reset), not at calendar boundaries: a
 * {@code month} period that starts on Jan 31 ends on Feb 28 (29 in leap years), UTC calendar
 * arithmetic, and the next one starts there. See docs/data-plane.md.
 */
final class UsageRules {
  private UsageRules() {}

  static final String TICK_TARGET = "users";

  // ---- usage.report

  static Changed report(State s, UsageReport r, Instant now) {
    if (r.nodeId() == null || !s.nodes().containsKey(r.nodeId())) {
      throw new Rejection(INVALID, "node_id", "no such node: " + r.nodeId());
    }
    if (r.seq() <= 0) {
      throw new Rejection(INVALID, "seq", "seq must be positive");
    }
    TreeMap<String, long[]> byUser = new TreeMap<>();
    for (UsageDelta d : r.deltas()) {
      if (d == null || d.userId() == null || d.uplinkBytes() < 0 || d.downlinkBytes() < 0) {
        throw new Rejection(
            INVALID, "deltas", "a delta needs a user_id and non-negative byte counts");
      }
      long[] sum = byUser.computeIfAbsent(d.userId(), k -> new long[2]);
      sum[0] = NodeUsage.add(sum[0], d.uplinkBytes());
      sum[1] = NodeUsage.add(sum[1], d.downlinkBytes());
    }
    if (r.seq() <= s.usageSeq(r.nodeId())) {
      // Already applied (a retry or a resubmission after a restart): succeed, change nothing.
      return new Changed(s, r.nodeId(), false, null);
    }
    TreePMap<String, User> users = null;
    TreePMap<String, NavigableMap<String, NodeUsage>> perNode = null;
    for (var e : byUser.entrySet()) {
      User u = s.users().get(e.getKey());
      long up = e.getValue()[0];
      long down = e.getValue()[1];
      if (u == null || (up == 0 && down == 0)) {
        continue; // deleted since the core counted it, or nothing to add
      }
      // online_at: the leader stamp of the report that carried the user's traffic (no extra write).
      User n = u.withTraffic(up, down);
      if (r.setsOnlineAt()) {
        n = n.withOnlineAt(now);
      }
      if (n.status() == UserStatus.ON_HOLD) {
        n = n.activatedFromHold(now);
      }
      n = UserRules.withEffectiveStatus(n, now);
      if (n.status() != u.status()) {
        n = n.withStatus(n.status(), now);
      }
      if (users == null || perNode == null) {
        users = State.tree(s.users());
        perNode = State.tree(s.nodeUsage());
      }
      users = users.plus(n.id(), n);
      TreeMap<String, NodeUsage> mine = new TreeMap<>(s.nodeUsage(n.id()));
      mine.merge(r.nodeId(), NodeUsage.ZERO.plus(up, down), (a, b) -> a.plus(up, down));
      perNode = perNode.plus(n.id(), Collections.unmodifiableNavigableMap(mine));
    }
    State next = s;
    if (users != null && perNode != null) {
      next = next.withUsers(users, s.userIdByName(), s.userIdBySubscriptionToken());
      next = next.withUsage(perNode, next.usageSeqs());
    }
    next = next.withUsage(next.nodeUsage(), State.with(next.usageSeqs(), r.nodeId(), r.seq()));
    if (r.addsToHistory()) {
      byUser.keySet().retainAll(s.users().keySet()); // deleted since counted: not in the history
      next = next.withUsageHistory(next.usageHistory().plus(r.nodeId(), byUser, now));
    }
    return new Changed(next, r.nodeId(), false, null);
  }

  // ---- users.tick

  static boolean due(State s, Instant now) {
    for (User u : s.users().values()) {
      if (resetDue(u, now)
          || holdTimedOut(u, now)
          || UserRules.withEffectiveStatus(u, now).status() != u.status()) {
        return true;
      }
    }
    return false;
  }

  static Changed tick(State s, Instant now) {
    TreePMap<String, User> users = null;
    TreePMap<String, NavigableMap<String, NodeUsage>> perNode = null;
    int expired = 0;
    int reset = 0;
    int reactivated = 0;
    int limited = 0;
    for (User u : s.users().values()) {
      User n = u;
      boolean wasReset = false;
      if (holdTimedOut(u, now)) {
        // Marzban's on_hold_timeout: active without traffic, the hold's duration from now.
        n = n.activatedFromHold(now);
      }
      if (resetDue(n, now)) {
        n = n.withUsageReset(periodStartAt(n, now)).withStatus(n.status(), now);
        wasReset = true;
      }
      User eff = UserRules.withEffectiveStatus(n, now);
      if (eff.status() != n.status()) {
        n = eff.withStatus(eff.status(), now);
      }
      if (!wasReset && n == u) {
        continue;
      }
      if (users == null || perNode == null) {
        users = State.tree(s.users());
        perNode = State.tree(s.nodeUsage());
      }
      users = users.plus(n.id(), n);
      if (wasReset) {
        reset++;
        NavigableMap<String, NodeUsage> mine = periodsReset(s.nodeUsage(n.id()));
        if (!mine.isEmpty()) {
          perNode = perNode.plus(n.id(), mine);
        }
      }
      if (n.status() != u.status()) {
        if (n.status() == UserStatus.EXPIRED) {
          expired++;
        } else if (n.status() == UserStatus.ACTIVE) {
          reactivated++;
        } else if (n.status() == UserStatus.LIMITED) {
          limited++;
        }
      }
    }
    if (users == null || perNode == null) {
      // Raced with another tick or an admin write: nothing left to do, nothing to audit.
      return new Changed(s, TICK_TARGET, false, null);
    }
    State next =
        s.withUsers(users, s.userIdByName(), s.userIdBySubscriptionToken())
            .withUsage(perNode, s.usageSeqs());
    return new Changed(next, TICK_TARGET, true, summary(expired, reset, reactivated, limited));
  }

  private static String summary(int expired, int reset, int reactivated, int limited) {
    StringBuilder sb = new StringBuilder();
    append(sb, expired, "expired ");
    append(sb, reset, "reset period usage of ");
    append(sb, reactivated, "reactivated ");
    append(sb, limited, "limited ");
    return sb.toString();
  }

  private static void append(StringBuilder sb, int n, String what) {
    if (n == 0) {
      return;
    }
    if (!sb.isEmpty()) {
      sb.append(", ");
    }
    sb.append(what).append(n).append(n == 1 ? " user" : " users");
  }

  /** The per-node breakdown of a user with every period usage set back to zero. */
  static State resetNodePeriods(State s, String userId) {
    NavigableMap<String, NodeUsage> mine = s.nodeUsage().get(userId);
    if (mine == null) {
      return s;
    }
    return s.withUsage(State.with(s.nodeUsage(), userId, periodsReset(mine)), s.usageSeqs());
  }

  private static NavigableMap<String, NodeUsage> periodsReset(NavigableMap<String, NodeUsage> in) {
    TreeMap<String, NodeUsage> out = new TreeMap<>();
    in.forEach((node, usage) -> out.put(node, usage.periodReset()));
    return Collections.unmodifiableNavigableMap(out);
  }

  // ---- periods

  /**
   * Whether an on_hold user's {@code onHoldTimeout} has come: it becomes active without traffic.
   */
  static boolean holdTimedOut(User u, Instant now) {
    return u.status() == UserStatus.ON_HOLD
        && u.onHoldTimeout() != null
        && !u.onHoldTimeout().isAfter(now);
  }

  /**
   * Whether the user's current period has ended at {@code now}. On-hold users have no period yet:
   * it starts when their first traffic activates them.
   */
  static boolean resetDue(User u, Instant now) {
    Instant end = periodEnd(u.resetStrategy(), u.periodStartedAt());
    return end != null && u.status() != UserStatus.ON_HOLD && !end.isAfter(now);
  }

  /** The end of a period starting at {@code start}, or null when the strategy never resets. */
  static Instant periodEnd(ResetStrategy strategy, Instant start) {
    if (start == null || strategy == null) {
      return null;
    }
    ZonedDateTime z = start.atZone(ZoneOffset.UTC);
    return switch (strategy) {
      case NO_RESET -> null;
      case DAY -> z.plusDays(1).toInstant();
      case WEEK -> z.plusWeeks(1).toInstant();
      case MONTH -> z.plusMonths(1).toInstant();
      case YEAR -> z.plusYears(1).toInstant();
    };
  }

  /**
   * The start of the period that contains {@code now}: the latest period end at or before {@code
   * now}, stepping period by period from the user's current start (a cluster that was down for
   * several periods resets once, into the current period).
   */
  static Instant periodStartAt(User u, Instant now) {
    ResetStrategy strategy = u.resetStrategy();
    Instant start = u.periodStartedAt();
    // Days and weeks have a fixed length in UTC: jump straight to the last whole period.
    if (strategy == ResetStrategy.DAY || strategy == ResetStrategy.WEEK) {
      long len = strategy == ResetStrategy.DAY ? 86_400L : 7 * 86_400L;
      long periods = Duration.between(start, now).toSeconds() / len;
      return start.plusSeconds(periods * len);
    }
    Instant end = periodEnd(strategy, start);
    while (end != null && !end.isAfter(now)) {
      start = end;
      end = periodEnd(strategy, start);
    }
    return start;
  }
}
