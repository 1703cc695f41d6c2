package io.raftray.cluster;

import java.io.IOException;
import java.util.function.Supplier;
import org.apache.ratis.client.impl.ClientProtoUtils;
import org.apache.ratis.proto.RaftProtos.RaftRpcRequestProto;
import org.apache.ratis.proto.netty.NettyProtos.RaftNettyServerReplyProto;
import org.apache.ratis.proto.netty.NettyProtos.RaftNettyServerRequestProto;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.server.RaftServer;

/**
 * Turns one request envelope into the matching {@link RaftServer} call and its reply envelope.
 *
 * <p>Used by the HTTPS handler and by the in-process shortcut, so both behave the same. An {@link
 * IOException} from the server propagates (the caller decides how to ship it); a request that
 * cannot be decoded raises {@link MalformedRequestException}.
 */
final class RaftDispatcher {
  private RaftDispatcher() {}

  /** Thrown when an envelope is structurally valid protobuf but not a usable request. */
  static final class MalformedRequestException extends RuntimeException {
    MalformedRequestException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The rpc header of a request, used to address an exception reply; default when absent. */
  static RaftRpcRequestProto rpcRequest(RaftNettyServerRequestProto p) {
    return switch (p.getRaftNettyServerRequestCase()) {
      case REQUESTVOTEREQUEST -> p.getRequestVoteRequest().getServerRequest();
      case APPENDENTRIESREQUEST -> p.getAppendEntriesRequest().getServerRequest();
      case INSTALLSNAPSHOTREQUEST -> p.getInstallSnapshotRequest().getServerRequest();
      case STARTLEADERELECTIONREQUEST -> p.getStartLeaderElectionRequest().getServerRequest();
      case RAFTCLIENTREQUEST -> p.getRaftClientRequest().getRpcRequest();
      case SETCONFIGURATIONREQUEST -> p.getSetConfigurationRequest().getRpcRequest();
      case GROUPMANAGEMENTREQUEST -> p.getGroupManagementRequest().getRpcRequest();
      case GROUPLISTREQUEST -> p.getGroupListRequest().getRpcRequest();
      case GROUPINFOREQUEST -> p.getGroupInfoRequest().getRpcRequest();
      case TRANSFERLEADERSHIPREQUEST -> p.getTransferLeadershipRequest().getRpcRequest();
      case SNAPSHOTMANAGEMENTREQUEST -> p.getSnapshotManagementRequest().getRpcRequest();
      case LEADERELECTIONMANAGEMENTREQUEST ->
          p.getLeaderElectionManagementRequest().getRpcRequest();
      case RAFTNETTYSERVERREQUEST_NOT_SET -> RaftRpcRequestProto.getDefaultInstance();
    };
  }

  static RaftNettyServerReplyProto dispatch(RaftServer server, RaftNettyServerRequestProto p)
      throws IOException {
    RaftNettyServerReplyProto.Builder reply = RaftNettyServerReplyProto.newBuilder();
    switch (p.getRaftNettyServerRequestCase()) {
      case REQUESTVOTEREQUEST ->
          reply.setRequestVoteReply(server.requestVote(p.getRequestVoteRequest()));
      case APPENDENTRIESREQUEST ->
          reply.setAppendEntriesReply(server.appendEntries(p.getAppendEntriesRequest()));
      case INSTALLSNAPSHOTREQUEST ->
          reply.setInstallSnapshotReply(server.installSnapshot(p.getInstallSnapshotRequest()));
      case STARTLEADERELECTIONREQUEST ->
          reply.setStartLeaderElectionReply(
              server.startLeaderElection(p.getStartLeaderElectionRequest()));
      case RAFTCLIENTREQUEST ->
          client(
              reply,
              server.submitClientRequest(
                  decode(() -> ClientProtoUtils.toRaftClientRequest(p.getRaftClientRequest()))));
      case SETCONFIGURATIONREQUEST ->
          client(
              reply,
              server.setConfiguration(
                  decode(
                      () ->
                          ClientProtoUtils.toSetConfigurationRequest(
                              p.getSetConfigurationRequest()))));
      case GROUPMANAGEMENTREQUEST ->
          client(
              reply,
              server.groupManagement(
                  decode(
                      () ->
                          ClientProtoUtils.toGroupManagementRequest(
                              p.getGroupManagementRequest()))));
      case TRANSFERLEADERSHIPREQUEST ->
          client(
              reply,
              server.transferLeadership(
                  decode(
                      () ->
                          ClientProtoUtils.toTransferLeadershipRequest(
                              p.getTransferLeadershipRequest()))));
      case SNAPSHOTMANAGEMENTREQUEST ->
          client(
              reply,
              server.snapshotManagement(
                  decode(
                      () ->
                          ClientProtoUtils.toSnapshotManagementRequest(
                              p.getSnapshotManagementRequest()))));
      case LEADERELECTIONMANAGEMENTREQUEST ->
          client(
              reply,
              server.leaderElectionManagement(
                  decode(
                      () ->
                          ClientProtoUtils.toLeaderElectionManagementRequest(
                              p.getLeaderElectionManagementRequest()))));
      case GROUPLISTREQUEST ->
          reply.setGroupListReply(
              ClientProtoUtils.toGroupListReplyProto(
                  server.getGroupList(
                      decode(() -> ClientProtoUtils.toGroupListRequest(p.getGroupListRequest())))));
      case GROUPINFOREQUEST ->
          reply.setGroupInfoReply(
              ClientProtoUtils.toGroupInfoReplyProto(
                  server.getGroupInfo(
                      decode(() -> ClientProtoUtils.toGroupInfoRequest(p.getGroupInfoRequest())))));
      case RAFTNETTYSERVERREQUEST_NOT_SET ->
          throw new MalformedRequestException("raft request envelope is empty", null);
    }
    return reply.build();
  }

  private static void client(RaftNettyServerReplyProto.Builder reply, RaftClientReply r) {
    reply.setRaftClientReply(ClientProtoUtils.toRaftClientReplyProto(r));
  }

  private static <T> T decode(Supplier<T> conversion) {
    try {
      return conversion.get();
    } catch (RuntimeException e) {
      throw new MalformedRequestException("undecodable raft request", e);
    }
  }
}
