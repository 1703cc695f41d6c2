package io.raftray.state;

import io.raftray.model.AdminToken;
import io.raftray.model.Endpoint;
import io.raftray.model.Grant;
import io.raftray.model.JoinRequest;
import io.raftray.model.JoinToken;
import io.raftray.model.Node;
import io.raftray.model.NodeUsage;
import io.raftray.model.SubscriptionSettings;
import io.raftray.model.User;
import io.raftray.model.XrayReport;
import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Immutable view of the replicated state at {@code appliedIndex}. Maps are sorted by id (ids are
 * time ordered, so this is creation order) and never mutated after publication; a change builds a
 * new map for the one collection it touches and shares the others.
 *
 * <p>{@code nodeUsage} is the per-node traffic breakdown, user id to node id to usage (entries go
 * with their user); {@code usageSeqs} is the last applied {@code usage.report} sequence number per
 * node, which makes reports idempotent (see docs/data-plane.md).
 */
public record State(
    long appliedIndex,
    String clusterId,
    String caCertPem,
    NavigableMap<String, Node> nodes,
    NavigableMap<String, User> users,
    NavigableMap<String, Endpoint> endpoints,
    NavigableMap<String, Grant> grants,
    NavigableMap<String, AdminToken> adminTokens,
    NavigableMap<String, JoinToken> joinTokens,
    NavigableMap<String, JoinRequest> joinRequests,
    AuditLog audit,
    Map<String, String> userIdByName,
    Map<String, String> userIdBySubscriptionToken,
    NavigableSet<String> revokedSerials,
    SubscriptionSettings subscriptionSettings,
    NavigableMap<String, NavigableMap<String, NodeUsage>> nodeUsage,
    NavigableMap<String, Long> usageSeqs,
    NavigableMap<String, XrayReport> xrayReports) {

  public State {
    revokedSerials = revokedSerials == null ? Collections.emptyNavigableSet() : revokedSerials;
    subscriptionSettings =
        subscriptionSettings == null ? SubscriptionSettings.defaults() : subscriptionSettings;
    nodeUsage = nodeUsage == null ? Collections.emptyNavigableMap() : nodeUsage;
    usageSeqs = usageSeqs == null ? Collections.emptyNavigableMap() : usageSeqs;
    xrayReports = xrayReports == null ? sorted(Map.of()) : xrayReports;
  }

  /** A state with default subscription settings, no usage bookkeeping and no core reports. */
  public State(
      long appliedIndex,
      String clusterId,
      String caCertPem,
      NavigableMap<String, Node> nodes,
      NavigableMap<String, User> users,
      NavigableMap<String, Endpoint> endpoints,
      NavigableMap<String, Grant> grants,
      NavigableMap<String, AdminToken> adminTokens,
      NavigableMap<String, JoinToken> joinTokens,
      NavigableMap<String, JoinRequest> joinRequests,
      AuditLog audit,
      Map<String, String> userIdByName,
      Map<String, String> userIdBySubscriptionToken,
      NavigableSet<String> revokedSerials) {
    this(
        appliedIndex,
        clusterId,
        caCertPem,
        nodes,
        users,
        endpoints,
        grants,
        adminTokens,
        joinTokens,
        joinRequests,
        audit,
        userIdByName,
        userIdBySubscriptionToken,
        revokedSerials,
        null,
        null,
        null,
        null);
  }

  /** A user's traffic by node id (empty when none was reported). */
  public NavigableMap<String, NodeUsage> nodeUsage(String userId) {
    NavigableMap<String, NodeUsage> m = nodeUsage.get(userId);
    return m == null ? Collections.emptyNavigableMap() : m;
  }

  /** The last {@code usage.report} sequence number applied for a node; 0 before the first. */
  public long usageSeq(String nodeId) {
    return usageSeqs.getOrDefault(nodeId, 0L);
  }

  public static State empty() {
    return new State(
        0,
        null,
        null,
        sorted(Map.of()),
        sorted(Map.of()),
        sorted(Map.of()),
        sorted(Map.of()),
        sorted(Map.of()),
        sorted(Map.of()),
        sorted(Map.of()),
        AuditLog.empty(),
        Map.of(),
        Map.of(),
        Collections.emptyNavigableSet());
  }

  /**
   * Whether a node certificate serial (lowercase hex, as in {@link Node#certSerial()}) is on the
   * replicated deny list: superseded by a renewal or revoked by removing its node.
   */
  public boolean isRevoked(String serialHex) {
    return serialHex != null
        && revokedSerials.contains(serialHex.toLowerCase(java.util.Locale.ROOT));
  }

  static NavigableSet<String> withSerial(NavigableSet<String> in, String serialHex) {
    if (serialHex == null) {
      return in;
    }
    TreeSet<String> copy = new TreeSet<>(in);
    copy.add(serialHex.toLowerCase(java.util.Locale.ROOT));
    return Collections.unmodifiableNavigableSet(copy);
  }

  /** True once the bootstrap command has been applied. */
  public boolean bootstrapped() {
    return clusterId != null;
  }

  static <V> NavigableMap<String, V> sorted(Map<String, V> in) {
    return Collections.unmodifiableNavigableMap(new TreeMap<>(in));
  }

  static <V> NavigableMap<String, V> with(NavigableMap<String, V> in, String key, V value) {
    TreeMap<String, V> copy = new TreeMap<>(in);
    copy.put(key, value);
    return Collections.unmodifiableNavigableMap(copy);
  }

  static <V> NavigableMap<String, V> without(NavigableMap<String, V> in, String key) {
    TreeMap<String, V> copy = new TreeMap<>(in);
    copy.remove(key);
    return Collections.unmodifiableNavigableMap(copy);
  }

  State withIndex(long index) {
    return edit().index(index).build();
  }

  State withNodes(NavigableMap<String, Node> n) {
    return edit().nodes(n).build();
  }

  State withUsers(
      NavigableMap<String, User> u, Map<String, String> byName, Map<String, String> byToken) {
    return edit().users(u, byName, byToken).build();
  }

  State withEndpoints(NavigableMap<String, Endpoint> e) {
    return edit().endpoints(e).build();
  }

  State withGrants(NavigableMap<String, Grant> g) {
    return edit().grants(g).build();
  }

  State withAdminTokens(NavigableMap<String, AdminToken> t) {
    return edit().adminTokens(t).build();
  }

  State withJoinTokens(NavigableMap<String, JoinToken> t) {
    return edit().joinTokens(t).build();
  }

  State withJoinRequests(NavigableMap<String, JoinRequest> r) {
    return edit().joinRequests(r).build();
  }

  State withAudit(AuditLog a) {
    return edit().audit(a).build();
  }

  State withRevokedSerials(NavigableSet<String> r) {
    return edit().revoked(r).build();
  }

  State withSubscriptionSettings(SubscriptionSettings s) {
    return edit().subscriptionSettings(s).build();
  }

  State withUsage(
      NavigableMap<String, NavigableMap<String, NodeUsage>> byUser,
      NavigableMap<String, Long> seqs) {
    return edit().usage(byUser, seqs).build();
  }

  State withXrayReports(NavigableMap<String, XrayReport> r) {
    return edit().xrayReports(r).build();
  }

  State withCluster(String id, String caPem) {
    return edit().cluster(id, caPem).build();
  }

  private Editor edit() {
    return new Editor(this);
  }

  /** Copies every field of a state; setters replace one collection, sharing the rest. */
  private static final class Editor {
    private long index;
    private String clusterId;
    private String caCertPem;
    private NavigableMap<String, Node> nodes;
    private NavigableMap<String, User> users;
    private NavigableMap<String, Endpoint> endpoints;
    private NavigableMap<String, Grant> grants;
    private NavigableMap<String, AdminToken> adminTokens;
    private NavigableMap<String, JoinToken> joinTokens;
    private NavigableMap<String, JoinRequest> joinRequests;
    private AuditLog audit;
    private Map<String, String> byName;
    private Map<String, String> byToken;
    private NavigableSet<String> revoked;
    private SubscriptionSettings subscriptionSettings;
    private NavigableMap<String, NavigableMap<String, NodeUsage>> nodeUsage;
    private NavigableMap<String, Long> usageSeqs;
    private NavigableMap<String, XrayReport> xrayReports;

    Editor(State s) {
      index = s.appliedIndex;
      clusterId = s.clusterId;
      caCertPem = s.caCertPem;
      nodes = s.nodes;
      users = s.users;
      endpoints = s.endpoints;
      grants = s.grants;
      adminTokens = s.adminTokens;
      joinTokens = s.joinTokens;
      joinRequests = s.joinRequests;
      audit = s.audit;
      byName = s.userIdByName;
      byToken = s.userIdBySubscriptionToken;
      revoked = s.revokedSerials;
      subscriptionSettings = s.subscriptionSettings;
      nodeUsage = s.nodeUsage;
      usageSeqs = s.usageSeqs;
      xrayReports = s.xrayReports;
    }

    Editor subscriptionSettings(SubscriptionSettings s) {
      subscriptionSettings = s;
      return this;
    }

    Editor usage(
        NavigableMap<String, NavigableMap<String, NodeUsage>> byUser,
        NavigableMap<String, Long> seqs) {
      nodeUsage = byUser;
      usageSeqs = seqs;
      return this;
    }

    Editor xrayReports(NavigableMap<String, XrayReport> r) {
      xrayReports = r;
      return this;
    }

    Editor revoked(NavigableSet<String> r) {
      revoked = r;
      return this;
    }

    Editor index(long i) {
      index = i;
      return this;
    }

    Editor cluster(String id, String pem) {
      clusterId = id;
      caCertPem = pem;
      return this;
    }

    Editor nodes(NavigableMap<String, Node> n) {
      nodes = n;
      return this;
    }

    Editor users(
        NavigableMap<String, User> u, Map<String, String> name, Map<String, String> token) {
      users = u;
      byName = name;
      byToken = token;
      return this;
    }

    Editor endpoints(NavigableMap<String, Endpoint> e) {
      endpoints = e;
      return this;
    }

    Editor grants(NavigableMap<String, Grant> g) {
      grants = g;
      return this;
    }

    Editor adminTokens(NavigableMap<String, AdminToken> t) {
      adminTokens = t;
      return this;
    }

    Editor joinTokens(NavigableMap<String, JoinToken> t) {
      joinTokens = t;
      return this;
    }

    Editor joinRequests(NavigableMap<String, JoinRequest> r) {
      joinRequests = r;
      return this;
    }

    Editor audit(AuditLog a) {
      audit = a;
      return this;
    }

    State build() {
      return new State(
          index,
          clusterId,
          caCertPem,
          nodes,
          users,
          endpoints,
          grants,
          adminTokens,
          joinTokens,
          joinRequests,
          audit,
          byName,
          byToken,
          revoked,
          subscriptionSettings,
          nodeUsage,
          usageSeqs,
          xrayReports);
    }
  }
}
