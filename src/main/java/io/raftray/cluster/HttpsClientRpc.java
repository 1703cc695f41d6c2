package io.raftray.cluster;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.client.RaftClientRpc;
import org.apache.ratis.client.impl.ClientProtoUtils;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.proto.RaftProtos.RaftClientRequestProto.TypeCase;
import org.apache.ratis.proto.netty.NettyProtos.RaftNettyServerReplyProto;
import org.apache.ratis.proto.netty.NettyProtos.RaftNettyServerRequestProto;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.GroupInfoRequest;
import org.apache.ratis.protocol.GroupListRequest;
import org.apache.ratis.protocol.GroupManagementRequest;
import org.apache.ratis.protocol.LeaderElectionManagementRequest;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.protocol.SnapshotManagementRequest;
import org.apache.ratis.protocol.TransferLeadershipRequest;
import org.apache.ratis.protocol.exceptions.TimeoutIOException;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.util.JavaUtils;
import org.apache.ratis.util.TimeDuration;

/**
 * Client side of the transport. Requests addressed to the {@link RaftServer} of this process (see
 * {@link TransportParameters#setLocalServer}) skip HTTPS and call it directly; all others are
 * POSTed to the peer's base URL. Every request is bounded by the client request timeout.
 */
final class HttpsClientRpc implements RaftClientRpc {
  private static final Executor LOCAL_ADMIN =
      task -> Thread.ofVirtual().name("raft-local-admin").start(task);

  private final ClientId clientId;
  private final RaftHttpCaller caller;
  private final Parameters parameters;
  private final Duration requestTimeout;
  private final Duration watchTimeout;
  private final Map<RaftPeerId, RaftPeer> peers = new ConcurrentHashMap<>();

  HttpsClientRpc(
      ClientId clientId, RaftProperties properties, RaftHttpCaller caller, Parameters parameters) {
    this.clientId = clientId;
    this.caller = caller;
    this.parameters = parameters;
    this.requestTimeout = toDuration(RaftClientConfigKeys.Rpc.requestTimeout(properties));
    this.watchTimeout = toDuration(RaftClientConfigKeys.Rpc.watchRequestTimeout(properties));
  }

  @Override
  public void addRaftPeers(Collection<RaftPeer> newPeers) {
    newPeers.forEach(p -> peers.put(p.getId(), p));
  }

  @Override
  public RaftClientReply sendRequest(RaftClientRequest request) throws IOException {
    RaftNettyServerRequestProto envelope = envelope(request);
    RaftServer local = localServer(request.getServerId());
    if (local != null) {
      return toReply(request, await(request, localAsync(local, envelope)));
    }
    byte[] body =
        caller.post(
            peer(request), RaftHttpCaller.RAFT_ROUTE, envelope.toByteArray(), timeout(request));
    return toReply(request, RaftWire.parseReply(body));
  }

  @Override
  public CompletableFuture<RaftClientReply> sendRequestAsync(RaftClientRequest request) {
    final CompletableFuture<RaftNettyServerReplyProto> future;
    try {
      RaftNettyServerRequestProto envelope = envelope(request);
      RaftServer local = localServer(request.getServerId());
      if (local != null) {
        future =
            localAsync(local, envelope)
                .orTimeout(timeout(request).toMillis(), TimeUnit.MILLISECONDS);
      } else {
        future =
            caller
                .postAsync(
                    peer(request),
                    RaftHttpCaller.RAFT_ROUTE,
                    envelope.toByteArray(),
                    timeout(request))
                .thenApply(
                    body -> {
                      try {
                        return RaftWire.parseReply(body);
                      } catch (IOException e) {
                        throw new CompletionException(e);
                      }
                    });
      }
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
    // Like Ratis' own transports, the async path reports leader changes as failures so that the
    // ordered client retries against the new leader.
    return future
        .exceptionallyCompose(e -> CompletableFuture.failedFuture(translate(request, e)))
        .thenApply(
            envelope -> {
              RaftClientReply reply = toReply(request, envelope);
              IOException leaderProblem =
                  reply.getNotLeaderException() != null
                      ? reply.getNotLeaderException()
                      : reply.getLeaderNotReadyException();
              if (leaderProblem != null) {
                throw new CompletionException(leaderProblem);
              }
              return reply;
            });
  }

  @Override
  public CompletableFuture<RaftClientReply> sendRequestAsyncUnordered(RaftClientRequest request) {
    return sendRequestAsync(request);
  }

  @Override
  public void close() {
    // Connections belong to the shared HttpClient.
  }

  private RaftServer localServer(RaftPeerId target) {
    return TransportParameters.localServer(parameters)
        .filter(s -> s.getId().equals(target))
        .orElse(null);
  }

  private static CompletableFuture<RaftNettyServerReplyProto> localAsync(
      RaftServer server, RaftNettyServerRequestProto envelope) {
    if (envelope.hasRaftClientRequest()) {
      // Copy through the proto so the server never shares mutable state with the client.
      RaftClientRequest copy =
          ClientProtoUtils.toRaftClientRequest(envelope.getRaftClientRequest());
      try {
        return server
            .submitClientRequestAsync(copy)
            .thenApply(
                r ->
                    RaftNettyServerReplyProto.newBuilder()
                        .setRaftClientReply(ClientProtoUtils.toRaftClientReplyProto(r))
                        .build());
      } catch (IOException e) {
        return CompletableFuture.failedFuture(e);
      }
    }
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return RaftDispatcher.dispatch(server, envelope);
          } catch (IOException e) {
            throw new CompletionException(e);
          }
        },
        LOCAL_ADMIN);
  }

  private RaftNettyServerReplyProto await(
      RaftClientRequest request, CompletableFuture<RaftNettyServerReplyProto> future)
      throws IOException {
    Duration timeout = timeout(request);
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      InterruptedIOException iioe = new InterruptedIOException("interrupted: " + request);
      iioe.initCause(e);
      throw iioe;
    } catch (ExecutionException | TimeoutException e) {
      throw translate(request, e);
    }
  }

  private IOException translate(RaftClientRequest request, Throwable e) {
    Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
    cause = JavaUtils.unwrapCompletionException(cause);
    if (cause instanceof IOException ioe) {
      return ioe;
    }
    if (cause instanceof TimeoutException) {
      return new TimeoutIOException(
          clientId
              + "->"
              + request.getServerId()
              + " #"
              + request.getCallId()
              + " timed out after "
              + timeout(request),
          cause);
    }
    return new IOException("raft request failed: " + request, cause);
  }

  private Duration timeout(RaftClientRequest request) {
    return request.is(TypeCase.WATCH) ? watchTimeout : requestTimeout;
  }

  private RaftPeer peer(RaftClientRequest request) throws IOException {
    RaftPeer peer = peers.get(request.getServerId());
    if (peer == null) {
      throw new IOException(clientId + ": unknown peer " + request.getServerId());
    }
    return peer;
  }

  private static RaftClientReply toReply(
      RaftClientRequest request, RaftNettyServerReplyProto reply) {
    if (request instanceof GroupListRequest) {
      return ClientProtoUtils.toGroupListReply(reply.getGroupListReply());
    } else if (request instanceof GroupInfoRequest) {
      return ClientProtoUtils.toGroupInfoReply(reply.getGroupInfoReply());
    }
    return ClientProtoUtils.toRaftClientReply(reply.getRaftClientReply());
  }

  private static RaftNettyServerRequestProto envelope(RaftClientRequest r) {
    RaftNettyServerRequestProto.Builder b = RaftNettyServerRequestProto.newBuilder();
    if (r instanceof GroupManagementRequest g) {
      b.setGroupManagementRequest(ClientProtoUtils.toGroupManagementRequestProto(g));
    } else if (r instanceof SetConfigurationRequest s) {
      b.setSetConfigurationRequest(ClientProtoUtils.toSetConfigurationRequestProto(s));
    } else if (r instanceof GroupListRequest g) {
      b.setGroupListRequest(ClientProtoUtils.toGroupListRequestProto(g));
    } else if (r instanceof GroupInfoRequest g) {
      b.setGroupInfoRequest(ClientProtoUtils.toGroupInfoRequestProto(g));
    } else if (r instanceof TransferLeadershipRequest t) {
      b.setTransferLeadershipRequest(ClientProtoUtils.toTransferLeadershipRequestProto(t));
    } else if (r instanceof SnapshotManagementRequest s) {
      b.setSnapshotManagementRequest(ClientProtoUtils.toSnapshotManagementRequestProto(s));
    } else if (r instanceof LeaderElectionManagementRequest l) {
      b.setLeaderElectionManagementRequest(
          ClientProtoUtils.toLeaderElectionManagementRequestProto(l));
    } else {
      b.setRaftClientRequest(ClientProtoUtils.toRaftClientRequestProto(r));
    }
    return b.build();
  }

  private static Duration toDuration(TimeDuration d) {
    return Duration.ofMillis(d.toLong(TimeUnit.MILLISECONDS));
  }
}
