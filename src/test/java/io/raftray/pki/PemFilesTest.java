package io.raftray.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(20)
class PemFilesTest {
  @TempDir Path dir;
  private final KeyPair keys = KeyPairs.generate();

  @BeforeEach
  void requirePosix() {
    // The daemon targets Linux; the mode checks below are the point of these tests.
    assertThat(PemFiles.posix(dir)).as("POSIX file system").isTrue();
  }

  @Test
  void writePrivateKey_createsOwnerOnlyFileThatReadsBack() throws Exception {
    Path file = dir.resolve("node.key");

    PemFiles.writePrivateKey(file, keys.getPrivate());

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(Files.readString(file)).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(PemFiles.readPrivateKey(file)).isEqualTo(keys.getPrivate());
  }

  @Test
  void writePrivateKey_overExistingFile_replacesItAndLeavesNoTempFiles() throws Exception {
    Path file = dir.resolve("node.key");
    PemFiles.writePrivateKey(file, KeyPairs.generate().getPrivate());

    PemFiles.writePrivateKey(file, keys.getPrivate());

    assertThat(PemFiles.readPrivateKey(file)).isEqualTo(keys.getPrivate());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(file);
    }
  }

  @Test
  void readPrivateKey_readableByOthers_refusedWithChmodHint() throws Exception {
    Path file = dir.resolve("tls").resolve("node.key");
    Files.createDirectories(file.getParent());
    PemFiles.writePrivateKey(file, keys.getPrivate());
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

    assertThatThrownBy(() -> PemFiles.readPrivateKey(file))
        .isInstanceOf(PkiException.class)
        .hasMessage(
            "private key " + file + " is readable by others (mode 0644); run chmod 600 on it");

    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw--w----"));
    assertThatThrownBy(() -> PemFiles.readPrivateKey(file))
        .hasMessage(
            "private key " + file + " is accessible by others (mode 0620); run chmod 600 on it");
  }

  @Test
  void certificate_roundTrips() {
    X509Certificate cert = ClusterCa.create(TestPki.CLUSTER).certificate();
    Path file = dir.resolve("ca.crt");

    PemFiles.writeCertificate(file, cert);

    assertThat(PemFiles.readCertificate(file)).isEqualTo(cert);
    assertThat(PemFiles.parseCertificate(PemFiles.certificateToPem(cert), "ca")).isEqualTo(cert);
  }

  @Test
  void read_corruptMissingOrWrongType_clearMessages() throws Exception {
    Path corrupt = dir.resolve("corrupt.crt");
    Files.writeString(corrupt, "-----BEGIN CERTIFICATE-----\n@@@@\n-----END CERTIFICATE-----\n");
    assertThatThrownBy(() -> PemFiles.readCertificate(corrupt))
        .isInstanceOf(PkiException.class)
        .hasMessage("certificate " + corrupt + " is corrupt PEM");

    Path text = dir.resolve("text.crt");
    Files.writeString(text, "hello\n");
    assertThatThrownBy(() -> PemFiles.readCertificate(text))
        .hasMessage("certificate " + text + " is not PEM (no -----BEGIN ...----- block found)");

    Path missing = dir.resolve("missing.crt");
    assertThatThrownBy(() -> PemFiles.readCertificate(missing))
        .hasMessage("certificate " + missing + " not found");
    assertThatThrownBy(() -> PemFiles.readPrivateKey(dir.resolve("missing.key")))
        .hasMessage("private key " + dir.resolve("missing.key") + " not found");

    Path certAsKey = dir.resolve("cert-as.key");
    Files.writeString(
        certAsKey,
        PemFiles.certificateToPem(ClusterCa.create(TestPki.CLUSTER).certificate()),
        java.nio.file.StandardOpenOption.CREATE_NEW);
    Files.setPosixFilePermissions(certAsKey, PosixFilePermissions.fromString("rw-------"));
    assertThatThrownBy(() -> PemFiles.readPrivateKey(certAsKey))
        .hasMessage("private key " + certAsKey + " does not contain a PEM private key");

    Path keyAsCert = dir.resolve("key-as.crt");
    PemFiles.writePrivateKey(keyAsCert, keys.getPrivate());
    assertThatThrownBy(() -> PemFiles.readCertificate(keyAsCert))
        .hasMessage("certificate " + keyAsCert + " does not contain a PEM certificate");
  }

  @Test
  void readPrivateKey_corruptContent_messageHasNoKeyBytes() throws Exception {
    Path file = dir.resolve("bad.key");
    String body = "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg";
    PemFiles.writePrivateKey(file, keys.getPrivate());
    Files.writeString(
        file, "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n");

    assertThatThrownBy(() -> PemFiles.readPrivateKey(file))
        .isInstanceOf(PkiException.class)
        .hasMessageStartingWith("private key " + file)
        .hasMessageNotContaining(body);
  }

  @Test
  void mode_formatsOctal() {
    assertThat(PemFiles.mode(PosixFilePermissions.fromString("rwxr-x--x"))).isEqualTo("0751");
  }
}
