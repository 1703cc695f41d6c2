package io.raftray.cluster;

import static io.raftray.cluster.AuthFixture.identity;
import static io.raftray.cluster.AuthFixture.node;
import static io.raftray.cluster.AuthFixture.state;
import static org.assertj.core.api.Assertions.assertThat;

import io.raftray.model.NodeStatus;
import io.raftray.pki.ClusterCa;
import io.raftray.state.Command;
import io.raftray.state.CommandCodec;
import io.raftray.state.CommandEnvelope;
import io.raftray.state.State;
import io.raftray.state.Submission;
import java.util.List;
import java.util.Optional;
import org.apache.ratis.client.impl.ClientProtoUtils;
import org.apache.ratis.proto.RaftProtos.AppendEntriesRequestProto;
import org.apache.ratis.proto.RaftProtos.RaftRpcRequestProto;
import org.apache.ratis.proto.netty.NettyProtos.RaftNettyServerRequestProto;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.GroupInfoRequest;
import org.apache.ratis.protocol.GroupListRequest;
import org.apache.ratis.protocol.GroupManagementRequest;
import org.apache.ratis.protocol.LeaderElectionManagementRequest;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.protocol.SnapshotManagementRequest;
import org.apache.ratis.protocol.TransferLeadershipRequest;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Only the Ratis requests Raftray itself sends are served from the network. */
@Timeout(30)
class RaftRequestPolicyTest {
  private static final ClusterCa CA = ClusterCa.create(AuthFixture.CLUSTER);
  private static final ClientId CLIENT = ClientId.randomId();
  private static final RaftGroupId GROUP = RaftNode.groupId(AuthFixture.CLUSTER);
  private static final RaftPeerId TARGET = RaftPeerId.valueOf("node-1");

  private final State state =
      state(
          CA,
          node(identity(CA, "node-1"), NodeStatus.ACTIVE),
          node(identity(CA, "node-2"), NodeStatus.ACTIVE),
          node(identity(CA, "node-3"), NodeStatus.REMOVED),
          node(identity(CA, "node-4"), NodeStatus.JOINING));

  private static RaftPeer peer(String id) {
    return RaftPeer.newBuilder().setId(id).setAddress("https://127.0.0.1:1").build();
  }

  private Optional<String> check(RaftNettyServerRequestProto p, String sender) {
    return RaftRequestPolicy.refusal(p, sender, state);
  }

  private static RaftNettyServerRequestProto setConf(SetConfigurationRequest.Arguments a) {
    return RaftNettyServerRequestProto.newBuilder()
        .setSetConfigurationRequest(
            ClientProtoUtils.toSetConfigurationRequestProto(
                new SetConfigurationRequest(CLIENT, TARGET, GROUP, 1, a)))
        .build();
  }

  @Test
  void groupAndSnapshotManagement_fromTheNetwork_refused() {
    List<RaftNettyServerRequestProto> requests =
        List.of(
            RaftNettyServerRequestProto.newBuilder()
                .setGroupManagementRequest(
                    ClientProtoUtils.toGroupManagementRequestProto(
                        GroupManagementRequest.newRemove(CLIENT, TARGET, 1, GROUP, true, false)))
                .build(),
            RaftNettyServerRequestProto.newBuilder()
                .setGroupManagementRequest(
                    ClientProtoUtils.toGroupManagementRequestProto(
                        GroupManagementRequest.newAdd(
                            CLIENT,
                            TARGET,
                            1,
                            RaftGroup.valueOf(RaftGroupId.randomId(), peer("node-2")))))
                .build(),
            RaftNettyServerRequestProto.newBuilder()
                .setSnapshotManagementRequest(
                    ClientProtoUtils.toSnapshotManagementRequestProto(
                        SnapshotManagementRequest.newCreate(CLIENT, TARGET, GROUP, 1, 1000)))
                .build(),
            RaftNettyServerRequestProto.newBuilder()
                .setLeaderElectionManagementRequest(
                    ClientProtoUtils.toLeaderElectionManagementRequestProto(
                        LeaderElectionManagementRequest.newPause(CLIENT, TARGET, GROUP, 1)))
                .build(),
            RaftNettyServerRequestProto.newBuilder()
                .setGroupListRequest(
                    ClientProtoUtils.toGroupListRequestProto(
                        new GroupListRequest(CLIENT, TARGET, GROUP, 1)))
                .build(),
            RaftNettyServerRequestProto.getDefaultInstance());
    for (RaftNettyServerRequestProto p : requests) {
      assertThat(check(p, "node-2"))
          .as(p.getRaftNettyServerRequestCase().name())
          .hasValueSatisfying(r -> assertThat(r).contains("not accepted from the network"));
    }
  }

  /** Read only: a follower asks the leader for its followers' contact times. */
  @Test
  void groupInfo_accepted() {
    RaftNettyServerRequestProto info =
        RaftNettyServerRequestProto.newBuilder()
            .setGroupInfoRequest(
                ClientProtoUtils.toGroupInfoRequestProto(
                    new GroupInfoRequest(CLIENT, TARGET, GROUP, 1)))
            .build();
    assertThat(check(info, "node-2")).isEmpty();
  }

  @Test
  void serverRequests_mustComeFromTheSenderTheyName() {
    RaftNettyServerRequestProto fromNode2 =
        RaftNettyServerRequestProto.newBuilder()
            .setAppendEntriesRequest(
                AppendEntriesRequestProto.newBuilder()
                    .setServerRequest(
                        RaftRpcRequestProto.newBuilder()
                            .setRequestorId(ByteString.copyFromUtf8("node-2"))
                            .setReplyId(ByteString.copyFromUtf8("node-1"))))
            .build();
    assertThat(check(fromNode2, "node-2")).isEmpty();
    assertThat(check(fromNode2, "node-4"))
        .hasValueSatisfying(r -> assertThat(r).contains("names another sender"));
  }

  @Test
  void clientWrites_accepted_streamsRefused() {
    RaftClientRequest write =
        RaftClientRequest.newBuilder()
            .setClientId(CLIENT)
            .setServerId(TARGET)
            .setGroupId(GROUP)
            .setCallId(1)
            .setMessage(
                Message.valueOf(
                    ByteString.copyFrom(
                        CommandCodec.encodeSubmission(
                            Submission.of(
                                "node-2",
                                null,
                                CommandEnvelope.of("node-2", new Command.UsersTick()))))))
            .setType(RaftClientRequest.writeRequestType())
            .build();
    RaftNettyServerRequestProto p =
        RaftNettyServerRequestProto.newBuilder()
            .setRaftClientRequest(ClientProtoUtils.toRaftClientRequestProto(write))
            .build();
    assertThat(check(p, "node-2")).isEmpty();
    // A member may not submit in another node's name, nor send anything but a submission.
    assertThat(check(p, "node-4"))
        .hasValueSatisfying(r -> assertThat(r).contains("names another submitting node"));
    RaftNettyServerRequestProto plain =
        RaftNettyServerRequestProto.newBuilder()
            .setRaftClientRequest(
                ClientProtoUtils.toRaftClientRequestProto(
                    RaftClientRequest.newBuilder()
                        .setClientId(CLIENT)
                        .setServerId(TARGET)
                        .setGroupId(GROUP)
                        .setCallId(1)
                        .setMessage(Message.valueOf("x"))
                        .setType(RaftClientRequest.writeRequestType())
                        .build()))
            .build();
    assertThat(check(plain, "node-2"))
        .hasValueSatisfying(r -> assertThat(r).contains("must be a submission"));
    RaftClientRequest stream =
        RaftClientRequest.newBuilder()
            .setClientId(CLIENT)
            .setServerId(TARGET)
            .setGroupId(GROUP)
            .setCallId(1)
            .setMessage(Message.valueOf("x"))
            .setType(RaftClientRequest.dataStreamRequestType())
            .build();
    assertThat(
            check(
                RaftNettyServerRequestProto.newBuilder()
                    .setRaftClientRequest(ClientProtoUtils.toRaftClientRequestProto(stream))
                    .build(),
                "node-2"))
        .isPresent();
  }

  @Test
  void setConfiguration_addingItself_accepted_addingAnother_refused() {
    SetConfigurationRequest.Arguments self =
        SetConfigurationRequest.Arguments.newBuilder()
            .setServersInNewConf(List.of(peer("node-4")))
            .setMode(SetConfigurationRequest.Mode.ADD)
            .build();
    assertThat(check(setConf(self), "node-4")).isEmpty();
    assertThat(check(setConf(self), "node-2")).isPresent();
    SetConfigurationRequest.Arguments two =
        SetConfigurationRequest.Arguments.newBuilder()
            .setServersInNewConf(List.of(peer("node-4"), peer("node-2")))
            .setMode(SetConfigurationRequest.Mode.ADD)
            .build();
    assertThat(check(setConf(two), "node-4")).isPresent();
  }

  @Test
  void setConfiguration_removingARemovedNode_accepted_removingALiveOne_refused() {
    List<RaftPeer> current = List.of(peer("node-1"), peer("node-2"), peer("node-3"));
    SetConfigurationRequest.Arguments dropRemoved =
        SetConfigurationRequest.Arguments.newBuilder()
            .setServersInCurrentConf(current)
            .setServersInNewConf(List.of(peer("node-1"), peer("node-2")))
            .setMode(SetConfigurationRequest.Mode.COMPARE_AND_SET)
            .build();
    assertThat(check(setConf(dropRemoved), "node-2")).isEmpty();
    SetConfigurationRequest.Arguments dropLive =
        SetConfigurationRequest.Arguments.newBuilder()
            .setServersInCurrentConf(current)
            .setServersInNewConf(List.of(peer("node-2"), peer("node-3")))
            .setMode(SetConfigurationRequest.Mode.COMPARE_AND_SET)
            .build();
    assertThat(check(setConf(dropLive), "node-2")).isPresent();
    SetConfigurationRequest.Arguments replaceAll =
        SetConfigurationRequest.Arguments.newBuilder()
            .setServersInNewConf(List.of(peer("node-2")))
            .setMode(SetConfigurationRequest.Mode.SET_UNCONDITIONALLY)
            .build();
    assertThat(check(setConf(replaceAll), "node-2")).isPresent();
    // A removed sender never gets here (ClusterAuth refuses it), nor may a joining one remove.
    assertThat(check(setConf(dropRemoved), "node-4")).isPresent();
  }

  @Test
  void transferLeadership_accepted() {
    RaftNettyServerRequestProto p =
        RaftNettyServerRequestProto.newBuilder()
            .setTransferLeadershipRequest(
                ClientProtoUtils.toTransferLeadershipRequestProto(
                    new TransferLeadershipRequest(
                        CLIENT, TARGET, GROUP, 1, RaftPeerId.valueOf("node-2"), 1000)))
            .build();
    assertThat(check(p, "node-2")).isEmpty();
  }
}
