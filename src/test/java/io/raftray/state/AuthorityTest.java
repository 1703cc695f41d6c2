package io.raftray.state;

import static io.raftray.state.Fixtures.T0;
import static io.raftray.state.Fixtures.bootstrap;
import static io.raftray.state.Fixtures.env;
import static io.raftray.state.Fixtures.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.raftray.model.AdminToken;
import io.raftray.model.Node;
import io.raftray.model.NodeRole;
import io.raftray.model.NodeStatus;
import io.raftray.model.Role;
import io.raftray.state.Command.*;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The leader's check of who submits what ({@link Authority}), on views built by the Store. */
class AuthorityTest {
  private static final String OWNER = "rrt_tok_own.owner-secret";
  private static final String ADMIN = "rrt_tok_adm.admin-secret";
  private static final String VIEWER = "rrt_tok_view.viewer-secret";

  private long index;

  private static boolean noRaftPeer(String nodeId) {
    return false;
  }

  private State run(State s, Command c) {
    Store.Applied a = Store.apply(s, env(c, T0.plusSeconds(index)), ++index);
    assertThat(a.result().ok()).as(a.result().message()).isTrue();
    return a.state();
  }

  private static AdminToken token(String bearer, Role role) {
    String id = bearer.substring(4, bearer.indexOf('.'));
    String secret = bearer.substring(bearer.indexOf('.') + 1);
    return new AdminToken(id, id, role, Authority.tokenHash(secret), T0, false);
  }

  /** Nodes a (leader), b; tokens owner, admin, viewer. */
  private State cluster() {
    State s = run(State.empty(), bootstrap());
    s = run(s, new AddNode(node("node_b")));
    s = run(s, new CreateAdminToken(token(OWNER, Role.OWNER)));
    s = run(s, new CreateAdminToken(token(ADMIN, Role.ADMIN)));
    return run(s, new CreateAdminToken(token(VIEWER, Role.VIEWER)));
  }

  private static CommandEnvelope verify(State s, String node, String cred, String actor, Command c)
      throws Authority.Refused {
    return Authority.verify(
        s, Submission.of(node, cred, CommandEnvelope.of(actor, c)), AuthorityTest::noRaftPeer);
  }

  private static String refusal(State s, String node, String cred, String actor, Command c) {
    Authority.Refused r =
        catchThrowableOfType(Authority.Refused.class, () -> verify(s, node, cred, actor, c));
    assertThat(r).as("accepted " + c.action() + " from " + node + " as " + actor).isNotNull();
    assertThat(r.getMessage()).startsWith(Authority.Refused.MARKER);
    for (String secret : List.of(OWNER, ADMIN, VIEWER)) {
      assertThat(r.getMessage()).doesNotContain(secret.substring(secret.indexOf('.') + 1));
    }
    return r.getMessage();
  }

  private static Map<Origin, Set<String>> byOrigin() {
    Map<Origin, Set<String>> m = new HashMap<>();
    for (Class<?> c : Command.class.getPermittedSubclasses()) {
      @SuppressWarnings("unchecked")
      Class<? extends Command> type = (Class<? extends Command>) c;
      m.computeIfAbsent(Authority.origin(type), k -> new java.util.TreeSet<>())
          .add(CommandTypes.name(c));
    }
    return m;
  }

  @Test
  void everyCommand_hasAnOrigin_andOnlyTheseAreNotAdminWrites() {
    // A new command must name its origin in @Action (it does not compile otherwise); a new
    // command that is not an admin write must be added here on purpose.
    Map<Origin, Set<String>> m = byOrigin();
    assertThat(m.get(Origin.NODE))
        .containsExactlyInAnyOrder(
            "usage.report",
            "node.report_xray",
            "node.activate",
            "users.tick",
            "node.expire_joining",
            "subscription.activity",
            "cluster.set_feature_level",
            "cluster.feature_probe",
            "webhook.ack",
            "webhook.observe");
    assertThat(m.get(Origin.OWNER))
        .containsExactlyInAnyOrder(
            "admin_token.create",
            "admin_token.revoke",
            "join_token.create",
            "admin.create",
            "admin.update",
            "admin.delete",
            "settings.set_marzban_secret");
    assertThat(m.get(Origin.ACCOUNT))
        .containsExactlyInAnyOrder(
            "admin.login",
            "admin.logout",
            "admin.change_password",
            "admin.totp_enroll",
            "admin.totp_confirm",
            "admin.totp_disable");
    assertThat(m.get(Origin.HOST)).containsExactly("admin.host_set");
    assertThat(m.get(Origin.JOIN)).containsExactly("join_request.create");
    assertThat(m.get(Origin.ADMISSION)).containsExactly("node.add");
    assertThat(m.get(Origin.RENEWAL)).containsExactly("node.renew_certificate");
    assertThat(m.get(Origin.BOOTSTRAP)).containsExactly("bootstrap");
    assertThat(m.get(Origin.ADMIN))
        .contains("node.remove", "node.update", "settings.update", "join_token.revoke")
        .contains("join_request.approve", "subscription_settings.update", "user.create");
    int total = m.values().stream().mapToInt(Set::size).sum();
    assertThat(total).isEqualTo(Command.class.getPermittedSubclasses().length);
  }

  @Test
  void nodeCommandsThatNameANode_areCheckedAgainstTheSubmitter() {
    for (Command c :
        List.<Command>of(
            new UsageReport("node_x", 1, List.of()),
            new ReportXray("node_x", "running", null, null, null),
            new ActivateNode("node_x"))) {
      assertThat(Authority.origin(c.getClass())).isEqualTo(Origin.NODE);
      assertThat(Authority.subjectNode(c)).as(c.action()).isEqualTo("node_x");
    }
    assertThat(Authority.subjectNode(new UsersTick())).isNull();
  }

  @Test
  void adminWrites_needAValidTokenOfTheRightRole_inItsOwnName() throws Exception {
    State s = cluster();
    Command user = new CreateUser(Fixtures.user("usr_1", "alice", 0));
    assertThat(verify(s, "node_b", ADMIN, "tok_adm", user).actor()).isEqualTo("tok_adm");
    assertThat(verify(s, "node_b", OWNER, "tok_own", user).actor()).isEqualTo("tok_own");
    assertThat(refusal(s, "node_b", null, "tok_own", user)).contains("none came with it");
    assertThat(refusal(s, "node_b", "rrt_tok_own.guess", "tok_own", user)).contains("not valid");
    assertThat(refusal(s, "node_b", VIEWER, "tok_view", user)).contains("is not one");
    assertThat(refusal(s, "node_b", ADMIN, "tok_own", user)).contains("another actor");
    assertThat(refusal(s, "node_b", ADMIN, "node_b", user)).contains("another actor");
  }

  @Test
  void ownerWrites_refuseAdminTokens() throws Exception {
    State s = cluster();
    Command token = new CreateAdminToken(token("rrt_tok_new.x", Role.OWNER));
    Command join = new CreateJoinToken("jtk_1", "aa", 60, 1, NodeRole.VOTER, "tok_own");
    for (Command c : List.of(token, join, new RevokeAdminToken("tok_adm"))) {
      assertThat(verify(s, "node_a", OWNER, "tok_own", c).command()).isEqualTo(c);
      assertThat(refusal(s, "node_a", ADMIN, "tok_adm", c)).contains("needs an owner token");
      assertThat(refusal(s, "node_b", null, "tok_own", c)).contains("none came with it");
    }
    // The admin a command records inside itself must be the verified one.
    Command forged = new CreateJoinToken("jtk_2", "aa", 60, 1, NodeRole.VOTER, "tok_adm");
    assertThat(refusal(s, "node_a", OWNER, "tok_own", forged)).contains("another actor");
  }

  @Test
  void membershipAndSettings_areAdminWrites() throws Exception {
    State s = cluster();
    for (Command c :
        List.<Command>of(
            new RemoveNode("node_a"),
            new UpdateNode("node_a", "x", null, null),
            new UpdateSettings(10),
            new ApproveJoinRequest("jrq_1", "tok_adm"))) {
      assertThat(refusal(s, "node_b", null, "tok_own", c)).contains("none came with it");
      assertThat(refusal(s, "node_b", null, "node_b", c)).contains("none came with it");
      assertThat(verify(s, "node_b", ADMIN, "tok_adm", c).command()).isEqualTo(c);
    }
    assertThat(refusal(s, "node_b", ADMIN, "tok_adm", new RejectJoinRequest("j", "tok_own", "")))
        .contains("another actor");
  }

  @Test
  void revokedToken_isRefused() {
    State s = run(cluster(), new RevokeAdminToken("tok_adm"));
    assertThat(refusal(s, "node_b", ADMIN, "tok_adm", new DeleteUser("usr_1")))
        .contains("not valid");
  }

  @Test
  void nodeCommands_onlyForAndByTheSubmittingNode() throws Exception {
    State s = cluster();
    Command report = new UsageReport("node_b", 1, List.of());
    assertThat(verify(s, "node_b", null, "node_b", report)).isNotNull();
    assertThat(refusal(s, "node_a", null, "node_a", report)).contains("the node it is about");
    assertThat(refusal(s, "node_a", null, "node_b", report)).contains("the node it is about");
    assertThat(refusal(s, "node_b", OWNER, "tok_own", report)).contains("the node it is about");
    assertThat(verify(s, "node_a", null, "node_a", new UsersTick())).isNotNull();
    assertThat(refusal(s, "node_b", null, "node_a", new UsersTick()))
        .contains("the node it is about");
    assertThat(refusal(s, "node_b", null, "node_b", new ActivateNode("node_a")))
        .contains("the node it is about");
  }

  @Test
  void subscriptionActivity_onlyFromTheNodeItIsAbout() throws Exception {
    State s = cluster();
    Command activity = new SubscriptionActivity("node_b", List.of(), List.of());
    assertThat(verify(s, "node_b", null, "node_b", activity)).isNotNull();
    assertThat(refusal(s, "node_a", null, "node_a", activity)).contains("the node it is about");
  }

  @Test
  void renewals_onlyFromACaHolder_inTheRenewingMembersName() throws Exception {
    State s = run(cluster(), new AddNode(node("node_c").withCaHolder(false, T0)));
    Command renew = new RenewNodeCertificate("node_b", "1", "2", "PEM", T0.plusSeconds(86_400));
    assertThat(verify(s, "node_a", null, "node_b", renew)).isNotNull();
    assertThat(refusal(s, "node_c", null, "node_b", renew)).contains("CA holder");
    assertThat(refusal(s, "node_a", null, "node_a", renew)).contains("in that member's name");
  }

  @Test
  void removedOrUnknownSubmitter_isRefused() {
    State s = run(cluster(), new RemoveNode("node_b"));
    Command report = new UsageReport("node_b", 1, List.of());
    assertThat(refusal(s, "node_b", null, "node_b", report)).contains("not a member");
    assertThat(refusal(s, "node_z", ADMIN, "tok_adm", new DeleteUser("u")))
        .contains("not a member");
  }

  @Test
  void nodeRecords_onlyForApprovedJoinersOrRaftPeers() throws Exception {
    State s = cluster();
    Command peer = new AddNode(node("node_c"));
    assertThat(refusal(s, "node_b", null, "node_b", peer)).contains("neither joining nor");
    assertThat(
            Authority.verify(
                s,
                Submission.of("node_a", null, CommandEnvelope.of("node_a", peer)),
                "node_c"::equals))
        .isNotNull();
    Node joining = node("node_j").withStatus(NodeStatus.JOINING, T0);
    assertThat(refusal(s, "node_b", null, "jtk_1", new AddNode(joining)))
        .contains("no approved join request");
  }

  @Test
  void joinRequests_inTheNameOfTheirToken() {
    State s = cluster();
    Command c =
        new CreateJoinRequest("jrq_1", "jtk_1", "node_j", "j", "https://j:1", "j", Map.of(), "CSR");
    assertThat(refusal(s, "node_b", null, "tok_own", c)).contains("join token");
  }

  @Test
  void joinRequests_forATokenWithAPublicKey_needTheJoiningHostsProof() throws Exception {
    State s =
        run(
            cluster(),
            new CreateJoinToken("jtk_1", null, 600, 1, NodeRole.VOTER, "tok_own", "PUBKEY", null));
    Command c =
        new CreateJoinRequest("jrq_1", "jtk_1", "node_j", "j", "https://j:1", "j", Map.of(), "CSR");
    Authority.JoinProofs proofs =
        (t, j, proof) -> "PUBKEY".equals(t.verifyKey()) && "ok".equals(proof);
    assertThat(
            Authority.verify(
                s,
                Submission.of("node_b", "ok", CommandEnvelope.of("jtk_1", c)),
                AuthorityTest::noRaftPeer,
                proofs))
        .isNotNull();
    for (String forged : new String[] {null, "forged"}) {
      Authority.Refused r =
          catchThrowableOfType(
              Authority.Refused.class,
              () ->
                  Authority.verify(
                      s,
                      Submission.of("node_b", forged, CommandEnvelope.of("jtk_1", c)),
                      AuthorityTest::noRaftPeer,
                      proofs));
      assertThat(r).as("a join request with proof " + forged).isNotNull();
      assertThat(r.getMessage()).contains("valid proof of join token jtk_1");
    }
  }

  @Test
  void bootstrap_onlyBeforeTheClusterExists() throws Exception {
    assertThat(verify(State.empty(), "node_a", null, "node_a", bootstrap())).isNotNull();
    assertThat(refusal(cluster(), "node_b", null, "node_b", bootstrap()))
        .contains("already bootstrapped");
    assertThat(refusal(State.empty(), "node_a", ADMIN, "tok_adm", new DeleteUser("u")))
        .contains("not bootstrapped");
  }

  @Test
  void submissions_neverPrintTheirCredential() {
    Submission s = Submission.of("node_a", OWNER, CommandEnvelope.of("tok_own", new UsersTick()));
    assertThat(s.toString()).doesNotContain("owner-secret").contains("redacted");
    assertThat(Stream.of(s).map(Object::toString).collect(Collectors.joining()))
        .doesNotContain("owner-secret");
  }
}
