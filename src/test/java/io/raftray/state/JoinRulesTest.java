package io.raftray.state;

import static io.raftray.state.Fixtures.T0;
import static io.raftray.state.Fixtures.bootstrap;
import static io.raftray.state.Fixtures.env;
import static org.assertj.core.api.Assertions.assertThat;

import io.raftray.model.ErrorKind;
import io.raftray.model.JoinRequestStatus;
import io.raftray.model.Node;
import io.raftray.model.NodeRole;
import io.raftray.model.NodeStatus;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class JoinRulesTest {
  private State state = State.empty();
  private long index;

  private Result run(Command c, Instant at) {
    Store.Applied a = Store.apply(state, env(c, at), ++index);
    state = a.state();
    return a.result();
  }

  @BeforeEach
  void boot() {
    run(bootstrap(), T0);
  }

  private static Command.CreateJoinToken token(String id, long ttl, int uses) {
    return new Command.CreateJoinToken(id, "ab".repeat(32), ttl, uses, NodeRole.VOTER, "tok_owner");
  }

  private static Command.CreateJoinRequest request(
      String id, String token, String node, String name) {
    return new Command.CreateJoinRequest(
        id, token, node, name, "https://" + name + ":8443", name, Map.of("os", "linux"), "CSR");
  }

  private static Node joining(String id, String name) {
    return new Node(
        id,
        name,
        "https://" + name + ":8443",
        name,
        Map.of(),
        NodeRole.VOTER,
        NodeStatus.JOINING,
        Map.of(),
        "02",
        T0.plusSeconds(86400),
        "PEM",
        T0,
        T0);
  }

  /** Issue 10 item 10: a node that joined but never started does not hold its name forever. */
  @Test
  void joiningNode_pastItsTokensExpiryPlusGrace_isRemoved_andItsNameIsFreeAgain() {
    run(token("jtk_1", 900, 1), T0);
    assertThat(run(request("jrq_1", "jtk_1", "node_b", "b"), T0).ok()).isTrue();
    assertThat(run(new Command.AddNode(joining("node_b", "b")), T0).ok()).isTrue();
    Instant deadline = T0.plusSeconds(900).plus(JoinRules.JOIN_GRACE);
    assertThat(JoinRules.staleJoins(state, deadline.minusSeconds(1))).isEmpty();
    assertThat(JoinRules.staleJoins(state, deadline)).containsExactly("node_b");

    State before = state;
    Result early = run(new Command.ExpireJoiningNode("node_b"), deadline.minusSeconds(1));
    assertThat(early.error()).isEqualTo(ErrorKind.CONFLICT);
    assertThat(state.nodes()).isEqualTo(before.nodes());
    // The name is taken while the node is joining.
    run(token("jtk_2", 900, 1), deadline);
    assertThat(run(request("jrq_2", "jtk_2", "node_c", "b"), deadline).error())
        .isEqualTo(ErrorKind.CONFLICT);

    assertThat(run(new Command.ExpireJoiningNode("node_b"), deadline).ok()).isTrue();
    assertThat(state.nodes().get("node_b").status()).isEqualTo(NodeStatus.REMOVED);
    assertThat(state.isRevoked("02")).isTrue();
    assertThat(JoinRules.staleJoins(state, deadline)).isEmpty();
    assertThat(run(request("jrq_3", "jtk_2", "node_c", "b"), deadline).ok()).isTrue();
    // An active node is never expired.
    assertThat(run(new Command.ExpireJoiningNode("node_a"), deadline).error())
        .isEqualTo(ErrorKind.CONFLICT);
  }

  @Test
  void createToken_expiresAtIsStampedTimePlusTtl() {
    assertThat(run(token("jtk_1", 900, 1), T0.plusSeconds(5)).ok()).isTrue();
    assertThat(state.joinTokens().get("jtk_1").expiresAt()).isEqualTo(T0.plusSeconds(905));
    assertThat(state.joinTokens().get("jtk_1").usedCount()).isZero();
  }

  @Test
  void createToken_ttlOverOneDay_isInvalid() {
    Result r = run(token("jtk_1", 86401, 1), T0);
    assertThat(r.error()).isEqualTo(ErrorKind.INVALID);
    assertThat(state.joinTokens()).isEmpty();
  }

  @Test
  void singleUseToken_approvesAtOnce_andSecondUseIsRefused() {
    run(token("jtk_1", 900, 1), T0);
    assertThat(run(request("jrq_1", "jtk_1", "node_b", "b"), T0.plusSeconds(1)).ok()).isTrue();
    assertThat(state.joinRequests().get("jrq_1").status()).isEqualTo(JoinRequestStatus.APPROVED);
    assertThat(state.joinTokens().get("jtk_1").usedCount()).isEqualTo(1);

    State before = state;
    Result again = run(request("jrq_2", "jtk_1", "node_c", "c"), T0.plusSeconds(2));
    assertThat(again.error()).isEqualTo(ErrorKind.FORBIDDEN);
    assertThat(again.message()).contains("already been used");
    assertThat(state.joinRequests()).isEqualTo(before.joinRequests());
    assertThat(state.joinTokens()).isEqualTo(before.joinTokens());
  }

  @Test
  void expiry_usesTheLeaderStampedTime() {
    run(token("jtk_1", 60, 1), T0);
    assertThat(run(request("jrq_1", "jtk_1", "node_b", "b"), T0.plusSeconds(60)).error())
        .isEqualTo(ErrorKind.FORBIDDEN);
    assertThat(run(request("jrq_1", "jtk_1", "node_b", "b"), T0.plusSeconds(59)).ok()).isTrue();
  }

  @Test
  void revokedToken_isRefused_andRevokingTwiceIsNotFound() {
    run(token("jtk_1", 900, 3), T0);
    assertThat(run(new Command.RevokeJoinToken("jtk_1"), T0).ok()).isTrue();
    Result r = run(request("jrq_1", "jtk_1", "node_b", "b"), T0.plusSeconds(1));
    assertThat(r.error()).isEqualTo(ErrorKind.FORBIDDEN);
    assertThat(r.message()).contains("revoked");
    assertThat(state.joinRequests()).isEmpty();
    assertThat(run(new Command.RevokeJoinToken("jtk_1"), T0).error())
        .isEqualTo(ErrorKind.NOT_FOUND);
  }

  @Test
  void multiUseToken_createsPendingRequests_untilMaxUses() {
    run(token("jtk_1", 900, 2), T0);
    assertThat(run(request("jrq_1", "jtk_1", "node_b", "b"), T0).ok()).isTrue();
    assertThat(run(request("jrq_2", "jtk_1", "node_c", "c"), T0).ok()).isTrue();
    assertThat(run(request("jrq_3", "jtk_1", "node_d", "d"), T0).error())
        .isEqualTo(ErrorKind.FORBIDDEN);
    assertThat(state.joinRequests().values())
        .extracting(r -> r.status())
        .containsOnly(JoinRequestStatus.PENDING);
  }

  @Test
  void approveAndReject_decideOnce() {
    run(token("jtk_1", 900, 5), T0);
    run(request("jrq_1", "jtk_1", "node_b", "b"), T0);
    run(request("jrq_2", "jtk_1", "node_c", "c"), T0);
    assertThat(run(new Command.ApproveJoinRequest("jrq_1", "tok_owner"), T0.plusSeconds(3)).ok())
        .isTrue();
    assertThat(run(new Command.RejectJoinRequest("jrq_2", "tok_owner", "unknown host"), T0).ok())
        .isTrue();
    assertThat(state.joinRequests().get("jrq_1").status()).isEqualTo(JoinRequestStatus.APPROVED);
    assertThat(state.joinRequests().get("jrq_1").decidedAt()).isEqualTo(T0.plusSeconds(3));
    assertThat(state.joinRequests().get("jrq_2").reason()).isEqualTo("unknown host");
    assertThat(run(new Command.RejectJoinRequest("jrq_1", "tok_owner", null), T0).error())
        .isEqualTo(ErrorKind.CONFLICT);
    assertThat(run(new Command.ApproveJoinRequest("jrq_x", "tok_owner"), T0).error())
        .isEqualTo(ErrorKind.NOT_FOUND);
  }

  @Test
  void nodeName_takenByMemberOrOpenRequest_isConflict() {
    run(token("jtk_1", 900, 5), T0);
    assertThat(run(request("jrq_1", "jtk_1", "node_b", "a"), T0).error())
        .isEqualTo(ErrorKind.CONFLICT);
    run(request("jrq_2", "jtk_1", "node_c", "c"), T0);
    assertThat(run(request("jrq_3", "jtk_1", "node_d", "c"), T0).error())
        .isEqualTo(ErrorKind.CONFLICT);
  }

  @Test
  void addJoiningNode_needsAnApprovedRequest_thenActivates() {
    run(token("jtk_1", 900, 2), T0);
    run(request("jrq_1", "jtk_1", "node_b", "b"), T0);
    assertThat(run(new Command.AddNode(joining("node_b", "b")), T0).error())
        .isEqualTo(ErrorKind.FORBIDDEN);
    assertThat(run(new Command.AddNode(joining("node_x", "x")), T0).error())
        .isEqualTo(ErrorKind.FORBIDDEN);
    assertThat(state.nodes()).containsOnlyKeys("node_a");

    run(new Command.ApproveJoinRequest("jrq_1", "tok_owner"), T0);
    assertThat(run(new Command.AddNode(joining("node_b", "b")), T0).ok()).isTrue();
    assertThat(run(new Command.ActivateNode("node_b"), T0.plusSeconds(9)).ok()).isTrue();
    assertThat(state.nodes().get("node_b").status()).isEqualTo(NodeStatus.ACTIVE);
    assertThat(run(new Command.ActivateNode("node_b"), T0).ok()).isTrue();
  }

  @Test
  void snapshot_roundTripsJoinState_andOldSnapshotsReadAsEmpty() throws Exception {
    run(token("jtk_1", 900, 2), T0);
    run(request("jrq_1", "jtk_1", "node_b", "b"), T0);
    State back = SnapshotCodec.decode(SnapshotCodec.encode(state), 1000);
    assertThat(back.joinTokens()).isEqualTo(state.joinTokens());
    assertThat(back.joinRequests()).isEqualTo(state.joinRequests());

    String text = new String(SnapshotCodec.encode(state), java.nio.charset.StandardCharsets.UTF_8);
    String body = text.substring(text.indexOf('\n') + 1);
    var root =
        (com.fasterxml.jackson.databind.node.ObjectNode)
            io.raftray.model.Json.mapper().readTree(body);
    root.remove("join_tokens");
    root.remove("join_requests");
    byte[] old = io.raftray.model.Json.mapper().writeValueAsBytes(root);
    byte[] file =
        ("RAFTRAY-SNAPSHOT 1 sha256=" + SnapshotCodec.sha256(old) + "\n")
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    byte[] all = new byte[file.length + old.length];
    System.arraycopy(file, 0, all, 0, file.length);
    System.arraycopy(old, 0, all, file.length, old.length);
    State fromOld = SnapshotCodec.decode(all, 1000);
    assertThat(fromOld.joinTokens()).isEmpty();
    assertThat(fromOld.joinRequests()).isEmpty();
    assertThat(fromOld.nodes()).isEqualTo(state.nodes());
  }
}
