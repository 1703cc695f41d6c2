package io.raftray.state;

import static io.raftray.model.ErrorKind.CONFLICT;
import static io.raftray.model.ErrorKind.INVALID;
import static io.raftray.model.ErrorKind.NOT_FOUND;

import io.raftray.model.Device;
import io.raftray.model.NodeUsage;
import io.raftray.model.User;
import io.raftray.model.UserStatus;
import io.raftray.state.Command.CreateUser;
import io.raftray.state.Command.DeleteUser;
import io.raftray.state.Command.ResetUsage;
import io.raftray.state.Command.RotateCredentials;
import io.raftray.state.Command.RotateSubscription;
import io.raftray.state.Command.UpdateUser;
import io.raftray.state.Store.Changed;
import io.raftray.state.Store.Rejection;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.Set;
import org.pcollections.TreePMap;

/**
 * Users, applied by {@link Store}: names and subscription tokens are unique (the state keeps an
 * index of each, updated here with every change), a user's status follows its usage and expiry
 * ({@link #withEffectiveStatus}), and deleting a user deletes its grants and traffic breakdown.
 */
final class UserRules {
  private UserRules() {}

  static Changed create(State s, CreateUser c, Instant now) {
    User u = c.user();
    if (s.users().containsKey(u.id())) {
      throw new Rejection(CONFLICT, "id", "user id already exists");
    }
    if (s.userIdByName().containsKey(u.name())) {
      throw new Rejection(CONFLICT, "name", "user name '" + u.name() + "' is taken");
    }
    if (s.userIdBySubscriptionToken().containsKey(u.subscriptionToken())) {
      throw new Rejection(CONFLICT, "subscription_token", "subscription token collision");
    }
    GroupRules.checkGroupsExist(s, u.groupIds());
    checkDeviceLimit(u);
    User stamped = u.toBuilder().created(now).build();
    return new Changed(put(s, null, withEffectiveStatus(stamped, now)), u.id());
  }

  static Changed update(State s, UpdateUser c, Instant now) {
    User u = user(s, c.id());
    if (c.name() != null && !c.name().equals(u.name()) && s.userIdByName().containsKey(c.name())) {
      throw new Rejection(CONFLICT, "name", "user name '" + c.name() + "' is taken");
    }
    User.Builder b = u.toBuilder().updatedAt(now);
    if (c.name() != null) {
      b.name(c.name());
    }
    if (c.note() != null) {
      b.note(c.note());
    }
    if (c.status() != null) {
      b.status(c.status());
    }
    if (c.dataLimitBytes() != null) {
      b.dataLimitBytes(c.dataLimitBytes());
    }
    if (c.setExpireAt()) {
      b.expireAt(c.expireAt());
    }
    if (c.resetStrategy() != null) {
      b.resetStrategy(c.resetStrategy());
    }
    if (c.onHoldExpireSeconds() != null) {
      b.onHoldExpireSeconds(c.onHoldExpireSeconds());
    }
    if (c.credentials() != null) {
      b.credentials(c.credentials());
    }
    if (c.groupIds() != null) {
      GroupRules.checkGroupsExist(s, c.groupIds());
      b.groupIds(c.groupIds());
    }
    if (c.hwidDeviceLimit() != null) {
      int limit = c.hwidDeviceLimit();
      if (limit < UpdateUser.DEFAULT_DEVICE_LIMIT || limit > Device.HARD_CAP) {
        throw new Rejection(
            INVALID, "hwid_device_limit", "hwid_device_limit must be 0-" + Device.HARD_CAP);
      }
      b.hwidDeviceLimit(limit == UpdateUser.DEFAULT_DEVICE_LIMIT ? null : limit);
    }
    return new Changed(put(s, u, withEffectiveStatus(b.build(), now)), u.id());
  }

  static Changed delete(State s, DeleteUser d) {
    User u = user(s, d.id());
    return new Changed(withoutUsers(s, List.of(u.id())), u.id());
  }

  /**
   * THE delete cascade, for one user or many ({@code user.delete}, bulk {@code delete}): the users,
   * their name and token indexes, their group memberships, grants, per-node traffic and devices.
   * Persistent maps: O(log n) per deleted user, nothing copied whole; unknown ids are skipped.
   */
  static State withoutUsers(State s, Collection<String> ids) {
    TreePMap<String, User> users = State.tree(s.users());
    TreePMap<String, String> byName = State.index(s.userIdByName());
    TreePMap<String, String> byToken = State.index(s.userIdBySubscriptionToken());
    NavigableMap<String, NavigableSet<String>> members = s.groupMembers();
    Set<String> goneIds = new HashSet<>();
    for (String id : ids) {
      User u = users.get(id);
      if (u != null) {
        users = users.minus(id);
        goneIds.add(id);
        byName = byName.minus(u.name());
        byToken = byToken.minus(u.subscriptionToken());
        if (!u.groupIds().isEmpty()) {
          members = GroupRules.members(members, u.groupIds(), List.of(), u.id());
        }
      }
    }
    State n = s.withUsers(users, byName, byToken);
    if (members != s.groupMembers()) {
      n = n.withGroupMembers(members);
    }
    n = n.withGrants(GrantRules.without(s.grants(), g -> goneIds.contains(g.userId())));
    TreePMap<String, NavigableMap<String, NodeUsage>> usage = State.tree(n.nodeUsage());
    if (goneIds.stream().anyMatch(usage::containsKey)) {
      n = n.withUsage(usage.minusAll(goneIds), n.usageSeqs());
    }
    n = n.withUsageHistory(n.usageHistory().withoutUsers(goneIds));
    return ActivityRules.withoutDevicesOf(n, goneIds);
  }

  static Changed resetUsage(State s, ResetUsage r, Instant now) {
    User u = user(s, r.id());
    State n = put(s, u, withEffectiveStatus(u.withUsageReset(now), now));
    return new Changed(UsageRules.resetNodePeriods(n, u.id()), u.id());
  }

  static Changed rotate(State s, RotateSubscription r, Instant now) {
    User u = user(s, r.id());
    if (s.userIdBySubscriptionToken().containsKey(r.newToken())) {
      throw new Rejection(CONFLICT, "subscription_token", "subscription token collision");
    }
    return new Changed(put(s, u, u.withSubscriptionToken(r.newToken(), now)), u.id());
  }

  static Changed rotateCredentials(State s, RotateCredentials r, Instant now) {
    User u = user(s, r.id());
    User n = u.toBuilder().credentials(r.credentials()).updatedAt(now).build();
    return new Changed(put(s, u, n), u.id());
  }

  /**
   * Derives limited/expired from usage and expiry: an active user over its limit becomes limited,
   * past its expiry expired; a limited or expired user whose limit or expiry no longer applies
   * becomes active again. Disabled and on-hold users are left as the admin set them.
   */
  static User withEffectiveStatus(User u, Instant now) {
    boolean overLimit = u.dataLimitBytes() > 0 && u.usedBytes() >= u.dataLimitBytes();
    boolean expired = u.expireAt() != null && !u.expireAt().isAfter(now);
    UserStatus st = u.status();
    UserStatus next = st;
    if (st == UserStatus.ACTIVE || st == UserStatus.LIMITED || st == UserStatus.EXPIRED) {
      next = expired ? UserStatus.EXPIRED : overLimit ? UserStatus.LIMITED : UserStatus.ACTIVE;
    }
    return next == st ? u : u.withStatus(next, u.updatedAt());
  }

  /** A user's own device limit: null (the default) or 0 (unlimited) to the hard cap. */
  static void checkDeviceLimit(User u) {
    Integer limit = u.hwidDeviceLimit();
    if (limit != null && (limit < 0 || limit > Device.HARD_CAP)) {
      throw new Rejection(
          INVALID, "hwid_device_limit", "hwid_device_limit must be 0-" + Device.HARD_CAP);
    }
  }

  static User user(State s, String id) {
    User u = s.users().get(id);
    if (u == null) {
      throw new Rejection(NOT_FOUND, null, "user " + id + " not found");
    }
    return u;
  }

  /**
   * The state with {@code u} replacing {@code old} (null for a new user), indexes updated: name,
   * subscription token and group membership.
   */
  static State put(State s, User old, User u) {
    Map<String, String> byName = s.userIdByName();
    Map<String, String> byToken = s.userIdBySubscriptionToken();
    if (old == null || !old.name().equals(u.name())) {
      TreePMap<String, String> m = State.index(byName);
      if (old != null) {
        m = m.minus(old.name());
      }
      byName = m.plus(u.name(), u.id());
    }
    if (old == null || !old.subscriptionToken().equals(u.subscriptionToken())) {
      TreePMap<String, String> m = State.index(byToken);
      if (old != null) {
        m = m.minus(old.subscriptionToken());
      }
      byToken = m.plus(u.subscriptionToken(), u.id());
    }
    State n = s.withUsers(State.with(s.users(), u.id(), u), byName, byToken);
    List<String> before = old == null ? List.of() : old.groupIds();
    if (!before.equals(u.groupIds())) {
      n = n.withGroupMembers(GroupRules.members(n.groupMembers(), before, u.groupIds(), u.id()));
    }
    return n;
  }
}
