package io.raftray.testing;

import io.raftray.cluster.NodeRequestSigner;
import io.raftray.cluster.RaftNode;
import io.raftray.cluster.RenewService;
import io.raftray.model.AdminToken;
import io.raftray.model.Json;
import io.raftray.model.Role;
import io.raftray.pki.Csr;
import io.raftray.pki.KeyPairs;
import io.raftray.pki.NodeIdentity;
import io.raftray.state.Command;
import io.raftray.state.CommandCodec;
import io.raftray.state.CommandEnvelope;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.apache.ratis.client.impl.ClientProtoUtils;
import org.apache.ratis.proto.netty.NettyProtos.RaftNettyServerRequestProto;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.GroupManagementRequest;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

/**
 * The requests of the removed-node attack (issue 10 item 2), shared by the in-process {@code
 * RemovedNodeAttackIT} and the OS-process {@code RemovedNodeAttackProcessIT}: the signed cluster
 * request bodies a node (removed, or with a forged certificate) sends to try to write through Raft,
 * renew in some node's name or manage the Raft group.
 */
public final class RemovedNodeAttack {
  /** Id of the owner token the attacker tries to create. */
  public static final String EVIL_TOKEN_ID = "tok-evil";

  /** The Raft and group-management route. */
  public static final String RAFT_ROUTE = "/cluster/v1/raft";

  private RemovedNodeAttack() {}

  /** A command envelope creating owner token {@link #EVIL_TOKEN_ID}, in {@code actor}'s name. */
  public static byte[] ownerTokenEnvelope(String actor) {
    AdminToken evil =
        new AdminToken(EVIL_TOKEN_ID, "evil", Role.OWNER, "00".repeat(32), Instant.now(), false);
    return CommandCodec.encode(CommandEnvelope.of(actor, new Command.CreateAdminToken(evil)));
  }

  /** {@code envelope} as a Ratis client write request to {@code leaderId}, as Raftray sends it. */
  public static byte[] raftWrite(String clusterId, String leaderId, byte[] envelope) {
    RaftClientRequest write =
        RaftClientRequest.newBuilder()
            .setClientId(ClientId.randomId())
            .setServerId(RaftPeerId.valueOf(leaderId))
            .setGroupId(RaftNode.groupId(clusterId))
            .setCallId(1)
            .setMessage(Message.valueOf(ByteString.copyFrom(envelope)))
            .setType(RaftClientRequest.writeRequestType())
            .build();
    return RaftNettyServerRequestProto.newBuilder()
        .setRaftClientRequest(ClientProtoUtils.toRaftClientRequestProto(write))
        .build()
        .toByteArray();
  }

  /** A Ratis group-management request that removes the group and deletes its storage on target. */
  public static byte[] groupRemove(String clusterId, String targetId) {
    return RaftNettyServerRequestProto.newBuilder()
        .setGroupManagementRequest(
            ClientProtoUtils.toGroupManagementRequestProto(
                GroupManagementRequest.newRemove(
                    ClientId.randomId(),
                    RaftPeerId.valueOf(targetId),
                    1,
                    RaftNode.groupId(clusterId),
                    true,
                    false)))
        .build()
        .toByteArray();
  }

  /**
   * A renewal request to {@code to} replacing {@code serial} with a fresh key the attacker holds,
   * for a certificate in {@code nodeId}'s name.
   */
  public static byte[] renewal(String to, BigInteger serial, String nodeId) {
    try {
      return Json.mapper()
          .writeValueAsBytes(
              new RenewService.RenewRequest(
                  to, serial.toString(16), Csr.create(KeyPairs.generate(), nodeId)));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * POST {@code body} to {@code baseUrl + route}, signed as {@code as} for receiving node {@code
   * toNodeId}, over {@code http} (which must trust the cluster CA).
   */
  public static HttpResponse<String> post(
      HttpClient http, String baseUrl, String toNodeId, String route, NodeIdentity as, byte[] body)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(baseUrl + route))
            .timeout(Duration.ofSeconds(20))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    new NodeRequestSigner(as).headers("POST", route, toNodeId, body).forEach(b::header);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
