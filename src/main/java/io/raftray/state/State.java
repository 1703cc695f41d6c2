package io.raftray.state;

import io.raftray.model.AdminToken;
import io.raftray.model.Endpoint;
import io.raftray.model.Grant;
import io.raftray.model.Node;
import io.raftray.model.User;
import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Immutable view of the replicated state at {@code appliedIndex}. Maps are sorted by id (ids are
 * time ordered, so this is creation order) and never mutated after publication; a change builds a
 * new map for the one collection it touches and shares the others.
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
    AuditLog audit,
    Map<String, String> userIdByName,
    Map<String, String> userIdBySubscriptionToken) {

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
        AuditLog.empty(),
        Map.of(),
        Map.of());
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
    return new State(
        index,
        clusterId,
        caCertPem,
        nodes,
        users,
        endpoints,
        grants,
        adminTokens,
        audit,
        userIdByName,
        userIdBySubscriptionToken);
  }

  State withNodes(NavigableMap<String, Node> n) {
    return new State(
        appliedIndex,
        clusterId,
        caCertPem,
        n,
        users,
        endpoints,
        grants,
        adminTokens,
        audit,
        userIdByName,
        userIdBySubscriptionToken);
  }

  State withUsers(
      NavigableMap<String, User> u, Map<String, String> byName, Map<String, String> byToken) {
    return new State(
        appliedIndex,
        clusterId,
        caCertPem,
        nodes,
        u,
        endpoints,
        grants,
        adminTokens,
        audit,
        byName,
        byToken);
  }

  State withEndpoints(NavigableMap<String, Endpoint> e) {
    return new State(
        appliedIndex,
        clusterId,
        caCertPem,
        nodes,
        users,
        e,
        grants,
        adminTokens,
        audit,
        userIdByName,
        userIdBySubscriptionToken);
  }

  State withGrants(NavigableMap<String, Grant> g) {
    return new State(
        appliedIndex,
        clusterId,
        caCertPem,
        nodes,
        users,
        endpoints,
        g,
        adminTokens,
        audit,
        userIdByName,
        userIdBySubscriptionToken);
  }

  State withAdminTokens(NavigableMap<String, AdminToken> t) {
    return new State(
        appliedIndex,
        clusterId,
        caCertPem,
        nodes,
        users,
        endpoints,
        grants,
        t,
        audit,
        userIdByName,
        userIdBySubscriptionToken);
  }

  State withAudit(AuditLog a) {
    return new State(
        appliedIndex,
        clusterId,
        caCertPem,
        nodes,
        users,
        endpoints,
        grants,
        adminTokens,
        a,
        userIdByName,
        userIdBySubscriptionToken);
  }

  State withCluster(String id, String caPem) {
    return new State(
        appliedIndex,
        id,
        caPem,
        nodes,
        users,
        endpoints,
        grants,
        adminTokens,
        audit,
        userIdByName,
        userIdBySubscriptionToken);
  }
}
