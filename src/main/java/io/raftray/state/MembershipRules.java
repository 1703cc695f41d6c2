package io.raftray.state;

import static io.raftray.model.ErrorKind.CONFLICT;
import static io.raftray.model.ErrorKind.INVALID;
import static io.raftray.model.ErrorKind.NOT_FOUND;

import io.raftray.model.Endpoint;
import io.raftray.model.Node;
import io.raftray.model.NodeStatus;
import io.raftray.state.Command.AddNode;
import io.raftray.state.Command.RemoveNode;
import io.raftray.state.Command.RenewNodeCertificate;
import io.raftray.state.Command.UpdateNode;
import io.raftray.state.Store.Changed;
import io.raftray.state.Store.Rejection;
import java.time.Instant;
import java.util.Collections;
import java.util.TreeMap;

/**
 * Nodes: recording, updating and removing members and renewing their certificates, applied by
 * {@link Store} (joining is in {@link JoinRules}). A removed node keeps its record (status {@code
 * removed}, {@code updated_at} = the removal time): cluster authentication must keep refusing it,
 * and an initial peer without a record would fall back to the bootstrap rule.
 */
final class MembershipRules {
  private MembershipRules() {}

  static Changed add(State s, AddNode a) {
    Node n = a.node();
    if (s.nodes().containsKey(n.id())) {
      throw new Rejection(CONFLICT, "node_id", "node " + n.id() + " already exists");
    }
    JoinRules.checkAdmitted(s, n);
    return new Changed(s.withNodes(State.with(s.nodes(), n.id(), n)), n.id());
  }

  static Changed update(State s, UpdateNode c, Instant now) {
    Node n = live(s, c.id(), null);
    Node u =
        n.withProfile(
            c.name() != null ? c.name() : n.name(),
            c.accessHost() != null ? c.accessHost() : n.accessHost(),
            c.labels() != null ? c.labels() : n.labels(),
            now);
    return new Changed(s.withNodes(State.with(s.nodes(), n.id(), u)), n.id());
  }

  static Changed remove(State s, RemoveNode r, Instant now) {
    Node n = s.nodes().get(r.id());
    if (n == null) {
      throw new Rejection(NOT_FOUND, null, "node " + r.id() + " not found");
    }
    if (n.status() == NodeStatus.REMOVED) {
      throw new Rejection(CONFLICT, null, "node " + r.id() + " is already removed");
    }
    long members =
        s.nodes().values().stream().filter(x -> x.status() != NodeStatus.REMOVED).count();
    if (members <= 1) {
      throw new Rejection(CONFLICT, null, "cannot remove the last node of the cluster");
    }
    if (n.holdsCaKey() && caHolders(s) <= 1) {
      throw new Rejection(
          CONFLICT,
          null,
          "node "
              + r.id()
              + " is the last CA holder: join another node with a CA-holder token first");
    }
    return new Changed(retire(s, n, now), n.id());
  }

  /**
   * {@code n} removed without the checks: status {@code removed}, certificate serial revoked, its
   * endpoints disabled (also used by {@link Rebase#forRecover}).
   */
  static State retire(State s, Node n, Instant now) {
    Node removed = n.withStatus(NodeStatus.REMOVED, now);
    TreeMap<String, Endpoint> endpoints = new TreeMap<>(s.endpoints());
    boolean touched = false;
    for (Endpoint e : s.endpoints().values()) {
      if (e.nodeId().equals(n.id()) && e.enabled()) {
        endpoints.put(e.id(), e.withEnabled(false, now));
        touched = true;
      }
    }
    State next =
        s.withNodes(State.with(s.nodes(), n.id(), removed))
            .withRevokedSerials(State.withSerial(s.revokedSerials(), n.certSerial()));
    if (touched) {
      next = next.withEndpoints(Collections.unmodifiableNavigableMap(endpoints));
    }
    return next;
  }

  static Changed renew(State s, RenewNodeCertificate r, Instant now) {
    Node n = live(s, r.id(), null);
    if (r.certSerial() == null || r.certificatePem() == null || r.certNotAfter() == null) {
      throw new Rejection(INVALID, "certificate", "serial, certificate and expiry are required");
    }
    if (r.replacesSerial() == null || !r.replacesSerial().equalsIgnoreCase(n.certSerial())) {
      throw new Rejection(
          CONFLICT, "replaces_serial", "the node's certificate changed since the renewal began");
    }
    if (s.isRevoked(r.certSerial()) || r.certSerial().equalsIgnoreCase(n.certSerial())) {
      throw new Rejection(CONFLICT, "cert_serial", "certificate serial was already used");
    }
    Node u = n.withCertificate(r.certSerial(), r.certNotAfter(), r.certificatePem(), now);
    State next =
        s.withNodes(State.with(s.nodes(), n.id(), u))
            .withRevokedSerials(State.withSerial(s.revokedSerials(), n.certSerial()));
    return new Changed(next, n.id());
  }

  /** The members that hold the CA key and sign certificates (see {@link Node#holdsCaKey()}). */
  static long caHolders(State s) {
    return s.nodes().values().stream().filter(Node::holdsCaKey).count();
  }

  /**
   * The node {@code id}, which must exist (NOT_FOUND) and not be removed (CONFLICT); {@code field}
   * names it in the rejection (null when it is the path id).
   */
  static Node live(State s, String id, String field) {
    Node n = s.nodes().get(id);
    if (n == null) {
      throw new Rejection(NOT_FOUND, field, "node " + id + " not found");
    }
    if (n.status() == NodeStatus.REMOVED) {
      throw new Rejection(CONFLICT, field, "node " + id + " was removed");
    }
    return n;
  }

  /** Endpoints of a removed node stay disabled: nothing serves them any more. */
  static void checkEnable(State s, Endpoint e) {
    Node n = s.nodes().get(e.nodeId());
    if (e.enabled() && n != null && n.status() == NodeStatus.REMOVED) {
      throw new Rejection(CONFLICT, "enabled", "the endpoint's node was removed from the cluster");
    }
  }
}
