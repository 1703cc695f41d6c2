package io.raftray.state;

import static io.raftray.state.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.raftray.model.ErrorKind;
import io.raftray.model.UserStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class StoreTest {
  private State state = State.empty();
  private long index;

  private Result run(Command c) {
    return run(c, T0.plusSeconds(index));
  }

  private Result run(Command c, Instant at) {
    Store.Applied a = Store.apply(state, env(c, at), ++index);
    state = a.state();
    return a.result();
  }

  @Test
  void apply_beforeBootstrap_isRejected() {
    Result r = run(new Command.CreateUser(user("usr_1", "alice", 0)));
    assertThat(r.error()).isEqualTo(ErrorKind.UNAVAILABLE);
    assertThat(state.users()).isEmpty();
    assertThat(state.appliedIndex()).isEqualTo(1);
  }

  @Test
  void bootstrap_twice_isConflict() {
    assertThat(run(bootstrap()).ok()).isTrue();
    assertThat(run(bootstrap()).error()).isEqualTo(ErrorKind.CONFLICT);
    assertThat(state.clusterId()).isEqualTo("cluster-1");
    assertThat(state.audit().size()).isEqualTo(1);
  }

  @Test
  void createUser_duplicateName_isConflictAndChangesNothing() {
    run(bootstrap());
    assertThat(run(new Command.CreateUser(user("usr_1", "alice", 0))).ok()).isTrue();
    State before = state;
    Result r = run(new Command.CreateUser(user("usr_2", "alice", 0)));
    assertThat(r.error()).isEqualTo(ErrorKind.CONFLICT);
    assertThat(r.field()).isEqualTo("name");
    assertThat(state.users()).isEqualTo(before.users());
    assertThat(state.audit().size()).isEqualTo(before.audit().size());
  }

  @Test
  void deleteUser_removesItsGrantsOnly() {
    run(bootstrap());
    run(new Command.CreateUser(user("usr_1", "alice", 0)));
    run(new Command.CreateUser(user("usr_2", "bob", 0)));
    run(new Command.CreateEndpoint(endpoint("ep_1", 443)));
    run(new Command.CreateGrant(grant("grt_1", "usr_1", "ep_1")));
    run(new Command.CreateGrant(grant("grt_2", "usr_2", "ep_1")));
    assertThat(run(new Command.DeleteUser("usr_1")).ok()).isTrue();
    assertThat(state.grants()).containsOnlyKeys("grt_2");
    assertThat(state.userIdByName()).containsOnlyKeys("bob");
    assertThat(state.userIdBySubscriptionToken()).containsOnlyKeys("sub-usr_2");
  }

  @Test
  void deleteEndpoint_removesItsGrants() {
    run(bootstrap());
    run(new Command.CreateUser(user("usr_1", "alice", 0)));
    run(new Command.CreateEndpoint(endpoint("ep_1", 443)));
    run(new Command.CreateEndpoint(endpoint("ep_2", 444)));
    run(new Command.CreateGrant(grant("grt_1", "usr_1", "ep_1")));
    run(new Command.CreateGrant(grant("grt_2", "usr_1", "ep_2")));
    run(new Command.DeleteEndpoint("ep_1"));
    assertThat(state.grants()).containsOnlyKeys("grt_2");
  }

  @Test
  void createEndpoint_portInUseOnNode_isConflict() {
    run(bootstrap());
    run(new Command.CreateEndpoint(endpoint("ep_1", 443)));
    Result r = run(new Command.CreateEndpoint(endpoint("ep_2", 443)));
    assertThat(r.error()).isEqualTo(ErrorKind.CONFLICT);
    assertThat(r.field()).isEqualTo("port");
    Result unknownNode =
        run(
            new Command.CreateEndpoint(
                new io.raftray.model.Endpoint(
                    "ep_3",
                    "node_x",
                    "t",
                    io.raftray.model.Protocol.VLESS,
                    1000,
                    io.raftray.model.Transport.TCP,
                    io.raftray.model.Security.NONE,
                    null,
                    null,
                    true,
                    T0,
                    T0)));
    assertThat(unknownNode.error()).isEqualTo(ErrorKind.INVALID);
    assertThat(unknownNode.field()).isEqualTo("node_id");
  }

  @Test
  void createGrant_twiceForSamePair_isConflict() {
    run(bootstrap());
    run(new Command.CreateUser(user("usr_1", "alice", 0)));
    run(new Command.CreateEndpoint(endpoint("ep_1", 443)));
    assertThat(run(new Command.CreateGrant(grant("grt_1", "usr_1", "ep_1"))).ok()).isTrue();
    assertThat(run(new Command.CreateGrant(grant("grt_2", "usr_1", "ep_1"))).error())
        .isEqualTo(ErrorKind.CONFLICT);
  }

  @Test
  void updateUser_expiryInPast_becomesExpired_andExtendingReactivates() {
    run(bootstrap());
    run(new Command.CreateUser(user("usr_1", "alice", 0)));
    Instant now = T0.plusSeconds(100);
    run(Command.UpdateUser.of("usr_1").expireAt(T0).build(), now);
    assertThat(state.users().get("usr_1").status()).isEqualTo(UserStatus.EXPIRED);
    run(Command.UpdateUser.of("usr_1").expireAt(now.plusSeconds(3600)).build(), now);
    assertThat(state.users().get("usr_1").status()).isEqualTo(UserStatus.ACTIVE);
  }

  private Result update(String id, UserStatus status, Long limit) {
    return run(Command.UpdateUser.of(id).status(status).dataLimitBytes(limit).build());
  }

  private void use(String id, long bytes) {
    long seq = state.usageSeq("node_a") + 1;
    run(new Command.UsageReport("node_a", seq, List.of(new Command.UsageDelta(id, bytes, 0))));
  }

  @Test
  void updateUser_limitChanges_moveBetweenLimitedAndActive() {
    run(bootstrap());
    run(new Command.CreateUser(user("usr_1", "alice", 1000)));
    use("usr_1", 500);
    update("usr_1", null, 400L);
    assertThat(state.users().get("usr_1").status())
        .as("lowering the limit below usage limits at once")
        .isEqualTo(UserStatus.LIMITED);
    update("usr_1", null, 500L);
    assertThat(state.users().get("usr_1").status())
        .as("limit == usage")
        .isEqualTo(UserStatus.LIMITED);
    update("usr_1", null, 501L);
    assertThat(state.users().get("usr_1").status()).isEqualTo(UserStatus.ACTIVE);
    update("usr_1", null, 100L);
    update("usr_1", null, 0L);
    assertThat(state.users().get("usr_1").status()).as("unlimited").isEqualTo(UserStatus.ACTIVE);
  }

  @Test
  void updateUser_activeRequestedWhileOverLimit_staysLimited() {
    run(bootstrap());
    run(new Command.CreateUser(user("usr_1", "alice", 100)));
    use("usr_1", 100);
    update("usr_1", UserStatus.ACTIVE, null);
    assertThat(state.users().get("usr_1").status()).isEqualTo(UserStatus.LIMITED);
  }

  @Test
  void resetUsage_reactivatesLimitedUser_butNotDisabled() {
    run(bootstrap());
    run(new Command.CreateUser(user("usr_1", "alice", 100)));
    run(new Command.CreateUser(user("usr_2", "bob", 100)));
    use("usr_1", 150);
    use("usr_2", 150);
    update("usr_2", UserStatus.DISABLED, null);
    run(new Command.ResetUsage("usr_1"));
    run(new Command.ResetUsage("usr_2"));
    assertThat(state.users().get("usr_1").status()).isEqualTo(UserStatus.ACTIVE);
    assertThat(state.users().get("usr_1").usedBytes()).isZero();
    assertThat(state.users().get("usr_1").lifetimeUsedBytes()).isEqualTo(150);
    assertThat(state.users().get("usr_2").status()).isEqualTo(UserStatus.DISABLED);
  }

  @Test
  void disabledUser_raisingLimitOrExtendingExpiry_staysDisabled() {
    run(bootstrap());
    run(new Command.CreateUser(user("usr_1", "alice", 100)));
    use("usr_1", 150);
    update("usr_1", UserStatus.DISABLED, null);
    update("usr_1", null, 1000L);
    run(Command.UpdateUser.of("usr_1").expireAt(T0.plusSeconds(999_999)).build());
    assertThat(state.users().get("usr_1").status()).isEqualTo(UserStatus.DISABLED);
    update("usr_1", UserStatus.ACTIVE, null);
    assertThat(state.users().get("usr_1").status()).isEqualTo(UserStatus.ACTIVE);
  }

  @Test
  void expiredUser_extendedButOverLimit_isLimited_thenActiveWhenLimitRaised() {
    run(bootstrap());
    run(new Command.CreateUser(user("usr_1", "alice", 100)));
    Instant now = T0.plusSeconds(100);
    run(Command.UpdateUser.of("usr_1").expireAt(T0).build(), now);
    use("usr_1", 150);
    assertThat(state.users().get("usr_1").status()).isEqualTo(UserStatus.EXPIRED);
    run(Command.UpdateUser.of("usr_1").expireAt(now.plusSeconds(60)).build(), now);
    assertThat(state.users().get("usr_1").status()).isEqualTo(UserStatus.LIMITED);
    run(Command.UpdateUser.of("usr_1").dataLimitBytes(1000L).build(), now);
    assertThat(state.users().get("usr_1").status()).isEqualTo(UserStatus.ACTIVE);
  }

  @Test
  void updateUser_onHoldExpireSeconds_setAndKeptWhenAbsent() {
    run(bootstrap());
    run(new Command.CreateUser(user("usr_1", "alice", 0)));
    run(
        Command.UpdateUser.of("usr_1")
            .status(UserStatus.ON_HOLD)
            .onHoldExpireSeconds(3600L)
            .build());
    assertThat(state.users().get("usr_1").onHoldExpireSeconds()).isEqualTo(3600);
    assertThat(state.users().get("usr_1").status()).isEqualTo(UserStatus.ON_HOLD);
    update("usr_1", null, 5L);
    assertThat(state.users().get("usr_1").onHoldExpireSeconds()).isEqualTo(3600);
    run(Command.UpdateUser.of("usr_1").onHoldExpireSeconds(0L).build());
    assertThat(state.users().get("usr_1").onHoldExpireSeconds()).isZero();
  }

  @Test
  void revokeLastOwnerToken_isConflict() {
    run(bootstrap());
    Result r = run(new Command.RevokeAdminToken("tok_owner"));
    assertThat(r.error()).isEqualTo(ErrorKind.CONFLICT);
    assertThat(state.adminTokens().get("tok_owner").revoked()).isFalse();
  }

  @Test
  void rotateSubscription_replacesTokenIndex() {
    run(bootstrap());
    run(new Command.CreateUser(user("usr_1", "alice", 0)));
    run(new Command.RotateSubscription("usr_1", "new-token"));
    assertThat(state.userIdBySubscriptionToken()).containsOnlyKeys("new-token");
    assertThat(state.users().get("usr_1").subscriptionToken()).isEqualTo("new-token");
  }

  @Test
  void replay_ofSameLog_givesEqualStateAndSnapshotRoundTrips() throws Exception {
    List<Command> log = new ArrayList<>();
    log.add(bootstrap());
    for (int i = 0; i < 50; i++) {
      log.add(new Command.CreateUser(user("usr_" + i, "user" + i, i * 1000L)));
      log.add(new Command.CreateEndpoint(endpoint("ep_" + i, 1000 + i)));
      log.add(new Command.CreateGrant(grant("grt_" + i, "usr_" + i, "ep_" + i)));
    }
    log.add(new Command.DeleteUser("usr_3"));
    log.add(new Command.CreateUser(user("usr_dup", "user4", 0))); // rejected
    State a = replay(log);
    State b = replay(log);
    byte[] snapA = SnapshotCodec.encode(a);
    assertThat(snapA).isEqualTo(SnapshotCodec.encode(b));
    State restored = SnapshotCodec.decode(snapA, 10_000);
    assertThat(SnapshotCodec.encode(restored)).isEqualTo(snapA);
    assertThat(restored.users()).hasSize(49);
    assertThat(restored.userIdByName()).isEqualTo(a.userIdByName());
  }

  private static State replay(List<Command> log) throws Exception {
    State s = State.empty();
    long i = 0;
    for (Command c : log) {
      // Through the log encoding, as Raft would carry it.
      CommandEnvelope env = CommandCodec.decode(CommandCodec.encode(env(c, T0.plusSeconds(i))));
      s = Store.apply(s, env, ++i).state();
    }
    return s;
  }
}
