package io.raftray.state;

import static io.raftray.state.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.raftray.model.ErrorKind;
import io.raftray.model.NodeUsage;
import io.raftray.model.ResetStrategy;
import io.raftray.model.User;
import io.raftray.model.UserStatus;
import io.raftray.state.Command.UsageDelta;
import io.raftray.state.Command.UsageReport;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code usage.report} and {@code users.tick} through {@link Store#apply}: pure command replay. */
@Timeout(10)
class UsageRulesTest {
  private State state = State.empty();
  private long index;
  private Instant clock = T0;

  private Result run(Command c) {
    return run(c, clock);
  }

  private Result run(Command c, Instant at) {
    Store.Applied a = Store.apply(state, env(c, at), ++index);
    state = a.state();
    return a.result();
  }

  private void setUp(User... users) {
    run(bootstrap());
    run(new Command.AddNode(node("node_b")));
    for (User u : users) {
      assertThat(run(new Command.CreateUser(u)).ok()).isTrue();
    }
  }

  private User u(String id) {
    return state.users().get(id);
  }

  private static UsageReport report(String node, long seq, UsageDelta... deltas) {
    return new UsageReport(node, seq, List.of(deltas));
  }

  private static UsageDelta d(String user, long up, long down) {
    return new UsageDelta(user, up, down);
  }

  private static User user(String id, long limit, UserStatus status, long onHoldSeconds) {
    return Fixtures.user(id, id, limit).toBuilder()
        .status(status)
        .onHoldExpireSeconds(onHoldSeconds)
        .build();
  }

  private static User withReset(String id, long limit, ResetStrategy strategy) {
    return Fixtures.user(id, id, limit).toBuilder().resetStrategy(strategy).build();
  }

  @Test
  void report_addsPeriodLifetimeAndPerNodeUsage_withoutAuditEvent() {
    setUp(Fixtures.user("usr_1", "alice", 0));
    int audit = state.audit().size();
    assertThat(run(report("node_a", 1, d("usr_1", 100, 1000))).ok()).isTrue();
    assertThat(run(report("node_b", 1, d("usr_1", 5, 50), d("usr_1", 1, 1))).ok()).isTrue();
    assertThat(run(report("node_a", 2, d("usr_1", 10, 0))).ok()).isTrue();

    User u = u("usr_1");
    assertThat(u.uplinkBytes()).isEqualTo(116);
    assertThat(u.downlinkBytes()).isEqualTo(1051);
    assertThat(u.lifetimeUsedBytes()).isEqualTo(1167);
    assertThat(state.nodeUsage("usr_1"))
        .containsEntry("node_a", new NodeUsage(110, 1000, 1110))
        .containsEntry("node_b", new NodeUsage(6, 51, 57));
    assertThat(state.usageSeq("node_a")).isEqualTo(2);
    assertThat(state.usageSeq("node_b")).isEqualTo(1);
    assertThat(state.audit().size()).as("usage reports write no audit events").isEqualTo(audit);
    assertThat(state.appliedIndex()).isEqualTo(index);
  }

  @Test
  void report_duplicateSeq_isNoOpSuccess() {
    setUp(Fixtures.user("usr_1", "alice", 0));
    run(report("node_a", 1, d("usr_1", 100, 100)));
    State before = state;
    Result again = run(report("node_a", 1, d("usr_1", 100, 100)));
    assertThat(again.ok()).isTrue();
    assertThat(u("usr_1").usedBytes()).isEqualTo(200);
    assertThat(state.users()).isEqualTo(before.users());
    assertThat(state.nodeUsage()).isEqualTo(before.nodeUsage());
    assertThat(state.appliedIndex()).isEqualTo(before.appliedIndex() + 1);
  }

  @Test
  void report_olderSeqAfterNewer_isDropped_otherNodesIndependent() {
    setUp(Fixtures.user("usr_1", "alice", 0));
    run(report("node_a", 5, d("usr_1", 10, 0)));
    assertThat(run(report("node_a", 4, d("usr_1", 1000, 0))).ok()).isTrue();
    assertThat(run(report("node_b", 1, d("usr_1", 1, 0))).ok()).isTrue();
    assertThat(u("usr_1").uplinkBytes()).isEqualTo(11);
    assertThat(state.usageSeq("node_a")).isEqualTo(5);
  }

  @Test
  void report_unknownUser_isSkipped_knownOnesCounted_seqAdvances() {
    setUp(Fixtures.user("usr_1", "alice", 0));
    Result r = run(report("node_a", 1, d("usr_gone", 7, 7), d("usr_1", 3, 4)));
    assertThat(r.ok()).isTrue();
    assertThat(state.users()).containsOnlyKeys("usr_1");
    assertThat(state.nodeUsage()).containsOnlyKeys("usr_1");
    assertThat(u("usr_1").usedBytes()).isEqualTo(7);
    assertThat(state.usageSeq("node_a")).isEqualTo(1);
  }

  @Test
  void report_unknownNodeOrNegativeBytes_isRejectedAndChangesNothing() {
    setUp(Fixtures.user("usr_1", "alice", 0));
    State before = state;
    Result r = run(report("node_x", 1, d("usr_1", 1, 1)));
    assertThat(r.error()).isEqualTo(ErrorKind.INVALID);
    assertThat(r.field()).isEqualTo("node_id");
    Result neg = run(report("node_a", 1, d("usr_1", -1, 1)));
    assertThat(neg.error()).isEqualTo(ErrorKind.INVALID);
    Result zeroSeq = run(report("node_a", 0, d("usr_1", 1, 1)));
    assertThat(zeroSeq.error()).isEqualTo(ErrorKind.INVALID);
    assertThat(state.users()).isEqualTo(before.users());
    assertThat(state.usageSeqs()).isEmpty();
  }

  @Test
  void report_reachingLimitExactly_makesUserLimited_belowStaysActive() {
    setUp(Fixtures.user("usr_1", "alice", 1000), Fixtures.user("usr_2", "bob", 1000));
    run(report("node_a", 1, d("usr_1", 400, 599), d("usr_2", 400, 600)));
    assertThat(u("usr_1").status()).isEqualTo(UserStatus.ACTIVE);
    assertThat(u("usr_2").status()).isEqualTo(UserStatus.LIMITED);
    assertThat(u("usr_2").updatedAt()).isEqualTo(clock);
    run(report("node_b", 1, d("usr_1", 1, 0)));
    assertThat(u("usr_1").status()).isEqualTo(UserStatus.LIMITED);
  }

  @Test
  void report_unlimitedUser_neverLimited() {
    setUp(Fixtures.user("usr_1", "alice", 0));
    run(report("node_a", 1, d("usr_1", Long.MAX_VALUE, Long.MAX_VALUE)));
    assertThat(u("usr_1").status()).isEqualTo(UserStatus.ACTIVE);
    assertThat(u("usr_1").lifetimeUsedBytes()).as("saturates").isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void report_disabledUser_countsButStaysDisabled() {
    setUp(user("usr_1", 10, UserStatus.DISABLED, 0));
    run(report("node_a", 1, d("usr_1", 100, 0)));
    assertThat(u("usr_1").status()).isEqualTo(UserStatus.DISABLED);
    assertThat(u("usr_1").usedBytes()).isEqualTo(100);
  }

  @Test
  void report_onHoldWithExpireDuration_activatesAndExpiresThatLongAfterFirstTraffic() {
    setUp(user("usr_1", 0, UserStatus.ON_HOLD, 86_400));
    assertThat(u("usr_1").status()).isEqualTo(UserStatus.ON_HOLD);
    Instant first = T0.plusSeconds(3600);
    run(report("node_a", 1, d("usr_1", 0, 0)), first.minusSeconds(1));
    assertThat(u("usr_1").status()).as("no traffic, still on hold").isEqualTo(UserStatus.ON_HOLD);
    run(report("node_a", 2, d("usr_1", 10, 20)), first);
    User u = u("usr_1");
    assertThat(u.status()).isEqualTo(UserStatus.ACTIVE);
    assertThat(u.expireAt()).isEqualTo(first.plusSeconds(86_400));
    assertThat(u.periodStartedAt()).isEqualTo(first);
    assertThat(u.usedBytes()).isEqualTo(30);
  }

  @Test
  void report_onHoldWithoutExpireDuration_activatesWithoutExpiry() {
    setUp(user("usr_1", 0, UserStatus.ON_HOLD, 0));
    run(report("node_a", 1, d("usr_1", 1, 0)));
    assertThat(u("usr_1").status()).isEqualTo(UserStatus.ACTIVE);
    assertThat(u("usr_1").expireAt()).isNull();
  }

  @Test
  void report_onHoldFirstTrafficOverLimit_isLimitedAtOnce() {
    setUp(user("usr_1", 10, UserStatus.ON_HOLD, 60));
    run(report("node_a", 1, d("usr_1", 11, 0)));
    assertThat(u("usr_1").status()).isEqualTo(UserStatus.LIMITED);
    assertThat(u("usr_1").expireAt()).isEqualTo(clock.plusSeconds(60));
  }

  @Test
  void tick_expiresUsersAtExpireAt_oneAuditEventWithCounts() {
    setUp(Fixtures.user("usr_1", "alice", 0), Fixtures.user("usr_2", "bob", 0));
    Instant at = T0.plusSeconds(600);
    run(Command.UpdateUser.of("usr_1").expireAt(at).build());
    run(Command.UpdateUser.of("usr_2").expireAt(at.plusSeconds(1)).build());
    assertThat(Store.due(state, at.minusMillis(1))).isFalse();
    assertThat(Store.due(state, at)).isTrue();
    int audit = state.audit().size();
    assertThat(run(new Command.UsersTick(), at).ok()).isTrue();
    assertThat(u("usr_1").status()).isEqualTo(UserStatus.EXPIRED);
    assertThat(u("usr_1").updatedAt()).isEqualTo(at);
    assertThat(u("usr_2").status()).isEqualTo(UserStatus.ACTIVE);
    assertThat(state.audit().size()).isEqualTo(audit + 1);
    var event = state.audit().all().get(audit);
    assertThat(event.action()).isEqualTo("users.tick");
    assertThat(event.summary()).isEqualTo("expired 1 user");
    assertThat(Store.due(state, at)).isFalse();
  }

  @Test
  void tick_withNothingDue_changesNothingAndIsNotAudited() {
    setUp(Fixtures.user("usr_1", "alice", 0));
    State before = state;
    assertThat(run(new Command.UsersTick()).ok()).isTrue();
    assertThat(state.users()).isEqualTo(before.users());
    assertThat(state.audit().size()).isEqualTo(before.audit().size());
  }

  @Test
  void tick_limitedUserExpiring_becomesExpired_disabledAndOnHoldUntouched() {
    setUp(
        Fixtures.user("usr_1", "alice", 10),
        user("usr_2", 0, UserStatus.DISABLED, 0),
        user("usr_3", 0, UserStatus.ON_HOLD, 0));
    run(report("node_a", 1, d("usr_1", 10, 0)));
    assertThat(u("usr_1").status()).isEqualTo(UserStatus.LIMITED);
    Instant at = T0.plusSeconds(100);
    for (String id : List.of("usr_1", "usr_2", "usr_3")) {
      run(Command.UpdateUser.of(id).expireAt(at).build());
    }
    run(new Command.UsersTick(), at);
    assertThat(u("usr_1").status()).isEqualTo(UserStatus.EXPIRED);
    assertThat(u("usr_2").status()).isEqualTo(UserStatus.DISABLED);
    assertThat(u("usr_3").status()).isEqualTo(UserStatus.ON_HOLD);
    assertThat(Store.due(state, at.plusSeconds(3600))).isFalse();
  }

  @Test
  void tick_dailyReset_zeroesPeriodUsageAndNodePeriods_keepsLifetime_reactivatesLimited() {
    setUp(withReset("usr_1", 100, ResetStrategy.DAY));
    Instant created = u("usr_1").periodStartedAt();
    run(report("node_a", 1, d("usr_1", 60, 40)));
    run(report("node_b", 1, d("usr_1", 1, 0)));
    assertThat(u("usr_1").status()).isEqualTo(UserStatus.LIMITED);
    Instant end = created.plusSeconds(86_400);
    assertThat(Store.due(state, end.minusMillis(1))).isFalse();
    assertThat(Store.due(state, end)).isTrue();
    // The tick runs a bit late: the new period still starts at the boundary.
    run(new Command.UsersTick(), end.plusSeconds(3));
    User u = u("usr_1");
    assertThat(u.usedBytes()).isZero();
    assertThat(u.lifetimeUsedBytes()).isEqualTo(101);
    assertThat(u.periodStartedAt()).isEqualTo(end);
    assertThat(u.status()).isEqualTo(UserStatus.ACTIVE);
    assertThat(state.nodeUsage("usr_1"))
        .containsEntry("node_a", new NodeUsage(0, 0, 100))
        .containsEntry("node_b", new NodeUsage(0, 0, 1));
    assertThat(state.audit().all().getLast().summary())
        .isEqualTo("reset period usage of 1 user, reactivated 1 user");
    assertThat(Store.due(state, end.plusSeconds(3))).isFalse();
  }

  @Test
  void tick_afterSeveralMissedPeriods_resetsOnceIntoTheCurrentPeriod() {
    setUp(withReset("usr_1", 0, ResetStrategy.WEEK));
    Instant start = u("usr_1").periodStartedAt();
    Instant late = start.plusSeconds(3 * 7 * 86_400L + 5000);
    run(new Command.UsersTick(), late);
    assertThat(u("usr_1").periodStartedAt()).isEqualTo(start.plusSeconds(3 * 7 * 86_400L));
  }

  @Test
  void periods_weekMonthYear_followUtcCalendar() {
    Instant jan31 = Instant.parse("2026-01-31T10:00:00Z");
    assertThat(UsageRules.periodEnd(ResetStrategy.WEEK, jan31))
        .isEqualTo(Instant.parse("2026-02-07T10:00:00Z"));
    assertThat(UsageRules.periodEnd(ResetStrategy.MONTH, jan31))
        .isEqualTo(Instant.parse("2026-02-28T10:00:00Z"));
    assertThat(UsageRules.periodEnd(ResetStrategy.MONTH, Instant.parse("2028-01-31T10:00:00Z")))
        .as("leap year")
        .isEqualTo(Instant.parse("2028-02-29T10:00:00Z"));
    assertThat(UsageRules.periodEnd(ResetStrategy.YEAR, Instant.parse("2028-02-29T00:00:00Z")))
        .isEqualTo(Instant.parse("2029-02-28T00:00:00Z"));
    assertThat(UsageRules.periodEnd(ResetStrategy.NO_RESET, jan31)).isNull();
  }

  @Test
  void tick_monthlyFromJan31_resetsOnFeb28_thenMonthlyFromThere() {
    Instant jan31 = Instant.parse("2026-01-31T10:00:00Z");
    run(bootstrap());
    run(new Command.CreateUser(withReset("usr_1", 0, ResetStrategy.MONTH)), jan31);
    run(report("node_a", 1, d("usr_1", 5, 5)), jan31.plusSeconds(60));
    Instant feb28 = Instant.parse("2026-02-28T10:00:00Z");
    assertThat(Store.due(state, feb28.minusSeconds(1))).isFalse();
    assertThat(Store.due(state, feb28)).isTrue();
    run(new Command.UsersTick(), feb28.plusSeconds(1));
    assertThat(u("usr_1").usedBytes()).isZero();
    assertThat(u("usr_1").periodStartedAt()).isEqualTo(feb28);
    assertThat(Store.due(state, Instant.parse("2026-03-28T09:59:59Z"))).isFalse();
    assertThat(Store.due(state, Instant.parse("2026-03-28T10:00:00Z"))).isTrue();
  }

  @Test
  void tick_yearlyReset() {
    Instant start = Instant.parse("2026-03-01T00:00:00Z");
    run(bootstrap());
    run(new Command.CreateUser(withReset("usr_1", 0, ResetStrategy.YEAR)), start);
    run(report("node_a", 1, d("usr_1", 5, 5)), start.plusSeconds(60));
    Instant next = Instant.parse("2027-03-01T00:00:00Z");
    assertThat(Store.due(state, next.minusSeconds(1))).isFalse();
    run(new Command.UsersTick(), next);
    assertThat(u("usr_1").usedBytes()).isZero();
    assertThat(u("usr_1").lifetimeUsedBytes()).isEqualTo(10);
  }

  @Test
  void tick_resetOfDisabledOrExpiredUser_keepsStatus_onHoldHasNoPeriodYet() {
    setUp(withReset("usr_1", 10, ResetStrategy.DAY), withReset("usr_2", 10, ResetStrategy.DAY));
    User hold = withReset("usr_3", 0, ResetStrategy.DAY);
    run(new Command.CreateUser(hold.toBuilder().status(UserStatus.ON_HOLD).build()));
    run(report("node_a", 1, d("usr_1", 20, 0), d("usr_2", 20, 0)));
    run(Command.UpdateUser.of("usr_1").status(UserStatus.DISABLED).build());
    Instant exp = T0.plusSeconds(3600);
    run(Command.UpdateUser.of("usr_2").expireAt(exp).build());
    run(new Command.UsersTick(), exp);
    assertThat(u("usr_2").status()).isEqualTo(UserStatus.EXPIRED);
    Instant day = T0.plusSeconds(86_400 + 10);
    run(new Command.UsersTick(), day);
    assertThat(u("usr_1").usedBytes()).isZero();
    assertThat(u("usr_1").status()).isEqualTo(UserStatus.DISABLED);
    assertThat(u("usr_2").usedBytes()).isZero();
    assertThat(u("usr_2").status()).isEqualTo(UserStatus.EXPIRED);
    assertThat(u("usr_3").status()).isEqualTo(UserStatus.ON_HOLD);
    assertThat(u("usr_3").periodStartedAt()).as("on_hold: no reset").isEqualTo(T0);
  }

  @Test
  void deleteUser_dropsItsNodeUsage() {
    setUp(Fixtures.user("usr_1", "alice", 0));
    run(report("node_a", 1, d("usr_1", 1, 1)));
    run(new Command.DeleteUser("usr_1"));
    assertThat(state.nodeUsage()).isEmpty();
    assertThat(state.usageSeq("node_a")).isEqualTo(1);
  }

  @Test
  void resetUsage_zeroesNodePeriods() {
    setUp(Fixtures.user("usr_1", "alice", 0));
    run(report("node_a", 1, d("usr_1", 1, 2)));
    run(new Command.ResetUsage("usr_1"));
    assertThat(state.nodeUsage("usr_1")).containsEntry("node_a", new NodeUsage(0, 0, 3));
  }

  @Test
  void usageReportAndTick_surviveLogEncodingAndSnapshot() throws Exception {
    setUp(withReset("usr_1", 0, ResetStrategy.DAY));
    Command[] cmds = {
      report("node_b", 3, d("usr_1", 7, 8)), new Command.UsersTick(),
    };
    for (Command c : cmds) {
      CommandEnvelope env =
          CommandCodec.decode(CommandCodec.encode(env(c, T0.plusSeconds(90_000))));
      assertThat(env.command()).isEqualTo(c);
      state = Store.apply(state, env, ++index).state();
    }
    assertThat(u("usr_1").lifetimeUsedBytes()).isEqualTo(15);
    byte[] snap = SnapshotCodec.encode(state);
    State restored = SnapshotCodec.decode(snap, 10_000);
    assertThat(restored.nodeUsage()).isEqualTo(state.nodeUsage());
    assertThat(restored.usageSeqs()).containsEntry("node_b", 3L);
    assertThat(SnapshotCodec.encode(restored)).isEqualTo(snap);
  }

  @Test
  void tick_onHoldTimeout_activatesWithoutTraffic_expiringTheHoldLater() {
    setUp();
    Instant timeout = T0.plusSeconds(3600);
    User erin =
        user("usr_1", 0, UserStatus.ON_HOLD, 86_400).toBuilder().onHoldTimeout(timeout).build();
    assertThat(run(new Command.CreateUsers(List.of(erin), true)).ok()).isTrue();
    assertThat(Store.due(state, timeout.minusSeconds(1))).isFalse();
    assertThat(Store.due(state, timeout)).isTrue();
    Instant at = timeout.plusSeconds(5);
    assertThat(run(new Command.UsersTick(), at).ok()).isTrue();
    User u = u("usr_1");
    assertThat(u.status()).isEqualTo(UserStatus.ACTIVE);
    assertThat(u.expireAt()).isEqualTo(at.plusSeconds(86_400));
    assertThat(u.periodStartedAt()).isEqualTo(at);
    assertThat(Store.due(state, at)).isFalse();
  }
}
