package io.raftray.state;

import static io.raftray.model.ErrorKind.CONFLICT;
import static io.raftray.model.ErrorKind.INVALID;

import io.raftray.model.BulkAction;
import io.raftray.model.Device;
import io.raftray.model.NodeUsage;
import io.raftray.model.User;
import io.raftray.model.UserStatus;
import io.raftray.state.Command.BulkUsers;
import io.raftray.state.Command.CreateUsers;
import io.raftray.state.Store.Changed;
import io.raftray.state.Store.Rejection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.TreeMap;
import org.pcollections.TreePMap;

/**
 * Many users in one entry, applied by {@link Store}: {@code users.create_batch} (all or nothing)
 * and {@code users.bulk} (one action over a list of ids). The maps are persistent, so an entry
 * costs O(k log n) for k users in it, whatever the number n of users in the state. The per-user
 * effects are those of {@link UserRules}; bulk delete is {@link UserRules#withoutUsers}, the one
 * delete cascade.
 */
final class BulkRules {
  /** The largest data limit the API accepts; {@code add_data} saturates here. */
  static final long MAX_DATA_LIMIT = 1L << 60;

  /** The longest {@code extend}: a hundred years (and far from {@code Instant}'s range). */
  static final long MAX_EXTEND_SECONDS = 100L * 366 * 86_400;

  private BulkRules() {}

  static Changed createBatch(State s, CreateUsers c, Instant now) {
    if (c.users().isEmpty()) {
      throw new Rejection(INVALID, "users", "a batch needs at least one user");
    }
    if (c.users().size() > CreateUsers.MAX_BATCH) {
      throw new Rejection(
          INVALID, "users", "a batch holds at most " + CreateUsers.MAX_BATCH + " users");
    }
    TreePMap<String, User> users = State.tree(s.users());
    TreePMap<String, String> byName = State.index(s.userIdByName());
    TreePMap<String, String> byToken = State.index(s.userIdBySubscriptionToken());
    NavigableMap<String, NavigableSet<String>> members = s.groupMembers();
    for (int i = 0; i < c.users().size(); i++) {
      User u = c.users().get(i);
      String at = "users[" + i + "].";
      if (users.containsKey(u.id())) {
        throw new Rejection(CONFLICT, at + "id", "user id already exists");
      }
      if (byName.containsKey(u.name())) {
        throw new Rejection(CONFLICT, at + "name", "user name '" + u.name() + "' is taken");
      }
      if (byToken.containsKey(u.subscriptionToken())) {
        throw new Rejection(CONFLICT, at + "subscription_token", "subscription token collision");
      }
      for (String g : u.groupIds()) {
        if (!s.groups().containsKey(g)) {
          throw new Rejection(INVALID, at + "group_ids", "no such group: " + g);
        }
      }
      if (u.hwidDeviceLimit() != null
          && (u.hwidDeviceLimit() < 0 || u.hwidDeviceLimit() > Device.HARD_CAP)) {
        throw new Rejection(
            INVALID, at + "hwid_device_limit", "hwid_device_limit must be 0-" + Device.HARD_CAP);
      }
      User stamped =
          UserRules.withEffectiveStatus(c.isImport() ? imported(u, now) : fresh(u, now), now);
      users = users.plus(u.id(), stamped);
      byName = byName.plus(u.name(), u.id());
      byToken = byToken.plus(u.subscriptionToken(), u.id());
      if (!stamped.groupIds().isEmpty()) {
        members = GroupRules.members(members, List.of(), stamped.groupIds(), u.id());
      }
    }
    State n = s.withUsers(users, byName, byToken);
    if (members != s.groupMembers()) {
      n = n.withGroupMembers(members);
    }
    return new Changed(n, "users");
  }

  /** A created user: it starts now, with no usage and no import-only field. */
  private static User fresh(User u, Instant now) {
    return u.toBuilder()
        .created(now)
        .uplinkBytes(0)
        .downlinkBytes(0)
        .lifetimeUsedBytes(0)
        .subRevokedAt(null)
        .onHoldTimeout(null)
        .build();
  }

  /**
   * An imported user keeps its history (creation, period start, usage, revocation, hold timeout) as
   * the command carries it, so every replica applies the same values; a missing time is now.
   */
  private static User imported(User u, Instant now) {
    if (u.lifetimeUsedBytes() < u.usedBytes() || u.uplinkBytes() < 0 || u.downlinkBytes() < 0) {
      throw new Rejection(
          INVALID, "lifetime_used_bytes", "lifetime usage of " + u.name() + " is below its usage");
    }
    Instant created = u.createdAt() == null || u.createdAt().isAfter(now) ? now : u.createdAt();
    Instant period = u.periodStartedAt() == null ? created : u.periodStartedAt();
    return u.toBuilder().createdAt(created).periodStartedAt(period).updatedAt(now).build();
  }

  static Changed bulk(State s, BulkUsers b, Instant now) {
    check(s, b);
    if (b.operation() == BulkAction.DELETE) {
      return new Changed(UserRules.withoutUsers(s, b.ids()), "users");
    }
    TreePMap<String, User> users = State.tree(s.users());
    TreePMap<String, String> byToken = State.index(s.userIdBySubscriptionToken());
    TreePMap<String, NavigableMap<String, NodeUsage>> usage = State.tree(s.nodeUsage());
    NavigableMap<String, NavigableSet<String>> members = s.groupMembers();
    for (int i = 0; i < b.ids().size(); i++) {
      User u = users.get(b.ids().get(i));
      if (u == null) {
        continue; // deleted between selection and apply
      }
      User next =
          switch (b.operation()) {
            case EXTEND -> extend(u, b.amount(), now);
            case ADD_DATA ->
                u.dataLimitBytes() == 0
                    ? u
                    : u.toBuilder()
                        .dataLimitBytes(Math.min(MAX_DATA_LIMIT, u.dataLimitBytes() + b.amount()))
                        .updatedAt(now)
                        .build();
            case SET_LIMIT -> u.toBuilder().dataLimitBytes(b.amount()).updatedAt(now).build();
            case RESET_USAGE -> u.withUsageReset(now);
            case ENABLE ->
                u.status() == UserStatus.DISABLED ? u.withStatus(UserStatus.ACTIVE, now) : u;
            case DISABLE ->
                u.status() == UserStatus.DISABLED ? u : u.withStatus(UserStatus.DISABLED, now);
            case ROTATE_SUBSCRIPTION -> {
              String token = b.newTokens().get(i);
              if (byToken.containsKey(token)) {
                throw new Rejection(
                    CONFLICT, "new_tokens[" + i + "]", "subscription token collision");
              }
              byToken = byToken.minus(u.subscriptionToken()).plus(token, u.id());
              yield u.withSubscriptionToken(token, now);
            }
            case ADD_GROUPS -> withGroups(u, b.groupIds(), true, now);
            case REMOVE_GROUPS -> withGroups(u, b.groupIds(), false, now);
            case DELETE -> throw new IllegalStateException("handled above");
          };
      users = users.plus(u.id(), UserRules.withEffectiveStatus(next, now));
      if (!next.groupIds().equals(u.groupIds())) {
        members = GroupRules.members(members, u.groupIds(), next.groupIds(), u.id());
      }
      NavigableMap<String, NodeUsage> mine = usage.get(u.id());
      if (b.operation() == BulkAction.RESET_USAGE && mine != null) {
        TreeMap<String, NodeUsage> periods = new TreeMap<>();
        mine.forEach((node, nu) -> periods.put(node, nu.periodReset()));
        usage = usage.plus(u.id(), Collections.unmodifiableNavigableMap(periods));
      }
    }
    State n = s.withUsers(users, s.userIdByName(), byToken);
    if (usage != s.nodeUsage()) {
      n = n.withUsage(usage, n.usageSeqs());
    }
    if (members != s.groupMembers()) {
      n = n.withGroupMembers(members);
    }
    return new Changed(n, "users");
  }

  private static User withGroups(User u, List<String> groups, boolean add, Instant now) {
    List<String> next = new ArrayList<>(u.groupIds());
    if (add) {
      next.addAll(groups);
    } else {
      next.removeAll(groups);
    }
    User changed = u.toBuilder().groupIds(next).build();
    return changed.groupIds().equals(u.groupIds()) ? u : changed.toBuilder().updatedAt(now).build();
  }

  /** {@code expire_at} later by {@code seconds}, from now when it passed; never-expiring stays. */
  private static User extend(User u, long seconds, Instant now) {
    if (u.expireAt() == null) {
      return u;
    }
    Instant from = u.expireAt().isAfter(now) ? u.expireAt() : now;
    return u.toBuilder().expireAt(from.plusSeconds(seconds)).updatedAt(now).build();
  }

  private static void check(State s, BulkUsers b) {
    if (b.operation() == null) {
      throw new Rejection(INVALID, "action", "a bulk action is required");
    }
    if (b.operation().takesAmount()) {
      long max = maxAmount(b.operation());
      if (b.amount() == null || b.amount() < 0 || b.amount() > max) {
        throw new Rejection(INVALID, "amount", "must be an integer between 0 and " + max);
      }
    } else if (b.amount() != null) {
      throw new Rejection(
          INVALID, "amount", io.raftray.model.Enums.wire(b.operation()) + " takes no amount");
    }
    if (b.operation() == BulkAction.ROTATE_SUBSCRIPTION
        ? b.newTokens().size() != b.ids().size()
        : !b.newTokens().isEmpty()) {
      throw new Rejection(INVALID, "new_tokens", "one new token per id, for rotation only");
    }
    if (b.operation().takesGroups()) {
      if (b.groupIds().isEmpty()) {
        throw new Rejection(INVALID, "group_ids", "name at least one group");
      }
      GroupRules.checkGroupsExist(s, b.groupIds());
    } else if (!b.groupIds().isEmpty()) {
      throw new Rejection(INVALID, "group_ids", "only add_groups and remove_groups take groups");
    }
    if (new HashSet<>(b.ids()).size() != b.ids().size()) {
      throw new Rejection(INVALID, "ids", "an id is given twice");
    }
  }

  /** The largest {@code amount} of an action that takes one. */
  static long maxAmount(BulkAction a) {
    return a == BulkAction.EXTEND ? MAX_EXTEND_SECONDS : MAX_DATA_LIMIT;
  }
}
