package io.raftray.xray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftray.model.Endpoint;
import io.raftray.model.Protocol;
import io.raftray.model.Security;
import io.raftray.model.Transport;
import io.raftray.testing.MutableClock;
import io.raftray.xray.XrayApiException.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Plans run against an in-memory core: what is sent, what is remembered, how failures behave. */
@Timeout(10)
class ReconcileExecutorTest {
  final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
  final FakeCore core = new FakeCore(Flavor.XRAY);
  final ReconcileExecutor executor = new ReconcileExecutor(clock);

  @Test
  void run_addsEachInboundRemovingTheTagFirst_thenSendsNothing() {
    Map<String, Desired.Inbound> desired = desired(inbound("a", "u1", "u2"), inbound("b"));
    assertThat(run(desired)).isEmpty();
    assertThat(core.takeCalls())
        .containsExactly(
            "remove inbound a", "add inbound a 2", "remove inbound b", "add inbound b 0");
    assertThat(core.inbounds()).containsOnlyKeys("a", "b");
    assertThat(executor.inboundCount()).isEqualTo(2);
    assertThat(executor.userCount()).isEqualTo(2);

    assertThat(run(desired)).isEmpty();
    assertThat(core.takeCalls()).isEmpty();
  }

  @Test
  void run_userChanges_useAlterInbound_andAReassertAddsEveryUserAgain() {
    run(desired(inbound("a", "u1", "u2")));
    core.takeCalls();
    assertThat(run(desired(inbound("a", "u2", "u3")))).isEmpty();
    assertThat(core.takeCalls()).containsExactly("remove user u1 from a", "add user u3 to a");
    assertThat(core.inbounds().get("a")).containsOnlyKeys("u2", "u3");

    assertThat(executor.run(core, desired(inbound("a", "u2", "u3")), clock.instant(), true))
        .as("already exists is success")
        .isEmpty();
    assertThat(core.takeCalls()).containsExactly("add user u2 to a", "add user u3 to a");
  }

  @Test
  void run_refusedInbound_failsAlone_backsOff_andRecovers() {
    core.refuseAdd("b", Kind.REJECTED);
    Map<String, Desired.Inbound> desired = desired(inbound("b", "u1"), inbound("c"));
    assertThat(run(desired)).containsExactly("inbound b: refused b");
    assertThat(core.inbounds()).containsOnlyKeys("c");
    assertThat(executor.failingCount()).isEqualTo(1);
    assertThat(executor.failures()).isEqualTo(1);
    assertThat(executor.nextRetry()).isEqualTo(clock.instant().plusSeconds(1));
    core.takeCalls();

    assertThat(run(desired)).as("held: reported again").containsExactly("inbound b: refused b");
    assertThat(core.takeCalls()).isEmpty();

    clock.advance(Duration.ofSeconds(1));
    assertThat(run(desired)).as("second failure").hasSize(1);
    assertThat(executor.nextRetry()).isEqualTo(clock.instant().plusSeconds(2));

    core.refuseAdd("b", null);
    clock.advance(Duration.ofSeconds(2));
    assertThat(run(desired)).isEmpty();
    assertThat(core.inbounds()).containsOnlyKeys("b", "c");
    assertThat(executor.failingCount()).isZero();
    assertThat(executor.nextRetry()).isNull();
  }

  @Test
  void run_inboundVanishedFromTheCore_isRebuiltWhenAUserIsAdded() {
    run(desired(inbound("a", "u1")));
    core.drop("a");
    core.takeCalls();
    assertThat(run(desired(inbound("a", "u1", "u2")))).isEmpty();
    assertThat(core.takeCalls())
        .containsExactly("add user u2 to a", "remove inbound a", "add inbound a 2");
    assertThat(core.inbounds().get("a")).containsOnlyKeys("u1", "u2");
    assertThat(executor.userCount()).isEqualTo(2);
  }

  @Test
  void run_tagHeldByAnUnknownInbound_isReplaced() {
    core.addInbound(inbound("a").endpoint(), List.of());
    core.takeCalls();
    assertThat(run(desired(inbound("a", "u1")))).isEmpty();
    assertThat(core.inbounds().get("a")).containsOnlyKeys("u1");
  }

  @Test
  void run_coreUnavailable_orRefusingARemoval_endsTheRound() {
    run(desired(inbound("a"), inbound("b")));
    core.refuseRemovals(Kind.REJECTED);
    assertThatThrownBy(() -> run(desired(inbound("b"))))
        .isInstanceOfSatisfying(
            XrayApiException.class, e -> assertThat(e.kind()).isEqualTo(Kind.REJECTED));

    core.refuseRemovals(null);
    executor.forget();
    core.failEveryCall(Kind.UNAVAILABLE);
    assertThatThrownBy(() -> run(desired(inbound("a"))))
        .isInstanceOfSatisfying(
            XrayApiException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE));
    assertThat(executor.failingCount()).as("not an inbound's failure").isZero();
  }

  @Test
  void fingerprint_coversTheEndpoint_notItsFlagOrTimes() {
    Desired.Inbound a = inbound("a", "u1");
    Endpoint e = a.endpoint();
    Endpoint touched =
        new Endpoint(
            e.id(),
            e.nodeId(),
            e.tag(),
            e.protocol(),
            e.port(),
            e.transport(),
            e.security(),
            e.settings(),
            e.secrets(),
            false,
            Instant.MAX,
            Instant.MAX);
    Endpoint moved =
        Endpoints.of("a", e.protocol(), 9443, e.transport(), e.security(), Map.of(), Map.of());
    String fa = ReconcileExecutor.fingerprint(Flavor.XRAY, a);
    assertThat(ReconcileExecutor.fingerprint(Flavor.XRAY, new Desired.Inbound(touched, a.users())))
        .isEqualTo(fa);
    assertThat(ReconcileExecutor.fingerprint(Flavor.XRAY, new Desired.Inbound(moved, a.users())))
        .isNotEqualTo(fa);
    assertThat(ReconcileExecutor.fingerprint(Flavor.XRAY, inbound("a", "u2")))
        .as("users are altered at run time")
        .isEqualTo(fa);
    assertThat(fa).doesNotContain("secret");
  }

  @Test
  void fingerprint_ofAOneUserInbound_coversItsUser() {
    Desired.Inbound one = ss("u1");
    assertThat(ReconcileExecutor.fingerprint(Flavor.V2RAY, one))
        .isNotEqualTo(ReconcileExecutor.fingerprint(Flavor.V2RAY, ss("u2")));
    assertThat(ReconcileExecutor.fingerprint(Flavor.XRAY, one))
        .isEqualTo(ReconcileExecutor.fingerprint(Flavor.XRAY, ss("u2")));
  }

  @Test
  void fingerprint_changesWhenATlsFileIsRenewed(@TempDir Path dir) throws Exception {
    Path cert = Files.writeString(dir.resolve("cert.pem"), "certificate one");
    Path key = Files.writeString(dir.resolve("key.pem"), "key one");
    Endpoint e =
        Endpoints.of(
            "t",
            Protocol.TROJAN,
            8443,
            Transport.TCP,
            Security.TLS,
            Map.of("certificate_file", cert.toString(), "key_file", key.toString()),
            Map.of());
    Desired.Inbound in = new Desired.Inbound(e, Map.of());
    String before = ReconcileExecutor.fingerprint(Flavor.XRAY, in);
    assertThat(ReconcileExecutor.fingerprint(Flavor.XRAY, in)).isEqualTo(before);
    Files.writeString(cert, "certificate two, renewed");
    Files.setLastModifiedTime(cert, FileTime.from(Instant.parse("2031-01-01T00:00:00Z")));
    assertThat(ReconcileExecutor.fingerprint(Flavor.XRAY, in)).isNotEqualTo(before);
  }

  // --- fixtures

  private List<String> run(Map<String, Desired.Inbound> desired) {
    return executor.run(core, desired, clock.instant(), false);
  }

  static Map<String, Desired.Inbound> desired(Desired.Inbound... inbounds) {
    Map<String, Desired.Inbound> out = new LinkedHashMap<>();
    for (Desired.Inbound in : inbounds) {
      out.put(in.endpoint().tag(), in);
    }
    return out;
  }

  static Desired.Inbound inbound(String tag, String... emails) {
    return ReconcilePlanTest.want(tag, "unused", emails).inbound();
  }

  private static Desired.Inbound ss(String email) {
    return ReconcilePlanTest.want("ss", Protocol.SHADOWSOCKS, "unused", email).inbound();
  }
}
