package io.raftray.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class CsrTest {
  private final KeyPair keys = KeyPairs.generate();

  @Test
  void createThenParse_roundTripsKeyAndName() {
    String pem = Csr.create(keys, "node-7");

    assertThat(pem).startsWith("-----BEGIN CERTIFICATE REQUEST-----");
    Csr csr = Csr.parse(pem);
    assertThat(csr.publicKey()).isEqualTo(keys.getPublic());
    assertThat(csr.commonName()).isEqualTo("node-7");
  }

  @Test
  void parse_tamperedSubject_rejected() throws Exception {
    byte[] der = der(Csr.create(keys, "node-7"));
    int at = indexOf(der, "node-7".getBytes(StandardCharsets.US_ASCII));
    der[at + 5] = '8'; // still well-formed DER, now says node-8

    String tampered = PemFiles.pem("CERTIFICATE REQUEST", der);

    assertThatThrownBy(() -> Csr.parse(tampered))
        .isInstanceOf(PkiException.class)
        .hasMessage("certificate signing request signature is invalid");
  }

  @Test
  void parse_notACsr_clearMessages() {
    String certificate = PemFiles.certificateToPem(ClusterCa.create(TestPki.CLUSTER).certificate());
    assertThatThrownBy(() -> Csr.parse(certificate))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("is not a PEM CERTIFICATE REQUEST");
    assertThatThrownBy(() -> Csr.parse("hello")).hasMessageContaining("is not PEM");
    assertThatThrownBy(() -> Csr.parse("")).hasMessageContaining("is empty");
    assertThatThrownBy(
            () ->
                Csr.parse(
                    "-----BEGIN CERTIFICATE REQUEST-----\nnot*base64\n-----END CERTIFICATE REQUEST-----\n"))
        .hasMessageContaining("is corrupt PEM");
  }

  @Test
  void create_otherCurve_rejected() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp384r1"));
    KeyPair p384 = generator.generateKeyPair();
    assertThatThrownBy(() -> Csr.create(p384, "n"))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("P-256");
  }

  private static byte[] der(String pem) throws Exception {
    try (PemReader reader = new PemReader(new java.io.StringReader(pem))) {
      PemObject object = reader.readPemObject();
      return object.getContent();
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }
}
