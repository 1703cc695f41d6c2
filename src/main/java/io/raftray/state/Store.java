package io.raftray.state;

import static io.raftray.model.ErrorKind.CONFLICT;
import static io.raftray.model.ErrorKind.INVALID;
import static io.raftray.model.ErrorKind.NOT_FOUND;

import io.raftray.model.AdminToken;
import io.raftray.model.AuditEvent;
import io.raftray.model.Endpoint;
import io.raftray.model.ErrorKind;
import io.raftray.model.Grant;
import io.raftray.model.Node;
import io.raftray.model.Role;
import io.raftray.model.User;
import io.raftray.model.UserStatus;
import io.raftray.state.Command.*;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;

/**
 * Applies commands to states. A pure function: same state + same envelope = same result, on every
 * replica. Nothing here reads a clock or generates anything.
 */
public final class Store {
  private Store() {}

  /** The new state (with {@code index} applied) and the command's result. */
  public record Applied(State state, Result result) {}

  /** Thrown inside this package's rules to abort a command with a business rejection. */
  static final class Rejection extends RuntimeException {
    final ErrorKind kind;
    final String field;

    Rejection(ErrorKind kind, String field, String message) {
      super(message, null, false, false);
      this.kind = kind;
      this.field = field;
    }
  }

  public static Applied apply(State state, CommandEnvelope env, long index) {
    Objects.requireNonNull(env.at(), "command was not stamped by the leader");
    try {
      if (!state.bootstrapped() && !(env.command() instanceof Bootstrap)) {
        throw new Rejection(ErrorKind.UNAVAILABLE, null, "cluster is not bootstrapped");
      }
      Changed c = dispatch(state, env.command(), env.at());
      State next = c.state;
      if (c.audited) {
        AuditEvent event =
            new AuditEvent(
                index,
                env.at(),
                env.actor(),
                env.command().action(),
                c.target,
                c.summary != null ? c.summary : env.command().summary());
        next = next.withAudit(next.audit().append(event));
      }
      return new Applied(next.withIndex(index), Result.ok(c.target, index));
    } catch (Rejection r) {
      return new Applied(
          state.withIndex(index), Result.rejected(r.kind, r.field, r.getMessage(), index));
    }
  }

  /**
   * What a command did: the new state, its target, whether it writes an audit event and, when not
   * null, the audit summary to use instead of the command's own.
   */
  record Changed(State state, String target, boolean audited, String summary) {
    Changed(State state, String target) {
      this(state, target, true, null);
    }
  }

  /**
   * Whether a {@link Command.UsersTick} at {@code now} would change anything (an expiry or a
   * periodic usage reset is due). Pure; the leader's ticker calls it every second.
   */
  public static boolean due(State s, Instant now) {
    return UsageRules.due(s, now);
  }

  private static Changed dispatch(State s, Command cmd, Instant now) {
    return switch (cmd) {
      case Bootstrap b -> bootstrap(s, b);
      case CreateUser c -> createUser(s, c.user(), now);
      case UpdateUser u -> updateUser(s, u, now);
      case DeleteUser d -> deleteUser(s, d.id());
      case ResetUsage r -> {
        User u = user(s, r.id());
        State n = putUser(s, u, withEffectiveStatus(u.withUsageReset(now), now));
        yield new Changed(UsageRules.resetNodePeriods(n, u.id()), u.id());
      }
      case RotateSubscription r -> rotate(s, r, now);
      case CreateEndpoint c -> createEndpoint(s, c.endpoint());
      case UpdateEndpoint u -> updateEndpoint(s, u, now);
      case DeleteEndpoint d -> deleteEndpoint(s, d.id());
      case CreateGrant c -> createGrant(s, c.grant());
      case UpdateGrant u -> {
        Grant g = grant(s, u.id());
        boolean enabled = u.enabled() == null ? g.enabled() : u.enabled();
        Grant n =
            new Grant(
                g.id(), g.userId(), g.endpointId(), g.credential(), enabled, g.createdAt(), now);
        yield new Changed(s.withGrants(State.with(s.grants(), g.id(), n)), g.id());
      }
      case DeleteGrant d -> {
        Grant g = grant(s, d.id());
        yield new Changed(s.withGrants(State.without(s.grants(), g.id())), g.id());
      }
      case CreateAdminToken c -> {
        if (s.adminTokens().containsKey(c.token().id())) {
          throw new Rejection(CONFLICT, "id", "admin token id already exists");
        }
        yield new Changed(
            s.withAdminTokens(State.with(s.adminTokens(), c.token().id(), c.token())),
            c.token().id());
      }
      case RevokeAdminToken r -> revokeToken(s, r.id());
      case UpdateNode u -> updateNode(s, u, now);
      case AddNode a -> {
        if (s.nodes().containsKey(a.node().id())) {
          throw new Rejection(CONFLICT, "node_id", "node " + a.node().id() + " already exists");
        }
        JoinRules.checkAdmitted(s, a.node());
        yield new Changed(
            s.withNodes(State.with(s.nodes(), a.node().id(), a.node())), a.node().id());
      }
      case ActivateNode a -> JoinRules.activateNode(s, a, now);
      case RemoveNode r -> MembershipRules.remove(s, r, now);
      case RenewNodeCertificate r -> MembershipRules.renew(s, r, now);
      case ReportXray r -> XrayRules.report(s, r, now);
      case CreateJoinToken c -> JoinRules.createToken(s, c, now);
      case RevokeJoinToken r -> JoinRules.revokeToken(s, r);
      case CreateJoinRequest c -> JoinRules.createRequest(s, c, now);
      case ApproveJoinRequest a -> JoinRules.approve(s, a, now);
      case RejectJoinRequest r -> JoinRules.reject(s, r, now);
      case UpdateSubscriptionSettings u ->
          new Changed(s.withSubscriptionSettings(u.settings()), "subscription-settings");
      case UsageReport r -> UsageRules.report(s, r, now);
      case UsersTick t -> UsageRules.tick(s, now);
    };
  }

  private static Changed bootstrap(State s, Bootstrap b) {
    if (s.bootstrapped()) {
      throw new Rejection(CONFLICT, null, "cluster is already bootstrapped");
    }
    State n =
        s.withCluster(b.clusterId(), b.caCertPem())
            .withNodes(State.with(s.nodes(), b.node().id(), b.node()))
            .withAdminTokens(State.with(s.adminTokens(), b.owner().id(), b.owner()));
    return new Changed(n, b.clusterId());
  }

  // ---- users

  /**
   * Derives limited/expired from usage and expiry: an active user over its limit becomes limited,
   * past its expiry expired; a limited or expired user whose limit or expiry no longer applies
   * becomes active again. Disabled and on-hold users are left as the admin set them.
   */
  static User withEffectiveStatus(User u, Instant now) {
    boolean overLimit = u.dataLimitBytes() > 0 && u.usedBytes() >= u.dataLimitBytes();
    boolean expired = u.expireAt() != null && !u.expireAt().isAfter(now);
    UserStatus st = u.status();
    UserStatus next = st;
    if (st == UserStatus.ACTIVE || st == UserStatus.LIMITED || st == UserStatus.EXPIRED) {
      next = expired ? UserStatus.EXPIRED : overLimit ? UserStatus.LIMITED : UserStatus.ACTIVE;
    }
    return next == st ? u : u.withStatus(next, u.updatedAt());
  }

  static User user(State s, String id) {
    User u = s.users().get(id);
    if (u == null) {
      throw new Rejection(NOT_FOUND, null, "user " + id + " not found");
    }
    return u;
  }

  static State putUser(State s, User old, User u) {
    Map<String, String> byName = s.userIdByName();
    Map<String, String> byToken = s.userIdBySubscriptionToken();
    if (old == null || !old.name().equals(u.name())) {
      byName = new HashMap<>(byName);
      if (old != null) {
        byName.remove(old.name());
      }
      byName.put(u.name(), u.id());
    }
    if (old == null || !old.subscriptionToken().equals(u.subscriptionToken())) {
      byToken = new HashMap<>(byToken);
      if (old != null) {
        byToken.remove(old.subscriptionToken());
      }
      byToken.put(u.subscriptionToken(), u.id());
    }
    return s.withUsers(State.with(s.users(), u.id(), u), byName, byToken);
  }

  private static Changed createUser(State s, User u, Instant now) {
    if (s.users().containsKey(u.id())) {
      throw new Rejection(CONFLICT, "id", "user id already exists");
    }
    if (s.userIdByName().containsKey(u.name())) {
      throw new Rejection(CONFLICT, "name", "user name '" + u.name() + "' is taken");
    }
    if (s.userIdBySubscriptionToken().containsKey(u.subscriptionToken())) {
      throw new Rejection(CONFLICT, "subscription_token", "subscription token collision");
    }
    User stamped =
        new User(
            u.id(),
            u.name(),
            u.note(),
            u.status(),
            u.dataLimitBytes(),
            u.expireAt(),
            u.resetStrategy(),
            u.uplinkBytes(),
            u.downlinkBytes(),
            u.lifetimeUsedBytes(),
            u.subscriptionToken(),
            now,
            now,
            now,
            u.onHoldExpireSeconds());
    return new Changed(putUser(s, null, withEffectiveStatus(stamped, now)), u.id());
  }

  private static Changed updateUser(State s, UpdateUser c, Instant now) {
    User u = user(s, c.id());
    if (c.name() != null && !c.name().equals(u.name()) && s.userIdByName().containsKey(c.name())) {
      throw new Rejection(CONFLICT, "name", "user name '" + c.name() + "' is taken");
    }
    User n =
        new User(
            u.id(),
            c.name() != null ? c.name() : u.name(),
            c.note() != null ? c.note() : u.note(),
            c.status() != null ? c.status() : u.status(),
            c.dataLimitBytes() != null ? c.dataLimitBytes() : u.dataLimitBytes(),
            c.setExpireAt() ? c.expireAt() : u.expireAt(),
            c.resetStrategy() != null ? c.resetStrategy() : u.resetStrategy(),
            u.uplinkBytes(),
            u.downlinkBytes(),
            u.lifetimeUsedBytes(),
            u.subscriptionToken(),
            u.periodStartedAt(),
            u.createdAt(),
            now,
            c.onHoldExpireSeconds() != null ? c.onHoldExpireSeconds() : u.onHoldExpireSeconds());
    return new Changed(putUser(s, u, withEffectiveStatus(n, now)), u.id());
  }

  private static Changed deleteUser(State s, String id) {
    User u = user(s, id);
    Map<String, String> byName = new HashMap<>(s.userIdByName());
    byName.remove(u.name());
    Map<String, String> byToken = new HashMap<>(s.userIdBySubscriptionToken());
    byToken.remove(u.subscriptionToken());
    State n = s.withUsers(State.without(s.users(), id), byName, byToken);
    n = n.withGrants(grantsWithout(s.grants(), g -> g.userId().equals(id)));
    if (n.nodeUsage().containsKey(id)) {
      n = n.withUsage(State.without(n.nodeUsage(), id), n.usageSeqs());
    }
    return new Changed(n, id);
  }

  private static Changed rotate(State s, RotateSubscription r, Instant now) {
    User u = user(s, r.id());
    if (s.userIdBySubscriptionToken().containsKey(r.newToken())) {
      throw new Rejection(CONFLICT, "subscription_token", "subscription token collision");
    }
    return new Changed(putUser(s, u, u.withSubscriptionToken(r.newToken(), now)), u.id());
  }

  // ---- endpoints

  private static Endpoint endpoint(State s, String id) {
    Endpoint e = s.endpoints().get(id);
    if (e == null) {
      throw new Rejection(NOT_FOUND, null, "endpoint " + id + " not found");
    }
    return e;
  }

  private static void checkUnique(State s, Endpoint e) {
    for (Endpoint o : s.endpoints().values()) {
      if (o.id().equals(e.id()) || !o.nodeId().equals(e.nodeId())) {
        continue;
      }
      if (o.port() == e.port()) {
        throw new Rejection(
            CONFLICT,
            "port",
            "port " + e.port() + " is already used by endpoint " + o.id() + " on this node");
      }
      if (o.tag().equals(e.tag())) {
        throw new Rejection(CONFLICT, "tag", "tag '" + e.tag() + "' is already used on this node");
      }
    }
  }

  private static Changed createEndpoint(State s, Endpoint e) {
    if (s.endpoints().containsKey(e.id())) {
      throw new Rejection(CONFLICT, "id", "endpoint id already exists");
    }
    Node node = s.nodes().get(e.nodeId());
    if (node == null || node.status() == io.raftray.model.NodeStatus.REMOVED) {
      throw new Rejection(INVALID, "node_id", "no such node: " + e.nodeId());
    }
    checkUnique(s, e);
    return new Changed(s.withEndpoints(State.with(s.endpoints(), e.id(), e)), e.id());
  }

  private static Changed updateEndpoint(State s, UpdateEndpoint c, Instant now) {
    Endpoint e = endpoint(s, c.id());
    Endpoint n =
        new Endpoint(
            e.id(),
            e.nodeId(),
            c.tag() != null ? c.tag() : e.tag(),
            e.protocol(),
            c.port() != null ? c.port() : e.port(),
            e.transport(),
            e.security(),
            c.settings() != null ? c.settings() : e.settings(),
            e.secrets(),
            c.enabled() != null ? c.enabled() : e.enabled(),
            e.createdAt(),
            now);
    checkUnique(s, n);
    MembershipRules.checkEnable(s, n);
    return new Changed(s.withEndpoints(State.with(s.endpoints(), e.id(), n)), e.id());
  }

  private static Changed deleteEndpoint(State s, String id) {
    endpoint(s, id);
    State n =
        s.withEndpoints(State.without(s.endpoints(), id))
            .withGrants(grantsWithout(s.grants(), g -> g.endpointId().equals(id)));
    return new Changed(n, id);
  }

  // ---- grants

  private static Grant grant(State s, String id) {
    Grant g = s.grants().get(id);
    if (g == null) {
      throw new Rejection(NOT_FOUND, null, "grant " + id + " not found");
    }
    return g;
  }

  private static Changed createGrant(State s, Grant g) {
    if (s.grants().containsKey(g.id())) {
      throw new Rejection(CONFLICT, "id", "grant id already exists");
    }
    if (!s.users().containsKey(g.userId())) {
      throw new Rejection(INVALID, "user_id", "no such user: " + g.userId());
    }
    if (!s.endpoints().containsKey(g.endpointId())) {
      throw new Rejection(INVALID, "endpoint_id", "no such endpoint: " + g.endpointId());
    }
    for (Grant o : s.grants().values()) {
      if (o.userId().equals(g.userId()) && o.endpointId().equals(g.endpointId())) {
        throw new Rejection(
            CONFLICT, "endpoint_id", "user already has grant " + o.id() + " for this endpoint");
      }
    }
    return new Changed(s.withGrants(State.with(s.grants(), g.id(), g)), g.id());
  }

  private static NavigableMap<String, Grant> grantsWithout(
      NavigableMap<String, Grant> grants, java.util.function.Predicate<Grant> drop) {
    java.util.TreeMap<String, Grant> copy = new java.util.TreeMap<>(grants);
    copy.values().removeIf(drop);
    return java.util.Collections.unmodifiableNavigableMap(copy);
  }

  // ---- admin tokens and nodes

  private static Changed revokeToken(State s, String id) {
    AdminToken t = s.adminTokens().get(id);
    if (t == null || t.revoked()) {
      throw new Rejection(NOT_FOUND, null, "admin token " + id + " not found");
    }
    if (t.role() == Role.OWNER) {
      long owners =
          s.adminTokens().values().stream()
              .filter(o -> o.role() == Role.OWNER && !o.revoked())
              .count();
      if (owners <= 1) {
        throw new Rejection(CONFLICT, null, "cannot revoke the last owner token");
      }
    }
    return new Changed(s.withAdminTokens(State.with(s.adminTokens(), id, t.revoke())), id);
  }

  private static Changed updateNode(State s, UpdateNode c, Instant now) {
    Node n = s.nodes().get(c.id());
    if (n == null) {
      throw new Rejection(NOT_FOUND, null, "node " + c.id() + " not found");
    }
    if (n.status() == io.raftray.model.NodeStatus.REMOVED) {
      throw new Rejection(CONFLICT, null, "node " + c.id() + " was removed");
    }
    Node u =
        new Node(
            n.id(),
            c.name() != null ? c.name() : n.name(),
            n.apiBaseUrl(),
            c.accessHost() != null ? c.accessHost() : n.accessHost(),
            c.labels() != null ? c.labels() : n.labels(),
            n.role(),
            n.status(),
            n.facts(),
            n.certSerial(),
            n.certNotAfter(),
            n.certificatePem(),
            n.joinedAt(),
            now);
    return new Changed(s.withNodes(State.with(s.nodes(), n.id(), u)), n.id());
  }
}
