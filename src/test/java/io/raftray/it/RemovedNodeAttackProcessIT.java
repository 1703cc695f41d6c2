package io.raftray.it;

import static io.raftray.it.RaftrayProcess.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftray.cluster.RenewService;
import io.raftray.pki.ClusterCa;
import io.raftray.pki.ForgedCertificates;
import io.raftray.pki.NodeIdentity;
import io.raftray.testing.RemovedNodeAttack;
import java.io.IOException;
import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10 item 2 end to end against the packaged program as OS processes: four nodes, two of them
 * CA holders (node 1 from {@code init}, node 4 joined with a {@code --ca-holder} token) and two
 * ordinary nodes. The test plays the attacker with nothing but the files in a removed node's data
 * directory:
 *
 * <ol>
 *   <li>an ordinary node is removed: it has no {@code tls/ca.key}; with its own key and certificate
 *       it tries an owner-token write through Raft, a renewal in its own and in a victim's name and
 *       a Ratis group removal on every remaining member;
 *   <li>a CA holder is removed: it keeps {@code tls/ca.key}, mints certificates for the remaining
 *       members carrying each one's recorded serial and tries the same requests as each victim and
 *       as itself.
 * </ol>
 *
 * Every request is refused with 403 by the identity check (the removed node, or the minted
 * certificate's key that is not the recorded one), and the leader's applied index, admin tokens and
 * node list (with every recorded certificate serial) are unchanged; the remaining cluster still
 * commits.
 */
@Timeout(180)
class RemovedNodeAttackProcessIT {
  /** Kept when the test fails: node logs are under {@code n<i>-logs/}. */
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path tmp;

  private ProcessCluster cluster;

  @AfterEach
  void close() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void removedNodes_withOrWithoutTheCaKey_cannotWriteRenewOrManageTheGroup() throws Exception {
    cluster = ProcessCluster.form(tmp, 3);
    int port = RaftrayProcess.freePort();
    RaftrayProcess holder =
        RaftrayProcess.join(
            cluster.createJoinToken(true),
            tmp.resolve("n4"),
            port,
            "https://127.0.0.1:" + port,
            "node-4",
            tmp.resolve("n1.token"));
    cluster.nodes().add(holder);
    holder.start();
    cluster.awaitMembers(4);
    RaftrayProcess n1 = cluster.node(0);
    RaftrayProcess ordinary = cluster.node(1);
    RaftrayProcess victim = cluster.node(2);
    assertThat(Files.exists(caKey(n1))).as("node 1 (init) holds the CA key").isTrue();
    assertThat(Files.exists(caKey(holder)))
        .as("node 4 (ca-holder token) holds the CA key")
        .isTrue();
    assertThat(Files.exists(caKey(ordinary))).as("ordinary node 2 holds no CA key").isFalse();
    assertThat(Files.exists(caKey(victim))).as("ordinary node 3 holds no CA key").isFalse();
    assertThat(nodeRecord(n1, holder.nodeId()).path("ca_holder").asBoolean()).isTrue();
    assertThat(nodeRecord(n1, ordinary.nodeId()).path("ca_holder").asBoolean()).isFalse();

    // Node 1 leads throughout, so that the removed nodes are followers and the leader is known.
    String leaderId = cluster.awaitAgreedLeader(Duration.ofSeconds(30), cluster.running());
    if (!leaderId.equals(n1.nodeId())) {
      RaftrayProcess.Response moved =
          n1.post("/cluster/transfer-leadership", obj("node_id", n1.nodeId()));
      assertThat(moved.status())
          .as("transfer leadership to node 1: %s", moved.raw())
          .isEqualTo(200);
    }
    assertThat(cluster.awaitAgreedLeader(Duration.ofSeconds(30), cluster.running()))
        .as("leader")
        .isEqualTo(n1.nodeId());
    String clusterId = NodeIdentity.load(n1.dataDir()).clusterId();
    String ownerTokenId = ownerTokenId(n1);

    // 1. An ordinary node, removed: only its own key and certificate.
    remove(n1, ordinary);
    assertThat(Files.exists(caKey(ordinary))).as("removed ordinary node has no ca.key").isFalse();
    NodeIdentity ordinaryId = NodeIdentity.load(ordinary.dataDir());
    List<RaftrayProcess> members = List.of(n1, victim, holder);
    Snapshot before = Snapshot.of(n1);
    attack(
        n1,
        members,
        clusterId,
        ownerTokenId,
        ordinaryId,
        "node was removed",
        List.of(own(ordinaryId), of(victim), of(holder)));
    assertThat(Snapshot.of(n1))
        .as("nothing committed by the removed ordinary node")
        .isEqualTo(before);

    // 2. A CA holder, removed: it keeps its copy of the CA key and mints certificates for the
    // remaining members, each with the serial recorded for that member.
    remove(n1, holder);
    ClusterCa stolen = NodeIdentity.loadClusterCa(holder.dataDir());
    assertThat(stolen.canIssue()).as("removed CA holder still has tls/ca.key").isTrue();
    NodeIdentity holderId = NodeIdentity.load(holder.dataDir());
    members = List.of(n1, victim);
    before = Snapshot.of(n1);
    for (RaftrayProcess v : members) {
      BigInteger serial =
          new BigInteger(nodeRecord(n1, v.nodeId()).path("cert_serial").asText(), 16);
      assertThat(serial)
          .as("recorded serial of %s", v.nodeId())
          .isEqualTo(NodeIdentity.load(v.dataDir()).nodeCert().getSerialNumber());
      NodeIdentity forged = ForgedCertificates.identity(stolen, v.nodeId(), serial);
      attack(
          n1,
          members,
          clusterId,
          ownerTokenId,
          forged,
          "certificate key is not the one recorded for the node",
          List.of(of(v)));
    }
    attack(
        n1,
        members,
        clusterId,
        ownerTokenId,
        holderId,
        "node was removed",
        List.of(own(holderId), of(victim)));

    // Control: the same request signed by a current member passes authentication (so the refusals
    // above are the identity checks, not a malformed signature) and is refused by the Ratis policy.
    HttpResponse<String> control =
        send(
            n1,
            RemovedNodeAttack.RAFT_ROUTE,
            NodeIdentity.load(victim.dataDir()),
            RemovedNodeAttack.groupRemove(clusterId, n1.nodeId()));
    assertThat(control.statusCode())
        .as("group removal by a member: %s", control.body())
        .isEqualTo(403);
    assertThat(control.body()).contains("not accepted from the network");
    assertThat(Snapshot.of(n1)).as("nothing committed by the removed CA holder").isEqualTo(before);

    // The remaining cluster still commits, and its members still agree.
    RaftrayProcess.Response w = n1.post("/users", obj("name", "after-attack"));
    assertThat(w.status()).as("write after the attack: %s", w.raw()).isEqualTo(201);
    await("node 1 and node 3 converge")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(300))
        .until(
            () -> {
              JsonNode a = cluster.clusterView(0);
              JsonNode c = cluster.clusterView(2);
              return a != null
                  && c != null
                  && a.path("applied_index").equals(c.path("applied_index"))
                  && a.path("state_digest").equals(c.path("state_digest"));
            });
    assertThat(victim.listAll("/admin-tokens").stream().map(t -> t.path("id").asText()))
        .doesNotContain(RemovedNodeAttack.EVIL_TOKEN_ID);
  }

  /** A renewal the attacker attempts: the name and serial it claims. */
  private record Renewal(String nodeId, BigInteger serial) {}

  private static Renewal own(NodeIdentity id) {
    return new Renewal(id.nodeId(), id.nodeCert().getSerialNumber());
  }

  private static Renewal of(RaftrayProcess node) {
    return own(NodeIdentity.load(node.dataDir()));
  }

  /**
   * As {@code as}: an owner token through Raft to the leader, the {@code renewals} to the leader (a
   * CA holder), and a group removal on every member. Each must answer 403 naming {@code reason}.
   */
  private static void attack(
      RaftrayProcess leader,
      List<RaftrayProcess> members,
      String clusterId,
      String ownerTokenId,
      NodeIdentity as,
      String reason,
      List<Renewal> renewals)
      throws Exception {
    String who = "as " + as.nodeId() + " (serial " + as.nodeCert().getSerialNumber().toString(16);
    String leaderId = leader.nodeId();
    byte[] write =
        RemovedNodeAttack.raftWrite(
            clusterId, leaderId, RemovedNodeAttack.ownerTokenEnvelope(ownerTokenId));
    refused(
        who + "): owner token through Raft",
        send(leader, RemovedNodeAttack.RAFT_ROUTE, as, write),
        reason);
    for (Renewal r : renewals) {
      byte[] body = RemovedNodeAttack.renewal(leaderId, r.serial(), r.nodeId());
      refused(
          who + "): renewal in the name of " + r.nodeId(),
          send(leader, RenewService.ROUTE, as, body),
          reason);
    }
    for (RaftrayProcess target : members) {
      byte[] body = RemovedNodeAttack.groupRemove(clusterId, target.nodeId());
      refused(
          who + "): group removal on " + target.nodeId(),
          send(target, RemovedNodeAttack.RAFT_ROUTE, as, body),
          reason);
    }
  }

  private static HttpResponse<String> send(
      RaftrayProcess to, String route, NodeIdentity as, byte[] body) throws Exception {
    return RemovedNodeAttack.post(
        to.http(), "https://127.0.0.1:" + to.port(), to.nodeId(), route, as, body);
  }

  private static void refused(String what, HttpResponse<String> r, String reason) {
    assertThat(r.statusCode()).as("%s: %s", what, r.body()).isEqualTo(403);
    assertThat(r.body()).as(what).contains(reason);
  }

  /** DELETE /nodes/{id} on {@code via}; waits until it lists the node removed, then kills it. */
  private static void remove(RaftrayProcess via, RaftrayProcess node) throws IOException {
    String id = node.nodeId();
    RaftrayProcess.Response del = via.call("DELETE", "/nodes/" + id, null);
    assertThat(del.status()).as("remove %s: %s", id, del.raw()).isEqualTo(204);
    await(id + " is removed")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> "removed".equals(nodeRecord(via, id).path("status").asText()));
    // The attacker works from the data directory alone; the process itself has no part in it.
    node.kill9();
  }

  private static Path caKey(RaftrayProcess node) {
    return NodeIdentity.tlsDir(node.dataDir()).resolve("ca.key");
  }

  private static JsonNode nodeRecord(RaftrayProcess via, String id) {
    return via.listAll("/nodes").stream()
        .filter(n -> n.path("id").asText().equals(id))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no node " + id));
  }

  private static String ownerTokenId(RaftrayProcess via) {
    return via.listAll("/admin-tokens").stream()
        .filter(t -> t.path("role").asText().equals("owner"))
        .map(t -> t.path("id").asText())
        .findFirst()
        .orElseThrow(() -> new AssertionError("no owner token"));
  }

  /**
   * What the leader has committed, read over the admin API once its applied index is stable for a
   * second: applied index, admin tokens (id, role, revoked) and nodes (id, status, role, CA holder,
   * recorded serial).
   */
  private record Snapshot(
      long appliedIndex, Map<String, String> tokens, Map<String, String> nodes) {
    static Snapshot of(RaftrayProcess leader) {
      long[] index = {-1};
      await("applied index of " + leader.nodeId() + " is stable")
          .atMost(Duration.ofSeconds(20))
          .pollDelay(Duration.ofSeconds(1))
          .pollInterval(Duration.ofSeconds(1))
          .until(
              () -> {
                long now = leader.get("/cluster").body().path("applied_index").asLong();
                boolean stable = now == index[0];
                index[0] = now;
                return stable;
              });
      Map<String, String> tokens = new TreeMap<>();
      for (JsonNode t : leader.listAll("/admin-tokens")) {
        tokens.put(t.path("id").asText(), t.path("role").asText() + "/" + t.path("revoked"));
      }
      Map<String, String> nodes = new TreeMap<>();
      for (JsonNode n : leader.listAll("/nodes")) {
        nodes.put(
            n.path("id").asText(),
            String.join(
                "/",
                n.path("status").asText(),
                n.path("role").asText(),
                n.path("ca_holder").asText(),
                n.path("cert_serial").asText()));
      }
      return new Snapshot(index[0], tokens, nodes);
    }
  }
}
