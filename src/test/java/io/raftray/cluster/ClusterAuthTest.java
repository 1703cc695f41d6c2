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
import io.raftray.pki.Signatures;
import io.raftray.state.State;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class ClusterAuthTest {
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
  private ClusterAuth auth = newAuth(1000);
  private final List<LogRecord> logged = new ArrayList<>();
  private final Logger julLogger = Logger.getLogger(ClusterAuth.class.getName());
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          synchronized (logged) {
            logged.add(r);
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  private Level previousLevel;

  @BeforeEach
  void captureLogs() {
    previousLevel = julLogger.getLevel();
    julLogger.setLevel(Level.ALL);
    julLogger.addHandler(capture);
  }

  @AfterEach
  void releaseLogs() {
    julLogger.removeHandler(capture);
    julLogger.setLevel(previousLevel);
  }

  private ClusterAuth newAuth(int nonceCapacity) {
    return new ClusterAuth(
        state::get,
        N1,
        List.of("node-1", "node-2", "node-3"),
        Duration.ofSeconds(60),
        clock,
        nonceCapacity);
  }

  private Map<String, String> sign(NodeIdentity id, String method, String path, byte[] body) {
    return new NodeRequestSigner(id, clock).headers(method, path, body);
  }

  private Outcome verify(Map<String, String> headers) {
    return verify("POST", PATH, headers, BODY, List.of());
  }

  private Outcome verify(
      String method,
      String path,
      Map<String, String> headers,
      byte[] body,
      List<X509Certificate> tls) {
    return auth.verify(new Request(method, path, headers, body, tls, "192.0.2.7:4711"));
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

  @Test
  void canonical_isTheDocumentedString() {
    String expected =
        "raftray-v1\nPOST\n/cluster/v1/raft\nnode-1\n1700000000000\nAAAAAAAAAAAAAAAAAAAAAA\n"
            + "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
    byte[] canonical =
        ClusterSignature.canonical(
            "POST",
            "/cluster/v1/raft",
            "node-1",
            "1700000000000",
            "AAAAAAAAAAAAAAAAAAAAAA",
            "hello".getBytes(StandardCharsets.UTF_8));
    assertThat(new String(canonical, StandardCharsets.UTF_8)).isEqualTo(expected);
  }

  @Test
  void signer_headers_areWellFormedAndVerify() throws Exception {
    Map<String, String> h = sign(N2, "POST", PATH, BODY);
    assertThat(h)
        .containsOnlyKeys(
            "X-Raftray-Node",
            "X-Raftray-Timestamp",
            "X-Raftray-Nonce",
            "X-Raftray-Signature",
            "X-Raftray-Cert");
    assertThat(h.get("X-Raftray-Node")).isEqualTo("node-2");
    assertThat(h.get("X-Raftray-Timestamp")).isEqualTo(Long.toString(clock.millis()));
    assertThat(Base64.getUrlDecoder().decode(h.get("X-Raftray-Nonce"))).hasSize(16);
    assertThat(Base64.getDecoder().decode(h.get("X-Raftray-Cert")))
        .isEqualTo(N2.nodeCert().getEncoded());
    byte[] canonical =
        ClusterSignature.canonical(
            "POST", PATH, "node-2", h.get("X-Raftray-Timestamp"), h.get("X-Raftray-Nonce"), BODY);
    assertThat(
            Signatures.verify(
                N2.nodeCert().getPublicKey(),
                canonical,
                Base64.getDecoder().decode(h.get("X-Raftray-Signature"))))
        .isTrue();
    assertThat(sign(N2, "POST", PATH, BODY).get("X-Raftray-Nonce"))
        .isNotEqualTo(h.get("X-Raftray-Nonce"));
    assertThat(new NodeRequestSigner(N2).toString()).doesNotContain("PRIVATE").contains("node-2");
  }

  @Test
  void verify_validRequest_accepted() {
    Outcome o = verify(sign(N2, "POST", PATH, BODY));
    assertThat(o.verdict()).isEqualTo(Verdict.ACCEPTED);
    assertThat(o.nodeId()).isEqualTo("node-2");
    assertThat(logged).isEmpty();
  }

  @Test
  void verify_knownNodeWithoutCertHeader_usesTheRecordedCertificate() {
    Map<String, String> h = with(sign(N2, "POST", PATH, BODY), "X-Raftray-Cert", null);
    assertThat(verify(h).verdict()).isEqualTo(Verdict.ACCEPTED);
  }

  @Test
  void verify_tamperedBodyOtherPathOtherMethod_unauthenticated() {
    Map<String, String> h = sign(N2, "POST", PATH, BODY);
    byte[] tampered = "append entriez".getBytes(StandardCharsets.UTF_8);
    assertThat(verify("POST", PATH, h, tampered, List.of()).verdict())
        .isEqualTo(Verdict.UNAUTHENTICATED);
    assertThat(verify("POST", "/cluster/v1/raft/read-index", h, BODY, List.of()).verdict())
        .isEqualTo(Verdict.UNAUTHENTICATED);
    assertThat(verify("PUT", PATH, h, BODY, List.of()).verdict())
        .isEqualTo(Verdict.UNAUTHENTICATED);
    // None of the failed attempts used up the nonce: the genuine request still passes.
    assertThat(verify(h).verdict()).isEqualTo(Verdict.ACCEPTED);
  }

  @Test
  void verify_missingOrMalformedHeaders_unauthenticated() {
    Map<String, String> h = sign(N2, "POST", PATH, BODY);
    for (String name :
        List.of(
            "X-Raftray-Node", "X-Raftray-Timestamp", "X-Raftray-Nonce", "X-Raftray-Signature")) {
      assertThat(verify(with(h, name, null)).verdict()).as(name).isEqualTo(Verdict.UNAUTHENTICATED);
    }
    assertThat(verify(Map.of()).reason()).isEqualTo("missing signature headers");
    assertThat(verify(with(h, "X-Raftray-Timestamp", "12abc")).verdict())
        .isEqualTo(Verdict.UNAUTHENTICATED);
    assertThat(verify(with(h, "X-Raftray-Nonce", "short")).verdict())
        .isEqualTo(Verdict.UNAUTHENTICATED);
    assertThat(verify(with(h, "X-Raftray-Signature", "%%%")).verdict())
        .isEqualTo(Verdict.UNAUTHENTICATED);
    assertThat(verify(with(h, "X-Raftray-Node", "bad id\nforged log line")).verdict())
        .isEqualTo(Verdict.UNAUTHENTICATED);
  }

  @Test
  void verify_staleOrFutureTimestamp_unauthenticated() {
    Map<String, String> old = sign(N2, "POST", PATH, BODY);
    clock.advance(Duration.ofSeconds(61));
    assertThat(verify(old).reason()).isEqualTo("timestamp outside the allowed clock skew");

    Map<String, String> future = sign(N2, "POST", PATH, BODY);
    clock.advance(Duration.ofSeconds(-122));
    assertThat(verify(future).verdict()).isEqualTo(Verdict.UNAUTHENTICATED);

    Map<String, String> skewed = sign(N2, "POST", PATH, BODY);
    clock.advance(Duration.ofSeconds(59));
    assertThat(verify(skewed).verdict()).isEqualTo(Verdict.ACCEPTED);
  }

  @Test
  void verify_replayedNonce_unauthenticated() {
    Map<String, String> h = sign(N2, "POST", PATH, BODY);
    assertThat(verify(h).verdict()).isEqualTo(Verdict.ACCEPTED);
    clock.advance(Duration.ofSeconds(30));
    Outcome replay = verify(h);
    assertThat(replay.verdict()).isEqualTo(Verdict.UNAUTHENTICATED);
    assertThat(replay.reason()).isEqualTo("replayed nonce");
  }

  @Test
  void verify_requestReplayedAfterARestartInsideTheWindow_unauthenticated(@TempDir Path data)
      throws Exception {
    auth = journaledAuth(data);
    Map<String, String> h = sign(N2, "POST", PATH, BODY);
    assertThat(verify(h).verdict()).isEqualTo(Verdict.ACCEPTED);
    // The node is killed (nothing closed, nothing flushed) and starts again 20 s later.
    clock.advance(Duration.ofSeconds(20));
    auth = journaledAuth(data);
    Outcome replay = verify(h);
    assertThat(replay.verdict()).isEqualTo(Verdict.UNAUTHENTICATED);
    assertThat(replay.reason()).isEqualTo("replayed nonce");
    // New requests after the restart are served, and remembered across the next restart too.
    Map<String, String> fresh = sign(N2, "POST", PATH, BODY);
    assertThat(verify(fresh).verdict()).isEqualTo(Verdict.ACCEPTED);
    auth = journaledAuth(data);
    assertThat(verify(fresh).reason()).isEqualTo("replayed nonce");
  }

  private ClusterAuth journaledAuth(Path data) throws Exception {
    return new ClusterAuth(
        state::get,
        N1,
        List.of("node-1", "node-2", "node-3"),
        Duration.ofSeconds(60),
        clock,
        NonceCache.persistent(1000, data.resolve("cluster-nonces"), 120_000, clock.millis()),
        null);
  }

  @Test
  void verify_nonceCacheFullOfLiveEntries_unavailableNotForgetful() {
    auth = newAuth(2);
    assertThat(verify(sign(N2, "POST", PATH, BODY)).verdict()).isEqualTo(Verdict.ACCEPTED);
    assertThat(verify(sign(N2, "POST", PATH, BODY)).verdict()).isEqualTo(Verdict.ACCEPTED);
    assertThat(verify(sign(N2, "POST", PATH, BODY)).verdict()).isEqualTo(Verdict.UNAVAILABLE);
    clock.advance(Duration.ofSeconds(61));
    assertThat(verify(sign(N2, "POST", PATH, BODY)).verdict()).isEqualTo(Verdict.ACCEPTED);
  }

  @Test
  void verify_oneMemberFillingItsNonces_doesNotLockOutTheOthers() {
    auth = newAuth(2);
    for (int i = 0; i < 2; i++) {
      assertThat(verify(sign(N2, "POST", PATH, BODY)).verdict()).isEqualTo(Verdict.ACCEPTED);
    }
    assertThat(verify(sign(N2, "POST", PATH, BODY)).verdict()).isEqualTo(Verdict.UNAVAILABLE);
    // Another member still gets through: the bound is per sender.
    assertThat(verify(sign(N1, "POST", PATH, BODY)).verdict()).isEqualTo(Verdict.ACCEPTED);
    assertThat(verify(sign(N1, "POST", PATH, BODY)).verdict()).isEqualTo(Verdict.ACCEPTED);
  }

  @Test
  void verify_requestReplayedToAnotherMember_refused() {
    Map<String, String> h = new NodeRequestSigner(N2, clock).headers("POST", PATH, "node-1", BODY);
    assertThat(verify(h).verdict()).isEqualTo(Verdict.ACCEPTED);
    ClusterAuth atNode3 =
        new ClusterAuth(
            state::get, N3, List.of("node-1", "node-2", "node-3"), Duration.ofSeconds(60), clock);
    Outcome o = atNode3.verify(new Request("POST", PATH, h, BODY, List.of(), "192.0.2.7:4711"));
    assertThat(o.verdict()).isEqualTo(Verdict.UNAUTHENTICATED);
    assertThat(o.reason()).isEqualTo("request is addressed to another node");
    // Rewriting the target header does not help: the signature covers it.
    Outcome forged =
        atNode3.verify(
            new Request(
                "POST", PATH, with(h, "X-Raftray-To", "node-3"), BODY, List.of(), "192.0.2.7:1"));
    assertThat(forged.verdict()).isEqualTo(Verdict.UNAUTHENTICATED);
    assertThat(forged.reason()).isEqualTo("bad signature");
    // Dropping it makes it a v1 request, whose signature does not verify either.
    Outcome stripped =
        atNode3.verify(
            new Request(
                "POST", PATH, with(h, "X-Raftray-To", null), BODY, List.of(), "192.0.2.7:1"));
    assertThat(stripped.reason()).isEqualTo("bad signature");
  }

  @Test
  void verify_unknownNode_forbidden() {
    NodeIdentity stranger = identity(CA, "node-9");
    Outcome o = verify(sign(stranger, "POST", PATH, BODY));
    assertThat(o.verdict()).isEqualTo(Verdict.FORBIDDEN);
    assertThat(o.reason()).isEqualTo("unknown node");
  }

  @Test
  void verify_removedNode_forbidden() {
    state.set(state(CA, node(N1, NodeStatus.ACTIVE), node(N2, NodeStatus.REMOVED)));
    Outcome o = verify(sign(N2, "POST", PATH, BODY));
    assertThat(o.verdict()).isEqualTo(Verdict.FORBIDDEN);
    assertThat(o.reason()).isEqualTo("node was removed");
  }

  @Test
  void verify_revokedSerial_forbiddenBeforeAnyOtherStateRule() {
    State base = state(CA, node(N1, NodeStatus.ACTIVE), node(N2, NodeStatus.ACTIVE));
    String serial = N2.nodeCert().getSerialNumber().toString(16);
    state.set(
        base.toBuilder()
            .revokedSerials(Collections.unmodifiableNavigableSet(new TreeSet<>(Set.of(serial))))
            .build());
    Outcome o = verify(sign(N2, "POST", PATH, BODY));
    assertThat(o.verdict()).isEqualTo(Verdict.FORBIDDEN);
    assertThat(o.reason()).isEqualTo("certificate was revoked");
    // without the certificate header the recorded (revoked) certificate is refused the same way
    Outcome bare = verify(with(sign(N2, "POST", PATH, BODY), "X-Raftray-Cert", null));
    assertThat(bare.reason()).isEqualTo("certificate was revoked");
    assertThat(verify(sign(N1, "POST", PATH, BODY)).verdict()).isEqualTo(Verdict.ACCEPTED);
  }

  @Test
  void verify_joiningNode_accepted() {
    state.set(state(CA, node(N1, NodeStatus.ACTIVE), node(N2, NodeStatus.JOINING)));
    assertThat(verify(sign(N2, "POST", PATH, BODY)).verdict()).isEqualTo(Verdict.ACCEPTED);
  }

  @Test
  void verify_certificateFromAnotherCa_forbidden() {
    NodeIdentity impostor = identity(OTHER_CA, "node-2");
    Outcome o = verify(sign(impostor, "POST", PATH, BODY));
    assertThat(o.verdict()).isEqualTo(Verdict.FORBIDDEN);
    assertThat(o.reason()).isEqualTo("certificate not issued by the cluster ca");
    // Without the certificate header the recorded certificate is used: the signature fails.
    Map<String, String> bare = with(sign(impostor, "POST", PATH, BODY), "X-Raftray-Cert", null);
    assertThat(verify(bare).verdict()).isEqualTo(Verdict.UNAUTHENTICATED);
  }

  @Test
  void verify_certificateNamingAnotherNode_forbidden() {
    // node-3 (not yet in the state, but an initial peer) claims to be node-2 with its own cert.
    Map<String, String> h = sign(N3, "POST", PATH, BODY);
    h = with(h, "X-Raftray-Node", "node-2");
    Outcome o = verify(h);
    assertThat(o.verdict()).isEqualTo(Verdict.FORBIDDEN);
  }

  @Test
  void verify_signatureByAnotherKey_unauthenticated() {
    Map<String, String> h = sign(N2, "POST", PATH, BODY);
    byte[] canonical =
        ClusterSignature.canonical(
            "POST", PATH, "node-2", h.get("X-Raftray-Timestamp"), h.get("X-Raftray-Nonce"), BODY);
    String forged = Base64.getEncoder().encodeToString(Signatures.sign(N3.privateKey(), canonical));
    Outcome o = verify(with(h, "X-Raftray-Signature", forged));
    assertThat(o.verdict()).isEqualTo(Verdict.UNAUTHENTICATED);
    assertThat(o.reason()).isEqualTo("bad signature");
  }

  @Test
  void verify_supersededCertificate_forbidden() {
    NodeIdentity renewed = identity(CA, "node-2");
    Outcome o = verify(sign(renewed, "POST", PATH, BODY));
    assertThat(o.verdict()).isEqualTo(Verdict.FORBIDDEN);
    assertThat(o.reason()).isEqualTo("certificate is not the one recorded for the node");
  }

  @Test
  void verify_certificateMintedWithTheRecordedSerialButAnotherKey_forbidden() {
    // A removed node kept its copy of the CA key: it mints a certificate for node-2 with the
    // serial recorded for node-2 and its own key, and signs with that key.
    NodeIdentity forged =
        ForgedCertificates.identity(CA, "node-2", N2.nodeCert().getSerialNumber());
    Outcome o = verify(sign(forged, "POST", PATH, BODY));
    assertThat(o.verdict()).isEqualTo(Verdict.FORBIDDEN);
    assertThat(o.reason()).isEqualTo("certificate key is not the one recorded for the node");
  }

  @Test
  void verify_noCertificateRecorded_fallsBackToTheSerial() {
    // Snapshots of old releases may hold a node without its certificate: the serial still binds
    // it until the next renewal records one.
    io.raftray.model.Node n2 = node(N2, NodeStatus.ACTIVE);
    io.raftray.model.Node bare =
        new io.raftray.model.Node(
            n2.id(),
            n2.name(),
            n2.apiBaseUrl(),
            n2.accessHost(),
            n2.labels(),
            n2.role(),
            n2.status(),
            n2.facts(),
            n2.certSerial(),
            n2.certNotAfter(),
            null,
            n2.joinedAt(),
            n2.updatedAt());
    state.set(state(CA, node(N1, NodeStatus.ACTIVE), bare));
    assertThat(verify(sign(N2, "POST", PATH, BODY)).verdict()).isEqualTo(Verdict.ACCEPTED);
  }

  @Test
  void verify_expiredCertificate_forbidden() {
    NodeIdentity shortLived = identity(CA, "node-3", Duration.ofHours(1));
    state.set(state(CA, node(N1, NodeStatus.ACTIVE), node(shortLived, NodeStatus.ACTIVE)));
    clock.advance(Duration.ofHours(2));
    Outcome o = verify(sign(shortLived, "POST", PATH, BODY));
    assertThat(o.verdict()).isEqualTo(Verdict.FORBIDDEN);
    assertThat(o.reason()).isEqualTo("certificate expired or not yet valid");
  }

  @Test
  void verify_beforeBootstrap_acceptsInitialPeersByCaOnly() {
    state.set(State.empty());
    assertThat(verify(sign(N3, "POST", PATH, BODY)).verdict()).isEqualTo(Verdict.ACCEPTED);
    assertThat(verify(sign(identity(CA, "node-9"), "POST", PATH, BODY)).reason())
        .isEqualTo("unknown node");
    assertThat(verify(sign(identity(OTHER_CA, "node-3"), "POST", PATH, BODY)).verdict())
        .isEqualTo(Verdict.FORBIDDEN);
    Map<String, String> bare = with(sign(N3, "POST", PATH, BODY), "X-Raftray-Cert", null);
    assertThat(verify(bare).verdict()).isEqualTo(Verdict.UNAUTHENTICATED);
  }

  @Test
  void verify_bootstrappedButInitialPeerNotYetAdded_acceptedByCa() {
    // The bootstrap entry records node-1 only; node-3 is added by a later entry.
    assertThat(state.get().nodes()).doesNotContainKey("node-3");
    assertThat(verify(sign(N3, "POST", PATH, BODY)).verdict()).isEqualTo(Verdict.ACCEPTED);
  }

  @Test
  void verify_tlsClientCertificate_mustNameTheSigningNode() {
    Map<String, String> h = sign(N2, "POST", PATH, BODY);
    assertThat(verify("POST", PATH, h, BODY, List.of(N3.nodeCert(), CA.certificate())).reason())
        .isEqualTo("tls client certificate does not match the signing node");
    NodeIdentity foreign = identity(OTHER_CA, "node-2");
    assertThat(verify("POST", PATH, h, BODY, List.of(foreign.nodeCert())).verdict())
        .isEqualTo(Verdict.FORBIDDEN);
    assertThat(verify("POST", PATH, h, BODY, List.of(N2.nodeCert(), CA.certificate())).verdict())
        .isEqualTo(Verdict.ACCEPTED);
  }

  @Test
  void verify_tlsClientCertificateRenewedButSameNode_accepted() {
    NodeIdentity otherCertSameNode = identity(CA, "node-2");
    Map<String, String> h = sign(N2, "POST", PATH, BODY);
    assertThat(verify("POST", PATH, h, BODY, List.of(otherCertSameNode.nodeCert())).verdict())
        .isEqualTo(Verdict.ACCEPTED);
  }

  @Test
  void rejection_loggedWithNodeRemoteAndReason_neverSecrets() {
    Map<String, String> h = sign(N2, "POST", PATH, BODY);
    String forged = Base64.getEncoder().encodeToString(new byte[70]);
    verify(with(h, "X-Raftray-Signature", forged));
    verify(with(h, "X-Raftray-Signature", forged));

    assertThat(logged).hasSize(2);
    LogRecord first = logged.get(0);
    assertThat(first.getLevel()).isEqualTo(Level.WARNING);
    String text = java.text.MessageFormat.format(first.getMessage(), first.getParameters());
    assertThat(text).contains("node-2", "192.0.2.7:4711", "bad signature");
    assertThat(text)
        .doesNotContain(forged, h.get("X-Raftray-Cert"), h.get("X-Raftray-Nonce"), "append");
    // The same rejection again within the interval is logged quietly.
    assertThat(logged.get(1).getLevel()).isEqualTo(Level.FINE);
  }
}
