package io.raftray.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftray.model.Node;
import io.raftray.model.NodeRole;
import io.raftray.model.NodeStatus;
import io.raftray.model.User;
import io.raftray.model.UserCredentials;
import io.raftray.model.UserStatus;
import io.raftray.model.XrayReport;
import io.raftray.state.Replica;
import io.raftray.state.State;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class AdminCommandsTest {
  private static final Instant T = Instant.parse("2026-12-01T00:00:00Z");
  private static final Replica.RaftStatus RAFT =
      new Replica.RaftStatus("n1", Optional.of("n1"), 7, "LEADER", 40, 40, List.of("n1", "n2"));

  private static Node node(String id, String name, NodeStatus status) {
    return new Node(
        id,
        name,
        "https://" + id,
        name + ".example",
        Map.of("region", "eu"),
        NodeRole.VOTER,
        status,
        Map.of(),
        "01",
        Instant.parse("2027-01-01T00:00:00Z"),
        "PEM",
        T,
        T);
  }

  private static State state() {
    TreeMap<String, Node> nodes = new TreeMap<>();
    nodes.put("n1", node("n1", "eu-1", NodeStatus.ACTIVE));
    nodes.put("n2", node("n2", "eu-2", NodeStatus.ACTIVE));
    nodes.put("n3", node("n3", "old", NodeStatus.REMOVED));
    TreeMap<String, User> users = new TreeMap<>();
    users.put(
        "u1",
        User.builder()
            .id("u1")
            .name("alice")
            .status(UserStatus.LIMITED)
            .dataLimitBytes(10L << 30)
            .downlinkBytes(10L << 30)
            .lifetimeUsedBytes(25L << 30)
            .subscriptionToken("SECRET-SUB-TOKEN")
            .credentials(
                new UserCredentials(
                    "11111111-2222-3333-4444-555555555555",
                    "11111111-2222-3333-4444-555555555556",
                    "trojan-pass",
                    "ss-pass"))
            .created(T)
            .build());
    users.put("u2", User.builder().id("u2").name("bob").subscriptionToken("t2").created(T).build());
    TreeMap<String, XrayReport> cores = new TreeMap<>();
    cores.put("n1", new XrayReport("running", "v2ray", "5.22", null, T));
    cores.put("n2", new XrayReport("failed", "v2ray", "5.22", "exit 23", T));
    return State.builder()
        .clusterId("c-1")
        .appliedIndex(40)
        .nodes(nodes)
        .users(users)
        .xrayReports(cores)
        .build();
  }

  @Test
  void status_countsMembersCoresAndUsersByStatus() {
    String s = AdminCommands.answer("/status", state(), RAFT).orElseThrow();
    assertThat(s)
        .contains("leader: eu-1, term 7")
        .contains("nodes: 2, raft voters 2")
        .contains("cores running: 1 of 2")
        .contains("users: 2 (active 1, limited 1)");
  }

  @Test
  void user_showsItsStateButNoSecret() {
    String s = AdminCommands.answer("/user alice", state(), RAFT).orElseThrow();
    assertThat(s)
        .contains("status: limited")
        .contains("traffic: 10.0 GiB of 10.0 GiB")
        .contains("lifetime: 25.0 GiB")
        .contains("expires: never")
        .doesNotContain("SECRET-SUB-TOKEN")
        .doesNotContain("11111111-2222");
    assertThat(AdminCommands.answer("/user nobody", state(), RAFT))
        .contains("No user named nobody");
    assertThat(AdminCommands.answer("/user", state(), RAFT)).contains("Usage: /user NAME");
  }

  @Test
  void node_showsCoreAndCertificate() {
    String s = AdminCommands.answer("/node@raftray_bot eu-2", state(), RAFT).orElseThrow();
    assertThat(s)
        .contains("Node eu-2")
        .contains("core: failed (v2ray 5.22)")
        .contains("core detail: exit 23")
        .contains("certificate until: 2027-01-01T00:00:00Z")
        .contains("labels: region=eu");
  }

  @Test
  void anythingElse_isHelp_andPlainTextIsNotAnswered() {
    assertThat(AdminCommands.answer("/start", state(), RAFT)).contains(AdminCommands.HELP);
    assertThat(AdminCommands.answer("/delete alice", state(), RAFT)).contains(AdminCommands.HELP);
    assertThat(AdminCommands.answer("hello", state(), RAFT)).isEmpty();
  }
}
