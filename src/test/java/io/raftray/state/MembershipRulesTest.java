package io.raftray.state;

import static io.raftray.state.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.raftray.model.ErrorKind;
import io.raftray.model.Node;
import io.raftray.model.NodeRole;
import io.raftray.model.NodeStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class MembershipRulesTest {
  private State state = State.empty();
  private long index;

  private Result run(Command c) {
    Store.Applied a = Store.apply(state, env(c, T0.plusSeconds(index)), ++index);
    state = a.state();
    return a.result();
  }

  private static Node node(String id, String serial) {
    return new Node(
        id,
        id,
        "https://" + id + ":8443",
        id + ".example",
        Map.of(),
        NodeRole.VOTER,
        NodeStatus.ACTIVE,
        Map.of(),
        serial,
        T0.plusSeconds(86400),
        "PEM-" + serial,
        T0,
        T0);
  }

  @BeforeEach
  void twoNodes() {
    assertThat(run(bootstrap()).ok()).isTrue();
    assertThat(run(new Command.AddNode(node("node_b", "0b"))).ok()).isTrue();
  }

  @Test
  void removeNode_marksRemoved_deniesSerial_disablesEndpoints_keepsRecord() {
    run(new Command.CreateEndpoint(endpoint("ep_1", 443)));
    Result r = run(new Command.RemoveNode("node_a"));
    assertThat(r.ok()).isTrue();
    Node a = state.nodes().get("node_a");
    assertThat(a.status()).isEqualTo(NodeStatus.REMOVED);
    assertThat(a.updatedAt()).isEqualTo(T0.plusSeconds(index - 1));
    assertThat(state.revokedSerials()).containsExactly("01");
    assertThat(state.isRevoked("01")).isTrue();
    assertThat(state.endpoints().get("ep_1").enabled()).isFalse();
    // re-enabling an endpoint of a removed node is refused
    Result enable = run(new Command.UpdateEndpoint("ep_1", null, null, null, true));
    assertThat(enable.error()).isEqualTo(ErrorKind.CONFLICT);
    assertThat(run(new Command.UpdateNode("node_a", "x", null, null)).error())
        .isEqualTo(ErrorKind.CONFLICT);
  }

  /** Issue 10 item 2 (d): the CA key must stay on at least one member that signs. */
  @Test
  void theLastCaHolder_cannotBeRemoved_andRecordsWithoutTheFieldCountAsHolders() {
    // node_a and node_b were recorded without ca_holder (as before it existed): both hold the key.
    assertThat(state.nodes().get("node_a").holdsCaKey()).isTrue();
    assertThat(state.nodes().get("node_b").holdsCaKey()).isTrue();
    assertThat(run(new Command.AddNode(node("node_c", "0c").withCaHolder(false, T0))).ok())
        .isTrue();
    assertThat(state.nodes().get("node_c").holdsCaKey()).isFalse();
    assertThat(run(new Command.RemoveNode("node_b")).ok()).isTrue();
    assertThat(state.nodes().get("node_b").holdsCaKey()).isFalse();
    State before = state;
    Result last = run(new Command.RemoveNode("node_a"));
    assertThat(last.error()).isEqualTo(ErrorKind.CONFLICT);
    assertThat(last.message()).contains("last CA holder");
    assertThat(state.nodes()).isEqualTo(before.nodes());
    assertThat(run(new Command.RemoveNode("node_c")).ok()).isTrue();
  }

  @Test
  void removeNode_twice_orLastNode_isConflict() {
    assertThat(run(new Command.RemoveNode("node_b")).ok()).isTrue();
    assertThat(run(new Command.RemoveNode("node_b")).error()).isEqualTo(ErrorKind.CONFLICT);
    State before = state;
    Result last = run(new Command.RemoveNode("node_a"));
    assertThat(last.error()).isEqualTo(ErrorKind.CONFLICT);
    assertThat(last.message()).contains("last node");
    assertThat(state.nodes()).isEqualTo(before.nodes());
    assertThat(run(new Command.RemoveNode("node_x")).error()).isEqualTo(ErrorKind.NOT_FOUND);
  }

  @Test
  void renew_replacesCertificate_andDeniesTheOldSerialInTheSameEntry() {
    Instant notAfter = T0.plusSeconds(999);
    Result r = run(new Command.RenewNodeCertificate("node_b", "0b", "0c", "PEM-0c", notAfter));
    assertThat(r.ok()).isTrue();
    Node b = state.nodes().get("node_b");
    assertThat(b.certSerial()).isEqualTo("0c");
    assertThat(b.certificatePem()).isEqualTo("PEM-0c");
    assertThat(b.certNotAfter()).isEqualTo(notAfter);
    assertThat(state.isRevoked("0b")).isTrue();
    assertThat(state.isRevoked("0c")).isFalse();
  }

  @Test
  void renew_staleOrReusedSerial_orRemovedNode_isRejected() {
    // compare and set: a replay after the renewal names a serial that is no longer recorded
    assertThat(run(new Command.RenewNodeCertificate("node_b", "0b", "0c", "P", T0)).ok()).isTrue();
    assertThat(run(new Command.RenewNodeCertificate("node_b", "0b", "0d", "P", T0)).error())
        .isEqualTo(ErrorKind.CONFLICT);
    // a denied serial never comes back
    assertThat(run(new Command.RenewNodeCertificate("node_b", "0c", "0b", "P", T0)).error())
        .isEqualTo(ErrorKind.CONFLICT);
    run(new Command.RemoveNode("node_b"));
    assertThat(run(new Command.RenewNodeCertificate("node_b", "0c", "0e", "P", T0)).error())
        .isEqualTo(ErrorKind.CONFLICT);
    assertThat(state.isRevoked("0c")).isTrue();
  }

  @Test
  void snapshot_keepsDenyList_andOldSnapshotsLoadWithAnEmptyOne() throws IOException {
    run(new Command.RemoveNode("node_b"));
    State back = SnapshotCodec.decode(SnapshotCodec.encode(state), 100);
    assertThat(back.revokedSerials()).containsExactly("0b");
    assertThat(SnapshotCodec.digest(back)).isEqualTo(SnapshotCodec.digest(state));

    // a snapshot written before the deny list existed: drop the field, fix the checksum
    byte[] data = SnapshotCodec.encode(state);
    String text = new String(data, StandardCharsets.UTF_8);
    String body =
        text.substring(text.indexOf('\n') + 1).replace(",\"revoked_serials\":[\"0b\"]", "");
    byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
    String header =
        "RAFTRAY-SNAPSHOT " + SnapshotCodec.SCHEMA + " sha256=" + SnapshotCodec.sha256(bodyBytes);
    State old = SnapshotCodec.decode((header + "\n" + body).getBytes(StandardCharsets.UTF_8), 100);
    assertThat(old.revokedSerials()).isEmpty();
    assertThat(old.nodes().get("node_b").status()).isEqualTo(NodeStatus.REMOVED);
  }
}
