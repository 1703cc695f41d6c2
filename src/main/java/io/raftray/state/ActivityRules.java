package io.raftray.state;

import static io.raftray.model.ErrorKind.INVALID;
import static io.raftray.model.ErrorKind.NOT_FOUND;

import io.raftray.model.Device;
import io.raftray.model.User;
import io.raftray.state.Command.DeleteDevice;
import io.raftray.state.Command.DeviceSeen;
import io.raftray.state.Command.SubFetch;
import io.raftray.state.Command.SubscriptionActivity;
import io.raftray.state.Store.Changed;
import io.raftray.state.Store.Rejection;
import java.time.Instant;
import java.util.Collections;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.pcollections.TreePMap;

/**
 * Subscription activity and devices: {@code subscription.activity} (one node's batch of fetches and
 * devices) and {@code user.delete_device}. Pure, like all of {@link Store}.
 *
 * <p>Times: a fetch's time is the reporting node's clock, but never later than the leader stamp of
 * the entry (a node clock ahead of the cluster cannot put activity in the future), and activity
 * never moves back. Devices: a known hwid has its last-seen time and description refreshed; a new
 * one is registered while the user has fewer devices than its limit ({@link
 * io.raftray.model.ClusterSettings#deviceLimitOf}, 0 = unlimited) and fewer than {@link
 * Device#HARD_CAP}, in the batch's order; the rest are refused (dropped: the node that served them
 * learns it when it applies this entry and refuses them from then on). A sighting of a device the
 * node saw registered ({@code registered}) never registers it again: it was deleted meanwhile.
 */
final class ActivityRules {
  private ActivityRules() {}

  static Changed report(State s, SubscriptionActivity a, Instant now) {
    if (a.nodeId() == null || !s.nodes().containsKey(a.nodeId())) {
      throw new Rejection(INVALID, "node_id", "no such node: " + a.nodeId());
    }
    if (a.fetches().size() > SubscriptionActivity.MAX_ITEMS
        || a.devices().size() > SubscriptionActivity.MAX_ITEMS) {
      throw new Rejection(
          INVALID,
          "fetches",
          "at most " + SubscriptionActivity.MAX_ITEMS + " fetches and devices per batch");
    }
    for (SubFetch f : a.fetches()) {
      if (f == null || f.userId() == null) {
        throw new Rejection(INVALID, "fetches", "a fetch needs a user_id");
      }
    }
    for (DeviceSeen d : a.devices()) {
      if (d == null || d.userId() == null || !Device.validHwid(d.hwid())) {
        throw new Rejection(
            INVALID,
            "devices",
            "a device needs a user_id and an hwid of 1-128 printable characters");
      }
    }
    TreePMap<String, User> users = null;
    for (SubFetch f : a.fetches()) {
      User u = users != null ? users.get(f.userId()) : s.users().get(f.userId());
      if (u == null) {
        continue; // deleted since the fetch
      }
      Instant at = clamp(f.at(), now);
      if (u.subUpdatedAt() != null && at.isBefore(u.subUpdatedAt())) {
        continue; // another node's later fetch is already recorded
      }
      User n = u.toBuilder().subUpdatedAt(at).subLastUserAgent(Device.text(f.userAgent())).build();
      if (n.equals(u)) {
        continue;
      }
      users = (users == null ? State.tree(s.users()) : users).plus(n.id(), n);
    }
    State next = s;
    if (users != null) {
      next = next.withUsers(users, s.userIdByName(), s.userIdBySubscriptionToken());
    }
    TreePMap<String, NavigableMap<String, Device>> devices = null;
    for (DeviceSeen d : a.devices()) {
      User u = next.users().get(d.userId());
      if (u == null) {
        continue;
      }
      NavigableMap<String, Device> mine =
          devices != null && devices.containsKey(u.id()) ? devices.get(u.id()) : s.devices(u.id());
      Instant at = clamp(d.at(), now);
      Device known = mine.get(d.hwid());
      Device put;
      if (known != null) {
        put =
            new Device(
                known.hwid(),
                d.os() != null ? Device.text(d.os()) : known.os(),
                d.osVersion() != null ? Device.text(d.osVersion()) : known.osVersion(),
                d.model() != null ? Device.text(d.model()) : known.model(),
                d.userAgent() != null ? Device.text(d.userAgent()) : known.userAgent(),
                known.nodeId(),
                known.createdAt(),
                known.lastSeenAt() != null && known.lastSeenAt().isAfter(at)
                    ? known.lastSeenAt()
                    : at);
        if (put.equals(known)) {
          continue;
        }
      } else {
        if (Boolean.TRUE.equals(d.registered())) {
          continue; // deleted since the node saw it registered: its next fetch is a new device
        }
        if (mine.size() >= capacity(next, u)) {
          continue; // over the limit: refused, in log order
        }
        put =
            new Device(
                d.hwid(),
                Device.text(d.os()),
                Device.text(d.osVersion()),
                Device.text(d.model()),
                Device.text(d.userAgent()),
                a.nodeId(),
                now,
                at);
      }
      if (devices == null) {
        devices = State.tree(s.devices());
      }
      TreeMap<String, Device> copy = new TreeMap<>(mine);
      copy.put(put.hwid(), put);
      devices = devices.plus(u.id(), Collections.unmodifiableNavigableMap(copy));
    }
    if (devices != null) {
      next = next.withDevices(devices);
    }
    return new Changed(next, a.nodeId(), false, null);
  }

  static Changed deleteDevice(State s, DeleteDevice d) {
    User u = UserRules.user(s, d.userId());
    NavigableMap<String, Device> mine = s.devices(u.id());
    if (!mine.containsKey(d.hwid())) {
      throw new Rejection(NOT_FOUND, null, "device not found");
    }
    NavigableMap<String, Device> rest = State.without(mine, d.hwid());
    return new Changed(
        s.withDevices(
            rest.isEmpty()
                ? State.without(s.devices(), u.id())
                : State.with(s.devices(), u.id(), rest)),
        u.id());
  }

  /** How many devices {@code u} may have: its limit (0 = unlimited), at most the hard cap. */
  static int capacity(State s, User u) {
    return s.settings().deviceCapacityOf(u);
  }

  /** The state without the devices of the users {@code ids}. */
  static State withoutDevicesOf(State s, java.util.Collection<String> ids) {
    if (ids.stream().noneMatch(s.devices()::containsKey)) {
      return s;
    }
    return s.withDevices(State.tree(s.devices()).minusAll(ids));
  }

  private static Instant clamp(Instant at, Instant now) {
    return at == null || at.isAfter(now) ? now : at;
  }
}
