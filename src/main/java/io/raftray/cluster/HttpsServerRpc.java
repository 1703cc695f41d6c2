package io.raftray.cluster;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.proto.RaftProtos.AppendEntriesReplyProto;
import org.apache.ratis.proto.RaftProtos.AppendEntriesRequestProto;
import org.apache.ratis.proto.RaftProtos.InstallSnapshotReplyProto;
import org.apache.ratis.proto.RaftProtos.InstallSnapshotRequestProto;
import org.apache.ratis.proto.RaftProtos.RaftRpcRequestProto;
import org.apache.ratis.proto.RaftProtos.ReadIndexReplyProto;
import org.apache.ratis.proto.RaftProtos.ReadIndexRequestProto;
import org.apache.ratis.proto.RaftProtos.RequestVoteReplyProto;
import org.apache.ratis.proto.RaftProtos.RequestVoteRequestProto;
import org.apache.ratis.proto.RaftProtos.StartLeaderElectionReplyProto;
import org.apache.ratis.proto.RaftProtos.StartLeaderElectionRequestProto;
import org.apache.ratis.proto.netty.NettyProtos.RaftNettyServerReplyProto;
import org.apache.ratis.proto.netty.NettyProtos.RaftNettyServerRequestProto;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.rpc.RpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.RaftServerRpc;
import org.apache.ratis.server.protocol.RaftServerAsynchronousProtocol;
import org.apache.ratis.thirdparty.com.google.protobuf.InvalidProtocolBufferException;

/**
 * Outbound server-to-server RPCs as HTTPS POSTs. Opens no socket of its own: the daemon's HTTPS
 * listener serves the inbound side through {@link RaftHttpService}.
 *
 * <p>The default log appender calls {@link #appendEntries} and {@link #installSnapshot}
 * synchronously; the pipelined one ({@link PipelinedLogAppender}) sends appends with {@link
 * #appendEntriesAsync(AppendEntriesRequestProto, long, long)} and snapshots synchronously. {@code
 * readIndexAsync} is used by followers for linearizable reads.
 */
final class HttpsServerRpc implements RaftServerRpc, RaftServerAsynchronousProtocol {
  /** Snapshot chunks are large; give them more time than a heartbeat. */
  private static final int INSTALL_SNAPSHOT_TIMEOUT_FACTOR = 10;

  private final RaftServer server;
  private final RaftHttpCaller caller;
  private final InetSocketAddress bindAddress;
  private final Duration requestTimeout;
  private final Map<RaftPeerId, RaftPeer> peers = new ConcurrentHashMap<>();

  HttpsServerRpc(RaftServer server, RaftHttpCaller caller, Parameters parameters) {
    this.server = server;
    this.caller = caller;
    this.bindAddress = TransportParameters.bindAddress(parameters);
    this.requestTimeout =
        Duration.ofMillis(
            RaftServerConfigKeys.Rpc.requestTimeout(server.getProperties())
                .toLong(TimeUnit.MILLISECONDS));
  }

  @Override
  public RpcType getRpcType() {
    return new HttpsRpcType();
  }

  @Override
  public void start() {
    // Nothing to open: inbound requests arrive through the daemon's HTTPS listener.
  }

  @Override
  public void close() {}

  @Override
  public InetSocketAddress getInetSocketAddress() {
    return bindAddress;
  }

  @Override
  public void addRaftPeers(Collection<RaftPeer> newPeers) {
    newPeers.forEach(p -> peers.put(p.getId(), p));
  }

  @Override
  public void handleException(RaftPeerId serverId, Exception e, boolean reconnect) {
    // The JDK HttpClient owns connections and drops broken ones itself.
  }

  @Override
  public RaftServerAsynchronousProtocol async() {
    return this;
  }

  @Override
  public RequestVoteReplyProto requestVote(RequestVoteRequestProto request) throws IOException {
    RaftNettyServerRequestProto p =
        RaftNettyServerRequestProto.newBuilder().setRequestVoteRequest(request).build();
    return send(request.getServerRequest(), p, requestTimeout).getRequestVoteReply();
  }

  @Override
  public AppendEntriesReplyProto appendEntries(AppendEntriesRequestProto request)
      throws IOException {
    RaftNettyServerRequestProto p =
        RaftNettyServerRequestProto.newBuilder().setAppendEntriesRequest(request).build();
    return send(request.getServerRequest(), p, requestTimeout).getAppendEntriesReply();
  }

  @Override
  public InstallSnapshotReplyProto installSnapshot(InstallSnapshotRequestProto request)
      throws IOException {
    RaftNettyServerRequestProto p =
        RaftNettyServerRequestProto.newBuilder().setInstallSnapshotRequest(request).build();
    Duration timeout = requestTimeout.multipliedBy(INSTALL_SNAPSHOT_TIMEOUT_FACTOR);
    return send(request.getServerRequest(), p, timeout).getInstallSnapshotReply();
  }

  @Override
  public StartLeaderElectionReplyProto startLeaderElection(StartLeaderElectionRequestProto request)
      throws IOException {
    RaftNettyServerRequestProto p =
        RaftNettyServerRequestProto.newBuilder().setStartLeaderElectionRequest(request).build();
    return send(request.getServerRequest(), p, requestTimeout).getStartLeaderElectionReply();
  }

  @Override
  public CompletableFuture<AppendEntriesReplyProto> appendEntriesAsync(
      AppendEntriesRequestProto request) {
    RaftNettyServerRequestProto p =
        RaftNettyServerRequestProto.newBuilder().setAppendEntriesRequest(request).build();
    return sendAsync(request.getServerRequest(), p)
        .thenApply(RaftNettyServerReplyProto::getAppendEntriesReply);
  }

  /**
   * Sends append {@code seq} of stream {@code stream} without waiting; the receiver starts the
   * appends of one stream in sequence order ({@link AppendSequencer}). Fails with an {@link
   * IOException} (a {@link org.apache.ratis.protocol.exceptions.TimeoutIOException} after the
   * request timeout).
   */
  CompletableFuture<AppendEntriesReplyProto> appendEntriesAsync(
      AppendEntriesRequestProto request, long stream, long seq) {
    RaftNettyServerRequestProto p =
        RaftWire.withStamp(
            RaftNettyServerRequestProto.newBuilder().setAppendEntriesRequest(request).build(),
            stream,
            seq);
    return sendAsync(request.getServerRequest(), p)
        .thenApply(RaftNettyServerReplyProto::getAppendEntriesReply);
  }

  private CompletableFuture<RaftNettyServerReplyProto> sendAsync(
      RaftRpcRequestProto header, RaftNettyServerRequestProto request) {
    final RaftPeer peer;
    try {
      peer = peer(header);
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
    return caller
        .postAsync(peer, RaftHttpCaller.RAFT_ROUTE, request.toByteArray(), requestTimeout)
        .thenApply(
            body -> {
              try {
                return RaftWire.parseReply(body);
              } catch (IOException e) {
                throw new CompletionException(e);
              }
            });
  }

  @Override
  public CompletableFuture<ReadIndexReplyProto> readIndexAsync(ReadIndexRequestProto request)
      throws IOException {
    RaftPeer peer = peer(request.getServerRequest());
    return caller
        .postAsync(peer, RaftHttpCaller.READ_INDEX_ROUTE, request.toByteArray(), requestTimeout)
        .thenApply(
            body -> {
              try {
                return ReadIndexReplyProto.parseFrom(body);
              } catch (InvalidProtocolBufferException e) {
                throw new CompletionException(new IOException("malformed read-index reply", e));
              }
            });
  }

  private RaftNettyServerReplyProto send(
      RaftRpcRequestProto header, RaftNettyServerRequestProto request, Duration timeout)
      throws IOException {
    RaftPeer peer = peer(header);
    return RaftWire.parseReply(
        caller.post(peer, RaftHttpCaller.RAFT_ROUTE, request.toByteArray(), timeout));
  }

  private RaftPeer peer(RaftRpcRequestProto header) throws IOException {
    RaftPeerId id = RaftPeerId.valueOf(header.getReplyId());
    RaftPeer peer = peers.get(id);
    if (peer == null) {
      throw new IOException(server.getId() + ": unknown peer " + id);
    }
    return peer;
  }
}
