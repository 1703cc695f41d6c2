package io.raftray.xray;

import io.raftray.model.Digests;
import io.raftray.model.Endpoint;
import io.raftray.model.Grant;
import io.raftray.model.Group;
import io.raftray.model.Node;
import io.raftray.model.NodeStatus;
import io.raftray.model.User;
import io.raftray.model.UserStatus;
import io.raftray.state.Access;
import io.raftray.state.State;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What one node's core should run, computed from the replicated view: every enabled endpoint of
 * this node becomes an inbound, and every user who reaches it (see {@link Access}: an enabled
 * grant, or a group that selects the endpoint) and may use the proxy ({@code active} or {@code
 * on_hold}: first traffic activates an on-hold user) becomes a user of that inbound, with email
 * {@code <user>.<grant>} through a grant and {@code <user>.<endpoint>} through groups only. Nothing
 * else: limited, expired and disabled users are absent. A removed node runs nothing.
 */
public final class Desired {
  private Desired() {}

  /** One inbound to run, keyed by email. */
  public record Inbound(Endpoint endpoint, Map<String, InboundUser> users) {
    public Inbound {
      users = Collections.unmodifiableMap(users);
    }
  }

  /** Inbounds by tag, in endpoint id order. */
  public static Map<String, Inbound> of(State state, String nodeId) {
    Node node = state.nodes().get(nodeId);
    if (node == null || node.status() == NodeStatus.REMOVED) {
      return Map.of();
    }
    Map<String, Map<String, InboundUser>> usersByEndpoint = new HashMap<>();
    Map<String, Endpoint> mine = new LinkedHashMap<>();
    for (Endpoint e : state.endpoints().values()) {
      if (e.enabled() && nodeId.equals(e.nodeId())) {
        mine.put(e.id(), e);
        usersByEndpoint.put(e.id(), new LinkedHashMap<>());
      }
    }
    if (mine.isEmpty()) {
      return Map.of();
    }
    Map<String, Set<String>> granted = new HashMap<>();
    for (Grant g : state.grants().values()) {
      Map<String, InboundUser> users = usersByEndpoint.get(g.endpointId());
      if (users == null || !g.enabled()) {
        continue;
      }
      User u = state.users().get(g.userId());
      String credential = u == null ? null : Access.credential(u, g, mine.get(g.endpointId()));
      if (u == null || credential == null) {
        continue;
      }
      granted.computeIfAbsent(g.endpointId(), k -> new HashSet<>()).add(u.id());
      if (!mayConnect(u.status())) {
        continue;
      }
      String email = Emails.of(u.id(), g.id());
      users.put(email, new InboundUser(email, credential));
    }
    // Group access: one selector check per endpoint and group, then the group's members from the
    // membership index; a user with a usable grant on the endpoint is served by the grant.
    for (Endpoint e : mine.values()) {
      Map<String, InboundUser> users = usersByEndpoint.get(e.id());
      Set<String> byGrant = granted.getOrDefault(e.id(), Set.of());
      for (Group group : Access.groupsSelecting(state, e)) {
        for (String userId : state.membersOf(group.id())) {
          User u = state.users().get(userId);
          if (u == null || byGrant.contains(userId) || !mayConnect(u.status())) {
            continue;
          }
          String credential = Access.credential(u, null, e);
          if (credential != null) {
            String email = Emails.of(u.id(), e.id());
            users.putIfAbsent(email, new InboundUser(email, credential));
          }
        }
      }
    }
    Map<String, Inbound> out = new LinkedHashMap<>();
    for (Endpoint e : mine.values()) {
      out.put(e.tag(), new Inbound(e, usersByEndpoint.get(e.id())));
    }
    return Collections.unmodifiableMap(out);
  }

  /** Whether a user in this status is put into the core. */
  public static boolean mayConnect(UserStatus status) {
    return status == UserStatus.ACTIVE || status == UserStatus.ON_HOLD;
  }

  /**
   * What must match for an applied inbound to still be right: everything of the endpoint except its
   * users, enabled flag and timestamps. Secrets take part only through their hash.
   */
  static String fingerprint(Endpoint e, String extra) {
    return String.join(
        "|",
        e.protocol().name(),
        Integer.toString(e.port()),
        e.transport().name(),
        e.security().name(),
        String.valueOf(new TreeMap<>(e.settings())),
        Digests.sha256Hex(new TreeMap<>(e.secrets()).toString()),
        extra == null ? "" : extra);
  }
}
