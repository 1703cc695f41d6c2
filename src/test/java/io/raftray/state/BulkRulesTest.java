package io.raftray.state;

import static io.raftray.state.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.raftray.model.AuditEvent;
import io.raftray.model.BulkAction;
import io.raftray.model.ErrorKind;
import io.raftray.model.Group;
import io.raftray.model.User;
import io.raftray.model.UserStatus;
import io.raftray.state.Command.BulkUsers;
import io.raftray.state.Command.CreateUsers;
import io.raftray.state.Command.UsageDelta;
import io.raftray.state.Command.UsageReport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class BulkRulesTest {
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

  private static List<User> users(int from, int n) {
    List<User> out = new ArrayList<>();
    for (int i = from; i < from + n; i++) {
      out.add(user(String.format("usr_%05d", i), "u" + i, 0));
    }
    return out;
  }

  private AuditEvent lastAudit() {
    List<AuditEvent> all = state.audit().all();
    return all.get(all.size() - 1);
  }

  @BeforeEach
  void boot() {
    run(bootstrap());
  }

  @Test
  void createBatch_thousandUsers_oneEntryOneAuditEvent() {
    int auditBefore = state.audit().size();
    Result r = run(new CreateUsers(users(0, 1000)));
    assertThat(r.ok()).isTrue();
    assertThat(state.users()).hasSize(1000);
    assertThat(state.userIdByName()).hasSize(1000).containsEntry("u999", "usr_00999");
    assertThat(state.userIdBySubscriptionToken()).containsEntry("sub-usr_00007", "usr_00007");
    assertThat(state.users().get("usr_00001").createdAt()).isEqualTo(T0.plusSeconds(1));
    assertThat(state.audit().size()).isEqualTo(auditBefore + 1);
    assertThat(lastAudit().action()).isEqualTo("users.create_batch");
    assertThat(lastAudit().summary()).isEqualTo("created 1000 users");
  }

  @Test
  void createBatch_oneTakenName_rejectsAllNamingTheItem() {
    run(new Command.CreateUser(user("usr_x", "u5", 0)));
    State before = state;
    Result r = run(new CreateUsers(users(0, 10)));
    assertThat(r.error()).isEqualTo(ErrorKind.CONFLICT);
    assertThat(r.field()).isEqualTo("users[5].name");
    assertThat(r.message()).contains("u5");
    assertThat(state.users()).isEqualTo(before.users());
    assertThat(state.userIdByName()).isEqualTo(before.userIdByName());
    assertThat(state.audit().size()).isEqualTo(before.audit().size());
  }

  @Test
  void createBatch_nameTwiceInBatch_rejectsAll() {
    List<User> batch = new ArrayList<>(users(0, 3));
    batch.add(user("usr_dup", "u1", 0));
    Result r = run(new CreateUsers(batch));
    assertThat(r.error()).isEqualTo(ErrorKind.CONFLICT);
    assertThat(r.field()).isEqualTo("users[3].name");
    assertThat(state.users()).isEmpty();
  }

  @Test
  void createBatch_emptyOrOverLimit_isInvalid() {
    assertThat(run(new CreateUsers(List.of())).error()).isEqualTo(ErrorKind.INVALID);
    Result r = run(new CreateUsers(users(0, CreateUsers.MAX_BATCH + 1)));
    assertThat(r.error()).isEqualTo(ErrorKind.INVALID);
    assertThat(r.field()).isEqualTo("users");
    assertThat(state.users()).isEmpty();
  }

  @Test
  void createBatch_throughTheLogCodec_roundTrips() throws Exception {
    CommandEnvelope env = env(new CreateUsers(users(0, 3)), T0);
    assertThat(CommandCodec.decode(CommandCodec.encode(env))).isEqualTo(env);
    CommandEnvelope bulk =
        env(new BulkUsers(BulkAction.EXTEND, List.of("usr_00001"), 60L, List.of()), T0);
    assertThat(CommandCodec.decode(CommandCodec.encode(bulk))).isEqualTo(bulk);
  }

  private Result bulk(BulkAction a, Long amount, String... ids) {
    return run(new BulkUsers(a, List.of(ids), amount, List.of()));
  }

  @Test
  void bulk_extend_addsFromExpiryOrFromNowWhenPast_neverExpiringStays() {
    Instant now = T0.plusSeconds(100);
    List<User> batch =
        List.of(
            user("usr_1", "a", 0).toBuilder().expireAt(T0.plusSeconds(1000)).build(),
            user("usr_2", "b", 0).toBuilder().expireAt(T0.plusSeconds(10)).build(),
            user("usr_3", "c", 0));
    run(new CreateUsers(batch));
    assertThat(state.users().get("usr_2").status()).isEqualTo(UserStatus.ACTIVE);
    run(new Command.UsersTick(), T0.plusSeconds(50));
    assertThat(state.users().get("usr_2").status()).isEqualTo(UserStatus.EXPIRED);
    Result r =
        run(new BulkUsers(BulkAction.EXTEND, List.of("usr_1", "usr_2", "usr_3"), 3600L, null), now);
    assertThat(r.ok()).isTrue();
    assertThat(state.users().get("usr_1").expireAt()).isEqualTo(T0.plusSeconds(4600));
    assertThat(state.users().get("usr_2").expireAt()).isEqualTo(now.plusSeconds(3600));
    assertThat(state.users().get("usr_2").status()).isEqualTo(UserStatus.ACTIVE);
    assertThat(state.users().get("usr_3").expireAt()).isNull();
  }

  @Test
  void bulk_addDataAndSetLimit_changeLimitsAndDeriveStatus() {
    run(new CreateUsers(List.of(user("usr_1", "a", 100), user("usr_2", "b", 0))));
    run(new UsageReport("node_a", 1, List.of(new UsageDelta("usr_1", 100, 50))));
    assertThat(state.users().get("usr_1").status()).isEqualTo(UserStatus.LIMITED);
    assertThat(bulk(BulkAction.ADD_DATA, 1000L, "usr_1", "usr_2").ok()).isTrue();
    assertThat(state.users().get("usr_1").dataLimitBytes()).isEqualTo(1100);
    assertThat(state.users().get("usr_1").status()).isEqualTo(UserStatus.ACTIVE);
    assertThat(state.users().get("usr_2").dataLimitBytes()).isZero();
    assertThat(bulk(BulkAction.SET_LIMIT, 10L, "usr_1", "usr_2").ok()).isTrue();
    assertThat(state.users().get("usr_1").status()).isEqualTo(UserStatus.LIMITED);
    assertThat(state.users().get("usr_2").dataLimitBytes()).isEqualTo(10);
  }

  @Test
  void bulk_resetUsage_zeroesUsersAndTheirNodePeriods() {
    run(new CreateUsers(List.of(user("usr_1", "a", 100), user("usr_2", "b", 0))));
    run(
        new UsageReport(
            "node_a", 1, List.of(new UsageDelta("usr_1", 100, 50), new UsageDelta("usr_2", 7, 3))));
    assertThat(bulk(BulkAction.RESET_USAGE, null, "usr_1").ok()).isTrue();
    assertThat(state.users().get("usr_1").usedBytes()).isZero();
    assertThat(state.users().get("usr_1").lifetimeUsedBytes()).isEqualTo(150);
    assertThat(state.users().get("usr_1").status()).isEqualTo(UserStatus.ACTIVE);
    assertThat(state.nodeUsage("usr_1").get("node_a").uplinkBytes()).isZero();
    assertThat(state.users().get("usr_2").usedBytes()).isEqualTo(10);
    assertThat(state.nodeUsage("usr_2").get("node_a").uplinkBytes()).isEqualTo(7);
  }

  @Test
  void bulk_disableThenEnable_onlyTouchesWhatApplies() {
    run(
        new CreateUsers(
            List.of(
                user("usr_1", "a", 0),
                user("usr_2", "b", 0).toBuilder().status(UserStatus.ON_HOLD).build())));
    assertThat(bulk(BulkAction.DISABLE, null, "usr_1", "usr_2").ok()).isTrue();
    assertThat(state.users().values()).allMatch(u -> u.status() == UserStatus.DISABLED);
    assertThat(bulk(BulkAction.ENABLE, null, "usr_1", "usr_2").ok()).isTrue();
    assertThat(state.users().values()).allMatch(u -> u.status() == UserStatus.ACTIVE);
  }

  @Test
  void bulk_rotate_replacesTokensAndIndex() {
    run(new CreateUsers(users(0, 2)));
    Result r =
        run(
            new BulkUsers(
                BulkAction.ROTATE_SUBSCRIPTION,
                List.of("usr_00000", "usr_00001"),
                null,
                List.of("new-0", "new-1")));
    assertThat(r.ok()).isTrue();
    assertThat(state.users().get("usr_00001").subscriptionToken()).isEqualTo("new-1");
    assertThat(state.userIdBySubscriptionToken())
        .containsOnlyKeys("new-0", "new-1")
        .containsEntry("new-0", "usr_00000");
  }

  @Test
  void bulk_rotateWithTakenToken_rejectsAll() {
    run(new CreateUsers(users(0, 2)));
    State before = state;
    Result r =
        run(
            new BulkUsers(
                BulkAction.ROTATE_SUBSCRIPTION,
                List.of("usr_00000", "usr_00001"),
                null,
                List.of("new-0", "new-0")));
    assertThat(r.error()).isEqualTo(ErrorKind.CONFLICT);
    assertThat(state.users()).isEqualTo(before.users());
    assertThat(state.userIdBySubscriptionToken()).isEqualTo(before.userIdBySubscriptionToken());
  }

  @Test
  void bulk_delete_removesUsersGrantsUsageAndSkipsVanishedIds() {
    run(new CreateUsers(users(0, 3)));
    run(new Command.CreateEndpoint(endpoint("ep_1", 443)));
    run(new Command.CreateGrant(grant("grt_0", "usr_00000", "ep_1")));
    run(new Command.CreateGrant(grant("grt_2", "usr_00002", "ep_1")));
    run(new UsageReport("node_a", 1, List.of(new UsageDelta("usr_00000", 1, 1))));
    int auditBefore = state.audit().size();
    assertThat(bulk(BulkAction.DELETE, null, "usr_00000", "usr_00001", "usr_gone").ok()).isTrue();
    assertThat(state.users()).containsOnlyKeys("usr_00002");
    assertThat(state.userIdByName()).containsOnlyKeys("u2");
    assertThat(state.userIdBySubscriptionToken()).containsOnlyKeys("sub-usr_00002");
    assertThat(state.grants()).containsOnlyKeys("grt_2");
    assertThat(state.nodeUsage()).doesNotContainKey("usr_00000");
    assertThat(state.audit().size()).isEqualTo(auditBefore + 1);
    assertThat(lastAudit().action()).isEqualTo("users.bulk");
    assertThat(lastAudit().summary()).isEqualTo("bulk delete on 3 users");
  }

  @Test
  void bulk_addAndRemoveGroups_keepMembershipIndex() {
    run(new Command.CreateGroup(new Group("grp_eu", "eu", "", List.of(), null, null, null)));
    run(new Command.CreateGroup(new Group("grp_us", "us", "", List.of(), null, null, null)));
    run(new CreateUsers(users(0, 3)));
    Result r =
        run(
            new BulkUsers(
                BulkAction.ADD_GROUPS,
                List.of("usr_00000", "usr_00001"),
                null,
                null,
                List.of("grp_eu", "grp_us")));
    assertThat(r.ok()).as(r.message()).isTrue();
    assertThat(state.users().get("usr_00000").groupIds()).containsExactly("grp_eu", "grp_us");
    assertThat(state.groupMembers().get("grp_eu")).containsExactly("usr_00000", "usr_00001");
    run(
        new BulkUsers(
            BulkAction.REMOVE_GROUPS, List.of("usr_00000"), null, null, List.of("grp_eu")));
    assertThat(state.users().get("usr_00000").groupIds()).containsExactly("grp_us");
    assertThat(state.groupMembers().get("grp_eu")).containsExactly("usr_00001");
    assertThat(lastAudit().summary()).isEqualTo("bulk remove_groups grp_eu on 1 user");
    run(new BulkUsers(BulkAction.DELETE, List.of("usr_00001"), null, null));
    assertThat(state.groupMembers()).doesNotContainKey("grp_eu");
    assertThat(state.groupMembers().get("grp_us")).containsExactly("usr_00000");
  }

  @Test
  void bulk_groupsUnknownOrMissing_areRejected() {
    run(new CreateUsers(users(0, 1)));
    State before = state;
    assertThat(
            run(new BulkUsers(
                    BulkAction.ADD_GROUPS, List.of("usr_00000"), null, null, List.of("grp_x")))
                .field())
        .isEqualTo("group_ids");
    assertThat(run(new BulkUsers(BulkAction.ADD_GROUPS, List.of("usr_00000"), null, null)).field())
        .isEqualTo("group_ids");
    assertThat(state.users()).isEqualTo(before.users());
  }

  @Test
  void createBatch_withGroups_indexesMembers_unknownGroupRejects() {
    run(new Command.CreateGroup(new Group("grp_eu", "eu", "", List.of(), null, null, null)));
    User a = user("usr_a", "a", 0).toBuilder().groupIds(List.of("grp_eu")).build();
    User b = user("usr_b", "b", 0).toBuilder().groupIds(List.of("grp_nope")).build();
    Result bad = run(new CreateUsers(List.of(a, b)));
    assertThat(bad.field()).isEqualTo("users[1].group_ids");
    assertThat(state.users()).isEmpty();
    assertThat(run(new CreateUsers(List.of(a))).ok()).isTrue();
    assertThat(state.groupMembers().get("grp_eu")).containsExactly("usr_a");
  }

  @Test
  void bulk_badArguments_areRejectedAndChangeNothing() {
    run(new CreateUsers(users(0, 2)));
    State before = state;
    assertThat(bulk(BulkAction.EXTEND, null, "usr_00000").field()).isEqualTo("amount");
    assertThat(bulk(BulkAction.EXTEND, BulkRules.MAX_EXTEND_SECONDS + 1, "usr_00000").field())
        .isEqualTo("amount");
    assertThat(bulk(BulkAction.DISABLE, 5L, "usr_00000").field()).isEqualTo("amount");
    assertThat(bulk(BulkAction.DISABLE, null, "usr_00000", "usr_00000").field()).isEqualTo("ids");
    assertThat(
            run(new BulkUsers(BulkAction.ROTATE_SUBSCRIPTION, List.of("usr_00000"), null, null))
                .field())
        .isEqualTo("new_tokens");
    assertThat(state.users()).isEqualTo(before.users());
    assertThat(state.audit().size()).isEqualTo(before.audit().size());
  }

  @Test
  void bulk_tenThousandUsers_isFastEnoughForTheStateMachine() {
    for (int i = 0; i < 10; i++) {
      assertThat(run(new CreateUsers(users(i * 1000, 1000))).ok()).isTrue();
    }
    List<String> ids = new ArrayList<>(state.users().keySet());
    long start = System.nanoTime();
    assertThat(run(new BulkUsers(BulkAction.DISABLE, ids, null, null)).ok()).isTrue();
    assertThat(run(new BulkUsers(BulkAction.DELETE, ids, null, null)).ok()).isTrue();
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertThat(state.users()).isEmpty();
    assertThat(ms).as("two bulk applies over 10,000 users, ms").isLessThan(5_000);
  }
}
