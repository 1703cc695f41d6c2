package io.raftray.pki;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftray.testing.LogCapture;
import io.raftray.testing.PublicTestCa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class PublicCertificatesTest {
  @TempDir Path dir;
  private final PublicTestCa ca = new PublicTestCa();
  private LogCapture log;

  @BeforeEach
  void captureLogs() {
    log = LogCapture.of(PublicCertificates.class, Level.WARNING);
  }

  @AfterEach
  void releaseLogs() {
    log.close();
  }

  private PublicCertificates store(Path pairDir) {
    return new PublicCertificates(
        List.of(
            new PublicCertificates.Source(
                pairDir.resolve("fullchain.pem"), pairDir.resolve("privkey.pem"))),
        List.of("node-1.example.test"),
        Clock.systemUTC());
  }

  private List<String> warnings() {
    return log.messages();
  }

  private static String serialFor(PublicCertificates p, String host) {
    return p.forHost(host, "EC").flatMap(c -> c).map(PublicCertificate::serial).orElse(null);
  }

  @Test
  void forHost_exactAndOneLabelWildcard_coveredOthersGetClusterCert() throws Exception {
    PublicTestCa.Leaf leaf =
        ca.issue(
            List.of("sub.example.test", "*.cdn.example.test", "node-1.example.test"),
            Duration.ofDays(60));
    ca.write(leaf, dir);
    PublicCertificates p = store(dir);
    p.check();

    String serial = leaf.serial().toString(16);
    assertThat(serialFor(p, "sub.example.test")).isEqualTo(serial);
    assertThat(serialFor(p, "a.cdn.example.test")).isEqualTo(serial);
    // Not covered: the wildcard's base, two labels deep, another name, no SNI at all.
    assertThat(p.forHost("cdn.example.test", "EC")).isEmpty();
    assertThat(p.forHost("a.b.cdn.example.test", "EC")).isEmpty();
    assertThat(p.forHost("other.example.test", "EC")).isEmpty();
    assertThat(p.forHost(null, "EC")).isEmpty();
    // The node's own api_base_url host keeps the cluster certificate, and the operator is told.
    assertThat(p.forHost("node-1.example.test", "EC")).isEmpty();
    assertThat(warnings()).anyMatch(w -> w.contains("also names node-1.example.test"));
    assertThat(p.status().get(0).names())
        .containsExactly("sub.example.test", "*.cdn.example.test", "node-1.example.test");
    assertThat(p.earliestNotAfter()).contains(leaf.cert().getNotAfter().toInstant());
    assertThat(p.warnings()).isEmpty();
  }

  @Test
  void forHost_severalPairs_eachNameGetsItsOwnChain() throws Exception {
    PublicTestCa.Leaf sub = ca.issue(List.of("sub.example.test"), Duration.ofDays(60));
    PublicTestCa.Leaf panel = ca.issueRsa(List.of("panel.example.test"), Duration.ofDays(30));
    ca.write(sub, dir.resolve("sub"));
    ca.write(panel, dir.resolve("panel"));
    PublicCertificates p =
        new PublicCertificates(
            List.of(
                new PublicCertificates.Source(
                    dir.resolve("sub/fullchain.pem"), dir.resolve("sub/privkey.pem")),
                new PublicCertificates.Source(
                    dir.resolve("panel/fullchain.pem"), dir.resolve("panel/privkey.pem"))),
            List.of(),
            Clock.systemUTC());
    p.check();

    assertThat(serialFor(p, "sub.example.test")).isEqualTo(sub.serial().toString(16));
    assertThat(p.forHost("panel.example.test", "RSA").flatMap(c -> c))
        .map(PublicCertificate::serial)
        .contains(panel.serial().toString(16));
    assertThat(p.earliestNotAfter()).contains(panel.cert().getNotAfter().toInstant());
  }

  @Test
  void forHost_rsaCertificate_ecSchemeIsRefusedNotHandedToTheClusterCert() throws Exception {
    PublicTestCa.Leaf leaf = ca.issueRsa(List.of("sub.example.test"), Duration.ofDays(60));
    ca.write(leaf, dir);
    PublicCertificates p = store(dir);
    p.check();

    // An EC signature scheme must not fall back to the cluster certificate for a covered name:
    // the handshake tries the client's next scheme (RSA) instead.
    assertThat(p.forHost("sub.example.test", "EC")).contains(Optional.empty());
    assertThat(p.forHost("sub.example.test", "RSA").flatMap(c -> c))
        .map(PublicCertificate::serial)
        .contains(leaf.serial().toString(16));
  }

  @Test
  void check_renewedFiles_newSerialWithoutRestart() throws Exception {
    ca.write(ca.issue(List.of("sub.example.test"), Duration.ofDays(60)), dir);
    PublicCertificates p = store(dir);
    p.check();
    PublicTestCa.Leaf renewed = ca.issue(List.of("sub.example.test"), Duration.ofDays(90));
    ca.write(renewed, dir);
    p.check();

    assertThat(serialFor(p, "sub.example.test")).isEqualTo(renewed.serial().toString(16));
    assertThat(warnings()).isEmpty();
  }

  @Test
  void check_brokenChain_keepsOldCertificate_warnsOnceNamingTheFile() throws Exception {
    PublicTestCa.Leaf good = ca.issue(List.of("sub.example.test"), Duration.ofDays(60));
    ca.write(good, dir);
    PublicCertificates p = store(dir);
    p.check();
    Path chain = dir.resolve("fullchain.pem");
    PublicTestCa.replace(chain, "-----BEGIN CERTIFICATE-----\nnot base64 at all\n");

    p.check(); // a half-finished renewal is given one more look before it is reported
    assertThat(p.status().get(0).error()).isNull();
    p.check();
    p.check();

    assertThat(serialFor(p, "sub.example.test")).isEqualTo(good.serial().toString(16));
    List<String> w = warnings();
    assertThat(w).hasSize(1);
    assertThat(w.get(0))
        .contains(chain.toString())
        .contains("corrupt PEM")
        .contains("keeping the certificate loaded before (serial " + good.serial().toString(16));
    assertThat(p.status().get(0).error()).contains(chain.toString());
    assertThat(p.warnings()).anyMatch(x -> x.contains("corrupt PEM"));
  }

  @Test
  void check_keyOfAnotherCertificate_refusedWithoutKeyMaterialInTheMessage() throws Exception {
    PublicTestCa.Leaf good = ca.issue(List.of("sub.example.test"), Duration.ofDays(60));
    PublicTestCa.Leaf other = ca.issue(List.of("sub.example.test"), Duration.ofDays(60));
    ca.write(good, dir);
    String otherKey = PublicTestCa.keyPem(other.key());
    PublicTestCa.replace(dir.resolve("privkey.pem"), otherKey);
    Files.setPosixFilePermissions(
        dir.resolve("privkey.pem"), PosixFilePermissions.fromString("rw-------"));
    PublicCertificates p = store(dir);
    p.check(); // the first check reports at once: there is nothing older to keep

    String error = p.status().get(0).error();
    assertThat(error).contains("does not match the certificate");
    assertThat(p.forHost("sub.example.test", "EC")).isEmpty();
    String keyBase64 = Base64.getEncoder().encodeToString(other.key().getEncoded());
    assertThat(String.join("\n", warnings()))
        .contains("its host names get the cluster certificate")
        .doesNotContain("PRIVATE KEY")
        .doesNotContain(keyBase64.substring(20, 60));
  }

  @Test
  void check_expiredOrWorldReadable_refusedWithTheReason() throws Exception {
    ca.write(ca.issue(List.of("sub.example.test"), Duration.ofHours(-1)), dir);
    PublicCertificates expired = store(dir);
    expired.check();
    assertThat(expired.status().get(0).error()).contains("its certificate expired at");

    Path other = dir.resolve("other");
    ca.write(ca.issue(List.of("sub.example.test"), Duration.ofDays(60)), other);
    Files.setPosixFilePermissions(
        other.resolve("privkey.pem"), PosixFilePermissions.fromString("rw-r--r--"));
    PublicCertificates readable = store(other);
    readable.check();
    assertThat(readable.status().get(0).error())
        .contains("accessible by others (mode 0644)")
        .contains("chmod 640");
  }

  @Test
  void warnings_expiryWithinFourteenDays_named() throws Exception {
    PublicTestCa.Leaf soon =
        ca.issue(List.of("sub.example.test"), Duration.ofDays(3).plusHours(12));
    ca.write(soon, dir);
    PublicCertificates p = store(dir);
    p.check();

    assertThat(p.status().get(0).error()).isNull();
    assertThat(p.warnings())
        .singleElement()
        .asString()
        .contains("sub.example.test")
        .contains("expires at " + soon.cert().getNotAfter().toInstant())
        .contains("in 3 days");
  }
}
