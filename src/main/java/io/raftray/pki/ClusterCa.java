package io.raftray.pki;

import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The self-signed cluster CA. Every member holds its certificate (the trust anchor of all cluster
 * TLS); only the CA holders (the nodes of {@code init}, and nodes joined with a CA-holder token)
 * hold its private key and issue and renew node certificates (see {@code docs/cluster-auth.md}).
 */
public final class ClusterCa {
  static final String SUBJECT_PREFIX = "Raftray CA ";
  static final int VALIDITY_YEARS = 10;

  /** Certificates start a little in the past so that peers with a slow clock accept them. */
  public static final Duration BACKDATE = Duration.ofMinutes(5);

  private final String clusterId;
  private final X509Certificate certificate;
  private final PrivateKey privateKey;
  private final Clock clock;

  private ClusterCa(
      String clusterId, X509Certificate certificate, PrivateKey privateKey, Clock clock) {
    this.clusterId = clusterId;
    this.certificate = certificate;
    this.privateKey = privateKey;
    this.clock = clock;
  }

  /** Creates a new CA (fresh P-256 key, 10-year self-signed certificate) for a new cluster. */
  public static ClusterCa create(String clusterId) {
    return create(clusterId, Clock.systemUTC());
  }

  public static ClusterCa create(String clusterId, Clock clock) {
    if (!isValidClusterId(clusterId)) {
      throw new PkiException("invalid cluster id (expected a lowercase DNS label, e.g. a UUID)");
    }
    KeyPair keys = KeyPairs.generate();
    Instant now = clock.instant();
    Instant notAfter = now.atOffset(ZoneOffset.UTC).plusYears(VALIDITY_YEARS).toInstant();
    X500Name subject = cn(SUBJECT_PREFIX + clusterId);
    try {
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
                  subject,
                  Certificates.randomSerial(),
                  Date.from(now.minus(BACKDATE)),
                  Date.from(notAfter),
                  subject,
                  keys.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
              .addExtension(
                  Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  utils.createSubjectKeyIdentifier(keys.getPublic()))
              .addExtension(
                  Extension.authorityKeyIdentifier,
                  false,
                  utils.createAuthorityKeyIdentifier(keys.getPublic()));
      X509Certificate certificate = sign(builder, keys.getPrivate());
      return new ClusterCa(clusterId, certificate, keys.getPrivate(), clock);
    } catch (GeneralSecurityException | CertIOException e) {
      throw new PkiException("cannot create the cluster CA certificate", e);
    }
  }

  /**
   * Wraps an existing CA certificate, with its private key on CA holders. Checks that the
   * certificate is a self-signed P-256 CA named {@code Raftray CA <cluster-id>} and that the key
   * matches.
   */
  public static ClusterCa of(X509Certificate certificate, Optional<PrivateKey> privateKey) {
    Objects.requireNonNull(certificate, "certificate");
    KeyPairs.requireP256(certificate.getPublicKey(), "CA certificate key");
    String cn = commonName(certificate);
    String clusterId = cn.startsWith(SUBJECT_PREFIX) ? cn.substring(SUBJECT_PREFIX.length()) : "";
    if (!isValidClusterId(clusterId)) {
      throw new PkiException("CA certificate subject is not 'CN=" + SUBJECT_PREFIX + "<id>'");
    }
    if (certificate.getBasicConstraints() < 0) {
      throw new PkiException("CA certificate is not a CA (basic constraints)");
    }
    try {
      certificate.verify(certificate.getPublicKey());
    } catch (GeneralSecurityException e) {
      throw new PkiException("CA certificate is not validly self-signed", e);
    }
    PrivateKey key = privateKey.orElse(null);
    if (key != null && !KeyPairs.matches(key, certificate.getPublicKey())) {
      throw new PkiException("CA private key does not match the CA certificate");
    }
    return new ClusterCa(clusterId, certificate, key, Clock.systemUTC());
  }

  public String clusterId() {
    return clusterId;
  }

  public X509Certificate certificate() {
    return certificate;
  }

  /** The CA private key; present on CA holders only. */
  public Optional<PrivateKey> privateKey() {
    return Optional.ofNullable(privateKey);
  }

  public boolean canIssue() {
    return privateKey != null;
  }

  /**
   * Issues a node certificate: random 128-bit serial, subject {@code CN=<nodeId>}, URI SAN {@code
   * raftray://<clusterId>/node/<nodeId>}, DNS or IP SANs for {@code hostNames}, EKU serverAuth +
   * clientAuth. The validity starts {@link #BACKDATE} in the past and never outlives the CA.
   */
  public X509Certificate issueNodeCertificate(
      PublicKey nodeKey,
      String clusterId,
      String nodeId,
      Collection<String> hostNames,
      Duration validity) {
    if (privateKey == null) {
      throw new PkiException("this node does not hold the CA private key and cannot issue");
    }
    if (!this.clusterId.equals(clusterId)) {
      throw new PkiException(
          "cannot issue for cluster " + clusterId + " with the CA of " + this.clusterId);
    }
    KeyPairs.requireP256(nodeKey, "node public key");
    NodeUri uri = new NodeUri(clusterId, nodeId);
    if (validity == null || validity.isNegative() || validity.isZero()) {
      throw new PkiException("certificate validity must be positive (got " + validity + ")");
    }
    Instant now = clock.instant();
    Instant caEnd = certificate.getNotAfter().toInstant();
    Instant notAfter = now.plus(validity).isAfter(caEnd) ? caEnd : now.plus(validity);
    try {
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()),
              Certificates.randomSerial(),
              Date.from(now.minus(BACKDATE)),
              Date.from(notAfter),
              cn(nodeId),
              nodeKey);
      Certificates.addNodeExtensions(builder, nodeKey, certificate, uri, hostNames);
      return sign(builder, privateKey);
    } catch (GeneralSecurityException | CertIOException e) {
      throw new PkiException("cannot issue a certificate for node " + nodeId, e);
    }
  }

  /**
   * The host names a node certificate carries for a node reached at {@code apiBaseUrl}: loopback
   * names plus the URL's host (so TLS host name checks pass on every path to it).
   */
  public static Set<String> hostNames(String apiBaseUrl) {
    Set<String> names = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "::1"));
    String host = URI.create(apiBaseUrl).getHost();
    if (host != null) {
      names.add(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
    }
    return names;
  }

  /**
   * Verifies {@code csrPem} and issues a node certificate for its public key. The CSR's subject and
   * any requested extensions are ignored: the issuer decides node id and host names.
   */
  public X509Certificate issueFromCsr(
      String csrPem,
      String clusterId,
      String nodeId,
      Collection<String> hostNames,
      Duration validity) {
    Csr csr = Csr.parse(csrPem);
    return issueNodeCertificate(csr.publicKey(), clusterId, nodeId, hostNames, validity);
  }

  /**
   * The node id in {@code certificate}'s URI SAN when it belongs to {@code clusterId}; empty when
   * the SAN is missing, malformed, ambiguous or names another cluster. Does not check the signature
   * or validity: TLS or {@link NodeIdentity} has done that.
   */
  public static Optional<String> nodeIdFromCertificate(
      X509Certificate certificate, String clusterId) {
    return NodeUri.of(certificate)
        .filter(uri -> uri.clusterId().equals(clusterId))
        .map(NodeUri::nodeId);
  }

  /** A cluster id is a lowercase DNS label (1-63 of a-z, 0-9, '-'); a UUID qualifies. */
  public static boolean isValidClusterId(String clusterId) {
    return NodeUri.isValidClusterId(clusterId);
  }

  /** A node id is 1-63 of A-Z, a-z, 0-9, '.', '_', '-', starting with a letter or digit. */
  public static boolean isValidNodeId(String nodeId) {
    return NodeUri.isValidNodeId(nodeId);
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
      throws GeneralSecurityException {
    try {
      var signer =
          new JcaContentSignerBuilder(Signatures.ALGORITHM)
              .setSecureRandom(KeyPairs.random())
              .build(key);
      return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException("cannot create a certificate signer", e);
    }
  }

  static X500Name cn(String commonName) {
    return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
  }

  static String commonName(X509Certificate certificate) {
    var rdns =
        X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded())
            .getRDNs(BCStyle.CN);
    return rdns.length == 0 ? "" : IETFUtils.valueToString(rdns[0].getFirst().getValue());
  }

  @Override
  public String toString() {
    return "ClusterCa[" + clusterId + (canIssue() ? ", can issue" : ", trust only") + "]";
  }
}
