package io.raftray.state;

import static io.raftray.state.Fixtures.T0;
import static io.raftray.state.Fixtures.bootstrap;
import static io.raftray.state.Fixtures.env;
import static io.raftray.state.Fixtures.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.raftray.model.Admin;
import io.raftray.model.ErrorKind;
import io.raftray.model.Passwords;
import io.raftray.model.Role;
import io.raftray.model.Totp;
import io.raftray.state.Command.*;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Admin accounts through {@link Store#apply}, and the leader's checks of them ({@link Authority}).
 */
class AdminRulesTest {
  private static final String PW = "correct horse battery";
  private static final String HASH = Passwords.hash(PW);
  private long index;

  private Store.Applied apply(State s, Command c) {
    return Store.apply(s, env(c, T0.plusSeconds(index)), ++index);
  }

  private State run(State s, Command c) {
    Store.Applied a = apply(s, c);
    assertThat(a.result().ok()).as(a.result().message()).isTrue();
    return a.state();
  }

  private static Admin admin(String id, String name, Role role) {
    return Admin.create(id, name, role, HASH, T0, false);
  }

  private State cluster() {
    State s = run(State.empty(), bootstrap());
    return run(s, new AddNode(node("node_b").withCaHolder(false, T0)));
  }

  @Test
  void create_refusesATakenName_andSnapshotsRoundTrip() throws Exception {
    State s = run(cluster(), new CreateAdmin(admin("adm_1", "alice", Role.OWNER)));
    Store.Applied dup = apply(s, new CreateAdmin(admin("adm_2", "alice", Role.VIEWER)));
    assertThat(dup.result().error()).isEqualTo(ErrorKind.CONFLICT);
    assertThat(dup.result().field()).isEqualTo("username");
    State back = SnapshotCodec.decode(SnapshotCodec.encode(s));
    assertThat(back.admins()).isEqualTo(s.admins());
    assertThat(SnapshotCodec.digest(back)).isEqualTo(SnapshotCodec.digest(s));
    // no admins: the snapshot has no admins section (older states keep their bytes)
    assertThat(new String(SnapshotCodec.encode(cluster()), java.nio.charset.StandardCharsets.UTF_8))
        .doesNotContain("\"admins\"");
  }

  @Test
  void lastOwner_cannotBeDeletedDisabledOrDemoted_whileNoOwnerTokenLives() {
    State s = run(cluster(), new CreateAdmin(admin("adm_1", "alice", Role.OWNER)));
    // the bootstrap owner token is alive: the owner account may go
    assertThat(apply(s, new DeleteAdmin("adm_1")).result().ok()).isTrue();
    State noTokens = s.toBuilder().adminTokens(java.util.Collections.emptyNavigableMap()).build();
    for (Command c :
        List.<Command>of(
            new DeleteAdmin("adm_1"),
            new UpdateAdmin("adm_1", null, null, true, null),
            new UpdateAdmin("adm_1", Role.ADMIN, null, null, null))) {
      Store.Applied a = apply(noTokens, c);
      assertThat(a.result().error()).as(c.toString()).isEqualTo(ErrorKind.CONFLICT);
      assertThat(a.state().admins()).isEqualTo(noTokens.admins());
    }
    State two = run(noTokens, new CreateAdmin(admin("adm_2", "bob", Role.OWNER)));
    assertThat(apply(two, new DeleteAdmin("adm_1")).result().ok()).isTrue();
  }

  @Test
  void sessions_endWithPasswordRoleDisableAndLogout_andAreBounded() {
    State s = run(cluster(), new CreateAdmin(admin("adm_1", "alice", Role.ADMIN)));
    AdminSessions.Issued one = AdminSessions.issue(T0, Duration.ofHours(12));
    AdminSessions.Issued two = AdminSessions.issue(T0, Duration.ofHours(12));
    s = run(s, new AdminLogin("adm_1", one.session(), null));
    s = run(s, new AdminLogin("adm_1", two.session(), null));
    assertThat(s.admins().get("adm_1").sessions()).hasSize(2);
    assertThat(s.admins().get("adm_1").lastLoginAt()).isNotNull();
    State out = run(s, new AdminLogout("adm_1", one.session().id()));
    assertThat(out.admins().get("adm_1").sessions()).containsExactly(two.session());
    for (Command c :
        List.<Command>of(
            new UpdateAdmin("adm_1", null, Passwords.hash("another password"), null, null),
            new UpdateAdmin("adm_1", Role.VIEWER, null, null, null),
            new UpdateAdmin("adm_1", null, null, true, null),
            new ChangeAdminPassword("adm_1", HASH))) {
      assertThat(run(s, c).admins().get("adm_1").sessions()).as(c.action()).isEmpty();
    }
    // an update that changes nothing about credentials keeps them
    assertThat(
            run(s, new UpdateAdmin("adm_1", Role.ADMIN, null, false, null))
                .admins()
                .get("adm_1")
                .sessions())
        .hasSize(2);
    for (int i = 0; i < Admin.MAX_SESSIONS + 3; i++) {
      s =
          run(
              s,
              new AdminLogin(
                  "adm_1", AdminSessions.issue(T0, Duration.ofHours(12)).session(), null));
    }
    assertThat(s.admins().get("adm_1").sessions()).hasSize(Admin.MAX_SESSIONS);
    // expired sessions are dropped when the record is next written
    State late =
        Store.apply(
                s,
                env(
                    new AdminLogin(
                        "adm_1", AdminSessions.issue(T0, Duration.ofHours(12)).session(), null),
                    T0.plus(Duration.ofHours(13))),
                ++index)
            .state();
    assertThat(late.admins().get("adm_1").sessions()).hasSize(1);
  }

  @Test
  void totp_confirmAndLogin_refuseAStepAlreadyUsed() {
    State s = run(cluster(), new CreateAdmin(admin("adm_1", "alice", Role.ADMIN)));
    s = run(s, new EnrollTotp("adm_1", Totp.newSecret()));
    assertThat(s.admins().get("adm_1").totpEnabled()).isFalse();
    s = run(s, new ConfirmTotp("adm_1", 100));
    assertThat(s.admins().get("adm_1").totpEnabled()).isTrue();
    Store.Applied same =
        apply(
            s,
            new AdminLogin("adm_1", AdminSessions.issue(T0, Duration.ofHours(1)).session(), 100L));
    assertThat(same.result().error()).isEqualTo(ErrorKind.UNAUTHORIZED);
    assertThat(same.result().field()).isEqualTo("totp_code");
    Store.Applied none =
        apply(
            s,
            new AdminLogin("adm_1", AdminSessions.issue(T0, Duration.ofHours(1)).session(), null));
    assertThat(none.result().ok()).isFalse();
    s =
        run(
            s,
            new AdminLogin("adm_1", AdminSessions.issue(T0, Duration.ofHours(1)).session(), 101L));
    assertThat(apply(s, new DisableTotp("adm_1", 101)).result().ok()).isFalse();
    assertThat(run(s, new DisableTotp("adm_1", 102)).admins().get("adm_1").totpEnabled()).isFalse();
  }

  @Test
  void hostSet_createsOrResets() {
    State s = run(cluster(), new HostSetAdmin(admin("adm_1", "root", Role.OWNER), false));
    s =
        run(
            s,
            new AdminLogin("adm_1", AdminSessions.issue(T0, Duration.ofHours(1)).session(), null));
    String newHash = Passwords.hash("a new password");
    State reset =
        run(
            s,
            new HostSetAdmin(Admin.create("adm_x", "root", Role.OWNER, newHash, T0, true), true));
    Admin a = reset.admins().get("adm_1");
    assertThat(a.passwordHash()).isEqualTo(newHash);
    assertThat(a.passwordResetRequired()).isTrue();
    assertThat(a.sessions()).isEmpty();
    assertThat(reset.admins()).hasSize(1);
    Store.Applied unknown = apply(s, new HostSetAdmin(admin("adm_y", "nobody", Role.OWNER), true));
    assertThat(unknown.result().error()).isEqualTo(ErrorKind.NOT_FOUND);
  }

  // ---- the leader's checks

  private static String refusal(State s, String node, String cred, String actor, Command c) {
    Authority.Refused r =
        catchThrowableOfType(
            Authority.Refused.class,
            () ->
                Authority.verify(
                    s, Submission.of(node, cred, CommandEnvelope.of(actor, c)), x -> false));
    assertThat(r).as("accepted " + c.action()).isNotNull();
    assertThat(r.getMessage()).doesNotContain(PW);
    return r.getMessage();
  }

  private static void accepted(State s, String node, String cred, String actor, Command c)
      throws Exception {
    assertThat(
            Authority.verify(s, Submission.of(node, cred, CommandEnvelope.of(actor, c)), x -> false)
                .command())
        .isEqualTo(c);
  }

  @Test
  void leader_checksSessionsPasswordsAndHolders() throws Exception {
    State s = run(cluster(), new CreateAdmin(admin("adm_o", "olga", Role.OWNER)));
    s = run(s, new CreateAdmin(admin("adm_v", "vera", Role.VIEWER)));
    AdminSessions.Issued os = AdminSessions.issue(T0, Duration.ofHours(1));
    AdminSessions.Issued vs = AdminSessions.issue(T0, Duration.ofHours(1));
    s = run(s, new AdminLogin("adm_o", os.session(), null));
    s = run(s, new AdminLogin("adm_v", vs.session(), null));
    String ownerCookie = AdminSessions.cookie("adm_o", os.session(), os.secret(), 1);
    String viewerCookie = AdminSessions.cookie("adm_v", vs.session(), vs.secret(), 1);
    Command create = new CreateAdmin(admin("adm_n", "neo", Role.OWNER));
    accepted(s, "node_b", ownerCookie, "adm_o", create);
    assertThat(refusal(s, "node_b", viewerCookie, "adm_v", create)).contains("is not one");
    assertThat(refusal(s, "node_b", ownerCookie, "adm_v", create)).contains("another actor");
    String forged = AdminSessions.cookie("adm_o", os.session(), vs.secret(), 1);
    assertThat(refusal(s, "node_b", forged, "adm_o", create)).contains("not valid");
    // a viewer's session may write what concerns its own account
    accepted(s, "node_b", viewerCookie, "adm_v", new AdminLogout("adm_v", vs.session().id()));
    refusal(s, "node_b", viewerCookie, "adm_o", new AdminLogout("adm_o", os.session().id()));
    refusal(s, "node_b", viewerCookie, "adm_v", new AdminLogout("adm_o", os.session().id()));

    // a login needs the password, checked by the leader itself
    Command login =
        new AdminLogin("adm_v", AdminSessions.issue(T0, Duration.ofHours(1)).session(), null);
    accepted(s, "node_b", AdminSessions.loginProof(null, PW), "adm_v", login);
    assertThat(refusal(s, "node_b", AdminSessions.loginProof(null, "guess guess"), "adm_v", login))
        .contains("password");
    refusal(s, "node_b", viewerCookie, "adm_v", login);
    refusal(s, "node_b", null, "adm_v", login);
    String secret = Totp.newSecret();
    State t = run(run(s, new EnrollTotp("adm_v", secret)), new ConfirmTotp("adm_v", 5));
    Command login7 =
        new AdminLogin("adm_v", AdminSessions.issue(T0, Duration.ofHours(1)).session(), 7L);
    accepted(t, "node_b", AdminSessions.loginProof(Totp.code(secret, 7), PW), "adm_v", login7);
    assertThat(
            refusal(
                t, "node_b", AdminSessions.loginProof(Totp.code(secret, 8), PW), "adm_v", login7))
        .contains("second factor");

    // the host path: only a CA holder, in its own name
    Command host = new HostSetAdmin(admin("adm_h", "root", Role.OWNER), false);
    accepted(s, "node_a", null, "node_a", host);
    assertThat(refusal(s, "node_b", null, "node_b", host)).contains("CA holder");
    refusal(s, "node_a", null, "node_b", host);
  }
}
