package io.raftray.cluster;

import static io.raftray.cluster.AuthFixture.identity;
import static io.raftray.cluster.AuthFixture.node;
import static io.raftray.cluster.AuthFixture.state;
import static org.assertj.core.api.Assertions.assertThat;

import io.raftray.cluster.ClusterAuth.Outcome;
import io.raftray.cluster.ClusterAuth.Request;
import io.raftray.cluster.ClusterAuth.Verdict;
import io.raftray.model.NodeStatus;
import io.raftray.pki.ClusterCa;
import io.raftray.pki.ForgedCertificates;
import io.raftray.pki.NodeIdentity;
import io.raftray.state.State;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Connection mode on the Raft routes ({@link ClusterAuth#verifyRaft}): the verified TLS client
 * certificate stands for the signature, and every guarantee of the signed path about the sender's
 * certificate and the state still holds, checked per request. Real certificates from {@link
 * ClusterCa}.
 */
@Timeout(30)
class ClusterAuthConnectionTest {
  private static final ClusterCa CA = ClusterCa.create(AuthFixture.CLUSTER);
  private static final ClusterCa OTHER_CA = ClusterCa.create(AuthFixture.CLUSTER);
  private static final NodeIdentity N1 = identity(CA, "node-1");
  private static final NodeIdentity N2 = identity(CA, "node-2");
  private static final NodeIdentity N3 = identity(CA, "node-3");
  private static final String PATH = "/cluster/v1/raft";
  private static final byte[] BODY = "append entries".getBytes(StandardCharsets.UTF_8);

  private final AuthFixture.MutableClock clock = new AuthFixture.MutableClock();
  private final AtomicReference<State> state =
      new AtomicReference<>(state(CA, node(N1, NodeStatus.ACTIVE), node(N2, NodeStatus.ACTIVE)));
  private final ClusterAuth auth =
      new ClusterAuth(
          state::get,
          N1,
          List.of("node-1", "node-2", "node-3"),
          Duration.ofSeconds(60),
          clock,
          1000);

  /** With member vouching: senders the state does not know are sent to the signed path. */
  private final ClusterAuth vouchingAuth =
      new ClusterAuth(
          state::get,
          N1,
          List.of("node-1", "node-2"),
          Duration.ofSeconds(60),
          clock,
          new NonceCache(1000),
          (nodeId, serial, exclude) -> List.of());

  private static Map<String, String> connection(NodeIdentity id, String to) {
    return new NodeRequestSigner(id).connectionHeaders(to);
  }

  private static Map<String, String> with(Map<String, String> h, String name, String value) {
    Map<String, String> copy = new HashMap<>(h);
    if (value == null) {
      copy.remove(name);
    } else {
      copy.put(name, value);
    }
    return copy;
  }

  private Outcome raft(ClusterAuth a, Map<String, String> headers, X509Certificate... tls) {
    return a.verifyRaft(new Request("POST", PATH, headers, BODY, List.of(tls), "192.0.2.7:4711"));
  }

  private Outcome raft(Map<String, String> headers, X509Certificate... tls) {
    return raft(auth, headers, tls);
  }

  private static void assertRefused(Outcome o, Verdict verdict, String reason) {
    assertThat(o.accepted()).isFalse();
    assertThat(o.verdict()).isEqualTo(verdict);
    assertThat(o.reason()).isEqualTo(reason);
  }

  private void revoke(NodeIdentity id) {
    String serial = id.nodeCert().getSerialNumber().toString(16);
    state.set(
        state.get().toBuilder()
            .revokedSerials(Collections.unmodifiableNavigableSet(new TreeSet<>(Set.of(serial))))
            .build());
  }

  @Test
  void signer_connectionHeaders_nodeReceiverAndFingerprintOnly() {
    Map<String, String> h = connection(N2, "node-1");
    assertThat(h)
        .containsOnlyKeys("X-Raftray-Node", "X-Raftray-To", "X-Raftray-Cert-Fingerprint")
        .containsEntry("X-Raftray-Node", "node-2")
        .containsEntry("X-Raftray-To", "node-1")
        .containsEntry("X-Raftray-Cert-Fingerprint", ClusterSignature.fingerprint(N2.nodeCert()));
    // SHA-256, base64url without padding: 43 characters
    assertThat(h.get("X-Raftray-Cert-Fingerprint")).matches("[A-Za-z0-9_-]{43}");
  }

  @Test
  void connection_directMtlsOfTheNamedNode_acceptedOnEveryRequestWithoutNonce() {
    Outcome o = raft(connection(N2, "node-1"), N2.nodeCert());
    assertThat(o.verdict()).isEqualTo(Verdict.ACCEPTED);
    assertThat(o.nodeId()).isEqualTo("node-2");
    // The same headers again on the connection: TLS rules out a replay, there is no nonce.
    assertThat(raft(connection(N2, "node-1"), N2.nodeCert()).accepted()).isTrue();
    assertThat(auth.accepted()).isEqualTo(new ClusterAuth.Accepted(2, 0));
  }

  @Test
  void connection_noClientCertificate_neverAccepted_senderToldToSign() {
    Outcome o = raft(connection(N2, "node-1"));
    assertRefused(
        o,
        Verdict.UNAUTHENTICATED,
        "signature required: no tls client certificate reached this node");
    assertThat(auth.accepted()).isEqualTo(new ClusterAuth.Accepted(0, 0));
  }

  @Test
  void connection_notAcceptedOnRoutesOtherThanRaft() {
    Outcome o =
        auth.verify(
            new Request("POST", PATH, connection(N2, "node-1"), BODY, List.of(N2.nodeCert()), "-"));
    assertRefused(o, Verdict.UNAUTHENTICATED, "missing signature headers");
  }

  @Test
  void connection_removedNode_forbidden_alsoAfterItWasAccepted() {
    assertThat(raft(connection(N2, "node-1"), N2.nodeCert()).accepted()).isTrue();
    state.set(state(CA, node(N1, NodeStatus.ACTIVE), node(N2, NodeStatus.REMOVED)));
    assertRefused(
        raft(connection(N2, "node-1"), N2.nodeCert()), Verdict.FORBIDDEN, "node was removed");
  }

  @Test
  void connection_revokedSerial_forbiddenOnTheNextRequest() {
    assertThat(raft(connection(N2, "node-1"), N2.nodeCert()).accepted()).isTrue();
    revoke(N2);
    assertRefused(
        raft(connection(N2, "node-1"), N2.nodeCert()),
        Verdict.FORBIDDEN,
        "certificate was revoked");
    assertThat(raft(connection(N1, "node-1"), N1.nodeCert()).accepted()).isTrue();
  }

  @Test
  void connection_certificateOfAnotherNode_forbidden() {
    // node-3 (an initial peer, so its certificate alone would do for itself) claims node-2
    Map<String, String> claim = with(connection(N3, "node-1"), "X-Raftray-Node", "node-2");
    assertRefused(raft(claim, N3.nodeCert()), Verdict.FORBIDDEN, "certificate names another node");
    // ... and with node-2's fingerprint: not the certificate of its connection
    assertRefused(
        raft(connection(N2, "node-1"), N3.nodeCert()),
        Verdict.UNAUTHENTICATED,
        "signature required: certificate fingerprint does not match the tls client certificate");
  }

  @Test
  void connection_fingerprintMismatchOrMissing_refused() {
    Map<String, String> h = connection(N2, "node-1");
    String other = ClusterSignature.fingerprint(N3.nodeCert());
    assertRefused(
        raft(with(h, "X-Raftray-Cert-Fingerprint", other), N2.nodeCert()),
        Verdict.UNAUTHENTICATED,
        "signature required: certificate fingerprint does not match the tls client certificate");
    assertRefused(
        raft(with(h, "X-Raftray-Cert-Fingerprint", "not-a-fingerprint"), N2.nodeCert()),
        Verdict.UNAUTHENTICATED,
        "signature required: certificate fingerprint does not match the tls client certificate");
    // without the fingerprint the request is not in connection mode: the signed path refuses it
    assertRefused(
        raft(with(h, "X-Raftray-Cert-Fingerprint", null), N2.nodeCert()),
        Verdict.UNAUTHENTICATED,
        "missing signature headers");
  }

  @Test
  void connection_certificateMintedWithTheRecordedSerialButAnotherKey_forbidden() {
    // A removed node kept the CA key: it mints a certificate for node-2 with node-2's recorded
    // serial and its own key, and opens an mTLS connection with it.
    NodeIdentity forged =
        ForgedCertificates.identity(CA, "node-2", N2.nodeCert().getSerialNumber());
    assertRefused(
        raft(connection(forged, "node-1"), forged.nodeCert()),
        Verdict.FORBIDDEN,
        "certificate key is not the one recorded for the node");
  }

  @Test
  void connection_supersededCertificate_forbidden() {
    NodeIdentity renewed = identity(CA, "node-2");
    assertRefused(
        raft(connection(renewed, "node-1"), renewed.nodeCert()),
        Verdict.FORBIDDEN,
        "certificate is not the one recorded for the node");
  }

  @Test
  void connection_certificateFromAnotherCa_forbidden() {
    NodeIdentity foreign = identity(OTHER_CA, "node-2");
    assertRefused(
        raft(connection(foreign, "node-1"), foreign.nodeCert()),
        Verdict.FORBIDDEN,
        "certificate not issued by the cluster ca");
  }

  @Test
  void connection_expiredCertificate_forbidden_alsoAfterItWasAccepted() {
    NodeIdentity shortLived = identity(CA, "node-2", Duration.ofHours(1));
    state.set(state(CA, node(N1, NodeStatus.ACTIVE), node(shortLived, NodeStatus.ACTIVE)));
    assertThat(raft(connection(shortLived, "node-1"), shortLived.nodeCert()).accepted()).isTrue();
    clock.advance(Duration.ofHours(2));
    assertRefused(
        raft(connection(shortLived, "node-1"), shortLived.nodeCert()),
        Verdict.FORBIDDEN,
        "certificate expired or not yet valid");
  }

  @Test
  void connection_addressedToAnotherNodeOrToNoOne_unauthenticated() {
    assertRefused(
        raft(connection(N2, "node-3"), N2.nodeCert()),
        Verdict.UNAUTHENTICATED,
        "request is addressed to another node");
    assertRefused(
        raft(with(connection(N2, "node-1"), "X-Raftray-To", null), N2.nodeCert()),
        Verdict.UNAUTHENTICATED,
        "missing receiver header");
  }

  @Test
  void connection_unknownNode_forbidden_orSentToTheSignedPathWhenMembersCanVouch() {
    NodeIdentity stranger = identity(CA, "node-9");
    assertRefused(
        raft(connection(stranger, "node-1"), stranger.nodeCert()),
        Verdict.FORBIDDEN,
        "unknown node");
    // Where members are asked about senders this node does not know, only a signed request can
    // be checked against their records.
    assertRefused(
        raft(vouchingAuth, connection(stranger, "node-1"), stranger.nodeCert()),
        Verdict.UNAUTHENTICATED,
        "signature required: unknown node");
    NodeIdentity renewed = identity(CA, "node-2");
    assertRefused(
        raft(vouchingAuth, connection(renewed, "node-1"), renewed.nodeCert()),
        Verdict.UNAUTHENTICATED,
        "signature required: certificate is not the one recorded for the node");
  }

  @Test
  void connection_beforeBootstrap_initialPeersByCaOnly() {
    state.set(State.empty());
    assertThat(raft(connection(N3, "node-1"), N3.nodeCert()).accepted()).isTrue();
    NodeIdentity stranger = identity(CA, "node-9");
    assertRefused(
        raft(connection(stranger, "node-1"), stranger.nodeCert()),
        Verdict.FORBIDDEN,
        "unknown node");
    NodeIdentity foreign = identity(OTHER_CA, "node-3");
    assertRefused(
        raft(connection(foreign, "node-1"), foreign.nodeCert()),
        Verdict.FORBIDDEN,
        "certificate not issued by the cluster ca");
  }

  @Test
  void connection_caCertificateAsClientCertificate_forbidden() {
    Map<String, String> h =
        with(
            connection(N2, "node-1"),
            "X-Raftray-Cert-Fingerprint",
            ClusterSignature.fingerprint(CA.certificate()));
    assertRefused(raft(h, CA.certificate()), Verdict.FORBIDDEN, "certificate is a ca certificate");
  }

  @Test
  void signedRequests_stillAcceptedOnTheRaftRoutes() {
    Map<String, String> signed =
        new NodeRequestSigner(N2, clock).headers("POST", PATH, "node-1", BODY);
    assertThat(raft(signed).accepted()).isTrue();
    assertThat(raft(signed).reason()).isEqualTo("replayed nonce");
    assertThat(auth.accepted()).isEqualTo(new ClusterAuth.Accepted(0, 1));
  }
}
