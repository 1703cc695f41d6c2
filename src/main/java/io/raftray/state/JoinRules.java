package io.raftray.state;

import static io.raftray.model.ErrorKind.CONFLICT;
import static io.raftray.model.ErrorKind.FORBIDDEN;
import static io.raftray.model.ErrorKind.INVALID;
import static io.raftray.model.ErrorKind.NOT_FOUND;

import io.raftray.model.JoinRequest;
import io.raftray.model.JoinRequestStatus;
import io.raftray.model.JoinToken;
import io.raftray.model.Node;
import io.raftray.model.NodeStatus;
import io.raftray.state.Command.ActivateNode;
import io.raftray.state.Command.ApproveJoinRequest;
import io.raftray.state.Command.CreateJoinRequest;
import io.raftray.state.Command.CreateJoinToken;
import io.raftray.state.Command.ExpireJoiningNode;
import io.raftray.state.Command.RejectJoinRequest;
import io.raftray.state.Command.RevokeJoinToken;
import io.raftray.state.Store.Changed;
import io.raftray.state.Store.Rejection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Join tokens and join requests, applied by {@link Store}. Every check that decides whether a token
 * may still be used (expiry, uses, revocation) runs here against the leader-stamped time, so all
 * replicas agree even when two hosts race for the last use of a token.
 */
final class JoinRules {
  static final long MAX_TTL_SECONDS = 24 * 3600;

  /**
   * How long after its token expired a node may stay {@code joining} (joined but never started):
   * then the leader's ticker removes it, and its name is free again.
   */
  static final Duration JOIN_GRACE = Duration.ofDays(1);

  private JoinRules() {}

  static Changed createToken(State s, CreateJoinToken c, Instant now) {
    if (s.joinTokens().containsKey(c.id())) {
      throw new Rejection(CONFLICT, "id", "join token id already exists");
    }
    if (c.ttlSeconds() < 1 || c.ttlSeconds() > MAX_TTL_SECONDS) {
      throw new Rejection(INVALID, "ttl_seconds", "must be between 1 and " + MAX_TTL_SECONDS);
    }
    if (c.maxUses() < 1) {
      throw new Rejection(INVALID, "max_uses", "must be at least 1");
    }
    if (c.secretHash() == null && c.verifyKey() == null) {
      throw new Rejection(INVALID, "verify_key", "a join token needs a verification key");
    }
    JoinToken t =
        new JoinToken(
            c.id(),
            c.secretHash(),
            c.role(),
            c.ttlSeconds(),
            c.maxUses(),
            0,
            now,
            now.plusSeconds(c.ttlSeconds()),
            c.createdBy(),
            false,
            c.verifyKey(),
            c.caHolder());
    return new Changed(s.withJoinTokens(State.with(s.joinTokens(), t.id(), t)), t.id());
  }

  static Changed revokeToken(State s, RevokeJoinToken r) {
    JoinToken t = s.joinTokens().get(r.id());
    if (t == null || t.revoked()) {
      throw new Rejection(NOT_FOUND, null, "join token " + r.id() + " not found");
    }
    return new Changed(s.withJoinTokens(State.with(s.joinTokens(), t.id(), t.revoke())), t.id());
  }

  /** Records one use of the token; a single-use token's request is approved by that use. */
  static Changed createRequest(State s, CreateJoinRequest c, Instant now) {
    JoinToken t = s.joinTokens().get(c.tokenId());
    if (t == null) {
      throw new Rejection(FORBIDDEN, "token_id", "unknown join token " + c.tokenId());
    }
    String unusable = t.unusableReason(now);
    if (unusable != null) {
      throw new Rejection(FORBIDDEN, "token_id", unusable);
    }
    if (s.joinRequests().containsKey(c.id())) {
      throw new Rejection(CONFLICT, "id", "join request id already exists");
    }
    if (s.nodes().containsKey(c.nodeId()) || nodeIdRequested(s, c.nodeId())) {
      throw new Rejection(CONFLICT, "node_id", "node id " + c.nodeId() + " is already taken");
    }
    checkNameFree(s, c.nodeName(), null);
    JoinRequestStatus status =
        t.maxUses() == 1 ? JoinRequestStatus.APPROVED : JoinRequestStatus.PENDING;
    JoinRequest req =
        new JoinRequest(
            c.id(),
            t.id(),
            c.nodeId(),
            c.nodeName(),
            c.apiBaseUrl(),
            c.accessHost(),
            c.facts(),
            c.csrPem(),
            status,
            now,
            status == JoinRequestStatus.APPROVED ? now : null,
            status == JoinRequestStatus.APPROVED ? t.id() : null,
            null);
    State n =
        s.withJoinTokens(State.with(s.joinTokens(), t.id(), t.withUse()))
            .withJoinRequests(State.with(s.joinRequests(), req.id(), req));
    return new Changed(n, req.id());
  }

  static Changed approve(State s, ApproveJoinRequest a, Instant now) {
    JoinRequest r = pending(s, a.id());
    checkNameFree(s, r.nodeName(), r.id());
    JoinRequest d = r.decide(JoinRequestStatus.APPROVED, now, a.decidedBy(), null);
    return new Changed(s.withJoinRequests(State.with(s.joinRequests(), r.id(), d)), r.id());
  }

  static Changed reject(State s, RejectJoinRequest a, Instant now) {
    JoinRequest r = pending(s, a.id());
    JoinRequest d = r.decide(JoinRequestStatus.REJECTED, now, a.decidedBy(), a.reason());
    return new Changed(s.withJoinRequests(State.with(s.joinRequests(), r.id(), d)), r.id());
  }

  /**
   * A node that is still joining may only be recorded for an approved request with its node id and
   * name: nothing but an approved join puts a new member into the state.
   */
  static void checkAdmitted(State s, Node node) {
    if (node.status() != NodeStatus.JOINING) {
      return;
    }
    JoinRequest r = requestForNode(s, node.id());
    if (r == null || r.status() != JoinRequestStatus.APPROVED) {
      throw new Rejection(
          FORBIDDEN, "node_id", "node " + node.id() + " has no approved join request");
    }
    if (!r.nodeName().equals(node.name()) || !r.apiBaseUrl().equals(node.apiBaseUrl())) {
      throw new Rejection(INVALID, "node", "node does not match its join request " + r.id());
    }
  }

  /**
   * Nodes still {@code joining} at {@code now} more than {@link #JOIN_GRACE} after their join token
   * expired (without a request or token on record: after their {@code joined_at} plus the longest
   * token life), in id order.
   */
  static List<String> staleJoins(State s, Instant now) {
    List<String> out = new ArrayList<>();
    for (Node n : s.nodes().values()) {
      if (n.status() == NodeStatus.JOINING && !now.isBefore(joinDeadline(s, n))) {
        out.add(n.id());
      }
    }
    return out;
  }

  private static Instant joinDeadline(State s, Node n) {
    JoinRequest r = requestForNode(s, n.id());
    JoinToken t = r == null ? null : s.joinTokens().get(r.tokenId());
    Instant expired = t != null ? t.expiresAt() : n.joinedAt().plusSeconds(MAX_TTL_SECONDS);
    return expired.plus(JOIN_GRACE);
  }

  static Changed expireJoining(State s, ExpireJoiningNode e, Instant now) {
    Node n = s.nodes().get(e.id());
    if (n == null) {
      throw new Rejection(NOT_FOUND, null, "node " + e.id() + " not found");
    }
    if (n.status() != NodeStatus.JOINING || now.isBefore(joinDeadline(s, n))) {
      throw new Rejection(
          CONFLICT, null, "node " + e.id() + " is not a joining node past its join deadline");
    }
    return MembershipRules.remove(s, new Command.RemoveNode(n.id()), now);
  }

  static Changed activateNode(State s, ActivateNode a, Instant now) {
    Node n = s.nodes().get(a.id());
    if (n == null || n.status() == NodeStatus.REMOVED) {
      throw new Rejection(NOT_FOUND, null, "node " + a.id() + " not found");
    }
    if (n.status() == NodeStatus.ACTIVE) {
      return new Changed(s, n.id());
    }
    Node u = n.withStatus(NodeStatus.ACTIVE, now);
    // After a restore, the endpoints of the old node of this name come back with it.
    State next = Rebase.adoptParked(s.withNodes(State.with(s.nodes(), n.id(), u)), u, now);
    return new Changed(next, n.id());
  }

  private static JoinRequest pending(State s, String id) {
    JoinRequest r = s.joinRequests().get(id);
    if (r == null) {
      throw new Rejection(NOT_FOUND, null, "join request " + id + " not found");
    }
    if (r.status() != JoinRequestStatus.PENDING) {
      throw new Rejection(
          CONFLICT,
          null,
          "join request " + id + " is already " + r.status().name().toLowerCase(Locale.ROOT));
    }
    return r;
  }

  private static boolean nodeIdRequested(State s, String nodeId) {
    return requestForNode(s, nodeId) != null;
  }

  static JoinRequest requestForNode(State s, String nodeId) {
    for (JoinRequest r : s.joinRequests().values()) {
      if (r.nodeId().equals(nodeId)) {
        return r;
      }
    }
    return null;
  }

  /** Node names are unique among members and among requests that are or may become members. */
  private static void checkNameFree(State s, String name, String exceptRequest) {
    for (Node n : s.nodes().values()) {
      if (n.status() != NodeStatus.REMOVED && n.name().equals(name)) {
        throw new Rejection(CONFLICT, "node_name", "node name '" + name + "' is taken");
      }
    }
    for (JoinRequest r : s.joinRequests().values()) {
      if (r.status() != JoinRequestStatus.REJECTED
          && !r.id().equals(exceptRequest)
          && r.nodeName().equals(name)
          && !s.nodes().containsKey(r.nodeId())) {
        throw new Rejection(
            CONFLICT, "node_name", "node name '" + name + "' is used by join request " + r.id());
      }
    }
  }
}
