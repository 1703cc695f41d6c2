package io.raftray.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.interfaces.ECPrivateKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(20)
class NodeIdentityTest {
  @TempDir Path dataDir;
  private final ClusterCa ca = ClusterCa.create(TestPki.CLUSTER);
  private final NodeIdentity identity = TestPki.identity(ca, "node-1");

  @Test
  void saveThenLoad_roundTripsWithFixedLayoutAndModes() throws Exception {
    assertThat(NodeIdentity.exists(dataDir)).isFalse();

    identity.save(dataDir);

    Path tls = dataDir.resolve("tls");
    assertThat(mode(tls)).isEqualTo("rwx------");
    assertThat(mode(tls.resolve("node.key"))).isEqualTo("rw-------");
    assertThat(tls.resolve("ca.crt")).exists();
    assertThat(tls.resolve("node.crt")).exists();
    assertThat(tls.resolve("ca.key")).doesNotExist();
    assertThat(NodeIdentity.exists(dataDir)).isTrue();
    NodeIdentity loaded = NodeIdentity.load(dataDir);
    assertThat(loaded).isEqualTo(identity);
    assertThat(loaded.clusterId()).isEqualTo(TestPki.CLUSTER);
    assertThat(loaded.nodeId()).isEqualTo("node-1");
  }

  @Test
  void caKey_absentOnNonVoters_roundTripsOnVoters() throws Exception {
    identity.save(dataDir);
    assertThat(NodeIdentity.loadCaKey(dataDir)).isEmpty();
    assertThat(NodeIdentity.loadClusterCa(dataDir).canIssue()).isFalse();

    NodeIdentity.saveCaKey(dataDir, ca.privateKey().orElseThrow());

    assertThat(mode(dataDir.resolve("tls/ca.key"))).isEqualTo("rw-------");
    assertThat(NodeIdentity.loadCaKey(dataDir)).isEqualTo(ca.privateKey());
    ClusterCa loaded = NodeIdentity.loadClusterCa(dataDir);
    assertThat(loaded.canIssue()).isTrue();
    assertThat(loaded.clusterId()).isEqualTo(TestPki.CLUSTER);
  }

  @Test
  void load_keyFileReadableByOthers_refusedNamingTheFile() throws Exception {
    identity.save(dataDir);
    Path key = dataDir.resolve("tls/node.key");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));

    assertThatThrownBy(() -> NodeIdentity.load(dataDir))
        .isInstanceOf(PkiException.class)
        .hasMessage(
            "private key " + key + " is readable by others (mode 0644); run chmod 600 on it");
  }

  @Test
  void load_keyNotMatchingCertificate_refused() {
    identity.save(dataDir);
    PemFiles.writePrivateKey(dataDir.resolve("tls/node.key"), KeyPairs.generate().getPrivate());

    assertThatThrownBy(() -> NodeIdentity.load(dataDir))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("node private key does not match the node certificate");
  }

  @Test
  void load_certificateFromAnotherCa_refused() {
    identity.save(dataDir);
    PemFiles.writeCertificate(
        dataDir.resolve("tls/ca.crt"), ClusterCa.create(TestPki.CLUSTER).certificate());

    assertThatThrownBy(() -> NodeIdentity.load(dataDir))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("not signed by the cluster CA");
  }

  @Test
  void load_missingFiles_clearMessage() {
    assertThatThrownBy(() -> NodeIdentity.load(dataDir))
        .isInstanceOf(PkiException.class)
        .hasMessage("certificate " + dataDir.resolve("tls/ca.crt") + " not found");
  }

  @Test
  void constructor_mismatchedIds_rejected() {
    assertThatThrownBy(
            () ->
                new NodeIdentity(
                    TestPki.CLUSTER,
                    "node-2",
                    identity.privateKey(),
                    identity.nodeCert(),
                    identity.caCert()))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("does not carry the URI SAN");
    assertThatThrownBy(
            () ->
                new NodeIdentity(
                    "other",
                    "node-1",
                    identity.privateKey(),
                    identity.nodeCert(),
                    identity.caCert()))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("CA certificate is for cluster");
  }

  @Test
  void toString_hasNoKeyMaterial() {
    String secret = ((ECPrivateKey) identity.privateKey()).getS().toString(16);

    assertThat(identity.toString())
        .contains("node-1")
        .doesNotContain(secret)
        .doesNotContainIgnoringCase("private");
  }

  private static String mode(Path path) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }
}
