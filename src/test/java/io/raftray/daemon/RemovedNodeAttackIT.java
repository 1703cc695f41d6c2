package io.raftray.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.raftray.cluster.RenewService;
import io.raftray.config.Tunables;
import io.raftray.model.NodeStatus;
import io.raftray.pki.ClusterCa;
import io.raftray.pki.ForgedCertificates;
import io.raftray.pki.NodeIdentity;
import io.raftray.testing.InProcessNodes;
import io.raftray.testing.RemovedNodeAttack;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10 item 2 end to end on three in-process daemons: a node removed from the cluster keeps its
 * copy of the CA key, mints a certificate for a member (with that member's recorded serial) and
 * tries to write an owner token through Raft, to renew in the member's name and to delete the Raft
 * group. Everything is refused and nothing is committed.
 */
@Timeout(240)
class RemovedNodeAttackIT {
  @TempDir Path tmp;
  private final List<Daemon> daemons = new ArrayList<>();
  private HttpClient http;
  private InProcessNodes.Api api;

  @AfterEach
  void stop() {
    daemons.forEach(Daemon::close);
  }

  private HttpResponse<String> post(Daemon to, String route, NodeIdentity as, byte[] body)
      throws Exception {
    return RemovedNodeAttack.post(
        http, to.config().apiBaseUrl(), to.config().nodeId(), route, as, body);
  }

  @Test
  void removedNodeWithTheCaKey_cannotWriteRenewOrManageGroups() throws Exception {
    Bootstrapper.Seed seed = InProcessNodes.prepare(tmp, 3);
    http = InProcessNodes.trustingCa(seed.configs().get(0).dataDir());
    api = new InProcessNodes.Api(http, seed.owner().plaintext(), Duration.ofSeconds(40));
    for (var c : seed.configs()) {
      daemons.add(Daemon.start(c, Clock.systemUTC(), Tunables.fromEnvironment(System.getenv())));
    }
    InProcessNodes.awaitBootstrapped(seed, daemons.get(0));
    Daemon lead = InProcessNodes.awaitLeader(daemons);
    String leaderId = lead.config().nodeId();
    List<Daemon> followers = daemons.stream().filter(d -> d != lead).toList();
    Daemon removed = followers.get(0);
    Daemon victim = followers.get(1);
    String removedId = removed.config().nodeId();
    HttpResponse<String> del = api.call(lead, "DELETE", "/api/v1/nodes/" + removedId, null);
    assertThat(del.statusCode()).as(del.body()).isEqualTo(204);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> victim.replica().view().nodes().get(removedId).status() == NodeStatus.REMOVED);

    // The removed node's copy of the CA key, and a certificate it mints for the victim.
    ClusterCa stolen =
        ClusterCa.of(
            removed.identity().caCert(), NodeIdentity.loadCaKey(removed.config().dataDir()));
    assertThat(stolen.canIssue()).isTrue();
    NodeIdentity forged =
        ForgedCertificates.identity(
            stolen, victim.config().nodeId(), victim.identity().nodeCert().getSerialNumber());
    long indexBefore = lead.replica().view().appliedIndex();
    int tokensBefore = lead.replica().view().adminTokens().size();

    // 1. An owner token through Raft, in the owner's name, as the victim and as itself.
    byte[] envelope = RemovedNodeAttack.ownerTokenEnvelope(seed.owner().token().id());
    for (NodeIdentity as : List.of(forged, removed.identity())) {
      byte[] body = RemovedNodeAttack.raftWrite(seed.clusterId(), leaderId, envelope);
      HttpResponse<String> r = post(lead, RemovedNodeAttack.RAFT_ROUTE, as, body);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
    }

    // 2. A renewal in the victim's name, for a key the attacker holds.
    byte[] renew =
        RemovedNodeAttack.renewal(
            leaderId, victim.identity().nodeCert().getSerialNumber(), victim.config().nodeId());
    HttpResponse<String> r = post(lead, RenewService.ROUTE, forged, renew);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(403);

    // 3. Deleting the Raft group (and its storage) on every remaining member.
    for (Daemon target : List.of(lead, victim)) {
      byte[] body = RemovedNodeAttack.groupRemove(seed.clusterId(), target.config().nodeId());
      for (NodeIdentity as : List.of(forged, removed.identity())) {
        HttpResponse<String> g = post(target, RemovedNodeAttack.RAFT_ROUTE, as, body);
        assertThat(g.statusCode()).as(g.body()).isEqualTo(403);
      }
      // Even a current member may not: the policy refuses group management from anyone.
      Daemon member = target == lead ? victim : lead;
      HttpResponse<String> g = post(target, RemovedNodeAttack.RAFT_ROUTE, member.identity(), body);
      assertThat(g.statusCode()).as(g.body()).isEqualTo(403);
      assertThat(g.body()).contains("not accepted from the network");
    }

    // Nothing was committed, the victim keeps its certificate, and the group still works.
    assertThat(lead.replica().view().adminTokens()).hasSize(tokensBefore);
    assertThat(lead.replica().view().adminTokens())
        .doesNotContainKey(RemovedNodeAttack.EVIL_TOKEN_ID);
    assertThat(lead.replica().view().nodes().get(victim.config().nodeId()).certSerial())
        .isEqualTo(victim.identity().nodeCert().getSerialNumber().toString(16));
    HttpResponse<String> w = api.call(lead, "POST", "/api/v1/users", "{\"name\":\"after\"}");
    assertThat(w.statusCode()).as(w.body()).isEqualTo(201);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> victim.replica().view().appliedIndex() >= indexBefore + 1);
    assertThat(victim.replica().view().adminTokens())
        .doesNotContainKey(RemovedNodeAttack.EVIL_TOKEN_ID);
    assertThat(Optional.ofNullable(victim.replica().status().leaderId().orElse(null))).isPresent();
  }
}
