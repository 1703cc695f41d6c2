package io.raftray.state;

import static io.raftray.state.Fixtures.T0;
import static io.raftray.state.Fixtures.bootstrap;
import static io.raftray.state.Fixtures.env;
import static io.raftray.state.Fixtures.user;
import static org.assertj.core.api.Assertions.assertThat;

import io.raftray.model.AuditEvent;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The audit list is replicated state: every replica holds the same one, whatever its config. */
@Timeout(60)
class AuditRetentionTest {
  private long index;

  private State run(State s, Command c) {
    index++;
    return Store.apply(s, env(c, T0.plusMillis(index)), index).state();
  }

  private State users(State s, String prefix, int n) {
    for (int i = 0; i < n; i++) {
      s = run(s, new Command.CreateUser(user("usr_" + prefix + i, prefix + i, 0)));
    }
    return s;
  }

  @Test
  void replicasWithDifferentLocalAuditConfig_endWithEqualDigests() throws IOException {
    State s = users(run(State.empty(), bootstrap()), "a", 300);
    byte[] snapshot = SnapshotCodec.encode(s);
    long at = index;

    // One replica restarts from the snapshot with retention 100 in node.json, one with 10000.
    State small = SnapshotCodec.decode(snapshot, 100);
    State large = SnapshotCodec.decode(snapshot, 10_000);
    index = at;
    small = users(small, "b", 300);
    index = at;
    large = users(large, "b", 300);

    assertThat(small.appliedIndex()).isEqualTo(large.appliedIndex());
    assertThat(small.audit().size()).isEqualTo(large.audit().size());
    assertThat(SnapshotCodec.digest(small)).isEqualTo(SnapshotCodec.digest(large));
  }

  @Test
  void crashLoopingCore_doesNotEvictAdminActions_andIsCountedAsNodeState() {
    State s = run(State.empty(), bootstrap());
    s = run(s, new Command.CreateUser(user("usr_admin_did_this", "kept", 0)));
    int auditBefore = s.audit().size();
    int reports = 12_000; // more than the default retention of 10000
    for (int i = 0; i < reports; i++) {
      // What XrayReporter submits on every status change of a core that keeps dying.
      s =
          run(
              s,
              new Command.ReportXray(
                  "node_a", i % 2 == 0 ? "restarting" : "failed", "v2ray", "4.34.0", "exit 1"));
    }

    assertThat(s.audit().all()).extracting(AuditEvent::target).contains("usr_admin_did_this");
    assertThat(s.audit().size()).isEqualTo(auditBefore);
    assertThat(s.xrayReports().get("node_a").status()).isEqualTo("failed");
    assertThat(s.xrayReports().get("node_a").reports()).isEqualTo(reports);
  }

  @Test
  void retention_isAReplicatedSetting_mergedInApply_andKeptBySnapshots() throws IOException {
    State s = run(State.empty(), bootstrap());
    assertThat(new String(SnapshotCodec.encode(s), java.nio.charset.StandardCharsets.UTF_8))
        .doesNotContain("\"settings\"");
    Store.Applied bad = Store.apply(s, env(new Command.UpdateSettings(50), T0), ++index);
    assertThat(bad.result().ok()).isFalse();
    assertThat(bad.result().field()).isEqualTo("audit_retention");
    assertThat(bad.state().settings().auditRetention()).isNull();

    s = run(s, new Command.UpdateSettings(500));
    s = run(s, new Command.UpdateSettings(null)); // leaves it as it is
    assertThat(s.settings().effectiveAuditRetention()).isEqualTo(500);
    s = users(s, "c", 2000);

    assertThat(s.audit().size()).isBetween(500 - AuditLog.CHUNK + 1, 500 + AuditLog.CHUNK - 1);
    State back = SnapshotCodec.decode(SnapshotCodec.encode(s), 10_000);
    assertThat(back.settings().auditRetention()).isEqualTo(500);
    assertThat(SnapshotCodec.digest(back)).isEqualTo(SnapshotCodec.digest(s));
  }
}
