package io.raftray.state;

import static io.raftray.model.ErrorKind.CONFLICT;
import static io.raftray.model.ErrorKind.INVALID;
import static io.raftray.model.ErrorKind.NOT_FOUND;

import io.raftray.model.Group;
import io.raftray.model.User;
import io.raftray.state.Command.CreateGroup;
import io.raftray.state.Command.DeleteGroup;
import io.raftray.state.Command.UpdateGroup;
import io.raftray.state.Store.Changed;
import io.raftray.state.Store.Rejection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.NavigableMap;
import java.util.NavigableSet;
import org.pcollections.TreePMap;
import org.pcollections.TreePSet;

/**
 * Groups, applied by {@link Store}: names are unique, every listed endpoint exists, a user names
 * only existing groups. Deleting a group takes it out of its members' {@code group_ids} (one entry,
 * found through the membership index); deleting an endpoint takes it out of the groups that list
 * it. A group change writes no user: effective access is computed from the state (see {@code
 * xray.Access}).
 */
final class GroupRules {
  private GroupRules() {}

  static Changed create(State s, CreateGroup c, Instant now) {
    Group g = c.group();
    if (s.groups().containsKey(g.id())) {
      throw new Rejection(CONFLICT, "id", "group id already exists");
    }
    checkName(s, g.name(), null);
    checkEndpoints(s, g.endpointIds());
    Group stamped =
        new Group(g.id(), g.name(), g.description(), g.endpointIds(), g.selector(), now, now);
    return new Changed(s.withGroups(State.with(s.groups(), g.id(), stamped)), g.id());
  }

  static Changed update(State s, UpdateGroup c, Instant now) {
    Group g = group(s, c.id());
    if (c.name() != null) {
      checkName(s, c.name(), g.id());
    }
    if (c.endpointIds() != null) {
      checkEndpoints(s, c.endpointIds());
    }
    Group n =
        new Group(
            g.id(),
            c.name() != null ? c.name() : g.name(),
            c.description() != null ? c.description() : g.description(),
            c.endpointIds() != null ? c.endpointIds() : g.endpointIds(),
            c.setSelector() ? c.selector() : g.selector(),
            g.createdAt(),
            now);
    return new Changed(s.withGroups(State.with(s.groups(), g.id(), n)), g.id());
  }

  static Changed delete(State s, DeleteGroup d, Instant now) {
    Group g = group(s, d.id());
    State n = s;
    for (String userId : s.membersOf(g.id())) {
      User u = n.users().get(userId);
      if (u == null) {
        continue;
      }
      List<String> rest = new ArrayList<>(u.groupIds());
      rest.remove(g.id());
      n = UserRules.put(n, u, u.toBuilder().groupIds(rest).updatedAt(now).build());
    }
    n = n.withGroups(State.without(n.groups(), g.id()));
    return new Changed(n, g.id());
  }

  /** {@code s} with endpoint {@code endpointId} taken out of every group that lists it. */
  static State withoutEndpoint(State s, String endpointId) {
    NavigableMap<String, Group> groups = s.groups();
    for (Group g : s.groups().values()) {
      if (g.endpointIds().contains(endpointId)) {
        List<String> rest = new ArrayList<>(g.endpointIds());
        rest.remove(endpointId);
        groups =
            State.with(
                groups,
                g.id(),
                new Group(
                    g.id(),
                    g.name(),
                    g.description(),
                    rest,
                    g.selector(),
                    g.createdAt(),
                    g.updatedAt()));
      }
    }
    return groups == s.groups() ? s : s.withGroups(groups);
  }

  /** Rejects a user write that names a group that does not exist. */
  static void checkGroupsExist(State s, Collection<String> groupIds) {
    for (String id : groupIds) {
      if (!s.groups().containsKey(id)) {
        throw new Rejection(INVALID, "group_ids", "no such group: " + id);
      }
    }
  }

  /**
   * The membership index with user {@code userId} moved from groups {@code before} to {@code
   * after}: O(log n) per touched group, the rest of the index and of each set shared.
   */
  static NavigableMap<String, NavigableSet<String>> members(
      NavigableMap<String, NavigableSet<String>> index,
      List<String> before,
      List<String> after,
      String userId) {
    TreePMap<String, NavigableSet<String>> out = State.tree(index);
    for (String g : before) {
      if (!after.contains(g)) {
        NavigableSet<String> had = out.get(g);
        TreePSet<String> set = State.set(had == null ? TreePSet.empty() : had).minus(userId);
        out = set.isEmpty() ? out.minus(g) : out.plus(g, set);
      }
    }
    for (String g : after) {
      if (!before.contains(g)) {
        NavigableSet<String> had = out.get(g);
        out = out.plus(g, State.set(had == null ? TreePSet.empty() : had).plus(userId));
      }
    }
    return out;
  }

  private static Group group(State s, String id) {
    Group g = s.groups().get(id);
    if (g == null) {
      throw new Rejection(NOT_FOUND, null, "group " + id + " not found");
    }
    return g;
  }

  private static void checkName(State s, String name, String exceptId) {
    for (Group o : s.groups().values()) {
      if (o.name().equals(name) && !o.id().equals(exceptId)) {
        throw new Rejection(CONFLICT, "name", "group name '" + name + "' is taken");
      }
    }
  }

  private static void checkEndpoints(State s, List<String> endpointIds) {
    for (String id : endpointIds) {
      if (!s.endpoints().containsKey(id)) {
        throw new Rejection(INVALID, "endpoint_ids", "no such endpoint: " + id);
      }
    }
  }
}
