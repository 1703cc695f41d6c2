package io.raftray.cluster;

import org.apache.ratis.client.ClientFactory;
import org.apache.ratis.client.RaftClientRpc;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.rpc.RpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerRpc;
import org.apache.ratis.server.ServerFactory;
import org.apache.ratis.server.leader.FollowerInfo;
import org.apache.ratis.server.leader.LeaderState;
import org.apache.ratis.server.leader.LogAppender;

/** Builds both ends of the HTTPS transport from the same {@link Parameters}. */
final class HttpsRpcFactory implements ServerFactory, ClientFactory {
  private final Parameters parameters;

  HttpsRpcFactory(Parameters parameters) {
    this.parameters = parameters;
  }

  @Override
  public RpcType getRpcType() {
    return new HttpsRpcType();
  }

  @Override
  public RaftServerRpc newRaftServerRpc(RaftServer server) {
    return new HttpsServerRpc(server, new RaftHttpCaller(parameters), parameters);
  }

  /**
   * The pipelined appender when the node enabled it ({@link RatisSettings#pipelinedReplication}),
   * else Ratis' default (one blocking AppendEntries per follower at a time).
   */
  @Override
  public LogAppender newLogAppender(
      RaftServer.Division server, LeaderState state, FollowerInfo follower) {
    if (RatisSettings.pipelinedReplication(server.getRaftServer().getProperties())
        && server.getRaftServer().getServerRpc() instanceof HttpsServerRpc) {
      return new PipelinedLogAppender(server, state, follower);
    }
    return LogAppender.newLogAppenderDefault(server, state, follower);
  }

  @Override
  public RaftClientRpc newRaftClientRpc(ClientId clientId, RaftProperties properties) {
    return new HttpsClientRpc(clientId, properties, new RaftHttpCaller(parameters), parameters);
  }
}
