package io.raftray.state;

import static io.raftray.state.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.raftray.model.Device;
import io.raftray.model.ErrorKind;
import io.raftray.model.User;
import io.raftray.state.Command.DeleteDevice;
import io.raftray.state.Command.DeviceSeen;
import io.raftray.state.Command.SubFetch;
import io.raftray.state.Command.SubscriptionActivity;
import io.raftray.state.Command.UsageDelta;
import io.raftray.state.Command.UsageReport;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code subscription.activity}, {@code user.delete_device}, the device limit fields and {@code
 * online_at} from usage reports, through {@link Store#apply}: pure command replay.
 */
@Timeout(10)
class ActivityRulesTest {
  private State state = State.empty();
  private long index;
  private Instant clock = T0.plusSeconds(100);

  private Result run(Command c) {
    Store.Applied a = Store.apply(state, env(c, clock), ++index);
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

  private static DeviceSeen dev(String user, String hwid, Instant at) {
    return new DeviceSeen(user, hwid, "Android", "14", "Pixel 8", "Happ/1.0", at);
  }

  private static SubscriptionActivity devices(String node, DeviceSeen... d) {
    return new SubscriptionActivity(node, List.of(), List.of(d));
  }

  private User limited(String id, Integer limit) {
    return user(id, id, 0).toBuilder().hwidDeviceLimit(limit).build();
  }

  @Test
  void usageReport_withMarksOnline_setsOnlineAtToTheLeaderStamp_onlyForUsersWithTraffic() {
    setUp(user("usr_a", "a", 0), user("usr_b", "b", 0));
    run(
        new UsageReport(
            "node_a",
            1,
            List.of(new UsageDelta("usr_a", 10, 0), new UsageDelta("usr_b", 0, 0)),
            true));
    assertThat(u("usr_a").onlineAt()).isEqualTo(clock);
    assertThat(u("usr_b").onlineAt()).isNull();
    Instant first = clock;
    clock = clock.plusSeconds(60);
    run(new UsageReport("node_b", 1, List.of(new UsageDelta("usr_a", 1, 1)), true));
    assertThat(u("usr_a").onlineAt()).isEqualTo(clock).isAfter(first);
  }

  @Test
  void usageReport_fromBeforeActivity_leavesOnlineAt() {
    setUp(user("usr_a", "a", 0));
    run(new UsageReport("node_a", 1, List.of(new UsageDelta("usr_a", 10, 0))));
    assertThat(u("usr_a").onlineAt()).isNull();
    assertThat(u("usr_a").usedBytes()).isEqualTo(10);
  }

  @Test
  void fetches_setSubUpdatedAtAndUserAgent_clampedToTheStamp_neverBack_andUnaudited() {
    setUp(user("usr_a", "a", 0), user("usr_b", "b", 0));
    int audit = state.audit().all().size();
    Instant t1 = clock.minusSeconds(5);
    Result r =
        run(
            new SubscriptionActivity(
                "node_a",
                List.of(
                    new SubFetch("usr_a", t1, "Happ/1.0"),
                    new SubFetch("usr_b", clock.plusSeconds(3600), "clash"),
                    new SubFetch("usr_gone", t1, "x")),
                List.of()));
    assertThat(r.ok()).isTrue();
    assertThat(u("usr_a").subUpdatedAt()).isEqualTo(t1);
    assertThat(u("usr_a").subLastUserAgent()).isEqualTo("Happ/1.0");
    // A node clock ahead of the cluster cannot put activity in the future.
    assertThat(u("usr_b").subUpdatedAt()).isEqualTo(clock);
    assertThat(state.audit().all()).hasSize(audit);
    // An older fetch from another node (its batch applied later) does not move it back.
    run(
        new SubscriptionActivity(
            "node_b", List.of(new SubFetch("usr_a", t1.minusSeconds(1), "v2rayNG")), List.of()));
    assertThat(u("usr_a").subLastUserAgent()).isEqualTo("Happ/1.0");
    assertThat(u("usr_a").updatedAt()).isEqualTo(u("usr_a").createdAt());
  }

  @Test
  void activity_fromAnUnknownNode_orWithABadHwid_isRejectedAndChangesNothing() {
    setUp(user("usr_a", "a", 0));
    State before = state;
    Result r = run(new SubscriptionActivity("node_x", List.of(), List.of()));
    assertThat(r.ok()).isFalse();
    assertThat(r.error()).isEqualTo(ErrorKind.INVALID);
    r = run(devices("node_a", dev("usr_a", "has space", clock)));
    assertThat(r.ok()).isFalse();
    r = run(devices("node_a", dev("usr_a", "x".repeat(129), clock)));
    assertThat(r.ok()).isFalse();
    r = run(new SubscriptionActivity("node_a", List.of(new SubFetch(null, clock, "x")), List.of()));
    assertThat(r.ok()).isFalse();
    assertThat(state.users()).isEqualTo(before.users());
    assertThat(state.devices()).isEmpty();
  }

  @Test
  void newDevices_registerInLogOrder_upToTheLimit_theRestRefused() {
    setUp(limited("usr_a", 2));
    run(devices("node_a", dev("usr_a", "h1", clock)));
    // Node B accepted h2 and h3 in the same window: the batch decides in order.
    run(devices("node_b", dev("usr_a", "h2", clock), dev("usr_a", "h3", clock)));
    assertThat(state.devices("usr_a")).containsOnlyKeys("h1", "h2");
    Device h1 = state.devices("usr_a").get("h1");
    assertThat(h1.nodeId()).isEqualTo("node_a");
    assertThat(h1.os()).isEqualTo("Android");
    assertThat(h1.model()).isEqualTo("Pixel 8");
    assertThat(state.devices("usr_a").get("h2").nodeId()).isEqualTo("node_b");
    // A known device is refreshed, never refused.
    clock = clock.plusSeconds(30);
    run(devices("node_b", dev("usr_a", "h1", clock), dev("usr_a", "h4", clock)));
    assertThat(state.devices("usr_a")).containsOnlyKeys("h1", "h2");
    assertThat(state.devices("usr_a").get("h1").lastSeenAt()).isEqualTo(clock);
    assertThat(state.devices("usr_a").get("h1").createdAt()).isEqualTo(h1.createdAt());
  }

  @Test
  void deleteDevice_makesRoomForANewOne_andIsAudited() {
    setUp(limited("usr_a", 1));
    run(devices("node_a", dev("usr_a", "h1", clock)));
    run(devices("node_a", dev("usr_a", "h2", clock)));
    assertThat(state.devices("usr_a")).containsOnlyKeys("h1");
    Result r = run(new DeleteDevice("usr_a", "h1"));
    assertThat(r.ok()).isTrue();
    assertThat(state.devices()).isEmpty();
    assertThat(state.audit().all().getLast().action()).isEqualTo("user.delete_device");
    run(devices("node_a", dev("usr_a", "h2", clock)));
    assertThat(state.devices("usr_a")).containsOnlyKeys("h2");
    assertThat(run(new DeleteDevice("usr_a", "h9")).error()).isEqualTo(ErrorKind.NOT_FOUND);
    assertThat(run(new DeleteDevice("usr_x", "h2")).error()).isEqualTo(ErrorKind.NOT_FOUND);
  }

  @Test
  void aSightingOfADeletedDevice_doesNotRegisterItAgain() {
    setUp(limited("usr_a", 2));
    run(devices("node_a", dev("usr_a", "h1", clock)));
    run(new DeleteDevice("usr_a", "h1"));
    // Node B saw h1 registered before it applied the delete; its batch comes after.
    run(
        devices(
            "node_b",
            new DeviceSeen("usr_a", "h1", null, null, null, "Happ/1.0", clock, true),
            dev("usr_a", "h2", clock)));
    assertThat(state.devices("usr_a")).containsOnlyKeys("h2");
  }

  @Test
  void limit_null_takesTheClusterDefault_zeroIsUnlimitedUpToTheHardCap() {
    setUp(limited("usr_d", null), limited("usr_u", 0));
    run(new Command.UpdateSettings(null, 1, null, null));
    run(devices("node_a", dev("usr_d", "h1", clock), dev("usr_d", "h2", clock)));
    assertThat(state.devices("usr_d")).containsOnlyKeys("h1");
    List<DeviceSeen> many = new ArrayList<>();
    for (int i = 0; i < Device.HARD_CAP + 5; i++) {
      many.add(dev("usr_u", "h" + i, clock));
    }
    run(new SubscriptionActivity("node_a", List.of(), many));
    assertThat(state.devices("usr_u")).hasSize(Device.HARD_CAP);
  }

  @Test
  void userUpdate_setsAndClearsTheLimit_andRefusesOutOfRange() {
    setUp(limited("usr_a", null));
    run(Command.UpdateUser.of("usr_a").hwidDeviceLimit(3).build());
    assertThat(u("usr_a").hwidDeviceLimit()).isEqualTo(3);
    run(Command.UpdateUser.of("usr_a").note("n").build());
    assertThat(u("usr_a").hwidDeviceLimit()).isEqualTo(3);
    run(
        Command.UpdateUser.of("usr_a")
            .hwidDeviceLimit(Command.UpdateUser.DEFAULT_DEVICE_LIMIT)
            .build());
    assertThat(u("usr_a").hwidDeviceLimit()).isNull();
    Result r = run(Command.UpdateUser.of("usr_a").hwidDeviceLimit(Device.HARD_CAP + 1).build());
    assertThat(r.error()).isEqualTo(ErrorKind.INVALID);
    assertThat(r.field()).isEqualTo("hwid_device_limit");
    r = run(new Command.CreateUser(limited("usr_b", -3)));
    assertThat(r.error()).isEqualTo(ErrorKind.INVALID);
  }

  @Test
  void settings_mergeFieldByField_andRefuseABadLimit() {
    setUp();
    run(new Command.UpdateSettings(500));
    run(new Command.UpdateSettings(null, 2, null, null));
    run(new Command.UpdateSettings(null, null, true, null));
    assertThat(state.settings().effectiveAuditRetention()).isEqualTo(500);
    assertThat(state.settings().effectiveHwidDeviceLimit()).isEqualTo(2);
    assertThat(state.settings().effectiveHwidRequired()).isTrue();
    Result r = run(new Command.UpdateSettings(null, -1, null, null));
    assertThat(r.error()).isEqualTo(ErrorKind.INVALID);
    assertThat(state.settings().effectiveHwidDeviceLimit()).isEqualTo(2);
  }

  @Test
  void deletingAUser_deletesItsDevices_singleAndBulk() {
    setUp(user("usr_a", "a", 0), user("usr_b", "b", 0));
    run(devices("node_a", dev("usr_a", "h1", clock), dev("usr_b", "h1", clock)));
    run(new Command.DeleteUser("usr_a"));
    assertThat(state.devices()).containsOnlyKeys("usr_b");
    run(
        new Command.BulkUsers(
            io.raftray.model.BulkAction.DELETE, List.of("usr_b"), null, null, null));
    assertThat(state.devices()).isEmpty();
  }

  @Test
  void devicesAndActivity_surviveASnapshot() throws IOException {
    setUp(limited("usr_a", 2));
    run(
        new SubscriptionActivity(
            "node_a",
            List.of(new SubFetch("usr_a", clock, "Happ/1.0")),
            List.of(dev("usr_a", "h1", clock))));
    run(new UsageReport("node_a", 1, List.of(new UsageDelta("usr_a", 1, 1)), true));
    run(new Command.UpdateSettings(null, 3, true, null));
    State back = SnapshotCodec.decode(SnapshotCodec.encode(state));
    assertThat(back.devices()).isEqualTo(state.devices());
    assertThat(back.users()).isEqualTo(state.users());
    assertThat(back.settings()).isEqualTo(state.settings());
    assertThat(SnapshotCodec.digest(back)).isEqualTo(SnapshotCodec.digest(state));
  }
}
