package io.raftray.testing;

import io.raftray.pki.KeyPairs;
import io.raftray.pki.PemFiles;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A self-signed P-256 server certificate for {@code host} and 127.0.0.1, written as PEM files the
 * way an operator gives them to an endpoint ({@code certificate_file}, {@code key_file}).
 */
public record SelfSignedCert(Path certificateFile, Path keyFile) {

  /** Writes {@code dir/server.crt} and {@code dir/server.key} (owner-only). */
  public static SelfSignedCert write(Path dir, String host) {
    KeyPair keys = KeyPairs.generate();
    Instant now = Instant.now();
    X500Name name = new X500Name("CN=" + host);
    try {
      JcaX509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              name,
              BigInteger.valueOf(now.toEpochMilli()),
              Date.from(now.minus(Duration.ofMinutes(5))),
              Date.from(now.plus(Duration.ofDays(1))),
              name,
              keys.getPublic());
      b.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(
              new GeneralName[] {
                new GeneralName(GeneralName.dNSName, host),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1")
              }));
      X509Certificate cert =
          new JcaX509CertificateConverter()
              .getCertificate(
                  b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
      SelfSignedCert out = new SelfSignedCert(dir.resolve("server.crt"), dir.resolve("server.key"));
      Files.createDirectories(dir);
      PemFiles.writeCertificate(out.certificateFile(), cert);
      PemFiles.writePrivateKey(out.keyFile(), keys.getPrivate());
      return out;
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new IllegalStateException("cannot make a test certificate", e);
    }
  }
}
