package io.raftray.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.x509.Extension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class ClusterCaTest {
  private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

  private final ClusterCa ca = ClusterCa.create(TestPki.CLUSTER, Clock.fixed(NOW, ZoneOffset.UTC));

  @Test
  void create_selfSignedCaWithConstraintsAndKeyIds() throws Exception {
    X509Certificate cert = ca.certificate();

    assertThat(cert.getSubjectX500Principal().getName())
        .isEqualTo("CN=Raftray CA " + TestPki.CLUSTER);
    assertThat(cert.getIssuerX500Principal()).isEqualTo(cert.getSubjectX500Principal());
    assertThat(cert.getSigAlgName()).isEqualTo("SHA256withECDSA");
    assertThat(cert.getBasicConstraints()).isZero();
    assertThat(cert.getKeyUsage()[5]).as("keyCertSign").isTrue();
    assertThat(cert.getKeyUsage()[6]).as("cRLSign").isTrue();
    assertThat(cert.getKeyUsage()[0]).as("digitalSignature").isFalse();
    assertThat(cert.getCriticalExtensionOIDs())
        .contains(Extension.basicConstraints.getId(), Extension.keyUsage.getId());
    assertThat(cert.getExtensionValue(Extension.subjectKeyIdentifier.getId())).isNotNull();
    assertThat(cert.getExtensionValue(Extension.authorityKeyIdentifier.getId())).isNotNull();
    assertThat(cert.getNotBefore().toInstant()).isEqualTo(NOW.minus(ClusterCa.BACKDATE));
    assertThat(cert.getNotAfter().toInstant()).isEqualTo(Instant.parse("2035-06-01T12:00:00Z"));
    assertThat(KeyPairs.isP256(cert.getPublicKey())).isTrue();
    cert.verify(cert.getPublicKey());
    assertThat(ca.canIssue()).isTrue();
    assertThat(ca.clusterId()).isEqualTo(TestPki.CLUSTER);
  }

  @Test
  void issueNodeCertificate_setsSubjectSansEkuAndValidity() throws Exception {
    KeyPair node = KeyPairs.generate();
    X509Certificate cert =
        ca.issueNodeCertificate(
            node.getPublic(),
            TestPki.CLUSTER,
            "node-1",
            List.of("localhost", "127.0.0.1", "[::1]", "Node1.Example.org", "localhost"),
            Duration.ofDays(30));

    assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=node-1");
    assertThat(cert.getIssuerX500Principal()).isEqualTo(ca.certificate().getSubjectX500Principal());
    assertThat(cert.getPublicKey()).isEqualTo(node.getPublic());
    assertThat(cert.getSubjectAlternativeNames())
        .containsExactly(
            List.of(6, "raftray://" + TestPki.CLUSTER + "/node/node-1"),
            List.of(2, "localhost"),
            List.of(7, "127.0.0.1"),
            List.of(7, "0:0:0:0:0:0:0:1"),
            List.of(2, "node1.example.org"));
    assertThat(cert.getExtendedKeyUsage())
        .containsExactly("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
    assertThat(cert.getKeyUsage()[0]).as("digitalSignature").isTrue();
    assertThat(cert.getKeyUsage()[5]).as("keyCertSign").isFalse();
    assertThat(cert.getBasicConstraints()).isEqualTo(-1);
    assertThat(cert.getNotBefore().toInstant()).isEqualTo(NOW.minus(ClusterCa.BACKDATE));
    assertThat(cert.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(30)));
    assertThat(cert.getSerialNumber().signum()).isPositive();
    assertThat(cert.getSerialNumber().bitLength()).isLessThanOrEqualTo(128);
    assertThat(cert.getExtensionValue(Extension.authorityKeyIdentifier.getId())).isNotNull();
    assertThat(cert.getExtensionValue(Extension.subjectKeyIdentifier.getId())).isNotNull();
  }

  @Test
  void issueNodeCertificate_chainValidatesWithPkix() throws Exception {
    ClusterCa live = ClusterCa.create(TestPki.CLUSTER);
    X509Certificate cert = TestPki.identity(live, "node-1").nodeCert();

    cert.verify(live.certificate().getPublicKey());
    var path = CertificateFactory.getInstance("X.509").generateCertPath(List.of(cert));
    PKIXParameters parameters =
        new PKIXParameters(Set.of(new TrustAnchor(live.certificate(), null)));
    parameters.setRevocationEnabled(false);
    CertPathValidator.getInstance("PKIX").validate(path, parameters);
  }

  @Test
  void issueNodeCertificate_serialsAreRandom() {
    KeyPair node = KeyPairs.generate();
    var first =
        ca.issueNodeCertificate(
            node.getPublic(), TestPki.CLUSTER, "n", List.of(), Duration.ofDays(1));
    var second =
        ca.issueNodeCertificate(
            node.getPublic(), TestPki.CLUSTER, "n", List.of(), Duration.ofDays(1));
    assertThat(first.getSerialNumber()).isNotEqualTo(second.getSerialNumber());
  }

  @Test
  void issueNodeCertificate_validityBeyondCa_cappedAtCaExpiry() {
    X509Certificate cert =
        ca.issueNodeCertificate(
            KeyPairs.generate().getPublic(),
            TestPki.CLUSTER,
            "n",
            List.of(),
            Duration.ofDays(20 * 366));
    assertThat(cert.getNotAfter()).isEqualTo(ca.certificate().getNotAfter());
  }

  @Test
  void issueNodeCertificate_badInput_rejected() throws Exception {
    var key = KeyPairs.generate().getPublic();
    var days = Duration.ofDays(1);
    assertThatThrownBy(() -> ca.issueNodeCertificate(key, "other-cluster", "n", List.of(), days))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("other-cluster");
    assertThatThrownBy(() -> ca.issueNodeCertificate(key, TestPki.CLUSTER, "a/b", List.of(), days))
        .hasMessageContaining("invalid node id");
    assertThatThrownBy(
            () -> ca.issueNodeCertificate(key, TestPki.CLUSTER, "n", List.of("bad host"), days))
        .hasMessageContaining("invalid host name");
    assertThatThrownBy(
            () -> ca.issueNodeCertificate(key, TestPki.CLUSTER, "n", List.of(), Duration.ZERO))
        .hasMessageContaining("validity must be positive");
    KeyPairGenerator p384 = KeyPairGenerator.getInstance("EC");
    p384.initialize(new ECGenParameterSpec("secp384r1"));
    var wrongCurve = p384.generateKeyPair().getPublic();
    assertThatThrownBy(
            () -> ca.issueNodeCertificate(wrongCurve, TestPki.CLUSTER, "n", List.of(), days))
        .hasMessageContaining("must be an ECDSA P-256 key");
  }

  @Test
  void issueNodeCertificate_withoutCaKey_refused() {
    ClusterCa trustOnly = ClusterCa.of(ca.certificate(), Optional.empty());
    assertThat(trustOnly.canIssue()).isFalse();
    assertThatThrownBy(
            () ->
                trustOnly.issueNodeCertificate(
                    KeyPairs.generate().getPublic(),
                    TestPki.CLUSTER,
                    "n",
                    List.of(),
                    Duration.ofDays(1)))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("does not hold the CA private key");
  }

  @Test
  void issueFromCsr_usesCsrKeyButIssuerChosenNames() {
    KeyPair node = KeyPairs.generate();
    String csr = Csr.create(node, "evil-requested-name");

    X509Certificate cert =
        ca.issueFromCsr(csr, TestPki.CLUSTER, "node-2", List.of("10.0.0.2"), Duration.ofDays(30));

    assertThat(cert.getPublicKey()).isEqualTo(node.getPublic());
    assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=node-2");
    assertThat(ClusterCa.nodeIdFromCertificate(cert, TestPki.CLUSTER)).contains("node-2");
  }

  @Test
  void nodeIdFromCertificate_otherClusterOrNoSan_empty() {
    X509Certificate cert = TestPki.identity(ca, "node-1").nodeCert();

    assertThat(ClusterCa.nodeIdFromCertificate(cert, TestPki.CLUSTER)).contains("node-1");
    assertThat(ClusterCa.nodeIdFromCertificate(cert, "another-cluster")).isEmpty();
    assertThat(ClusterCa.nodeIdFromCertificate(cert, TestPki.CLUSTER.substring(1))).isEmpty();
    assertThat(ClusterCa.nodeIdFromCertificate(ca.certificate(), TestPki.CLUSTER)).isEmpty();
  }

  @Test
  void of_wrongKeyOrNonCaCertificate_rejected() {
    ClusterCa other = ClusterCa.create("other");
    assertThatThrownBy(() -> ClusterCa.of(ca.certificate(), other.privateKey()))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("does not match");
    X509Certificate node = TestPki.identity(ca, "node-1").nodeCert();
    assertThatThrownBy(() -> ClusterCa.of(node, Optional.empty())).isInstanceOf(PkiException.class);
    assertThat(ClusterCa.of(ca.certificate(), ca.privateKey()).canIssue()).isTrue();
  }

  @Test
  void ids_validation() {
    assertThat(ClusterCa.isValidClusterId(TestPki.CLUSTER)).isTrue();
    assertThat(ClusterCa.isValidClusterId("Upper")).isFalse();
    assertThat(ClusterCa.isValidClusterId("-x")).isFalse();
    assertThat(ClusterCa.isValidNodeId("eu-west.node_1")).isTrue();
    assertThat(ClusterCa.isValidNodeId("a/b")).isFalse();
    assertThat(ClusterCa.isValidNodeId("")).isFalse();
    assertThatThrownBy(() -> ClusterCa.create("Bad Id")).isInstanceOf(PkiException.class);
  }
}
