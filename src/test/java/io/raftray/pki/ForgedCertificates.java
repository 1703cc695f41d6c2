package io.raftray.pki;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * What a removed node with its copy of the CA key can mint: a node certificate for any node id, any
 * key and any serial (for example the serial recorded for another node).
 */
public final class ForgedCertificates {
  private ForgedCertificates() {}

  /** A valid-looking node certificate for {@code nodeId} with {@code serial} and {@code key}. */
  public static X509Certificate mint(
      X509Certificate caCert, PrivateKey caKey, String nodeId, BigInteger serial, KeyPair key) {
    try {
      String clusterId = ClusterCa.of(caCert, java.util.Optional.empty()).clusterId();
      Instant now = Instant.now();
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              X500Name.getInstance(caCert.getSubjectX500Principal().getEncoded()),
              serial,
              Date.from(now.minus(Duration.ofMinutes(5))),
              Date.from(now.plus(Duration.ofDays(1))),
              ClusterCa.cn(nodeId),
              key.getPublic());
      Certificates.addNodeExtensions(
          b,
          key.getPublic(),
          caCert,
          new NodeUri(clusterId, nodeId),
          List.of("localhost", "127.0.0.1"));
      return new JcaX509CertificateConverter()
          .getCertificate(b.build(new JcaContentSignerBuilder(Signatures.ALGORITHM).build(caKey)));
    } catch (Exception e) {
      throw new IllegalStateException("cannot mint a certificate", e);
    }
  }

  /** A node identity around a minted certificate. */
  public static NodeIdentity identity(ClusterCa ca, String nodeId, BigInteger serial) {
    KeyPair keys = KeyPairs.generate();
    X509Certificate cert =
        mint(ca.certificate(), ca.privateKey().orElseThrow(), nodeId, serial, keys);
    return new NodeIdentity(ca.clusterId(), nodeId, keys.getPrivate(), cert, ca.certificate());
  }
}
