package io.raftray.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.cert.X509Certificate;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(30)
class TlsContextsTest {
  private static final int TIMEOUT_MS = 10_000;

  private final ClusterCa ca = ClusterCa.create(TestPki.CLUSTER);
  private final NodeIdentity server = TestPki.identity(ca, "node-a");
  private final NodeIdentity client = TestPki.identity(ca, "node-b");
  private final ExecutorService executor = Executors.newSingleThreadExecutor();

  /** What the server side saw of one connection. */
  record Seen(String protocol, Optional<X509Certificate> clientCert) {}

  @AfterEach
  void stop() throws InterruptedException {
    executor.shutdownNow();
    assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"localhost", "127.0.0.1"})
  void handshake_mutualTls13_verifiesHostAndShowsClientNodeId(String host) throws Exception {
    try (SSLServerSocket listener = listen()) {
      CompletableFuture<Seen> seen = acceptOne(listener);

      try (SSLSocket socket =
          connect(TlsContexts.client(ca.certificate(), Optional.of(client)), host, listener)) {
        socket.startHandshake();
        echo(socket);

        assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
        assertThat(socket.getSession().getPeerCertificates()[0]).isEqualTo(server.nodeCert());
        assertThat(socket.getSession().getPeerCertificates()).hasSize(2);
      }
      Seen result = seen.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
      assertThat(result.protocol()).isEqualTo("TLSv1.3");
      X509Certificate presented = result.clientCert().orElseThrow();
      assertThat(presented).isEqualTo(client.nodeCert());
      assertThat(ClusterCa.nodeIdFromCertificate(presented, TestPki.CLUSTER)).contains("node-b");
    }
  }

  @Test
  void handshake_withoutClientCertificate_allowedBecauseOnlyWanted() throws Exception {
    try (SSLServerSocket listener = listen()) {
      CompletableFuture<Seen> seen = acceptOne(listener);

      try (SSLSocket socket =
          connect(TlsContexts.client(ca.certificate(), Optional.empty()), "localhost", listener)) {
        socket.startHandshake();
        echo(socket);
      }
      assertThat(seen.get(TIMEOUT_MS, TimeUnit.MILLISECONDS).clientCert()).isEmpty();
    }
  }

  @Test
  void handshake_tls12Client_stillAccepted() throws Exception {
    try (SSLServerSocket listener = listen()) {
      CompletableFuture<Seen> seen = acceptOne(listener);
      SSLContext context = TlsContexts.client(ca.certificate(), Optional.of(client));

      try (SSLSocket socket = connect(context, "localhost", listener)) {
        SSLParameters tls12 = TlsContexts.clientParameters();
        tls12.setProtocols(new String[] {"TLSv1.2"});
        socket.setSSLParameters(tls12);
        socket.startHandshake();
        echo(socket);
        assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.2");
      }
      assertThat(seen.get(TIMEOUT_MS, TimeUnit.MILLISECONDS).clientCert()).isPresent();
    }
  }

  @Test
  @SuppressWarnings("FutureReturnValueIgnored") // the server side fails with the handshake
  void handshake_clientTrustingAnotherCa_fails() throws Exception {
    ClusterCa otherCa = ClusterCa.create(TestPki.CLUSTER);
    try (SSLServerSocket listener = listen()) {
      acceptOne(listener);

      try (SSLSocket socket =
          connect(
              TlsContexts.client(otherCa.certificate(), Optional.empty()), "localhost", listener)) {
        assertThatThrownBy(socket::startHandshake)
            .isInstanceOf(SSLHandshakeException.class)
            .hasMessageContaining("PKIX path");
      }
    }
  }

  @Test
  @SuppressWarnings("FutureReturnValueIgnored") // the server side fails with the handshake
  void handshake_hostNotInSans_fails() throws Exception {
    try (SSLServerSocket listener = listen()) {
      acceptOne(listener);

      try (SSLSocket socket =
          connect(
              TlsContexts.client(ca.certificate(), Optional.empty()), "example.org", listener)) {
        assertThatThrownBy(socket::startHandshake)
            .isInstanceOf(SSLHandshakeException.class)
            .hasMessageContaining("example.org");
      }
    }
  }

  @Test
  void client_identityFromAnotherCa_rejected() {
    NodeIdentity stranger = TestPki.identity(ClusterCa.create(TestPki.CLUSTER), "node-x");

    assertThatThrownBy(() -> TlsContexts.client(ca.certificate(), Optional.of(stranger)))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("another cluster CA");
  }

  @Test
  void parameters_tls13And12Only_clientAuthWanted() {
    SSLParameters server = TlsContexts.serverParameters();
    assertThat(server.getProtocols()).containsExactly("TLSv1.3", "TLSv1.2");
    assertThat(server.getWantClientAuth()).isTrue();
    assertThat(server.getNeedClientAuth()).isFalse();
    SSLParameters client = TlsContexts.clientParameters();
    assertThat(client.getProtocols()).containsExactly("TLSv1.3", "TLSv1.2");
    assertThat(client.getEndpointIdentificationAlgorithm()).isEqualTo("HTTPS");
  }

  @Test
  void caPin_stableAcrossEncodingsAndDistinctPerCa() {
    String pin = TlsContexts.caPin(ca.certificate());
    X509Certificate reparsed =
        PemFiles.parseCertificate(PemFiles.certificateToPem(ca.certificate()), "ca");
    X509Certificate otherCa = ClusterCa.create(TestPki.CLUSTER).certificate();

    assertThat(pin).matches("sha256:[0-9a-f]{64}");
    assertThat(TlsContexts.caPin(reparsed)).isEqualTo(pin);
    assertThat(TlsContexts.caPin(otherCa)).isNotEqualTo(pin);
    assertThat(TlsContexts.pinMatches(pin, ca.certificate())).isTrue();
    assertThat(TlsContexts.pinMatches(" " + pin.toUpperCase(Locale.ROOT) + " ", ca.certificate()))
        .isTrue();
    assertThat(TlsContexts.pinMatches(pin, otherCa)).isFalse();
    assertThat(TlsContexts.pinMatches(pin.substring(0, 20), ca.certificate())).isFalse();
    assertThat(TlsContexts.pinMatches(null, ca.certificate())).isFalse();
  }

  private SSLServerSocket listen() throws IOException {
    SSLServerSocket listener =
        (SSLServerSocket)
            TlsContexts.server(server)
                .getServerSocketFactory()
                .createServerSocket(0, 10, InetAddress.getByName("127.0.0.1"));
    listener.setSSLParameters(TlsContexts.serverParameters());
    listener.setSoTimeout(TIMEOUT_MS);
    return listener;
  }

  private CompletableFuture<Seen> acceptOne(SSLServerSocket listener) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (SSLSocket socket = (SSLSocket) listener.accept()) {
            socket.setSoTimeout(TIMEOUT_MS);
            socket.startHandshake();
            int b = socket.getInputStream().read();
            socket.getOutputStream().write(b);
            socket.getOutputStream().flush();
            Optional<X509Certificate> peer;
            try {
              peer = Optional.of((X509Certificate) socket.getSession().getPeerCertificates()[0]);
            } catch (SSLPeerUnverifiedException e) {
              peer = Optional.empty();
            }
            return new Seen(socket.getSession().getProtocol(), peer);
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        },
        executor);
  }

  /** Connects over TCP to 127.0.0.1 but runs TLS (SNI, host check) as {@code host}. */
  private static SSLSocket connect(SSLContext context, String host, SSLServerSocket listener)
      throws IOException {
    Socket tcp = new Socket();
    tcp.connect(new InetSocketAddress("127.0.0.1", listener.getLocalPort()), TIMEOUT_MS);
    tcp.setSoTimeout(TIMEOUT_MS);
    SSLSocket socket =
        (SSLSocket)
            context.getSocketFactory().createSocket(tcp, host, listener.getLocalPort(), true);
    socket.setSSLParameters(TlsContexts.clientParameters());
    return socket;
  }

  /** One byte there and back, so the server has verified the client before we look. */
  private static void echo(SSLSocket socket) throws IOException {
    socket.getOutputStream().write(42);
    socket.getOutputStream().flush();
    assertThat(socket.getInputStream().read()).isEqualTo(42);
  }
}
