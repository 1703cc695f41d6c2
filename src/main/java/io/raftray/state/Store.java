package io.raftray.state;

import static io.raftray.model.ErrorKind.CONFLICT;

import io.raftray.model.AuditEvent;
import io.raftray.model.ErrorKind;
import io.raftray.state.Command.*;
import java.time.Instant;
import java.util.Objects;

/**
 * Applies commands to states. A pure function: same state + same envelope = same result, on every
 * replica. Nothing here reads a clock or generates anything. This class handles the envelope
 * (bootstrap gate, audit event, applied index, rejections) and dispatches each command to the rules
 * of its entity ({@link UserRules}, {@link EndpointRules}, {@link GrantRules}, {@link
 * AdminTokenRules}, {@link GroupRules}, {@link MembershipRules}, {@link JoinRules}, {@link
 * UsageRules}, {@link XrayRules}, {@link ActivityRules}, ...).
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

  /**
   * What a command did: the new state, its target, whether it writes an audit event and, when not
   * null, the audit summary to use instead of the command's own.
   */
  record Changed(State state, String target, boolean audited, String summary) {
    Changed(State state, String target) {
      this(state, target, true, null);
    }
  }

  public static Applied apply(State state, CommandEnvelope env, long index) {
    Objects.requireNonNull(env.at(), "command was not stamped by the leader");
    try {
      if (!state.bootstrapped() && !(env.command() instanceof Bootstrap)) {
        throw new Rejection(ErrorKind.UNAVAILABLE, null, "cluster is not bootstrapped");
      }
      Changed c = dispatch(state, env.command(), env.at());
      State next = WebhookEvents.derive(state, c.state, env.command(), env.at());
      if (c.audited) {
        AuditEvent event =
            new AuditEvent(
                index,
                env.at(),
                env.actor(),
                env.command().action(),
                c.target,
                c.summary != null ? c.summary : env.command().summary());
        next =
            next.withAudit(next.audit().append(event, next.settings().effectiveAuditRetention()));
      }
      return new Applied(next.withIndex(index), Result.ok(c.target, index));
    } catch (Rejection r) {
      return new Applied(
          state.withIndex(index), Result.rejected(r.kind, r.field, r.getMessage(), index));
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
      case CreateUser c -> UserRules.create(s, c, now);
      case UpdateUser u -> UserRules.update(s, u, now);
      case DeleteUser d -> UserRules.delete(s, d);
      case ResetUsage r -> UserRules.resetUsage(s, r, now);
      case RotateSubscription r -> UserRules.rotate(s, r, now);
      case CreateEndpoint c -> EndpointRules.create(s, c);
      case UpdateEndpoint u -> EndpointRules.update(s, u, now);
      case DeleteEndpoint d -> EndpointRules.delete(s, d);
      case CreateGrant c -> GrantRules.create(s, c);
      case UpdateGrant u -> GrantRules.update(s, u, now);
      case DeleteGrant d -> GrantRules.delete(s, d);
      case CreateAdminToken c -> AdminTokenRules.create(s, c);
      case RevokeAdminToken r -> AdminTokenRules.revoke(s, r);
      case UpdateNode u -> MembershipRules.update(s, u, now);
      case AddNode a -> MembershipRules.add(s, a);
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
          new Changed(
              s.withSubscriptionSettings(SubscriptionPatch.apply(s.subscriptionSettings(), u)),
              "subscription-settings");
      case UsageReport r -> UsageRules.report(s, r, now);
      case UsersTick t -> UsageRules.tick(s, now);
      case ExpireJoiningNode e -> JoinRules.expireJoining(s, e, now);
      case RotateCredentials r -> UserRules.rotateCredentials(s, r, now);
      case CreateGroup c -> GroupRules.create(s, c, now);
      case UpdateGroup u -> GroupRules.update(s, u, now);
      case DeleteGroup d -> GroupRules.delete(s, d, now);
      case UpdateSettings u -> SettingsRules.update(s, u);
      case SetFeatureLevel l ->
          new Changed(
              s.toBuilder().featureLevel(Math.max(s.featureLevel(), l.level())).build(), "cluster");
      case FeatureProbe p -> new Changed(s, "cluster");
      case CreateUserTemplate c -> UserTemplateRules.create(s, c, now);
      case UpdateUserTemplate u -> UserTemplateRules.update(s, u, now);
      case DeleteUserTemplate d -> UserTemplateRules.delete(s, d);
      case CreateUsers c -> BulkRules.createBatch(s, c, now);
      case SetMarzbanSecret m -> SettingsRules.setMarzbanSecret(s, m);
      case BulkUsers b -> BulkRules.bulk(s, b, now);
      case SubscriptionActivity a -> ActivityRules.report(s, a, now);
      case DeleteDevice d -> ActivityRules.deleteDevice(s, d);
      case CreateAdmin c -> AdminRules.create(s, c, now);
      case UpdateAdmin u -> AdminRules.update(s, u, now);
      case DeleteAdmin d -> AdminRules.delete(s, d);
      case AdminLogin l -> AdminRules.login(s, l, now);
      case AdminLogout l -> AdminRules.logout(s, l, now);
      case ChangeAdminPassword c -> AdminRules.changePassword(s, c, now);
      case EnrollTotp e -> AdminRules.enrollTotp(s, e, now);
      case ConfirmTotp c -> AdminRules.confirmTotp(s, c, now);
      case DisableTotp d -> AdminRules.disableTotp(s, d, now);
      case HostSetAdmin h -> AdminRules.hostSet(s, h, now);
      case CreateWebhook c -> WebhookRules.create(s, c, now);
      case UpdateWebhook u -> WebhookRules.update(s, u, now);
      case DeleteWebhook d -> WebhookRules.delete(s, d);
      case UpdateWebhookSettings u -> WebhookRules.settings(s, u);
      case AckWebhooks a -> WebhookRules.ack(s, a);
      case ObserveEvents o -> WebhookRules.observe(s, o, now);
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
}
