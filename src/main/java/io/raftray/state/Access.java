package io.raftray.state;

import io.raftray.model.Endpoint;
import io.raftray.model.Grant;
import io.raftray.model.Group;
import io.raftray.model.Node;
import io.raftray.model.NodeStatus;
import io.raftray.model.User;
import io.raftray.model.UserCredentials;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Effective access, computed from a view: a user reaches an endpoint through an enabled grant of
 * its own or through a group it is a member of that selects the endpoint. The credential is the
 * grant's own when it has one, else the user's {@link UserCredentials} for the endpoint's protocol;
 * without either (a user from before per-user credentials, reached only through a group) the
 * endpoint is listed but has no credential and is not usable. Only enabled endpoints on nodes that
 * were not removed count. Pure; nothing here is stored, so a group, selector, label or endpoint
 * change needs no per-user write.
 */
public final class Access {
  private Access() {}

  /**
   * One endpoint a user reaches: {@code grant} is the enabled grant that gives it (null when only
   * groups do), {@code groupIds} the user's groups that select it, {@code credential} what the user
   * connects with (null when there is none).
   */
  public record Entry(Endpoint endpoint, Grant grant, List<String> groupIds, String credential) {
    public Entry {
      groupIds = List.copyOf(groupIds);
    }

    public boolean usable() {
      return credential != null;
    }
  }

  /** The endpoints {@code user} reaches, by endpoint id in id order. */
  public static List<Entry> of(State s, User user) {
    Map<String, Grant> grants = new LinkedHashMap<>();
    for (Grant g : s.grants().values()) {
      if (g.enabled() && g.userId().equals(user.id())) {
        grants.put(g.endpointId(), g);
      }
    }
    List<Group> groups = new ArrayList<>();
    for (String id : user.groupIds()) {
      Group g = s.groups().get(id);
      if (g != null) {
        groups.add(g);
      }
    }
    List<Entry> out = new ArrayList<>();
    for (Endpoint e : s.endpoints().values()) {
      Grant grant = grants.get(e.id());
      if ((grant == null && groups.isEmpty()) || !live(s, e)) {
        continue;
      }
      Node node = s.nodes().get(e.nodeId());
      List<String> via = new ArrayList<>();
      for (Group g : groups) {
        if (g.selects(e, node)) {
          via.add(g.id());
        }
      }
      if (grant != null || !via.isEmpty()) {
        out.add(new Entry(e, grant, via, credential(user, grant, e)));
      }
    }
    return Collections.unmodifiableList(out);
  }

  /**
   * The groups that select {@code e} (on its node), in id order: its members reach it. Costs one
   * selector check per group, not per user.
   */
  public static List<Group> groupsSelecting(State s, Endpoint e) {
    Node node = s.nodes().get(e.nodeId());
    List<Group> out = new ArrayList<>();
    for (Group g : s.groups().values()) {
      if (g.selects(e, node)) {
        out.add(g);
      }
    }
    return out;
  }

  /** The credential {@code user} connects to {@code e} with, through {@code grant} (or null). */
  public static String credential(User user, Grant grant, Endpoint e) {
    if (grant != null && grant.credential() != null) {
      return grant.credential();
    }
    UserCredentials c = user.credentials();
    if (c == null) {
      return null;
    }
    Object method = e.settings().get("method");
    return c.forProtocol(e.protocol(), method == null ? null : method.toString());
  }

  /** An enabled endpoint whose node exists and was not removed. */
  public static boolean live(State s, Endpoint e) {
    Node n = s.nodes().get(e.nodeId());
    return e.enabled() && n != null && n.status() != NodeStatus.REMOVED;
  }
}
