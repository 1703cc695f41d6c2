package io.raftray.sub;

import io.raftray.model.Endpoint;
import io.raftray.model.Enums;
import io.raftray.model.Grant;
import io.raftray.model.Group;
import io.raftray.model.Node;
import io.raftray.model.NodeStatus;
import io.raftray.model.SubscriptionSettings;
import io.raftray.model.User;
import io.raftray.state.Access;
import io.raftray.state.State;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds a user's {@link Subscription} from one immutable view: the one place that turns the state
 * into the proxies every format renders. Grants by user and the endpoints of each group are indexed
 * once per view (the view changes on every applied write), so a request costs map lookups plus the
 * user's own grants and its groups' endpoints, not a scan of every grant in the cluster. A grant
 * and a group reaching the same endpoint give one proxy, with the grant's credential.
 */
final class SubscriptionBuilder {
  private record Indexed(
      State view, Map<String, List<Grant>> grantsByUser, Map<String, List<Endpoint>> byGroup) {}

  private volatile Indexed index = new Indexed(null, Map.of(), Map.of());

  /** The user whose current subscription token is {@code token}, or null. */
  static User userByToken(State view, String token) {
    String id = view.userIdBySubscriptionToken().get(token);
    return id == null ? null : view.users().get(id);
  }

  /**
   * The subscription of {@code user} as of {@code view}, at wall-clock time {@code now}: none of
   * its proxies when {@link Subscription#unavailable} gives a reason.
   */
  Subscription build(State view, User user, Instant now) {
    SubscriptionSettings settings = view.subscriptionSettings();
    String reason = Subscription.unavailable(user, now);
    List<Proxy> proxies = reason == null ? proxies(view, user, settings) : List.of();
    return new Subscription(title(settings, user), proxies, reason);
  }

  /** Every proxy of {@code user} as of {@code view}, whatever its status (admin views). */
  List<Proxy> proxiesOf(State view, User user) {
    return proxies(view, user, view.subscriptionSettings());
  }

  static String title(SubscriptionSettings settings, User u) {
    Map<String, String> v = new HashMap<>();
    v.put("user", u.name());
    v.put("status", Enums.wire(u.status()));
    v.put("expire", u.expireAt() == null ? "never" : Units.day(u.expireAt()));
    v.put("data_limit", u.dataLimitBytes() == 0 ? "unlimited" : Units.bytes(u.dataLimitBytes()));
    String t = Templates.render(settings.titleTemplate(), v);
    return t.isEmpty() ? u.name() : t;
  }

  private List<Proxy> proxies(State view, User user, SubscriptionSettings settings) {
    record Candidate(Node node, Endpoint endpoint, String credential) {}
    List<Candidate> list = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    Indexed idx = indexed(view);
    for (Grant g : idx.grantsByUser().getOrDefault(user.id(), List.of())) {
      Endpoint e = g.enabled() ? view.endpoints().get(g.endpointId()) : null;
      Node n = e == null || !e.enabled() ? null : view.nodes().get(e.nodeId());
      String credential = e == null ? null : Access.credential(user, g, e);
      if (n != null
          && n.status() == NodeStatus.ACTIVE
          && n.accessHost() != null
          && credential != null) {
        seen.add(e.id());
        list.add(new Candidate(n, e, credential));
      }
    }
    // Endpoints the user's groups select, with the user's own credentials.
    for (String groupId : user.groupIds()) {
      for (Endpoint e : idx.byGroup().getOrDefault(groupId, List.of())) {
        Node n = view.nodes().get(e.nodeId());
        String credential = Access.credential(user, null, e);
        if (n != null
            && n.status() == NodeStatus.ACTIVE
            && n.accessHost() != null
            && credential != null
            && seen.add(e.id())) {
          list.add(new Candidate(n, e, credential));
        }
      }
    }
    list.sort(
        Comparator.comparing((Candidate c) -> c.node().name())
            .thenComparingInt(c -> c.endpoint().port())
            .thenComparing(c -> c.endpoint().tag())
            .thenComparing(c -> c.endpoint().id()));
    List<Proxy> out = new ArrayList<>(list.size());
    Set<String> taken = new HashSet<>();
    for (Candidate c : list) {
      String remark = Names.unique(remark(settings, user, c.node(), c.endpoint()), taken);
      out.add(Proxy.of(remark, c.node().accessHost(), c.endpoint(), c.credential()));
    }
    return out;
  }

  static String remark(SubscriptionSettings settings, User u, Node n, Endpoint e) {
    Map<String, String> v = new HashMap<>();
    v.put("node", n.name());
    v.put("protocol", Enums.wire(e.protocol()));
    v.put("transport", Enums.wire(e.transport()));
    v.put("security", Enums.wire(e.security()));
    v.put("port", Integer.toString(e.port()));
    v.put("tag", e.tag());
    v.put("user", u.name());
    String r = Templates.render(settings.remarkTemplate(), v);
    return r.isEmpty() ? e.tag() : r;
  }

  /** Grants by user and each group's enabled endpoints, computed once per view. */
  private Indexed indexed(State view) {
    Indexed i = index;
    if (i.view() != view) {
      Map<String, List<Grant>> by = new HashMap<>();
      for (Grant g : view.grants().values()) {
        by.computeIfAbsent(g.userId(), k -> new ArrayList<>(4)).add(g);
      }
      by.replaceAll((k, l) -> Collections.unmodifiableList(l));
      Map<String, List<Endpoint>> byGroup = new HashMap<>();
      if (!view.groups().isEmpty()) {
        for (Endpoint e : view.endpoints().values()) {
          if (Access.live(view, e)) {
            for (Group g : Access.groupsSelecting(view, e)) {
              byGroup.computeIfAbsent(g.id(), k -> new ArrayList<>()).add(e);
            }
          }
        }
      }
      i = new Indexed(view, by, byGroup);
      index = i;
    }
    return i;
  }
}
