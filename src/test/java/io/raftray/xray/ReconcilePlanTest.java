package io.raftray.xray;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftray.model.Endpoint;
import io.raftray.model.Protocol;
import io.raftray.model.Security;
import io.raftray.model.Transport;
import io.raftray.xray.ReconcilePlan.Want;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The pure diff of one round: no core, no clock, no files. */
@Timeout(10)
class ReconcilePlanTest {
  static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

  final Map<String, AppliedInbound> applied = new LinkedHashMap<>();

  @Test
  void between_nothingApplied_addsEveryInboundWithItsUsers() {
    ReconcilePlan plan =
        plan(List.of(want("a", "fa", "u1", "u2"), want("b", "fb", "u3")), Flavor.XRAY, false);
    assertThat(plan.removals()).isEmpty();
    assertThat(ops(plan))
        .containsExactly("add inbound a with 2 users", "add inbound b with 1 users");
    assertThat(plan.steps()).extracting(ReconcilePlan.Step::tag).containsExactly("a", "b");
  }

  @Test
  void between_allApplied_sendsNothing_butKeepsAStepPerInbound() {
    applied.put("a", AppliedInbound.inCore("fa", users("u1", "u2")));
    ReconcilePlan plan = plan(List.of(want("a", "fa", "u1", "u2")), Flavor.XRAY, false);
    assertThat(plan.operations()).isEmpty();
    assertThat(plan.steps()).singleElement().satisfies(s -> assertThat(s.held()).isFalse());
  }

  @Test
  void between_inboundNoLongerDesired_isRemoved() {
    applied.put("a", AppliedInbound.inCore("fa", users("u1")));
    applied.put("b", AppliedInbound.inCore("fb", users("u2")));
    ReconcilePlan plan = plan(List.of(want("b", "fb", "u2")), Flavor.XRAY, false);
    assertThat(ops(plan)).containsExactly("remove inbound a");
  }

  @Test
  void between_inboundChanged_isRemovedThenAddedWithAllUsers() {
    applied.put("a", AppliedInbound.inCore("fa-old", users("u1")));
    ReconcilePlan plan = plan(List.of(want("a", "fa-new", "u1", "u2")), Flavor.XRAY, false);
    assertThat(ops(plan)).containsExactly("remove inbound a", "add inbound a with 2 users");
  }

  @Test
  void between_removals_followTheAppliedOrder_stepsTheDesiredOrder() {
    applied.put("z", AppliedInbound.inCore("fz", users()));
    applied.put("a", AppliedInbound.inCore("fa", users()));
    ReconcilePlan plan =
        plan(List.of(want("c", "fc"), want("a", "fa-new"), want("b", "fb")), Flavor.XRAY, false);
    assertThat(ops(plan))
        .containsExactly(
            "remove inbound z",
            "remove inbound a",
            "add inbound c with 0 users",
            "add inbound a with 0 users",
            "add inbound b with 0 users");
  }

  @Test
  void between_userAddedAndRemoved_onOneInbound_isAlterInboundOnly() {
    applied.put("a", AppliedInbound.inCore("fa", users("u1", "u2")));
    applied.put("b", AppliedInbound.inCore("fb", users("u9")));
    ReconcilePlan plan =
        plan(List.of(want("a", "fa", "u2", "u3"), want("b", "fb", "u9")), Flavor.XRAY, false);
    assertThat(ops(plan)).containsExactly("remove user u1 from a", "add user u3 to a");
  }

  @Test
  void between_credentialChanged_removesAndAddsTheUser() {
    applied.put("a", AppliedInbound.inCore("fa", Map.of("u1", "old-secret")));
    ReconcilePlan plan = plan(List.of(want("a", "fa", "u1")), Flavor.XRAY, false);
    assertThat(ops(plan)).containsExactly("remove user u1 from a", "add user u1 to a");
  }

  @Test
  void between_reassert_addsEveryDesiredUserAgain() {
    applied.put("a", AppliedInbound.inCore("fa", users("u1", "u2")));
    ReconcilePlan plan = plan(List.of(want("a", "fa", "u1", "u2")), Flavor.XRAY, true);
    assertThat(ops(plan)).containsExactly("add user u1 to a", "add user u2 to a");
  }

  @Test
  void between_backingOff_holdsTheInbound_untilItsRetryTimeOrAReassert() {
    applied.put("a", failed(NOW.plusSeconds(2)));
    List<Want> desired = List.of(want("a", "fa", "u1"), want("b", "fb"));
    ReconcilePlan held = plan(desired, Flavor.XRAY, false);
    assertThat(held.steps()).extracting(ReconcilePlan.Step::held).containsExactly(true, false);
    assertThat(ops(held)).containsExactly("add inbound b with 0 users");

    assertThat(ops(ReconcilePlan.between(applied, desired, Flavor.XRAY, NOW.plusSeconds(2), false)))
        .as("backoff over")
        .containsExactly("add inbound a with 1 users", "add inbound b with 0 users");
    assertThat(ops(plan(desired, Flavor.XRAY, true)))
        .as("periodic resync")
        .containsExactly("add inbound a with 1 users", "add inbound b with 0 users");
  }

  @Test
  void between_failingInboundInTheCore_retriesOnlyWhatIsMissing() {
    applied.put("a", new AppliedInbound("fa", users("u1"), "inbound a: refused", 1, NOW));
    ReconcilePlan plan = plan(List.of(want("a", "fa", "u1", "u2")), Flavor.XRAY, false);
    assertThat(ops(plan)).containsExactly("add user u2 to a");
  }

  @Test
  void between_singleUserInbound_isRebuiltNotAltered_andSkippedWithoutItsUser() {
    Want withUser = want("ss", Protocol.SHADOWSOCKS, "f-u1", "u1");
    applied.put("ss", AppliedInbound.inCore("f-u1", users("u1")));
    assertThat(plan(List.of(withUser), Flavor.V2RAY, true).operations())
        .as("its users cannot change at run time: not even reasserted")
        .isEmpty();
    assertThat(
            ops(plan(List.of(want("ss", Protocol.SHADOWSOCKS, "f-u2", "u2")), Flavor.V2RAY, false)))
        .as("another user: another fingerprint")
        .containsExactly("remove inbound ss", "add inbound ss with 1 users");

    ReconcilePlan none =
        plan(List.of(want("ss", Protocol.SHADOWSOCKS, "f-none")), Flavor.V2RAY, false);
    assertThat(ops(none)).containsExactly("remove inbound ss");
    assertThat(none.steps()).as("nothing to run without its user").isEmpty();

    applied.clear();
    assertThat(
            plan(List.of(want("ss", Protocol.SHADOWSOCKS, "f-none")), Flavor.V2RAY, false).steps())
        .isEmpty();
  }

  @Test
  void between_shadowsocksOnXray_changesUsersAtRunTime() {
    applied.put("ss", AppliedInbound.inCore("f", users("u1")));
    ReconcilePlan plan =
        plan(List.of(want("ss", Protocol.SHADOWSOCKS, "f", "u1", "u2")), Flavor.XRAY, false);
    assertThat(ops(plan)).containsExactly("add user u2 to ss");
    assertThat(plan(List.of(want("ss", Protocol.SHADOWSOCKS, "f")), Flavor.XRAY, false).steps())
        .as("an Xray inbound runs without users")
        .singleElement()
        .satisfies(s -> assertThat(ops(s.ops())).containsExactly("remove user u1 from ss"));
  }

  @Test
  void operations_printNoCredential() {
    ReconcilePlan plan = plan(List.of(want("a", "fa", "u1")), Flavor.XRAY, false);
    assertThat(plan.toString()).doesNotContain("secret-of-u1").doesNotContain("private-key");
  }

  // --- fixtures

  private ReconcilePlan plan(List<Want> desired, Flavor flavor, boolean reassert) {
    return ReconcilePlan.between(applied, desired, flavor, NOW, reassert);
  }

  private static List<String> ops(ReconcilePlan plan) {
    return ops(plan.operations());
  }

  private static List<String> ops(List<ReconcilePlan.Op> ops) {
    return ops.stream().map(Object::toString).toList();
  }

  static Want want(String tag, String fingerprint, String... emails) {
    return want(tag, Protocol.VLESS, fingerprint, emails);
  }

  static Want want(String tag, Protocol p, String fingerprint, String... emails) {
    Endpoint e =
        Endpoints.of(
            tag, p, 8443, Transport.TCP, Security.NONE, Map.of(), Map.of("key", "private-key"));
    Map<String, InboundUser> users = new LinkedHashMap<>();
    for (String email : emails) {
      users.put(email, new InboundUser(email, "secret-of-" + email));
    }
    return new Want(new Desired.Inbound(e, users), fingerprint);
  }

  /** Users as applied by {@link #want}: email to its credential, in order. */
  static Map<String, String> users(String... emails) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String email : emails) {
      out.put(email, "secret-of-" + email);
    }
    return out;
  }

  private static AppliedInbound failed(Instant retryAt) {
    return new AppliedInbound(null, Map.of(), "inbound a: refused", 1, retryAt);
  }
}
