package io.raftray.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.raftray.cluster.NodeRequestSigner;
import io.raftray.cluster.RaftNode;
import io.raftray.cluster.RenewService;
import io.raftray.config.Tunables;
import io.raftray.model.AdminToken;
import io.raftray.model.Json;
import io.raftray.model.NodeStatus;
import io.raftray.model.Role;
import io.raftray.pki.ClusterCa;
import io.raftray.pki.Csr;
import io.raftray.pki.ForgedCertificates;
import io.raftray.pki.KeyPairs;
import io.raftray.pki.NodeIdentity;
import io.raftray.state.Command;
import io.raftray.state.CommandCodec;
import io.raftray.state.CommandEnvelope;
import io.raftray.testing.InProcessNodes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.ratis.client.impl.ClientProtoUtils;
import org.apache.ratis.proto.netty.NettyProtos.RaftNettyServerRequestProto;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.GroupManagementRequest;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
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
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(to.config().apiBaseUrl() + route))
            .timeout(Duration.ofSeconds(20))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    new NodeRequestSigner(as).headers("POST", route, to.config().nodeId(), body).forEach(b::header);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void removedNodeWithTheCaKey_cannotWriteRenewOrManageGroups() throws Exception {
    Bootstrapper.Seed seed = InProcessNodes.prepare(tmp, 3);
    http = InProcessNodes.trustingCa(seed.configs().get(0).dataDir());
    api = new InProcessNodes.Api(http, seed.owner().plaintext(), Duration.ofSeconds(40));
    for (var c : seed.configs()) {
      daemons.add(Daemon.start(c, Clock.systemUTC(), Tunables.DEFAULT));
    }
    InProcessNodes.awaitBootstrapped(seed, daemons.get(0));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                daemons.stream().allMatch(d -> d.replica().view().nodes().size() == 3)
                    && daemons.get(0).replica().status().leaderId().isPresent());
    String leaderId = daemons.get(0).replica().status().leaderId().orElseThrow();
    Daemon lead =
        daemons.stream().filter(d -> d.config().nodeId().equals(leaderId)).findFirst().get();
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
    AdminToken evil =
        new AdminToken("tok-evil", "evil", Role.OWNER, "00".repeat(32), Instant.now(), false);
    byte[] envelope =
        CommandCodec.encode(
            CommandEnvelope.of(seed.owner().token().id(), new Command.CreateAdminToken(evil)));
    for (NodeIdentity as : List.of(forged, removed.identity())) {
      RaftClientRequest write =
          RaftClientRequest.newBuilder()
              .setClientId(ClientId.randomId())
              .setServerId(RaftPeerId.valueOf(leaderId))
              .setGroupId(RaftNode.groupId(seed.clusterId()))
              .setCallId(1)
              .setMessage(Message.valueOf(ByteString.copyFrom(envelope)))
              .setType(RaftClientRequest.writeRequestType())
              .build();
      byte[] body =
          RaftNettyServerRequestProto.newBuilder()
              .setRaftClientRequest(ClientProtoUtils.toRaftClientRequestProto(write))
              .build()
              .toByteArray();
      HttpResponse<String> r = post(lead, "/cluster/v1/raft", as, body);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
    }

    // 2. A renewal in the victim's name, for a key the attacker holds.
    byte[] renew =
        Json.mapper()
            .writeValueAsBytes(
                new RenewService.RenewRequest(
                    leaderId,
                    victim.identity().nodeCert().getSerialNumber().toString(16),
                    Csr.create(KeyPairs.generate(), victim.config().nodeId())));
    HttpResponse<String> r = post(lead, RenewService.ROUTE, forged, renew);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(403);

    // 3. Deleting the Raft group (and its storage) on every remaining member.
    for (Daemon target : List.of(lead, victim)) {
      for (NodeIdentity as : List.of(forged, removed.identity())) {
        byte[] body =
            RaftNettyServerRequestProto.newBuilder()
                .setGroupManagementRequest(
                    ClientProtoUtils.toGroupManagementRequestProto(
                        GroupManagementRequest.newRemove(
                            ClientId.randomId(),
                            RaftPeerId.valueOf(target.config().nodeId()),
                            1,
                            RaftNode.groupId(seed.clusterId()),
                            true,
                            false)))
                .build()
                .toByteArray();
        HttpResponse<String> g = post(target, "/cluster/v1/raft", as, body);
        assertThat(g.statusCode()).as(g.body()).isEqualTo(403);
      }
      // Even a current member may not: the policy refuses group management from anyone.
      byte[] body =
          RaftNettyServerRequestProto.newBuilder()
              .setGroupManagementRequest(
                  ClientProtoUtils.toGroupManagementRequestProto(
                      GroupManagementRequest.newRemove(
                          ClientId.randomId(),
                          RaftPeerId.valueOf(target.config().nodeId()),
                          1,
                          RaftNode.groupId(seed.clusterId()),
                          true,
                          false)))
              .build()
              .toByteArray();
      Daemon member = target == lead ? victim : lead;
      HttpResponse<String> g = post(target, "/cluster/v1/raft", member.identity(), body);
      assertThat(g.statusCode()).as(g.body()).isEqualTo(403);
      assertThat(g.body()).contains("not accepted from the network");
    }

    // Nothing was committed, the victim keeps its certificate, and the group still works.
    assertThat(lead.replica().view().adminTokens()).hasSize(tokensBefore);
    assertThat(lead.replica().view().adminTokens()).doesNotContainKey("tok-evil");
    assertThat(lead.replica().view().nodes().get(victim.config().nodeId()).certSerial())
        .isEqualTo(victim.identity().nodeCert().getSerialNumber().toString(16));
    HttpResponse<String> w = api.call(lead, "POST", "/api/v1/users", "{\"name\":\"after\"}");
    assertThat(w.statusCode()).as(w.body()).isEqualTo(201);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> victim.replica().view().appliedIndex() >= indexBefore + 1);
    assertThat(victim.replica().view().adminTokens()).doesNotContainKey("tok-evil");
    assertThat(Optional.ofNullable(victim.replica().status().leaderId().orElse(null))).isPresent();
  }
}
