package io.raftray.state;

import io.raftray.model.AdminToken;
import io.raftray.model.AuditEvent;
import io.raftray.model.Endpoint;
import io.raftray.model.Node;
import io.raftray.model.NodeStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The state a new one-member Raft group starts from (docs/operations.md, "Restore" and "Disaster
 * recovery"): a backup rebased onto a new cluster ({@link #forRestore}), or a node's own committed
 * state with every other member removed ({@link #forRecover}). Both keep users, credentials,
 * subscription tokens, groups, templates, endpoints, grants, settings, admin accounts and tokens,
 * devices and usage; the result is written as the group's first snapshot, never logged. It sits one
 * index after the state it came from, where its audit event ({@code cluster.restore} or {@code
 * cluster.recover}) has its own sequence number.
 */
public final class Rebase {
  /**
   * Prefix of the {@code node_id} of an endpoint whose node did not come back yet after a restore:
   * {@code former:<node name>}. Nothing serves it; the node that joins under that name adopts it
   * when it becomes active ({@link JoinRules}).
   */
  public static final String FORMER_NODE = "former:";

  private Rebase() {}

  /**
   * {@code backup} as the first state of a new cluster {@code clusterId} with CA {@code caCertPem}
   * and the one member {@code node}: the old nodes, join tokens, join requests, revoked serials (of
   * the old CA), core reports and usage sequence numbers (per old node id) are dropped; endpoints
   * of the old node named like {@code node} move to it, those of other old nodes are parked under
   * {@code former:<their node's name>}; {@code owner} is added to the admin tokens.
   */
  public static State forRestore(
      State backup, String clusterId, String caCertPem, Node node, AdminToken owner, Instant now) {
    Map<String, Node> old = backup.nodes();
    TreeMap<String, Endpoint> endpoints = new TreeMap<>();
    for (Endpoint e : backup.endpoints().values()) {
      Node was = old.get(e.nodeId());
      String name = was != null ? was.name() : formerName(e.nodeId());
      String target =
          name != null && name.equals(node.name())
              ? node.id()
              : FORMER_NODE + (name != null ? name : e.nodeId());
      endpoints.put(e.id(), onNode(e, target, now));
    }
    long index = backup.appliedIndex() + 1;
    State s =
        backup.toBuilder()
            .appliedIndex(index)
            .clusterId(clusterId)
            .caCertPem(caCertPem)
            .nodes(State.sorted(Map.of(node.id(), node)))
            .endpoints(State.sorted(endpoints))
            .adminTokens(State.with(backup.adminTokens(), owner.id(), owner))
            .joinTokens(State.sorted(Map.of()))
            .joinRequests(State.sorted(Map.of()))
            .revokedSerials(new java.util.TreeSet<>())
            .usageSeqs(State.sorted(Map.of()))
            .xrayReports(State.sorted(Map.of()))
            .build();
    return audited(
        s,
        new AuditEvent(
            index,
            now,
            node.id(),
            "cluster.restore",
            clusterId,
            "restored from a backup at index "
                + backup.appliedIndex()
                + " into node "
                + node.name()));
  }

  /**
   * {@code committed} (this node's own state at its commit index) with every other member removed
   * as {@code node remove} would: status {@code removed}, certificate serial revoked, endpoints
   * disabled. The cluster id, CA and this node's identity stay.
   */
  public static State forRecover(State committed, String selfId, Instant now) {
    Node self = committed.nodes().get(selfId);
    if (self == null || self.status() == NodeStatus.REMOVED) {
      throw new IllegalArgumentException("node " + selfId + " is not a member in its own state");
    }
    long index = committed.appliedIndex() + 1;
    State s = committed.withIndex(index);
    List<String> removed = new ArrayList<>();
    for (Node n : committed.nodes().values()) {
      if (!n.id().equals(selfId) && n.status() != NodeStatus.REMOVED) {
        s = MembershipRules.retire(s, n, now);
        removed.add(n.name());
      }
    }
    if (self.status() != NodeStatus.ACTIVE) {
      s = s.withNodes(State.with(s.nodes(), selfId, self.withStatus(NodeStatus.ACTIVE, now)));
    }
    return audited(
        s,
        new AuditEvent(
            index,
            now,
            selfId,
            "cluster.recover",
            selfId,
            "forced a new one-node cluster at index "
                + committed.appliedIndex()
                + "; removed "
                + (removed.isEmpty() ? "no other node" : String.join(", ", removed))));
  }

  /**
   * Moves the endpoints parked under {@code former:<name>} to {@code n} (a node that just became
   * active under that name), except one whose port or tag is already taken on {@code n}.
   */
  static State adoptParked(State s, Node n, Instant now) {
    String parked = FORMER_NODE + n.name();
    NavigableMap<String, Endpoint> endpoints = s.endpoints();
    boolean moved = false;
    for (Endpoint e : s.endpoints().values()) {
      if (!e.nodeId().equals(parked)) {
        continue;
      }
      boolean taken =
          endpoints.values().stream()
              .anyMatch(
                  o ->
                      o.nodeId().equals(n.id())
                          && (o.port() == e.port() || o.tag().equals(e.tag())));
      if (!taken) {
        endpoints = State.with(endpoints, e.id(), onNode(e, n.id(), now));
        moved = true;
      }
    }
    return moved ? s.withEndpoints(endpoints) : s;
  }

  private static String formerName(String nodeId) {
    return nodeId.startsWith(FORMER_NODE) ? nodeId.substring(FORMER_NODE.length()) : null;
  }

  private static Endpoint onNode(Endpoint e, String nodeId, Instant now) {
    if (e.nodeId().equals(nodeId)) {
      return e;
    }
    return new Endpoint(
        e.id(),
        nodeId,
        e.tag(),
        e.protocol(),
        e.port(),
        e.transport(),
        e.security(),
        e.settings(),
        e.secrets(),
        e.enabled(),
        e.createdAt(),
        now,
        e.labels());
  }

  private static State audited(State s, AuditEvent e) {
    return s.withAudit(s.audit().append(e));
  }
}
