package io.raftray.cluster;

import static io.raftray.cluster.AuthFixture.identity;
import static io.raftray.cluster.AuthFixture.node;
import static io.raftray.cluster.AuthFixture.state;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.helidon.common.tls.TlsClientAuth;
import io.helidon.webserver.WebServer;
import io.raftray.model.NodeStatus;
import io.raftray.pki.ClusterCa;
import io.raftray.pki.NodeIdentity;
import io.raftray.pki.TlsContexts;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import org.apache.ratis.protocol.RaftPeer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link RaftHttpCaller} against a real Helidon listener with TLS (client certificates optional, as
 * in the daemon) and {@link RaftHttpService} with {@link ClusterAuth}: over a direct mTLS
 * connection the requests go in connection mode; where no client certificate reaches the receiver
 * (a TLS-terminating proxy connects without one) the sender falls back to signatures, sticky for
 * {@link PeerAuthModes#SIGNED_FOR}; a receiver of an earlier release is handled the same way.
 *
 * <p>No Raft server runs behind the listener: an authenticated request gets 503 "raft server not
 * started", a refused one 401/403.
 */
@Timeout(60)
class RaftHttpConnectionModeTest {
  private static final ClusterCa CA = ClusterCa.create(AuthFixture.CLUSTER);
  private static final NodeIdentity N1 = identity(CA, "node-1");
  private static final NodeIdentity N2 = identity(CA, "node-2");
  private static final byte[] BODY = {1, 2, 3};

  private final ClusterAuth auth =
      new ClusterAuth(
          () -> state(CA, node(N1, NodeStatus.ACTIVE), node(N2, NodeStatus.ACTIVE)),
          N1,
          List.of("node-1", "node-2"),
          Duration.ofSeconds(60),
          Clock.systemUTC());

  /** The auth headers of every request that reached the listener, in order. */
  private final List<Map<String, String>> seen = new CopyOnWriteArrayList<>();

  private final AuthFixture.MutableClock clock = new AuthFixture.MutableClock();
  private WebServer web;
  private WebServer oldRelease;

  @BeforeEach
  void start() {
    RaftHttpService service = new RaftHttpService(() -> null, auth);
    web =
        WebServer.builder()
            .host("127.0.0.1")
            .port(0)
            .shutdownHook(false)
            .tls(t -> t.sslContext(TlsContexts.server(N1)).clientAuth(TlsClientAuth.OPTIONAL))
            .routing(
                r ->
                    r.addFilter(
                            (chain, req, res) -> {
                              Map<String, String> h = new java.util.TreeMap<>();
                              for (String name : ClusterSignature.HEADERS) {
                                req.headers()
                                    .first(io.helidon.http.HeaderNames.create(name))
                                    .ifPresent(v -> h.put(name, v));
                              }
                              seen.add(h);
                              chain.proceed();
                            })
                        .register("/cluster/v1", service))
            .build()
            .start();
    // What a receiver of the previous release answers to a request without a signature.
    oldRelease =
        WebServer.builder()
            .host("127.0.0.1")
            .port(0)
            .shutdownHook(false)
            .tls(t -> t.sslContext(TlsContexts.server(N1)).clientAuth(TlsClientAuth.OPTIONAL))
            .routing(
                r ->
                    r.post(
                        "/cluster/v1/raft",
                        (req, res) -> {
                          boolean signed =
                              req.headers()
                                  .contains(
                                      io.helidon.http.HeaderNames.create(
                                          ClusterSignature.SIGNATURE));
                          seen.add(Map.of("signed", Boolean.toString(signed)));
                          if (signed) {
                            res.status(503).send("raft server not started");
                          } else {
                            res.status(401)
                                .send(
                                    "cluster request not authenticated: missing signature"
                                        + " headers");
                          }
                        }))
            .build()
            .start();
  }

  @AfterEach
  void stop() {
    web.stop();
    oldRelease.stop();
  }

  private RaftHttpCaller caller(SSLContext tls) {
    HttpClient http =
        HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1).build();
    return new RaftHttpCaller(
        TransportParameters.create(
            http, new NodeRequestSigner(N2), new InetSocketAddress("127.0.0.1", 0)),
        clock);
  }

  private static RaftPeer peer(WebServer w) {
    return RaftPeer.newBuilder()
        .setId("node-1")
        .setAddress("https://localhost:" + w.port())
        .build();
  }

  /** Posts and expects the 503 of an authenticated request (no Raft server behind). */
  private static void postAuthenticated(RaftHttpCaller c, WebServer w) {
    assertThatThrownBy(
            () -> c.post(peer(w), RaftHttpCaller.RAFT_ROUTE, BODY, Duration.ofSeconds(10)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("answered http 503")
        .hasMessageContaining("raft server not started");
  }

  private static boolean connectionMode(Map<String, String> h) {
    return h.containsKey(ClusterSignature.FINGERPRINT)
        && !h.containsKey(ClusterSignature.SIGNATURE);
  }

  @Test
  void directMtls_connectionMode_noSignatureSent() {
    RaftHttpCaller c = caller(TlsContexts.client(CA.certificate(), Optional.of(N2)));
    postAuthenticated(c, web);
    postAuthenticated(c, web);
    assertThat(auth.accepted()).isEqualTo(new ClusterAuth.Accepted(2, 0));
    assertThat(seen).hasSize(2).allSatisfy(h -> assertThat(connectionMode(h)).isTrue());
    assertThat(seen.get(0)).doesNotContainKeys(ClusterSignature.CERT, ClusterSignature.NONCE);
  }

  @Test
  void directMtls_asyncPost_connectionMode() {
    RaftHttpCaller c = caller(TlsContexts.client(CA.certificate(), Optional.of(N2)));
    assertThatThrownBy(
            () ->
                c.postAsync(peer(web), RaftHttpCaller.RAFT_ROUTE, BODY, Duration.ofSeconds(10))
                    .join())
        .isInstanceOf(CompletionException.class)
        .hasMessageContaining("answered http 503");
    assertThat(auth.accepted()).isEqualTo(new ClusterAuth.Accepted(1, 0));
  }

  @Test
  void noClientCertificateReachesTheReceiver_fallsBackToSignatures_stickyThenProbesAgain() {
    // As a TLS-terminating proxy connects upstream: TLS without a client certificate.
    RaftHttpCaller c = caller(TlsContexts.client(CA.certificate(), Optional.empty()));
    postAuthenticated(c, web);
    // one refused probe in connection mode, then the same request signed
    assertThat(seen).hasSize(2);
    assertThat(connectionMode(seen.get(0))).isTrue();
    assertThat(seen.get(1)).containsKey(ClusterSignature.SIGNATURE);
    assertThat(auth.accepted()).isEqualTo(new ClusterAuth.Accepted(0, 1));

    // sticky: the next requests are signed at once
    postAuthenticated(c, web);
    assertThat(seen).hasSize(3);
    assertThat(seen.get(2)).containsKey(ClusterSignature.SIGNATURE);

    // after the sticky period connection mode is probed again
    clock.advance(PeerAuthModes.SIGNED_FOR);
    postAuthenticated(c, web);
    assertThat(seen).hasSize(5);
    assertThat(connectionMode(seen.get(3))).isTrue();
    assertThat(seen.get(4)).containsKey(ClusterSignature.SIGNATURE);
    assertThat(auth.accepted()).isEqualTo(new ClusterAuth.Accepted(0, 3));
  }

  @Test
  void noClientCertificate_asyncPost_fallsBackToSignatures() {
    RaftHttpCaller c = caller(TlsContexts.client(CA.certificate(), Optional.empty()));
    assertThatThrownBy(
            () ->
                c.postAsync(peer(web), RaftHttpCaller.RAFT_ROUTE, BODY, Duration.ofSeconds(10))
                    .join())
        .isInstanceOf(CompletionException.class)
        .hasMessageContaining("answered http 503");
    assertThat(auth.accepted()).isEqualTo(new ClusterAuth.Accepted(0, 1));
  }

  @Test
  void receiverOfAnEarlierRelease_missingSignatureHeaders_fallsBackToSignatures() {
    RaftHttpCaller c = caller(TlsContexts.client(CA.certificate(), Optional.of(N2)));
    postAuthenticated(c, oldRelease);
    postAuthenticated(c, oldRelease);
    assertThat(seen)
        .containsExactly(
            Map.of("signed", "false"), Map.of("signed", "true"), Map.of("signed", "true"));
  }

  @Test
  void otherRefusals_areNotRetriedSigned() {
    // node-2's certificate on the connection, but this receiver's state has it removed: a
    // signature would not help, so the sender gets the 403 and sends nothing more.
    ClusterAuth removing =
        new ClusterAuth(
            () -> state(CA, node(N1, NodeStatus.ACTIVE), node(N2, NodeStatus.REMOVED)),
            N1,
            List.of("node-1", "node-2"),
            Duration.ofSeconds(60),
            Clock.systemUTC());
    WebServer w =
        WebServer.builder()
            .host("127.0.0.1")
            .port(0)
            .shutdownHook(false)
            .tls(t -> t.sslContext(TlsContexts.server(N1)).clientAuth(TlsClientAuth.OPTIONAL))
            .routing(
                r ->
                    r.addFilter(
                            (chain, req, res) -> {
                              seen.add(Map.of());
                              chain.proceed();
                            })
                        .register("/cluster/v1", new RaftHttpService(() -> null, removing)))
            .build()
            .start();
    try {
      RaftHttpCaller c = caller(TlsContexts.client(CA.certificate(), Optional.of(N2)));
      assertThatThrownBy(
              () -> c.post(peer(w), RaftHttpCaller.RAFT_ROUTE, BODY, Duration.ofSeconds(10)))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("answered http 403")
          .hasMessageContaining("node was removed");
      assertThat(seen).hasSize(1);
    } finally {
      w.stop();
    }
  }
}
