package io.raftray.sub;

import io.raftray.model.Endpoint;
import io.raftray.model.Enums;
import io.raftray.model.Grant;
import io.raftray.model.Node;
import io.raftray.model.NodeStatus;
import io.raftray.model.SubscriptionSettings;
import io.raftray.model.User;
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
 * into the proxies every format renders. Grants by user are indexed once per view (the view changes
 * on every applied write), so a request costs a map lookup plus the user's own grants, not a scan
 * of every grant in the cluster.
 */
final class SubscriptionBuilder {
  private record Indexed(State view, Map<String, List<Grant>> grantsByUser) {}

  private volatile Indexed index = new Indexed(null, Map.of());

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
    record Candidate(Node node, Endpoint endpoint, Grant grant) {}
    List<Candidate> list = new ArrayList<>();
    for (Grant g : grantsOf(view, user.id())) {
      Endpoint e = g.enabled() ? view.endpoints().get(g.endpointId()) : null;
      Node n = e == null || !e.enabled() ? null : view.nodes().get(e.nodeId());
      if (n != null && n.status() == NodeStatus.ACTIVE && n.accessHost() != null) {
        list.add(new Candidate(n, e, g));
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
      out.add(Proxy.of(remark, c.node().accessHost(), c.endpoint(), c.grant().credential()));
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

  private List<Grant> grantsOf(State view, String userId) {
    Indexed i = index;
    if (i.view() != view) {
      Map<String, List<Grant>> by = new HashMap<>();
      for (Grant g : view.grants().values()) {
        by.computeIfAbsent(g.userId(), k -> new ArrayList<>(4)).add(g);
      }
      by.replaceAll((k, l) -> Collections.unmodifiableList(l));
      i = new Indexed(view, by);
      index = i;
    }
    return i.grantsByUser().getOrDefault(userId, List.of());
  }
}
