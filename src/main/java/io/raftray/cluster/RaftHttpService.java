package io.raftray.cluster;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.raftray.http.Problems;
import io.raftray.model.ErrorKind;
import io.raftray.state.Features;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.ratis.proto.RaftProtos.AppendEntriesReplyProto;
import org.apache.ratis.proto.RaftProtos.AppendEntriesRequestProto;
import org.apache.ratis.proto.RaftProtos.ReadIndexReplyProto;
import org.apache.ratis.proto.RaftProtos.ReadIndexRequestProto;
import org.apache.ratis.proto.netty.NettyProtos.RaftNettyServerReplyProto;
import org.apache.ratis.proto.netty.NettyProtos.RaftNettyServerRequestProto;
import org.apache.ratis.protocol.exceptions.TimeoutIOException;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.thirdparty.com.google.protobuf.InvalidProtocolBufferException;
import org.apache.ratis.util.JavaUtils;
import org.apache.ratis.util.TimeDuration;

/**
 * Inbound side of the HTTPS transport: {@code POST /raft} and {@code POST /raft/read-index}
 * relative to where it is mounted (the daemon mounts it at {@code /cluster/v1}).
 *
 * <p>Answers 503 until the {@link RaftServer} exists, 400 for undecodable bodies, 200 with a reply
 * envelope otherwise (server exceptions travel inside the envelope). Handlers block; Helidon runs
 * each request on its own virtual thread.
 *
 * <p>Before a byte of the body is read, {@link BodyGate} refuses a request without the signature
 * headers (401), with a declared body above the route's cap (413) or beyond the budget of body
 * bytes held by unanswered requests (503). Then every request is authenticated by {@link
 * ClusterAuth} before anything else: the body is read once, verified against the signature over the
 * route as the sender named it (the mount path {@code /cluster/v1} plus the route, whatever prefix
 * a proxy added), then decoded. A rejected request gets 401, 403 or 503 with a short reason and
 * never reaches Raft. On a direct mTLS connection the sender may use connection mode instead of a
 * signature ({@link ClusterAuth#verifyRaft}).
 */
public final class RaftHttpService implements HttpService {
  private static final Logger LOG = Logger.getLogger(RaftHttpService.class.getName());

  /** The largest body of {@code /raft} (snapshot chunk or AppendEntries batch + envelope). */
  public static final int MAX_BODY = RatisSettings.MAX_RAFT_BODY;

  /** The largest body of {@code /raft/read-index}: a small protobuf. */
  static final int MAX_READ_INDEX_BODY = 64 * 1024;

  /** Body bytes that all Raft requests not yet answered may hold at once (about 12 largest). */
  static final long BODY_BUDGET = 64L * 1024 * 1024;

  /** How long a pipelined append waits for its missing predecessors before it starts anyway. */
  static final Duration MAX_ORDER_WAIT = Duration.ofSeconds(1);

  private final Supplier<RaftServer> server;
  private final ClusterAuth auth;
  private final AppendSequencer sequencer = new AppendSequencer(MAX_ORDER_WAIT);

  /**
   * Raft requests admitted and not yet answered. A leader keeps a few appends in flight per
   * follower (and a follower forwards client requests), so this is far above what members send.
   */
  static final int MAX_IN_FLIGHT = 4096;

  /** Read-index requests admitted and not yet answered. */
  static final int MAX_READ_INDEX_IN_FLIGHT = 256;

  private final BodyGate raftGate =
      new BodyGate("raft request", MAX_BODY, BODY_BUDGET, MAX_IN_FLIGHT);
  private final BodyGate readIndexGate =
      new BodyGate(
          "read-index request", MAX_READ_INDEX_BODY, 4L * 1024 * 1024, MAX_READ_INDEX_IN_FLIGHT);

  // The feature level this node reads, sent with every answer (io.raftray.state.Features).
  private volatile String featureLevel = String.valueOf(Features.CURRENT);

  /** Answers with {@code level} as the feature level this node reads (set by the daemon). */
  public void answerWithFeatureLevel(int level) {
    featureLevel = String.valueOf(level);
  }

  public RaftHttpService(Supplier<RaftServer> server, ClusterAuth auth) {
    this.server = Objects.requireNonNull(server, "server");
    this.auth = Objects.requireNonNull(auth, "auth");
  }

  /** Without authentication: only for transport tests whose certificates carry no node ids. */
  RaftHttpService(Supplier<RaftServer> server) {
    this.server = Objects.requireNonNull(server, "server");
    this.auth = null;
  }

  @Override
  public void routing(HttpRules rules) {
    rules.post("/raft/read-index", this::readIndex).post("/raft", this::raft);
  }

  private void raft(ServerRequest req, ServerResponse res) {
    try (BodyGate.Permit permit = raftGate.admitRaft(req, auth != null)) {
      raft(req, res, permit.read(req));
    } catch (BodyGate.Refused e) {
      refuse(res, e);
    }
  }

  private void raft(ServerRequest req, ServerResponse res, byte[] body) {
    String sender = authenticate(req, res, RaftHttpCaller.RAFT_ROUTE, body);
    if (sender == null) {
      return;
    }
    RaftServer s = server.get();
    if (s == null) {
      Problems.sendText(res, ErrorKind.UNAVAILABLE, "raft server not started");
      return;
    }
    final RaftNettyServerRequestProto request;
    try {
      request = RaftNettyServerRequestProto.parseFrom(body);
    } catch (InvalidProtocolBufferException e) {
      Problems.sendText(res, ErrorKind.INVALID, "malformed raft request");
      return;
    }
    if (auth != null) {
      Optional<String> refused = RaftRequestPolicy.refusal(request, sender, auth.currentState());
      if (refused.isPresent()) {
        auth.logRefusal(sender, refused.get());
        Problems.sendText(res, ErrorKind.FORBIDDEN, "cluster request forbidden: " + refused.get());
        return;
      }
    }
    RaftNettyServerReplyProto reply;
    try {
      Optional<AppendSequencer.Stamp> stamp = RaftWire.stamp(request);
      reply =
          stamp.isPresent()
              ? orderedAppend(s, request, stamp.get())
              : RaftDispatcher.dispatch(s, request);
    } catch (IOException e) {
      reply =
          RaftNettyServerReplyProto.newBuilder()
              .setExceptionReply(RaftWire.exceptionReply(RaftDispatcher.rpcRequest(request), e))
              .build();
    } catch (RaftDispatcher.MalformedRequestException e) {
      Problems.sendText(res, ErrorKind.INVALID, e.getMessage());
      return;
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "raft request failed", e);
      Problems.sendText(res, ErrorKind.INTERNAL, "raft request failed");
      return;
    }
    protobuf(res, Status.OK_200, reply.toByteArray());
  }

  /**
   * A pipelined leader's append: started in the order of its stream ({@link AppendSequencer}),
   * answered when the follower has written it.
   */
  private RaftNettyServerReplyProto orderedAppend(
      RaftServer s, RaftNettyServerRequestProto request, AppendSequencer.Stamp stamp)
      throws IOException {
    AppendEntriesRequestProto append = request.getAppendEntriesRequest();
    String sender = append.getServerRequest().getRequestorId().toStringUtf8();
    TimeDuration timeout = RaftServerConfigKeys.Rpc.requestTimeout(s.getProperties());
    try {
      CompletableFuture<AppendEntriesReplyProto> future =
          sequencer.submit(sender, stamp, () -> s.appendEntriesAsync(append));
      AppendEntriesReplyProto reply =
          future.get(timeout.toLong(TimeUnit.MILLISECONDS), TimeUnit.MILLISECONDS);
      return RaftNettyServerReplyProto.newBuilder().setAppendEntriesReply(reply).build();
    } catch (TimeoutException e) {
      throw new TimeoutIOException("append not written within " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted waiting for an append", e);
    } catch (ExecutionException e) {
      Throwable cause = JavaUtils.unwrapCompletionException(e.getCause());
      if (cause instanceof IOException ioe) {
        throw ioe;
      }
      throw new IOException("append failed", cause);
    }
  }

  private void readIndex(ServerRequest req, ServerResponse res) {
    try (BodyGate.Permit permit = readIndexGate.admitRaft(req, auth != null)) {
      readIndex(req, res, permit.read(req));
    } catch (BodyGate.Refused e) {
      refuse(res, e);
    }
  }

  private void readIndex(ServerRequest req, ServerResponse res, byte[] body) {
    if (!authenticated(req, res, RaftHttpCaller.READ_INDEX_ROUTE, body)) {
      return;
    }
    RaftServer s = server.get();
    if (s == null) {
      Problems.sendText(res, ErrorKind.UNAVAILABLE, "raft server not started");
      return;
    }
    final ReadIndexRequestProto request;
    try {
      request = ReadIndexRequestProto.parseFrom(body);
    } catch (InvalidProtocolBufferException e) {
      Problems.sendText(res, ErrorKind.INVALID, "malformed read-index request");
      return;
    }
    try {
      protobuf(res, Status.OK_200, readIndex(s, request).toByteArray());
    } catch (IOException e) {
      byte[] reply = RaftWire.exceptionReply(request.getServerRequest(), e).toByteArray();
      protobuf(res, Status.INTERNAL_SERVER_ERROR_500, reply);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "read-index request failed", e);
      Problems.sendText(res, ErrorKind.INTERNAL, "read-index request failed");
    }
  }

  private static ReadIndexReplyProto readIndex(RaftServer s, ReadIndexRequestProto request)
      throws IOException {
    TimeDuration timeout = RaftServerConfigKeys.Read.timeout(s.getProperties());
    CompletableFuture<ReadIndexReplyProto> future = s.readIndexAsync(request);
    try {
      return future.get(timeout.toLong(TimeUnit.MILLISECONDS), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      future.cancel(false);
      throw new TimeoutIOException("read index not answered within " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted waiting for read index", e);
    } catch (ExecutionException e) {
      Throwable cause = JavaUtils.unwrapCompletionException(e.getCause());
      if (cause instanceof IOException ioe) {
        throw ioe;
      }
      throw new IOException("read index failed", cause);
    }
  }

  /** Answers the rejection and returns false unless {@link ClusterAuth} accepts the request. */
  private boolean authenticated(ServerRequest req, ServerResponse res, String route, byte[] body) {
    return authenticate(req, res, route, body) != null;
  }

  /**
   * The authenticated sender's node id ({@code ""} without authentication), or null after answering
   * the rejection.
   */
  private String authenticate(ServerRequest req, ServerResponse res, String route, byte[] body) {
    if (auth == null) {
      return "";
    }
    ClusterAuth.Outcome outcome = auth.verifyRaft(ClusterAuth.Request.of(req, route, body));
    if (outcome.accepted()) {
      return outcome.nodeId();
    }
    String prefix =
        switch (outcome.verdict()) {
          case UNAUTHENTICATED -> "cluster request not authenticated: ";
          case FORBIDDEN -> "cluster request forbidden: ";
          default -> "cluster request not accepted: ";
        };
    Problems.sendText(res, outcome.verdict().kind, prefix + outcome.reason());
    return null;
  }

  /**
   * Answers a request the gate refused before (or while) reading its body. The connection is
   * closed, so the server does not go on to read and discard a body it refused.
   */
  static void refuse(ServerResponse res, BodyGate.Refused e) {
    res.header(HeaderNames.CONNECTION, "close");
    Problems.sendText(res, e.kind, e.getMessage());
  }

  private void protobuf(ServerResponse res, Status status, byte[] body) {
    res.status(status)
        .header(HeaderNames.CONTENT_TYPE, RaftHttpCaller.CONTENT_TYPE)
        .header(FEATURE_LEVEL, featureLevel)
        .send(body);
  }

  private static final io.helidon.http.HeaderName FEATURE_LEVEL =
      HeaderNames.create(Features.HEADER);
}
