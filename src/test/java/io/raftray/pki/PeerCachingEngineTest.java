package io.raftray.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.security.cert.Certificate;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The listener's engines, driven through a real TLS 1.3 handshake in memory. */
@Timeout(30)
class PeerCachingEngineTest {
  private final ClusterCa ca = ClusterCa.create(TestPki.CLUSTER);
  private final NodeIdentity server = TestPki.identity(ca, "node-a");
  private final NodeIdentity client = TestPki.identity(ca, "node-b");

  @Test
  void session_withoutClientCertificate_answersNoneCheaplyEveryTime() throws Exception {
    SSLEngine serverEngine = serverEngine();
    handshake(clientEngine(Optional.empty()), serverEngine);

    SSLSession session = serverEngine.getSession();
    assertThat(session.getProtocol()).isEqualTo("TLSv1.3");
    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(session::getPeerCertificates)
          .isInstanceOf(SSLPeerUnverifiedException.class)
          .satisfies(e -> assertThat(e.getStackTrace()).isEmpty());
      assertThatThrownBy(session::getPeerPrincipal).isInstanceOf(SSLPeerUnverifiedException.class);
    }
    assertThat(serverEngine.getSession()).isSameAs(session);
    assertThat(session.getLocalCertificates()[0]).isEqualTo(server.nodeCert());
  }

  @Test
  void session_withClientCertificate_answersItsChain() throws Exception {
    SSLEngine serverEngine = serverEngine();
    handshake(clientEngine(Optional.of(client)), serverEngine);

    SSLSession session = serverEngine.getSession();
    Certificate[] chain = session.getPeerCertificates();
    assertThat(chain[0]).isEqualTo(client.nodeCert());
    assertThat(chain).hasSize(2);
    chain[0] = null;
    assertThat(session.getPeerCertificates()[0]).isEqualTo(client.nodeCert());
    assertThat(session.getPeerPrincipal()).isEqualTo(client.nodeCert().getSubjectX500Principal());
  }

  @Test
  void context_isInitialisedOnce() {
    SSLContext context = TlsContexts.server(server);
    assertThatThrownBy(() -> context.init(null, null, null))
        .hasMessageContaining("already initialised");
  }

  private SSLEngine serverEngine() {
    SSLEngine engine = TlsContexts.server(server).createSSLEngine("127.0.0.1", 40000);
    engine.setSSLParameters(TlsContexts.serverParameters());
    engine.setUseClientMode(false);
    return engine;
  }

  private SSLEngine clientEngine(Optional<NodeIdentity> identity) {
    SSLEngine engine =
        TlsContexts.client(ca.certificate(), identity).createSSLEngine("localhost", 40000);
    engine.setUseClientMode(true);
    engine.setSSLParameters(TlsContexts.clientParameters());
    return engine;
  }

  /** Runs both ends until neither is handshaking; records cross through two buffers. */
  private static void handshake(SSLEngine clientSide, SSLEngine serverSide) throws SSLException {
    ByteBuffer toServer = ByteBuffer.allocate(1 << 16);
    ByteBuffer toClient = ByteBuffer.allocate(1 << 16);
    clientSide.beginHandshake();
    serverSide.beginHandshake();
    for (int round = 0; round < 50; round++) {
      step(clientSide, toClient, toServer);
      step(serverSide, toServer, toClient);
      if (idle(clientSide) && idle(serverSide)) {
        return;
      }
    }
    throw new AssertionError("handshake did not finish");
  }

  private static boolean idle(SSLEngine engine) {
    return engine.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING;
  }

  private static void step(SSLEngine engine, ByteBuffer in, ByteBuffer out) throws SSLException {
    ByteBuffer app = ByteBuffer.allocate(1 << 16);
    for (int i = 0; i < 10; i++) {
      switch (engine.getHandshakeStatus()) {
        case NEED_WRAP -> engine.wrap(ByteBuffer.allocate(0), out);
        case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
          in.flip();
          int before = in.remaining();
          engine.unwrap(in, app);
          boolean consumed = in.remaining() < before;
          in.compact();
          if (!consumed) {
            return;
          }
        }
        case NEED_TASK -> {
          Runnable task;
          while ((task = engine.getDelegatedTask()) != null) {
            task.run();
          }
        }
        default -> {
          return;
        }
      }
    }
  }
}
