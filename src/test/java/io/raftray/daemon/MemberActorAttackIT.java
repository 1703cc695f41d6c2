package io.raftray.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftray.cluster.NodeRequestSigner;
import io.raftray.cluster.RaftNode;
import io.raftray.config.Tunables;
import io.raftray.model.AdminToken;
import io.raftray.model.ErrorKind;
import io.raftray.model.Node;
import io.raftray.model.NodeRole;
import io.raftray.model.NodeStatus;
import io.raftray.model.RaftrayException;
import io.raftray.model.Role;
import io.raftray.pki.PemFiles;
import io.raftray.state.Command;
import io.raftray.state.CommandCodec;
import io.raftray.state.CommandEnvelope;
import io.raftray.state.State;
import io.raftray.state.Submission;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.ratis.client.impl.ClientProtoUtils;
import org.apache.ratis.proto.netty.NettyProtos.RaftNettyServerReplyProto;
import org.apache.ratis.proto.netty.NettyProtos.RaftNettyServerRequestProto;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10 item 2, third layer, on three in-process daemons: a CURRENT member, with its own valid
 * certificate and key, sends Raft writes straight to the leader that name an admin token it does
 * not hold (owner token, join token, membership, settings) or another node (a usage report). The
 * leader refuses every one, nothing is committed, and the normal paths keep working.
 */
@Timeout(240)
class MemberActorAttackIT {
  @TempDir Path tmp;
  private final List<Daemon> daemons = new ArrayList<>();
  private HttpClient http;

  @AfterEach
  void stop() {
    daemons.forEach(Daemon::close);
  }

  /** A Raft client write from {@code as} to {@code lead}; true when the leader committed it. */
  private boolean write(Daemon lead, Daemon as, String clusterId, byte[] message) throws Exception {
    RaftClientRequest write =
        RaftClientRequest.newBuilder()
            .setClientId(ClientId.randomId())
            .setServerId(RaftPeerId.valueOf(lead.config().nodeId()))
            .setGroupId(RaftNode.groupId(clusterId))
            .setCallId(1)
            .setMessage(Message.valueOf(ByteString.copyFrom(message)))
            .setType(RaftClientRequest.writeRequestType())
            .build();
    byte[] body =
        RaftNettyServerRequestProto.newBuilder()
            .setRaftClientRequest(ClientProtoUtils.toRaftClientRequestProto(write))
            .build()
            .toByteArray();
    String route = "/cluster/v1/raft";
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(lead.config().apiBaseUrl() + route))
            .timeout(Duration.ofSeconds(20))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    new NodeRequestSigner(as.identity())
        .headers("POST", route, lead.config().nodeId(), body)
        .forEach(b::header);
    HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != 200) {
      assertThat(r.statusCode()).isIn(401, 403);
      return false;
    }
    var reply = RaftNettyServerReplyProto.parseFrom(r.body());
    if (!reply.hasRaftClientReply()) {
      return false;
    }
    return ClientProtoUtils.toRaftClientReply(reply.getRaftClientReply()).isSuccess();
  }

  /** What a previous release's node sent: the plain log entry with the actor it claims. */
  private static byte[] entry(String actor, Command c) {
    return CommandCodec.encode(CommandEnvelope.of(actor, c));
  }

  /** What this release's nodes send: a submission naming the node, with an optional token. */
  private static byte[] submission(String node, String credential, String actor, Command c) {
    return CommandCodec.encodeSubmission(
        Submission.of(node, credential, CommandEnvelope.of(actor, c)));
  }

  @Test
  void currentMember_cannotWriteInAnAdminsOrAnotherNodesName() throws Exception {
    Bootstrapper.Seed seed = InProcessNodes.prepare(tmp, 3);
    http = InProcessNodes.trustingCa(seed.configs().get(0).dataDir());
    var api = new InProcessNodes.Api(http, seed.owner().plaintext(), Duration.ofSeconds(40));
    for (var c : seed.configs()) {
      daemons.add(Daemon.start(c, Clock.systemUTC(), Tunables.fromEnvironment(System.getenv())));
    }
    InProcessNodes.awaitBootstrapped(seed, daemons.get(0));
    Daemon lead = InProcessNodes.awaitLeader(daemons);
    String leaderId = lead.config().nodeId();
    List<Daemon> followers = daemons.stream().filter(d -> d != lead).toList();
    Daemon attacker = followers.get(0);
    Daemon other = followers.get(1);
    String owner = seed.owner().token().id();
    String attackerId = attacker.config().nodeId();
    State before = lead.replica().view();

    Instant now = Instant.now();
    Node fake =
        new Node(
            "node-fake",
            "fake",
            "https://127.0.0.1:9",
            "127.0.0.1",
            Map.of(),
            NodeRole.VOTER,
            NodeStatus.ACTIVE,
            Map.of(),
            "01",
            now.plusSeconds(3600),
            PemFiles.certificateToPem(attacker.identity().nodeCert()),
            now,
            now);
    Map<String, byte[]> attacks = new LinkedHashMap<>();
    attacks.put(
        "owner token",
        entry(
            owner,
            new Command.CreateAdminToken(
                new AdminToken("tok-evil", "evil", Role.OWNER, "00".repeat(32), now, false))));
    attacks.put(
        "join token",
        entry(
            owner,
            new Command.CreateJoinToken(
                "jtk-evil", "11".repeat(32), 3600, 5, NodeRole.VOTER, owner)));
    attacks.put("node record", entry(owner, new Command.AddNode(fake)));
    attacks.put("node removal", entry(owner, new Command.RemoveNode(other.config().nodeId())));
    attacks.put("settings", entry(owner, new Command.UpdateSettings(10)));
    attacks.put(
        "usage of another node",
        entry(leaderId, new Command.UsageReport(leaderId, 1_000_000, List.of())));
    attacks.put(
        "usage of another node in its own name",
        entry(attackerId, new Command.UsageReport(leaderId, 1_000_001, List.of())));
    // The same as submissions of this release: without the admin's token, with a guessed one,
    // in another node's name, or about another node.
    String guessed = "rrt_" + owner + ".guessed";
    Command evilToken =
        new Command.CreateAdminToken(
            new AdminToken("tok-evil2", "evil", Role.OWNER, "00".repeat(32), now, false));
    attacks.put("owner token, no credential", submission(attackerId, null, owner, evilToken));
    attacks.put(
        "owner token, guessed credential", submission(attackerId, guessed, owner, evilToken));
    attacks.put("owner token, as the leader", submission(leaderId, null, owner, evilToken));
    attacks.put(
        "join token, no credential",
        submission(
            attackerId,
            null,
            owner,
            new Command.CreateJoinToken(
                "jtk-evil2", "11".repeat(32), 3600, 5, NodeRole.VOTER, owner)));
    attacks.put(
        "node record, own name",
        submission(attackerId, null, attackerId, new Command.AddNode(fake)));
    attacks.put(
        "node removal, no credential",
        submission(attackerId, null, owner, new Command.RemoveNode(other.config().nodeId())));
    attacks.put(
        "settings, own name",
        submission(attackerId, null, attackerId, new Command.UpdateSettings(10)));
    attacks.put(
        "usage of another node, own name",
        submission(
            attackerId, null, attackerId, new Command.UsageReport(leaderId, 1_000_002, List.of())));
    attacks.put(
        "usage of another node, its name",
        submission(
            attackerId, null, leaderId, new Command.UsageReport(leaderId, 1_000_003, List.of())));

    List<String> committed = new ArrayList<>();
    for (var a : attacks.entrySet()) {
      if (write(lead, attacker, seed.clusterId(), a.getValue())) {
        committed.add(a.getKey());
      }
    }
    assertThat(committed).as("forged writes the leader committed").isEmpty();

    // Through the attacker's own replica (its Raft client, forwarded to the leader): a clear 403.
    assertThatThrownBy(() -> attacker.replica().submit(owner, guessed, evilToken))
        .isInstanceOfSatisfying(
            RaftrayException.class,
            e -> {
              assertThat(e.kind()).as(e.getMessage()).isEqualTo(ErrorKind.FORBIDDEN);
              assertThat(e.getMessage())
                  .startsWith("the leader refused the write: admin_token.create needs an owner");
            });

    State after = lead.replica().view();
    assertThat(after.adminTokens()).isEqualTo(before.adminTokens());
    assertThat(after.joinTokens()).isEqualTo(before.joinTokens());
    assertThat(after.nodes().keySet()).isEqualTo(before.nodes().keySet());
    assertThat(after.nodes().get(other.config().nodeId()).status()).isEqualTo(NodeStatus.ACTIVE);
    assertThat(after.settings()).isEqualTo(before.settings());
    assertThat(after.usageSeq(leaderId)).isEqualTo(before.usageSeq(leaderId));

    // The attacker's own report is still a node command it may submit.
    assertThat(
            write(
                lead,
                attacker,
                seed.clusterId(),
                submission(
                    attackerId,
                    null,
                    attackerId,
                    new Command.UsageReport(
                        attackerId, after.usageSeq(attackerId) + 1_000, List.of()))))
        .isTrue();

    // Normal admin writes through every node still work.
    for (Daemon d : daemons) {
      HttpResponse<String> w =
          api.call(d, "POST", "/api/v1/users", "{\"name\":\"u-" + d.config().name() + "\"}");
      assertThat(w.statusCode()).as(w.body()).isEqualTo(201);
    }
  }
}
