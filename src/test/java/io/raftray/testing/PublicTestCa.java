package io.raftray.testing;

import io.raftray.pki.KeyPairs;
import io.raftray.pki.PemFiles;
import io.raftray.pki.TlsContexts;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A stand-in for a public CA (Let's Encrypt): a root and leaf certificates for DNS names, written
 * the way certbot leaves them ({@code fullchain.pem} leaf first, {@code privkey.pem} 0640). Made
 * fresh per test; nothing is committed.
 */
public final class PublicTestCa {
  private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

  private final KeyPair keys = KeyPairs.generate();
  private final X509Certificate root;

  public PublicTestCa() {
    Instant now = Instant.now();
    X500Name name = new X500Name("CN=Raftray Test Public Root");
    try {
      JcaX509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              name,
              BigInteger.valueOf(SERIALS.incrementAndGet()),
              Date.from(now.minus(Duration.ofDays(1))),
              Date.from(now.plus(Duration.ofDays(365))),
              name,
              keys.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      root = sign(b, "SHA256withECDSA");
    } catch (IOException e) {
      throw new IllegalStateException("cannot make the test root", e);
    }
  }

  public X509Certificate root() {
    return root;
  }

  /** A leaf and its key. */
  public record Leaf(X509Certificate cert, PrivateKey key) {
    public BigInteger serial() {
      return cert.getSerialNumber();
    }
  }

  /** An EC P-256 leaf for {@code names}, valid from a day ago for {@code validFor}. */
  public Leaf issue(List<String> names, Duration validFor) {
    return issue(names, validFor, KeyPairs.generate());
  }

  /** An RSA-2048 leaf (what certbot issued before it defaulted to ECDSA). */
  public Leaf issueRsa(List<String> names, Duration validFor) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return issue(names, validFor, g.generateKeyPair());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private Leaf issue(List<String> names, Duration validFor, KeyPair leafKeys) {
    Instant now = Instant.now();
    try {
      JcaX509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              root,
              BigInteger.valueOf(SERIALS.incrementAndGet()),
              Date.from(now.minus(Duration.ofDays(1))),
              Date.from(now.plus(validFor)),
              new X500Name("CN=" + names.get(0)),
              leafKeys.getPublic());
      b.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(
              names.stream()
                  .map(n -> new GeneralName(GeneralName.dNSName, n))
                  .toArray(GeneralName[]::new)));
      return new Leaf(sign(b, "SHA256withECDSA"), leafKeys.getPrivate());
    } catch (IOException e) {
      throw new IllegalStateException("cannot make a test leaf", e);
    }
  }

  private X509Certificate sign(JcaX509v3CertificateBuilder b, String algorithm) {
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(b.build(new JcaContentSignerBuilder(algorithm).build(keys.getPrivate())));
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot sign a test certificate", e);
    }
  }

  /**
   * Writes {@code fullchain.pem} (leaf, root) and {@code privkey.pem} (0640) into {@code dir}, each
   * replaced atomically like a renewal does.
   */
  public void write(Leaf leaf, Path dir) throws IOException {
    Files.createDirectories(dir);
    replace(
        dir.resolve("fullchain.pem"),
        PemFiles.certificateToPem(leaf.cert()) + PemFiles.certificateToPem(root));
    replace(dir.resolve("privkey.pem"), keyPem(leaf.key()));
    Files.setPosixFilePermissions(
        dir.resolve("privkey.pem"), PosixFilePermissions.fromString("rw-r-----"));
  }

  public static String keyPem(PrivateKey key) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key, null));
    }
    return out.toString();
  }

  /** Replaces {@code file} with {@code text} in one rename. */
  public static void replace(Path file, String text) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, text);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * A new client context that trusts this root only (not the cluster CA, not the JDK's cacerts);
   * new, so that no TLS session of an earlier call is resumed.
   */
  public SSLContext clientContext() {
    return TlsContexts.client(root, Optional.empty());
  }
}
