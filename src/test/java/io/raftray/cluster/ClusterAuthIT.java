package io.raftray.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.raftray.daemon.Bootstrapper;
import io.raftray.daemon.Daemon;
import io.raftray.pki.ClusterCa;
import io.raftray.pki.KeyPairs;
import io.raftray.pki.NodeIdentity;
import io.raftray.pki.Signatures;
import io.raftray.pki.TlsContexts;
import io.raftray.state.State;
import io.raftray.testing.InProcessNodes;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real daemons (real TLS, request signing on) from {@link Bootstrapper#prepare}: the cluster
 * still bootstraps, elects and replicates, and hand-made requests on the Raft route are refused.
 */
@Timeout(180)
class ClusterAuthIT {
  private static final String RAFT = "/cluster/v1/raft";
  private static final byte[] BODY = {(byte) 0xff, 0x01, 0x02};

  @TempDir Path tmp;
  private final List<Daemon> daemons = new ArrayList<>();
  private final List<NodeIdentity> identities = new ArrayList<>();
  private Bootstrapper.Seed seed;
  private HttpClient anonymous;

  @AfterEach
  void stop() {
    daemons.forEach(Daemon::close);
  }

  private void startCluster() throws Exception {
    seed = InProcessNodes.prepare(tmp, 3);
    for (var c : seed.configs()) {
      identities.add(NodeIdentity.load(c.dataDir()));
    }
    anonymous = client(TlsContexts.client(identities.get(0).caCert(), Optional.empty()));
    for (var c : seed.configs()) {
      daemons.add(Daemon.start(c));
    }
    InProcessNodes.awaitBootstrapped(seed, daemons.get(0));
  }

  private static HttpClient client(SSLContext tls) {
    return HttpClient.newBuilder()
        .sslContext(tls)
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  private HttpResponse<String> postRaft(HttpClient client, Map<String, String> headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(daemons.get(0).config().apiBaseUrl() + RAFT))
            .timeout(Duration.ofSeconds(20))
            .header("Content-Type", "application/x-protobuf")
            .POST(HttpRequest.BodyPublishers.ofByteArray(BODY));
    headers.forEach(b::header);
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> api(Daemon d, String method, String path, String body)
      throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(d.config().apiBaseUrl() + path))
            .header("Authorization", "Bearer " + seed.owner().plaintext())
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(20))
            .method(method, HttpRequest.BodyPublishers.ofString(body))
            .build();
    return anonymous.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private void awaitUserEverywhere(String name) {
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              for (Daemon d : daemons) {
                State s = d.stateMachine().view();
                assertThat(s.nodes()).hasSize(3);
                assertThat(s.userIdByName()).containsKey(name);
              }
            });
  }

  @Test
  void signedCluster_replicates_andRefusesUnsignedForgedReplayedAndForeignRequests()
      throws Exception {
    startCluster();
    HttpResponse<String> created = api(daemons.get(1), "POST", "/api/v1/users", "{\"name\":\"a\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    awaitUserEverywhere("a");

    // Direct mTLS between the daemons: their Raft traffic goes in connection mode (no signature).
    for (Daemon d : daemons) {
      assertThat(d.clusterAuth().accepted().onConnection())
          .as("raft requests accepted in connection mode on %s", d.config().nodeId())
          .isPositive();
    }

    NodeIdentity node2 = identities.get(1);
    NodeIdentity node3 = identities.get(2);

    // (a) no signature headers at all
    HttpResponse<String> unsigned = postRaft(anonymous, Map.of());
    assertThat(unsigned.statusCode()).isEqualTo(401);
    assertThat(unsigned.body()).contains("missing signature headers");

    // (b) node-2's headers, signature made with some other key
    Map<String, String> forged = new HashMap<>(sign(node2));
    byte[] other = Signatures.sign(KeyPairs.generate().getPrivate(), BODY);
    forged.put("X-Raftray-Signature", Base64.getEncoder().encodeToString(other));
    assertThat(postRaft(anonymous, forged).statusCode()).isEqualTo(401);

    // (c) a genuinely signed request passes authentication once (then fails to decode: 400),
    // and the same bytes again are a replay
    Map<String, String> genuine = sign(node2);
    HttpResponse<String> first = postRaft(anonymous, genuine);
    assertThat(first.statusCode()).as(first.body()).isEqualTo(400);
    HttpResponse<String> replay = postRaft(anonymous, genuine);
    assertThat(replay.statusCode()).isEqualTo(401);
    assertThat(replay.body()).contains("replayed nonce");

    // (d) a certificate for node-2 from another CA of the same cluster id
    NodeIdentity foreign = AuthFixture.identity(ClusterCa.create(node2.clusterId()), "node-2");
    HttpResponse<String> foreignSigned = postRaft(anonymous, sign(foreign));
    assertThat(foreignSigned.statusCode()).isEqualTo(403);
    assertThat(foreignSigned.body()).contains("not issued by the cluster ca");
    // ... and the same certificate as TLS client certificate: refused in the handshake or 401/403
    HttpClient foreignTls = client(mixedContext(foreign, node2.caCert()));
    try {
      int status = postRaft(foreignTls, sign(foreign)).statusCode();
      assertThat(status).isIn(401, 403);
    } catch (IOException handshakeRefused) {
      // the TLS layer already refused a client certificate from another CA
    }

    // (e) a direct mTLS session of node-3 carrying a request signed by node-2
    HttpClient node3Tls = client(TlsContexts.client(node3.caCert(), Optional.of(node3)));
    HttpResponse<String> mismatch = postRaft(node3Tls, sign(node2));
    assertThat(mismatch.statusCode()).isEqualTo(403);
    assertThat(mismatch.body()).contains("tls client certificate does not match");
    // ... while node-3 signing for itself over its own mTLS session is accepted (400: bad body)
    assertThat(postRaft(node3Tls, sign(node3)).statusCode()).isEqualTo(400);

    // (f) connection mode: node-3's own mTLS session with its fingerprint is accepted (400: bad
    // body); the same headers without a client certificate, or with node-2's id, are not.
    Map<String, String> node3Connection = connection(node3, daemons.get(0));
    assertThat(postRaft(node3Tls, node3Connection).statusCode()).isEqualTo(400);
    HttpResponse<String> noCert = postRaft(anonymous, node3Connection);
    assertThat(noCert.statusCode()).isEqualTo(401);
    assertThat(noCert.body()).contains("signature required: no tls client certificate");
    Map<String, String> claim = new HashMap<>(node3Connection);
    claim.put("X-Raftray-Node", node2.nodeId());
    HttpResponse<String> claimed = postRaft(node3Tls, claim);
    assertThat(claimed.statusCode()).isEqualTo(403);
    assertThat(claimed.body()).contains("certificate names another node");

    // The cluster is unharmed and still replicates.
    HttpResponse<String> again = api(daemons.get(2), "POST", "/api/v1/users", "{\"name\":\"b\"}");
    assertThat(again.statusCode()).as(again.body()).isEqualTo(201);
    awaitUserEverywhere("b");
  }

  private static Map<String, String> connection(NodeIdentity id, Daemon to) {
    return new NodeRequestSigner(id).connectionHeaders(to.config().nodeId());
  }

  private static Map<String, String> sign(NodeIdentity id) {
    return new NodeRequestSigner(id).headers("POST", RAFT, BODY);
  }

  /** Presents {@code identity} (from any CA) and trusts {@code serverCa}. */
  private static SSLContext mixedContext(
      NodeIdentity identity, java.security.cert.X509Certificate serverCa) throws Exception {
    char[] password = "test".toCharArray();
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry(
        "node",
        identity.privateKey(),
        password,
        new Certificate[] {identity.nodeCert(), identity.caCert()});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
    kmf.init(keys, password);
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", serverCa);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return ctx;
  }
}
