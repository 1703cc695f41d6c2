package io.raftray.state;

import io.raftray.model.Admin;
import io.raftray.model.AdminToken;
import io.raftray.model.JoinRequest;
import io.raftray.model.JoinRequestStatus;
import io.raftray.model.JoinToken;
import io.raftray.model.Node;
import io.raftray.model.NodeStatus;
import io.raftray.model.Role;
import io.raftray.model.Totp;
import io.raftray.state.Command.*;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The leader's check of who submits a command, before it is logged ({@link
 * RaftrayStateMachine#startTransaction}): each command's {@link Origin} says what proves the right
 * to submit it. Admin commands carry the admin's bearer token, verified against the replicated
 * token hashes and the role the command needs; node commands must name the submitting node (which
 * the network edge has bound to the node that signed the request). The envelope that is logged
 * carries the verified actor and no credential.
 *
 * <p>Pure: the same view, submission and Raft configuration give the same answer. Only the leader
 * runs it; replay and followers never do, so entries logged before it existed apply unchanged.
 */
public final class Authority {
  private Authority() {}

  private static final int MAX_BEARER_LENGTH = 256;

  /** The admin token prefix ({@code rrt_<id>.<secret>}). */
  public static final String TOKEN_PREFIX = "rrt_";

  /** A refused submission; the message names no secret and is shown to the caller. */
  public static final class Refused extends IOException {
    private static final long serialVersionUID = 1L;

    /** Marks the reason inside the exception text Ratis sends back to the submitting node. */
    public static final String MARKER = "raftray refused the command: ";

    Refused(String reason) {
      super(MARKER + reason);
    }
  }

  /** Who may submit a command of this type. */
  public static Origin origin(Class<? extends Command> type) {
    return CommandTypes.origin(type);
  }

  /**
   * The envelope to log for {@code s}, or {@link Refused} when the submitter may not submit it.
   *
   * @param view the leader's applied state
   * @param raftMember whether a node id is a member of the current Raft configuration
   */
  public static CommandEnvelope verify(State view, Submission s, Predicate<String> raftMember)
      throws Refused {
    return verify(view, s, raftMember, null);
  }

  /**
   * Checks a join token's proof over a join request: the joining host signed the request's fields
   * with the token's private key, which no member holds (the state has only its public key). The
   * {@code join} package knows the format; the daemon hands it in.
   */
  @FunctionalInterface
  public interface JoinProofs {
    /** Whether {@code proof} proves {@code token} over {@code request}. */
    boolean valid(JoinToken token, CreateJoinRequest request, @Nullable String proof);
  }

  /**
   * {@link #verify(State, Submission, Predicate)}, and a join request for a token with a public key
   * must carry the joining host's proof of that token, checked by {@code joinProofs} (null: not
   * checked, for tests of other rules).
   */
  public static CommandEnvelope verify(
      State view, Submission s, Predicate<String> raftMember, @Nullable JoinProofs joinProofs)
      throws Refused {
    CommandEnvelope env = s.envelope();
    if (env == null || env.command() == null || s.node() == null) {
      throw new Refused("the submission has no command or no submitting node");
    }
    Command c = env.command();
    Origin origin = origin(c.getClass());
    if (origin == Origin.BOOTSTRAP) {
      if (view.bootstrapped()) {
        throw new Refused("the cluster is already bootstrapped");
      }
      return env;
    }
    if (!view.bootstrapped()) {
      throw new Refused("the cluster is not bootstrapped yet");
    }
    Node submitter = view.nodes().get(s.node());
    if (submitter == null || submitter.status() == NodeStatus.REMOVED) {
      throw new Refused("node " + s.node() + " is not a member");
    }
    return switch (origin) {
      case ADMIN, OWNER -> admin(view, s, origin);
      case NODE -> node(s);
      case JOIN -> join(view, s, joinProofs);
      case ADMISSION -> admission(view, s, raftMember);
      case RENEWAL -> renewal(view, s);
      case ACCOUNT -> account(view, s);
      case HOST -> host(view, s);
      case BOOTSTRAP -> throw new IllegalStateException("handled above");
    };
  }

  private static CommandEnvelope admin(State view, Submission s, Origin origin) throws Refused {
    Command c = s.envelope().command();
    String what = c.action() + " needs " + (origin == Origin.OWNER ? "an owner" : "an admin");
    if (s.credential() == null) {
      throw new Refused(what + " token, and none came with it");
    }
    // An admin token, or the session cookie of an admin account: both carry a role.
    String id;
    Role role;
    if (AdminSessions.isCookie(s.credential())) {
      AdminSessions.Verified v =
          AdminSessions.verify(view, s.credential())
              .orElseThrow(() -> new Refused(what + " session; the one it came with is not valid"));
      id = v.admin().id();
      role = v.admin().role();
    } else {
      AdminToken t =
          adminToken(view, s.credential())
              .orElseThrow(() -> new Refused(what + " token; the one it came with is not valid"));
      id = t.id();
      role = t.role();
    }
    boolean allowed = origin == Origin.OWNER ? role.canManageTokens() : role.canWrite();
    if (!allowed) {
      throw new Refused(what + " token; " + id + " is not one");
    }
    if (!id.equals(s.envelope().actor()) || !namedAdmin(c, id)) {
      throw new Refused(c.action() + " names another actor than its credential " + id);
    }
    return s.envelope();
  }

  /**
   * An admin account acting on itself: a login or password change proves the password (verified
   * here, on the leader, so a member that did not see the password cannot log anyone in), anything
   * else one of the account's sessions.
   */
  private static CommandEnvelope account(State view, Submission s) throws Refused {
    Command c = s.envelope().command();
    String adminId = accountOf(c);
    Admin a = view.admins().get(adminId);
    if (a == null || a.disabled() || !adminId.equals(s.envelope().actor())) {
      throw new Refused(c.action() + " must name an enabled admin, in its own name");
    }
    if (c instanceof AdminLogin || c instanceof ChangeAdminPassword) {
      AdminSessions.LoginProof proof =
          AdminSessions.parseLogin(s.credential())
              .orElseThrow(() -> new Refused(c.action() + " needs the admin's password"));
      if (!AdminSessions.passwordOk(a, proof)) {
        throw new Refused(c.action() + ": the password is not the admin's");
      }
      if (c instanceof AdminLogin l && a.totpEnabled()) {
        if (l.totpStep() == null || !Totp.code(a.totpSecret(), l.totpStep()).equals(proof.code())) {
          throw new Refused(c.action() + ": the second factor code is not valid");
        }
      }
      return s.envelope();
    }
    AdminSessions.Verified v =
        AdminSessions.verify(view, s.credential())
            .orElseThrow(() -> new Refused(c.action() + " needs a session of admin " + adminId));
    if (!v.admin().id().equals(adminId)) {
      throw new Refused(c.action() + " needs a session of admin " + adminId);
    }
    return s.envelope();
  }

  /** The admin account an {@link Origin#ACCOUNT} command is about. */
  static String accountOf(Command c) {
    return switch (c) {
      case AdminLogin l -> l.adminId();
      case AdminLogout l -> l.adminId();
      case ChangeAdminPassword p -> p.adminId();
      case EnrollTotp e -> e.adminId();
      case ConfirmTotp t -> t.adminId();
      case DisableTotp t -> t.adminId();
      default -> "";
    };
  }

  /**
   * The host path of {@code raftray admin create} / {@code reset-password}: only a CA holder, in
   * its own name. A CA holder can already sign any member certificate, so it gains nothing it did
   * not have; an ordinary member (an edge server) must not be able to mint owners.
   */
  private static CommandEnvelope host(State view, Submission s) throws Refused {
    Command c = s.envelope().command();
    Node submitter = view.nodes().get(s.node());
    if (submitter == null || !submitter.holdsCaKey()) {
      throw new Refused(c.action() + " must be submitted by a CA holder");
    }
    if (!s.node().equals(s.envelope().actor())) {
      throw new Refused(c.action() + " must be submitted in the submitting node's name");
    }
    return s.envelope();
  }

  /** Whether the admin a command records inside itself, if any, is the verified one. */
  private static boolean namedAdmin(Command c, String tokenId) {
    String named =
        switch (c) {
          case CreateJoinToken j -> j.createdBy();
          case ApproveJoinRequest a -> a.decidedBy();
          case RejectJoinRequest r -> r.decidedBy();
          default -> tokenId;
        };
    return named == null || named.equals(tokenId);
  }

  private static CommandEnvelope node(Submission s) throws Refused {
    Command c = s.envelope().command();
    String about = subjectNode(c);
    if (!s.node().equals(s.envelope().actor()) || (about != null && !s.node().equals(about))) {
      throw new Refused(
          c.action() + " may only be submitted by the node it is about, in its own name");
    }
    return s.envelope();
  }

  /** The node a node command is about, or null when it is about no node (the submitter acts). */
  static String subjectNode(Command c) {
    return switch (c) {
      case UsageReport r -> r.nodeId();
      case ReportXray r -> r.nodeId();
      case ActivateNode a -> a.id();
      case SubscriptionActivity a -> a.nodeId();
      default -> null;
    };
  }

  private static CommandEnvelope join(State view, Submission s, @Nullable JoinProofs proofs)
      throws Refused {
    CreateJoinRequest j = (CreateJoinRequest) s.envelope().command();
    if (!Objects.equals(j.tokenId(), s.envelope().actor())) {
      throw new Refused("a join request must be submitted in the name of its join token");
    }
    // A token of the previous format has no public key: its proof is an HMAC any member could
    // compute from the stored hash, so there is nothing to check it against (such tokens expire
    // within a day). An unknown token is refused by the rules at apply.
    JoinToken t = view.joinTokens().get(j.tokenId());
    if (proofs != null
        && t != null
        && t.verifyKey() != null
        && !proofs.valid(t, j, s.credential())) {
      throw new Refused(
          "join request " + j.id() + " does not carry a valid proof of join token " + t.id());
    }
    return s.envelope();
  }

  private static CommandEnvelope admission(State view, Submission s, Predicate<String> raftMember)
      throws Refused {
    Node n = ((AddNode) s.envelope().command()).node();
    String actor = s.envelope().actor();
    if (n.status() == NodeStatus.JOINING) {
      JoinRequest r = JoinRules.requestForNode(view, n.id());
      if (r == null || r.status() != JoinRequestStatus.APPROVED) {
        throw new Refused("node " + n.id() + " has no approved join request");
      }
      if (!r.tokenId().equals(actor)) {
        throw new Refused("a joining node must be recorded in the name of its join token");
      }
      return s.envelope();
    }
    if (!raftMember.test(n.id())) {
      throw new Refused(
          "node " + n.id() + " is neither joining nor a member of the raft configuration");
    }
    if (!s.node().equals(actor)) {
      throw new Refused("a raft member must be recorded in the submitting node's name");
    }
    return s.envelope();
  }

  private static CommandEnvelope renewal(State view, Submission s) throws Refused {
    RenewNodeCertificate r = (RenewNodeCertificate) s.envelope().command();
    Node n = view.nodes().get(r.id());
    if (n == null || n.status() == NodeStatus.REMOVED || !r.id().equals(s.envelope().actor())) {
      throw new Refused("a renewal must name a member, in that member's name");
    }
    // Only a CA holder signs certificates, so only a CA holder records one (an ordinary member
    // cannot write another member's certificate into the state).
    Node signer = view.nodes().get(s.node());
    if (signer == null || !signer.holdsCaKey()) {
      throw new Refused("a renewal must be submitted by a CA holder");
    }
    return s.envelope();
  }

  /** The live (not revoked) token a bearer string proves, if any. Constant-time comparison. */
  public static Optional<AdminToken> adminToken(State state, String bearer) {
    if (bearer == null || bearer.length() > MAX_BEARER_LENGTH || !bearer.startsWith(TOKEN_PREFIX)) {
      return Optional.empty();
    }
    int dot = bearer.indexOf('.');
    if (dot < 0) {
      return Optional.empty();
    }
    String id = bearer.substring(TOKEN_PREFIX.length(), dot);
    String presented = tokenHash(bearer.substring(dot + 1));
    AdminToken t = state.adminTokens().get(id);
    if (t == null || t.revoked()) {
      return Optional.empty();
    }
    boolean same =
        MessageDigest.isEqual(
            presented.getBytes(StandardCharsets.US_ASCII),
            t.secretHash().getBytes(StandardCharsets.US_ASCII));
    return same ? Optional.of(t) : Optional.empty();
  }

  /** The stored form of an admin token's secret: hex SHA-256 of its text. */
  public static String tokenHash(String secret) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha.digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from the JDK", e);
    }
  }
}
