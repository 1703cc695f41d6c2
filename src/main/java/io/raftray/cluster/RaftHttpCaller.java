package io.raftray.cluster;

import io.raftray.state.Features;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.proto.netty.NettyProtos.RaftNettyExceptionReplyProto;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.exceptions.TimeoutIOException;
import org.apache.ratis.thirdparty.com.google.protobuf.InvalidProtocolBufferException;
import org.apache.ratis.util.JavaUtils;

/**
 * One HTTPS POST of a protobuf body to a peer's Raft route.
 *
 * <p>The peer address is a base URL; the route is appended to it, so a reverse-proxy prefix in the
 * base URL is kept. Failures surface as {@link IOException}s Ratis understands: the exception a
 * peer serialized, {@link TimeoutIOException} on timeouts, or a plain {@link IOException}.
 *
 * <p>Authentication: connection mode (node id, receiver, certificate fingerprint; the mTLS client
 * certificate stands for the signature) towards every peer, and signed requests towards a peer that
 * answered that it needs one, for {@link PeerAuthModes#SIGNED_FOR}; the refused request is resent
 * signed at once.
 */
final class RaftHttpCaller {
  static final String RAFT_ROUTE = "/cluster/v1/raft";
  static final String READ_INDEX_ROUTE = "/cluster/v1/raft/read-index";
  static final String CONTENT_TYPE = "application/x-protobuf";

  private final HttpClient client;
  private final ClusterRequestSigner signer;
  private final PeerAuthModes modes;
  private final java.util.Optional<PeerFeatureLevels> levels;

  RaftHttpCaller(Parameters parameters) {
    this(parameters, Clock.systemUTC());
  }

  RaftHttpCaller(Parameters parameters, Clock clock) {
    this.client = TransportParameters.httpClient(parameters);
    this.signer = TransportParameters.signer(parameters);
    this.modes = new PeerAuthModes(clock);
    this.levels = TransportParameters.featureLevels(parameters);
  }

  /** Blocking POST; returns the body of a 200 answer. */
  byte[] post(RaftPeer peer, String route, byte[] body, Duration timeout) throws IOException {
    String to = peer.getId().toString();
    Map<String, String> connection = connectionHeaders(to);
    try {
      HttpResponse<byte[]> response =
          client.send(
              newRequest(peer, route, body, timeout, connection),
              HttpResponse.BodyHandlers.ofByteArray());
      if (connection != null && signatureAsked(to, response)) {
        response =
            client.send(
                newRequest(peer, route, body, timeout, null),
                HttpResponse.BodyHandlers.ofByteArray());
      }
      return check(peer, response);
    } catch (HttpTimeoutException e) {
      throw timeout(peer, route, timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      InterruptedIOException iioe = new InterruptedIOException("interrupted calling " + peer);
      iioe.initCause(e);
      throw iioe;
    }
  }

  /** Non-blocking POST; the future fails with an {@link IOException}. */
  CompletableFuture<byte[]> postAsync(RaftPeer peer, String route, byte[] body, Duration timeout) {
    String to = peer.getId().toString();
    Map<String, String> connection = connectionHeaders(to);
    final HttpRequest request;
    try {
      request = newRequest(peer, route, body, timeout, connection);
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<HttpResponse<byte[]>> sent =
        client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
    if (connection != null) {
      sent =
          sent.thenCompose(
              response -> {
                if (!signatureAsked(to, response)) {
                  return CompletableFuture.completedFuture(response);
                }
                try {
                  return client.sendAsync(
                      newRequest(peer, route, body, timeout, null),
                      HttpResponse.BodyHandlers.ofByteArray());
                } catch (IOException e) {
                  return CompletableFuture.failedFuture(e);
                }
              });
    }
    return sent.handle(
        (response, error) -> {
          if (error != null) {
            Throwable cause = JavaUtils.unwrapCompletionException(error);
            if (cause instanceof HttpTimeoutException) {
              cause = timeout(peer, route, timeout, cause);
            }
            throw new CompletionException(cause);
          }
          try {
            return check(peer, response);
          } catch (IOException e) {
            throw new CompletionException(e);
          }
        });
  }

  /** The connection-mode headers towards {@code to}, or null when this request must be signed. */
  private Map<String, String> connectionHeaders(String to) {
    return modes.connectionMode(to) ? signer.connectionHeaders(to) : null;
  }

  /**
   * Did the peer refuse a connection-mode request because it needs a signature? Then the caller
   * signs towards it for a while ({@link PeerAuthModes}) and resends this request signed: it was
   * refused before Raft saw it.
   */
  private boolean signatureAsked(String to, HttpResponse<byte[]> response) {
    String reason = PeerAuthModes.signatureAsked(response.statusCode(), response.body());
    if (reason == null) {
      return false;
    }
    modes.signatureRequired(to, reason);
    return true;
  }

  /** {@code connection}: the headers of connection mode; null: sign the request. */
  private HttpRequest newRequest(
      RaftPeer peer, String route, byte[] body, Duration timeout, Map<String, String> connection)
      throws IOException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri(peer, route))
            .timeout(timeout)
            .header("Content-Type", CONTENT_TYPE)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    (connection != null ? connection : signer.headers("POST", route, peer.getId().toString(), body))
        .forEach(b::header);
    return b.build();
  }

  static URI uri(RaftPeer peer, String route) throws IOException {
    String base = peer.getAddress();
    if (base == null || !base.regionMatches(true, 0, "https://", 0, 8)) {
      throw new IOException("peer " + peer.getId() + " has no https base url: " + base);
    }
    while (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    try {
      return URI.create(base + route);
    } catch (IllegalArgumentException e) {
      throw new IOException("peer " + peer.getId() + " has an invalid base url", e);
    }
  }

  private byte[] check(RaftPeer peer, HttpResponse<byte[]> response) throws IOException {
    int status = response.statusCode();
    if (status == 200) {
      levels.ifPresent(
          l ->
              l.answered(
                  peer.getId().toString(),
                  response.headers().firstValue(Features.HEADER).orElse(null)));
      return response.body();
    }
    boolean protobuf =
        response.headers().firstValue("Content-Type").orElse("").startsWith(CONTENT_TYPE);
    if (status == 500 && protobuf) {
      try {
        throw RaftWire.toException(RaftNettyExceptionReplyProto.parseFrom(response.body()));
      } catch (InvalidProtocolBufferException e) {
        throw new IOException("peer " + peer.getId() + " sent a malformed error reply", e);
      }
    }
    String text = new String(response.body(), StandardCharsets.UTF_8);
    if (text.length() > 200) {
      text = text.substring(0, 200);
    }
    throw new IOException(
        "peer " + peer.getId() + " answered http " + status + (text.isBlank() ? "" : ": " + text));
  }

  private static TimeoutIOException timeout(
      RaftPeer peer, String route, Duration timeout, Throwable cause) {
    return new TimeoutIOException(
        "no answer from " + peer.getId() + " on " + route + " within " + timeout, cause);
  }
}
