package io.raftray.state;

import static io.raftray.state.Fixtures.T0;
import static io.raftray.state.Fixtures.bootstrap;
import static io.raftray.state.Fixtures.env;
import static org.assertj.core.api.Assertions.assertThat;

import io.raftray.model.ErrorKind;
import io.raftray.model.XrayReport;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class XrayReportTest {
  private State state = State.empty();
  private long index;

  private Result run(Command c) {
    Store.Applied a = Store.apply(state, env(c, T0.plusSeconds(index)), ++index);
    state = a.state();
    return a.result();
  }

  @Test
  void report_isStoredPerNode_withTheLeaderStamp_andCounted_notAudited() {
    run(bootstrap());
    int audit = state.audit().size();
    Result r =
        run(new Command.ReportXray("node_a", "running", "v2ray", "4.34.0", "pid 42, api :10085"));
    assertThat(r.ok()).isTrue();
    assertThat(r.targetId()).isEqualTo("node_a");
    assertThat(state.xrayReports())
        .containsEntry(
            "node_a",
            new XrayReport(
                "running", "v2ray", "4.34.0", "pid 42, api :10085", T0.plusSeconds(1), 1L));

    run(new Command.ReportXray("node_a", "restarting", "v2ray", "4.34.0", "exit 137"));
    assertThat(state.xrayReports().get("node_a").status()).isEqualTo("restarting");
    assertThat(state.xrayReports().get("node_a").reports()).isEqualTo(2);
    assertThat(state.xrayReports()).hasSize(1);
    assertThat(state.audit().size()).isEqualTo(audit);
  }

  @Test
  void reportLoggedBeforeTheAuditField_replaysAsTheAuditEventItWas() throws Exception {
    run(bootstrap());
    // As release v1 logged it: no "audit" field.
    byte[] v1 =
        ("{\"schema\":1,\"at\":\"2026-01-01T00:00:01Z\",\"actor\":\"node_a\",\"command\":"
                + "{\"type\":\"node.report_xray\",\"node_id\":\"node_a\",\"status\":\"failed\","
                + "\"flavor\":null,\"version\":null,\"detail\":null}}")
            .getBytes(StandardCharsets.UTF_8);
    CommandEnvelope env = CommandCodec.decode(v1);
    assertThat(CommandCodec.encode(env)).isEqualTo(v1);
    state = Store.apply(state, env, ++index).state();

    assertThat(state.audit().all().get(state.audit().size() - 1).action())
        .isEqualTo("node.report_xray");
    assertThat(state.xrayReports().get("node_a").reports()).isNull();
  }

  @Test
  void report_badInput_isRejectedAndChangesNothing() {
    run(bootstrap());
    State before = state;
    assertThat(run(new Command.ReportXray("node_x", "running", null, null, null)).error())
        .isEqualTo(ErrorKind.NOT_FOUND);
    Result badStatus = run(new Command.ReportXray("node_a", "sleeping", null, null, null));
    assertThat(badStatus.error()).isEqualTo(ErrorKind.INVALID);
    assertThat(badStatus.field()).isEqualTo("status");
    assertThat(run(new Command.ReportXray("node_a", "running", "sing-box", null, null)).field())
        .isEqualTo("flavor");
    assertThat(run(new Command.ReportXray("node_a", "failed", null, null, "x".repeat(513))).field())
        .isEqualTo("detail");
    assertThat(state.xrayReports()).isEmpty();
    assertThat(state.audit().size()).isEqualTo(before.audit().size());
  }

  @Test
  void command_survivesTheLogEncoding_withItsTypeName() throws Exception {
    Command c = new Command.ReportXray("node_a", "running", "xray", "25.1.1", null);
    byte[] bytes = CommandCodec.encode(env(c, T0));
    assertThat(new String(bytes, StandardCharsets.UTF_8)).contains("\"node.report_xray\"");
    assertThat(CommandCodec.decode(bytes).command()).isEqualTo(c);
  }

  @Test
  void snapshot_roundTripsReports_andOldSnapshotsWithoutThemDecode() throws Exception {
    run(bootstrap());
    byte[] without = SnapshotCodec.encode(state);
    assertThat(new String(without, StandardCharsets.UTF_8)).doesNotContain("xray_reports");
    assertThat(SnapshotCodec.decode(without, 100).xrayReports()).isEmpty();

    run(new Command.ReportXray("node_a", "failed", "v2ray", null, "cannot run /nope"));
    State decoded = SnapshotCodec.decode(SnapshotCodec.encode(state), 100);
    assertThat(decoded.xrayReports()).isEqualTo(state.xrayReports());
    assertThat(decoded.xrayReports().get("node_a").updatedAt())
        .isEqualTo(Instant.parse("2026-01-01T00:00:01Z"));
    assertThat(SnapshotCodec.digest(decoded)).isEqualTo(SnapshotCodec.digest(state));
  }
}
