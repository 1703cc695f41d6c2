package io.raftray.state;

import static io.raftray.state.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.raftray.model.UsageHistory;
import io.raftray.model.UsageSeries;
import io.raftray.state.Command.UsageDelta;
import io.raftray.state.Command.UsageReport;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The replicated usage history kept by {@code usage.report}, through {@link Store#apply}. */
@Timeout(10)
class UsageHistoryTest {
  private State state = State.empty();
  private long index;

  private Result run(Command c, Instant at) {
    Store.Applied a = Store.apply(state, Fixtures.env(c, at), ++index);
    state = a.state();
    return a.result();
  }

  private void setUp() {
    run(Fixtures.bootstrap(), T0);
    run(new Command.AddNode(Fixtures.node("node_b")), T0);
    run(new Command.CreateUser(Fixtures.user("usr_1", "alice", 0)), T0);
    run(new Command.CreateUser(Fixtures.user("usr_2", "bob", 0)), T0);
  }

  private static UsageReport report(String node, long seq, UsageDelta... deltas) {
    return new UsageReport(node, seq, List.of(deltas), true, true);
  }

  @Test
  void reports_fillNodeHourlyAndDaily_andUserDaily_inTheBucketsOfTheLeaderStamp() {
    setUp();
    Instant h0 = T0.plus(Duration.ofMinutes(10));
    run(report("node_a", 1, new UsageDelta("usr_1", 100, 1000)), h0);
    run(report("node_b", 1, new UsageDelta("usr_1", 1, 2), new UsageDelta("usr_2", 3, 4)), h0);
    Instant h1 = h0.plus(Duration.ofHours(1));
    run(report("node_a", 2, new UsageDelta("usr_2", 5, 6)), h1);

    UsageHistory h = state.usageHistory();
    long hour0 = UsageHistory.hour(h0);
    UsageSeries aHourly = h.nodes().get("node_a").hourly();
    assertThat(aHourly.uplinkAt(hour0)).isEqualTo(100);
    assertThat(aHourly.downlinkAt(hour0)).isEqualTo(1000);
    assertThat(aHourly.uplinkAt(hour0 + 1)).isEqualTo(5);
    UsageSeries bHourly = h.nodes().get("node_b").hourly();
    assertThat(bHourly.uplinkAt(hour0)).isEqualTo(4);
    assertThat(bHourly.downlinkAt(hour0)).isEqualTo(6);
    long day0 = UsageHistory.day(h0);
    assertThat(h.nodes().get("node_a").daily().uplinkAt(day0)).isEqualTo(105);
    assertThat(h.users().get("usr_1").uplinkAt(day0)).isEqualTo(101);
    assertThat(h.users().get("usr_2").downlinkAt(day0)).isEqualTo(10);
  }

  @Test
  void aReplayedReport_addsNothing_aDeletedUser_takesItsHistory_theNodeKeepsIt() {
    setUp();
    run(report("node_a", 1, new UsageDelta("usr_1", 10, 10)), T0);
    run(report("node_a", 1, new UsageDelta("usr_1", 10, 10)), T0);
    long day0 = UsageHistory.day(T0);
    assertThat(state.usageHistory().users().get("usr_1").uplinkAt(day0)).isEqualTo(10);
    run(new Command.DeleteUser("usr_1"), T0);
    assertThat(state.usageHistory().users()).doesNotContainKey("usr_1");
    assertThat(state.usageHistory().nodes().get("node_a").daily().uplinkAt(day0)).isEqualTo(10);
    // Traffic of a user deleted since the core counted it does not enter the history.
    run(report("node_a", 2, new UsageDelta("usr_1", 7, 7)), T0);
    assertThat(state.usageHistory().users()).doesNotContainKey("usr_1");
    assertThat(state.usageHistory().nodes().get("node_a").daily().uplinkAt(day0)).isEqualTo(10);
  }

  @Test
  void history_isBounded_14DaysHourly_400Daily_31DaysPerUser() {
    setUp();
    long seq = 0;
    Instant at = T0;
    for (int day = 0; day < 500; day++) {
      run(report("node_a", ++seq, new UsageDelta("usr_1", 1, 1)), at);
      at = at.plus(Duration.ofDays(1));
    }
    UsageHistory h = state.usageHistory();
    assertThat(h.nodes().get("node_a").daily().uplink()).hasSize(UsageHistory.NODE_DAYS);
    assertThat(h.users().get("usr_1").uplink()).hasSize(UsageHistory.USER_DAYS);
    assertThat(h.nodes().get("node_a").hourly().uplink()).hasSize(UsageHistory.NODE_HOURS);
    assertThat(UsageHistory.NODE_HOURS).isGreaterThanOrEqualTo(14 * 24 + 1);
    assertThat(UsageHistory.NODE_DAYS).isGreaterThanOrEqualTo(401);
    assertThat(UsageHistory.USER_DAYS).isGreaterThanOrEqualTo(32);
  }

  @Test
  void history_survivesSnapshot_andTwoReplicasWriteTheSameBytes() throws Exception {
    setUp();
    run(report("node_a", 1, new UsageDelta("usr_1", 10, 20)), T0);
    run(report("node_b", 1, new UsageDelta("usr_2", 1, 2)), T0.plus(Duration.ofHours(30)));
    byte[] bytes = SnapshotCodec.encode(state);
    State back = SnapshotCodec.decode(bytes, 100);
    assertThat(back.usageHistory()).isEqualTo(state.usageHistory());
    assertThat(SnapshotCodec.encode(back)).isEqualTo(bytes);
    assertThat(SnapshotCodec.digest(back)).isEqualTo(SnapshotCodec.digest(state));
  }

  @Test
  void aReportFromBeforeTheHistory_addsNothing_soOldLogsReplayUnchanged() {
    setUp();
    run(new UsageReport("node_a", 1, List.of(new UsageDelta("usr_1", 10, 10)), true), T0);
    assertThat(state.usageHistory().isEmpty()).isTrue();
    assertThat(state.users().get("usr_1").usedBytes()).isEqualTo(20);
  }

  @Test
  void aStateWithoutTraffic_writesNoHistorySection() throws Exception {
    setUp();
    String json = new String(SnapshotCodec.encode(state), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(json).doesNotContain("usage_history");
  }
}
