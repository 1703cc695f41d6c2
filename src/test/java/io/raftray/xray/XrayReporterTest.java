package io.raftray.xray;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftray.model.AdminToken;
import io.raftray.model.Node;
import io.raftray.model.NodeRole;
import io.raftray.model.NodeStatus;
import io.raftray.model.Role;
import io.raftray.state.Command;
import io.raftray.state.LocalReplica;
import io.raftray.state.State;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class XrayReporterTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  private final AtomicReference<XrayStatus> core = new AtomicReference<>();
  private LocalReplica replica;
  private XrayReporter reporter;

  @BeforeEach
  void setUp() {
    replica = new LocalReplica(Clock.fixed(T0, ZoneOffset.UTC), "node_a", State.empty());
    Node node =
        new Node(
            "node_a",
            "a",
            "https://127.0.0.1:1",
            "a.example",
            Map.of(),
            NodeRole.VOTER,
            NodeStatus.ACTIVE,
            Map.of(),
            "01",
            T0.plusSeconds(86400),
            "PEM",
            T0,
            T0);
    AdminToken owner = new AdminToken("tok_o", "owner", Role.OWNER, "ab", T0, false);
    assertThat(replica.submit("node_a", new Command.Bootstrap("c", "CA", node, owner)).ok())
        .isTrue();
    reporter = new XrayReporter("node_a", replica, core::get);
  }

  private static XrayStatus status(CoreState state, String version, String detail) {
    return new XrayStatus(
        state, Flavor.V2RAY, version, 1, 0, detail, T0, 7, false, "127.0.0.1", 10085);
  }

  /** Reports are node state, counted on the node's record; none of them is an audit event. */
  private long reports() {
    assertThat(replica.view().audit().all()).noneMatch(e -> e.action().equals("node.report_xray"));
    var last = replica.view().xrayReports().get("node_a");
    return last == null || last.reports() == null ? 0 : last.reports();
  }

  @Test
  void reportsOnlyChangesOfStatusOrVersion_notOfTheDetail() {
    core.set(status(CoreState.RUNNING, "4.34.0", "pid 7"));
    assertThat(reporter.check()).isTrue();
    assertThat(replica.view().xrayReports().get("node_a").status()).isEqualTo("running");
    assertThat(reporter.check()).isFalse();

    core.set(status(CoreState.RUNNING, "4.34.0", "pid 8 after an adoption"));
    assertThat(reporter.check()).isFalse();

    core.set(status(CoreState.RESTARTING, "4.34.0", "exited with code 137"));
    assertThat(reporter.check()).isTrue();
    core.set(status(CoreState.RUNNING, "4.35.0", "pid 9"));
    assertThat(reporter.check()).isTrue();
    assertThat(replica.view().xrayReports().get("node_a").version()).isEqualTo("4.35.0");
    assertThat(reports()).isEqualTo(3);
  }

  @Test
  void aNodeThatNeverHadACore_reportsNothing_butAStoppedOneSaysSo() {
    core.set(XrayStatusFixture.disabled());
    assertThat(reporter.due()).isNull();
    core.set(null);
    assertThat(reporter.due()).isNull();

    core.set(status(CoreState.RUNNING, "4.34.0", "pid 7"));
    reporter.check();
    core.set(XrayStatusFixture.disabled());
    assertThat(reporter.due().status()).isEqualTo("disabled");
  }

  @Test
  void longDetails_areCut_soTheReportIsNotRejected() {
    core.set(status(CoreState.FAILED, null, "x".repeat(2000)));
    assertThat(reporter.check()).isTrue();
    assertThat(replica.view().xrayReports().get("node_a").detail()).hasSize(512).endsWith("...");
  }

  /** A disabled status as the supervisor reports it. */
  static final class XrayStatusFixture {
    static XrayStatus disabled() {
      return new XrayStatus(
          CoreState.DISABLED, null, null, 0, 0, "no core configured", T0, -1, false, null, 0);
    }
  }
}
