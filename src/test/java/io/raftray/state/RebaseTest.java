package io.raftray.state;

import static io.raftray.state.Fixtures.T0;
import static io.raftray.state.Fixtures.bootstrap;
import static io.raftray.state.Fixtures.env;
import static org.assertj.core.api.Assertions.assertThat;

import io.raftray.model.AdminToken;
import io.raftray.model.AuditEvent;
import io.raftray.model.Endpoint;
import io.raftray.model.Node;
import io.raftray.model.NodeRole;
import io.raftray.model.NodeStatus;
import io.raftray.model.Role;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class RebaseTest {
  private static final Instant NOW = T0.plusSeconds(3600);
  private State state = State.empty();
  private long index;

  private void run(Command c) {
    Store.Applied a = Store.apply(state, env(c, T0.plusSeconds(index)), ++index);
    assertThat(a.result().ok()).as(a.result().message()).isTrue();
    state = a.state();
  }

  private static Node node(String id, String name, String serial, NodeStatus status) {
    return new Node(
        id,
        name,
        "https://" + name + ":8443",
        name + ".example",
        Map.of(),
        NodeRole.VOTER,
        status,
        Map.of(),
        serial,
        T0.plusSeconds(86400),
        "PEM-" + serial,
        T0,
        T0);
  }

  @BeforeEach
  void twoNodesWithEndpointsAndAUser() {
    run(bootstrap()); // node_a, named "a"
    run(new Command.AddNode(node("node_b", "b", "0b", NodeStatus.ACTIVE)));
    run(new Command.CreateEndpoint(Fixtures.endpoint("ep_a", "node_a", 443)));
    run(new Command.CreateEndpoint(Fixtures.endpoint("ep_b", "node_b", 8443)));
    run(new Command.CreateUser(Fixtures.user("usr_1", "alice", 0)));
    run(new Command.CreateGrant(Fixtures.grant("gr_1", "usr_1", "ep_b")));
  }

  @Test
  void forRestore_newClusterAndNode_movesTheNamesakesEndpoints_parksTheOthers_keepsTheRest() {
    Node fresh = node("node_new", "a", "99", NodeStatus.ACTIVE);
    AdminToken owner = new AdminToken("tok_new", "owner", Role.OWNER, "cd", NOW, false);
    State r = Rebase.forRestore(state, "cluster-2", "CA-2", fresh, owner, NOW);

    assertThat(r.appliedIndex()).isEqualTo(state.appliedIndex() + 1);
    assertThat(r.clusterId()).isEqualTo("cluster-2");
    assertThat(r.caCertPem()).isEqualTo("CA-2");
    assertThat(r.nodes()).containsOnlyKeys("node_new");
    assertThat(r.endpoints().get("ep_a").nodeId()).isEqualTo("node_new");
    assertThat(r.endpoints().get("ep_b").nodeId()).isEqualTo(Rebase.FORMER_NODE + "b");
    assertThat(r.users()).isEqualTo(state.users());
    assertThat(r.userIdBySubscriptionToken()).containsEntry("sub-usr_1", "usr_1");
    assertThat(r.grants()).isEqualTo(state.grants());
    assertThat(r.adminTokens()).containsKeys("tok_owner", "tok_new");
    assertThat(r.revokedSerials()).isEmpty();
    AuditEvent last = r.audit().newestFirst(e -> true, Long.MAX_VALUE, 1).get(0);
    assertThat(last.action()).isEqualTo("cluster.restore");
    assertThat(last.seq()).isEqualTo(r.appliedIndex());
    // Nothing serves a parked endpoint: its node does not exist.
    assertThat(Access.live(r, r.endpoints().get("ep_b"))).isFalse();
  }

  @Test
  void aNodeActivatedUnderAnOldName_adoptsItsParkedEndpoints() {
    Node fresh = node("node_new", "a", "99", NodeStatus.ACTIVE);
    AdminToken owner = new AdminToken("tok_new", "owner", Role.OWNER, "cd", NOW, false);
    State r = Rebase.forRestore(state, "cluster-2", "CA-2", fresh, owner, NOW);
    Node joining = node("node_b2", "b", "b2", NodeStatus.JOINING);
    State withJoining = r.withNodes(State.with(r.nodes(), joining.id(), joining));

    State active =
        JoinRules.activateNode(withJoining, new Command.ActivateNode("node_b2"), NOW).state();

    Endpoint ep = active.endpoints().get("ep_b");
    assertThat(ep.nodeId()).isEqualTo("node_b2");
    assertThat(ep.enabled()).isTrue();
    assertThat(Access.live(active, ep)).isTrue();
  }

  @Test
  void adoption_leavesAnEndpointParkedWhenItsPortIsTakenOnTheNewNode() {
    State s =
        state.withNodes(
            State.with(state.nodes(), "node_c", node("node_c", "c", "0c", NodeStatus.JOINING)));
    s =
        s.withEndpoints(
            State.with(
                State.with(
                    s.endpoints(),
                    "ep_p",
                    Fixtures.endpoint("ep_p", Rebase.FORMER_NODE + "c", 9000)),
                "ep_q",
                Fixtures.endpoint("ep_q", "node_c", 9000)));
    State active = JoinRules.activateNode(s, new Command.ActivateNode("node_c"), NOW).state();
    assertThat(active.endpoints().get("ep_p").nodeId()).isEqualTo(Rebase.FORMER_NODE + "c");
  }

  @Test
  void forRecover_removesTheOtherMembersAsNodeRemoveWould_keepsClusterAndData() {
    State r = Rebase.forRecover(state, "node_a", NOW);

    assertThat(r.appliedIndex()).isEqualTo(state.appliedIndex() + 1);
    assertThat(r.clusterId()).isEqualTo(state.clusterId());
    assertThat(r.nodes().get("node_a").status()).isEqualTo(NodeStatus.ACTIVE);
    assertThat(r.nodes().get("node_b").status()).isEqualTo(NodeStatus.REMOVED);
    assertThat(r.isRevoked("0b")).isTrue();
    assertThat(r.endpoints().get("ep_b").enabled()).isFalse();
    assertThat(r.endpoints().get("ep_a").enabled()).isTrue();
    assertThat(r.users()).isEqualTo(state.users());
    AuditEvent last = r.audit().newestFirst(e -> true, Long.MAX_VALUE, 1).get(0);
    assertThat(last.action()).isEqualTo("cluster.recover");
    assertThat(last.summary()).contains("removed b");
  }

  @Test
  void replay_appliesEntriesInOrder_andRefusesAGap() throws Exception {
    State base = state;
    Replay replay = new Replay(base);
    var entry =
        org.apache.ratis.proto.RaftProtos.LogEntryProto.newBuilder()
            .setTerm(1)
            .setIndex(base.appliedIndex() + 1)
            .setStateMachineLogEntry(
                org.apache.ratis.proto.RaftProtos.StateMachineLogEntryProto.newBuilder()
                    .setLogData(
                        org.apache.ratis.thirdparty.com.google.protobuf.ByteString.copyFrom(
                            CommandCodec.encode(
                                env(
                                    new Command.CreateUser(Fixtures.user("usr_2", "bob", 0)),
                                    NOW)))))
            .build();
    replay.apply(entry);
    assertThat(replay.state().users()).containsKey("usr_2");
    assertThat(replay.state().appliedIndex()).isEqualTo(base.appliedIndex() + 1);
    var gap = entry.toBuilder().setIndex(base.appliedIndex() + 5).build();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> replay.apply(gap))
        .hasMessageContaining("has no entry " + (base.appliedIndex() + 2));
  }
}
