package io.raftray.pki;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * A PKCS#10 certificate signing request whose signature has been verified. A joining node sends one
 * so that its private key never leaves the host; the issuer only takes the public key from it (the
 * requested subject is informational, the issuer decides node id and host names).
 */
public final class Csr {
  private final PublicKey publicKey;
  private final String commonName;

  private Csr(PublicKey publicKey, String commonName) {
    this.publicKey = publicKey;
    this.commonName = commonName;
  }

  /** Creates a CSR PEM for {@code keyPair} with subject {@code CN=<commonName>}. */
  public static String create(KeyPair keyPair, String commonName) {
    Objects.requireNonNull(commonName, "commonName");
    KeyPairs.requireP256(keyPair.getPublic(), "CSR public key");
    X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
    try {
      PKCS10CertificationRequest request =
          new JcaPKCS10CertificationRequestBuilder(subject, keyPair.getPublic())
              .build(
                  new JcaContentSignerBuilder(Signatures.ALGORITHM)
                      .setSecureRandom(KeyPairs.random())
                      .build(KeyPairs.requireP256(keyPair.getPrivate(), "CSR private key")));
      return PemFiles.pem("CERTIFICATE REQUEST", request.getEncoded());
    } catch (OperatorCreationException | IOException e) {
      throw new PkiException("cannot create a certificate signing request", e);
    }
  }

  /**
   * Parses a CSR PEM and verifies its self-signature (proof that the sender holds the private key)
   * and that its key is P-256.
   */
  public static Csr parse(String pem) {
    if (!(PemFiles.parsePem(pem, "certificate signing request")
        instanceof PKCS10CertificationRequest parsed)) {
      throw new PkiException("certificate signing request is not a PEM CERTIFICATE REQUEST");
    }
    JcaPKCS10CertificationRequest request = new JcaPKCS10CertificationRequest(parsed);
    PublicKey key;
    try {
      key = request.getPublicKey();
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new PkiException("certificate signing request has an unreadable public key", e);
    }
    KeyPairs.requireP256(key, "certificate signing request public key");
    try {
      ContentVerifierProvider verifier = new JcaContentVerifierProviderBuilder().build(key);
      if (!request.isSignatureValid(verifier)) {
        throw new PkiException("certificate signing request signature is invalid");
      }
    } catch (OperatorCreationException | PKCSException e) {
      throw new PkiException("certificate signing request signature cannot be verified", e);
    }
    return new Csr(key, commonName(request.getSubject()));
  }

  public PublicKey publicKey() {
    return publicKey;
  }

  /** The requested subject CN, or an empty string when there is none. Informational only. */
  public String commonName() {
    return commonName;
  }

  private static String commonName(X500Name subject) {
    var rdns = subject.getRDNs(BCStyle.CN);
    return rdns.length == 0 ? "" : IETFUtils.valueToString(rdns[0].getFirst().getValue());
  }

  @Override
  public String toString() {
    return "Csr[cn=" + commonName + "]";
  }
}
