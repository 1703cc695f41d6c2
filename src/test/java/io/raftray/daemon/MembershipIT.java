package io.raftray.daemon;

import static io.raftray.testing.InProcessNodes.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftray.cluster.NodeRequestSigner;
import io.raftray.config.RenewalSettings;
import io.raftray.config.Tunables;
import io.raftray.model.NodeStatus;
import io.raftray.pki.NodeIdentity;
import io.raftray.state.State;
import io.raftray.testing.InProcessNodes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Membership operations on three in-process daemons over real TLS: removing a follower (Raft
 * configuration, revocation everywhere, the removed node refusing writes), leadership transfer,
 * replication progress in {@code GET /cluster}, and certificate renewal (forced and automatic).
 */
@Timeout(240)
class MembershipIT {
  /** Short renewal cycle: certificates issued by renewal live 12 s and are renewed after 8 s. */
  private static final Tunables FAST =
      Tunables.fromEnvironment(System.getenv())
          .withRenewal(
              new RenewalSettings(Duration.ofMillis(500), Duration.ofSeconds(12), 2.0 / 3.0));

  @TempDir Path tmp;
  private final List<Daemon> daemons = new ArrayList<>();
  private HttpClient http;
  private InProcessNodes.Api api;

  @AfterEach
  void stop() {
    daemons.forEach(Daemon::close);
  }

  private void startCluster() throws Exception {
    Bootstrapper.Seed seed = InProcessNodes.prepare(tmp, 3);
    http = InProcessNodes.trustingCa(seed.configs().get(0).dataDir());
    api = new InProcessNodes.Api(http, seed.owner().plaintext(), Duration.ofSeconds(40));
    for (var c : seed.configs()) {
      daemons.add(Daemon.start(c, Clock.systemUTC(), FAST));
    }
    InProcessNodes.awaitBootstrapped(seed, daemons.get(0));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> daemons.stream().allMatch(d -> d.replica().view().nodes().size() == 3));
  }

  /** A Raft request signed with {@code identity}, sent to {@code to}: only authentication runs. */
  private HttpResponse<String> signedRaftRequest(NodeIdentity identity, Daemon to)
      throws Exception {
    byte[] body = new byte[0];
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(to.config().apiBaseUrl() + "/cluster/v1/raft"))
            .timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    new NodeRequestSigner(identity).headers("POST", "/cluster/v1/raft", body).forEach(b::header);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private Daemon byId(String id) {
    return daemons.stream().filter(d -> d.config().nodeId().equals(id)).findFirst().orElseThrow();
  }

  private Daemon leader() {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> daemons.get(0).replica().status().leaderId().isPresent());
    return byId(daemons.get(0).replica().status().leaderId().orElseThrow());
  }

  private String serial(Daemon d) {
    return d.identity().nodeCert().getSerialNumber().toString(16);
  }

  private void assertWrite(Daemon d, String user) throws Exception {
    HttpResponse<String> r = api.call(d, "POST", "/api/v1/users", "{\"name\":\"" + user + "\"}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
  }

  /** The console reads {@code /cluster} from any node: a follower must see a stopped peer down. */
  @Test
  void followerView_showsAStoppedFollowerDown() throws Exception {
    startCluster();
    Daemon lead = leader();
    List<Daemon> followers = daemons.stream().filter(d -> d != lead).toList();
    Daemon stopped = followers.get(0);
    Daemon asked = followers.get(1);
    String stoppedId = stopped.config().nodeId();
    stopped.close();
    await("the stopped follower reported down by the other follower")
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              JsonNode cluster = json(api.call(asked, "GET", "/api/v1/cluster", null));
              assertThat(cluster.path("view_from").asText()).isEqualTo(asked.config().nodeId());
              for (JsonNode m : cluster.path("members")) {
                boolean isStopped = m.path("node_id").asText().equals(stoppedId);
                assertThat(m.path("healthy").asBoolean()).as(m.toString()).isEqualTo(!isStopped);
                if (isStopped) {
                  assertThat(m.path("last_contact_ms").asLong())
                      .as(m.toString())
                      .isGreaterThan(5000);
                }
              }
            });
  }

  @Test
  void removeFollower_leavesRaft_isRevokedEverywhere_andRefusesWrites() throws Exception {
    startCluster();
    Daemon lead = leader();
    List<Daemon> followers = daemons.stream().filter(d -> d != lead).toList();
    Daemon removed = followers.get(0);
    Daemon other = followers.get(1);
    String removedId = removed.config().nodeId();
    NodeIdentity removedIdentity = removed.identity();

    // the leader's view shows progress of every follower
    assertWrite(lead, "before");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              JsonNode cluster = json(api.call(lead, "GET", "/api/v1/cluster", null));
              assertThat(cluster.path("view_from").asText()).isEqualTo(lead.config().nodeId());
              for (JsonNode m : cluster.path("members")) {
                assertThat(m.path("healthy").asBoolean()).as(m.toString()).isTrue();
                assertThat(m.path("match_index").isNumber()).as(m.toString()).isTrue();
                assertThat(m.path("lag").asLong()).as(m.toString()).isBetween(0L, 5L);
                assertThat(m.path("last_contact_ms").asLong()).isLessThan(5000);
              }
            });
    // a follower knows its leader's last contact and, from the leader, the other follower's
    JsonNode fromFollower = json(api.call(other, "GET", "/api/v1/cluster", null));
    assertThat(fromFollower.path("view_from").asText()).isEqualTo(other.config().nodeId());
    for (JsonNode m : fromFollower.path("members")) {
      assertThat(m.path("match_index").isNull()).isTrue();
      assertThat(m.path("last_contact_ms").isNumber()).as(m.toString()).isTrue();
    }

    // a node cannot remove itself
    HttpResponse<String> self = api.call(removed, "DELETE", "/api/v1/nodes/" + removedId, null);
    assertThat(self.statusCode()).as(self.body()).isEqualTo(409);

    HttpResponse<String> del = api.call(lead, "DELETE", "/api/v1/nodes/" + removedId, null);
    assertThat(del.statusCode()).as(del.body()).isEqualTo(204);

    for (Daemon d : List.of(lead, other)) {
      assertThat(d.replica().status().memberIds()).doesNotContain(removedId);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> d.replica().view().nodes().get(removedId).status() == NodeStatus.REMOVED);
      HttpResponse<String> refused = signedRaftRequest(removedIdentity, d);
      assertThat(refused.statusCode()).isEqualTo(403);
      assertThat(refused.body()).contains("node was removed");
    }
    HttpResponse<String> again = api.call(lead, "DELETE", "/api/v1/nodes/" + removedId, null);
    assertThat(again.statusCode()).isEqualTo(409);

    // the removed node applied its own removal: it refuses writes and is not ready
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> removed.replica().view().nodes().get(removedId).status() == NodeStatus.REMOVED);
    HttpResponse<String> write = api.call(removed, "POST", "/api/v1/users", "{\"name\":\"late\"}");
    assertThat(write.statusCode()).isEqualTo(409);
    assertThat(json(write).path("detail").asText())
        .contains("this node was removed from the cluster at")
        .contains("it no longer serves the cluster");
    HttpResponse<String> ready = api.call(removed, "GET", "/readyz", null);
    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(ready.body()).contains("removed from the cluster");

    // the remaining two still commit, and the removed node is no longer a member
    assertWrite(lead, "after-1");
    assertWrite(other, "after-2");
    JsonNode cluster = json(api.call(other, "GET", "/api/v1/cluster", null));
    assertThat(cluster.path("members")).hasSize(2);
    State s = lead.replica().view();
    assertThat(s.isRevoked(removedIdentity.nodeCert().getSerialNumber().toString(16))).isTrue();
  }

  @Test
  void transferLeadership_thenRenewCertificates_clusterKeepsWorking() throws Exception {
    startCluster();
    Daemon lead = leader();
    Daemon target = daemons.stream().filter(d -> d != lead).findFirst().orElseThrow();
    String targetId = target.config().nodeId();

    HttpResponse<String> unknown =
        api.call(
            lead, "POST", "/api/v1/cluster/transfer-leadership", "{\"node_id\":\"node_nope\"}");
    assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(409);

    HttpResponse<String> moved =
        api.call(
            lead,
            "POST",
            "/api/v1/cluster/transfer-leadership",
            "{\"node_id\":\"" + targetId + "\"}");
    assertThat(moved.statusCode()).as(moved.body()).isEqualTo(200);
    assertThat(json(moved).path("leader_id").asText()).isEqualTo(targetId);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                daemons.stream()
                    .allMatch(
                        d -> d.replica().status().leaderId().map(targetId::equals).orElse(false)));
    assertWrite(lead, "after-transfer");

    // forced renewal of a follower (the old leader): new serial everywhere, old one denied
    Daemon renewing = lead;
    String nodeId = renewing.config().nodeId();
    NodeIdentity before = renewing.identity();
    String oldSerial = serial(renewing);
    String newSerial = renewing.renewCertificate();
    assertThat(newSerial).isNotEqualTo(oldSerial).isEqualTo(serial(renewing));
    assertThat(
            NodeIdentity.load(renewing.config().dataDir())
                .nodeCert()
                .getSerialNumber()
                .toString(16))
        .isEqualTo(newSerial);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              for (Daemon d : daemons) {
                State s = d.replica().view();
                assertThat(s.nodes().get(nodeId).certSerial()).isEqualTo(newSerial);
                assertThat(s.isRevoked(oldSerial)).isTrue();
              }
            });
    for (Daemon d : daemons) {
      if (d != renewing) {
        HttpResponse<String> old = signedRaftRequest(before, d);
        assertThat(old.statusCode()).isEqualTo(403);
        assertThat(old.body()).contains("certificate was revoked");
      }
    }
    assertWrite(renewing, "after-renewal");

    // automatic renewal: the 12 s certificate is renewed again after two thirds of its life
    await()
        .atMost(Duration.ofSeconds(40))
        .pollInterval(Duration.ofMillis(250))
        .until(() -> !serial(renewing).equals(newSerial));
    String third = serial(renewing);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> target.replica().view().nodes().get(nodeId).certSerial().equals(third));
    assertWrite(renewing, "after-auto-renewal");
    assertWrite(target, "on-leader");
    assertThat(json(api.call(renewing, "GET", "/readyz", null)).path("status").asText())
        .isEqualTo("ready");
  }
}
