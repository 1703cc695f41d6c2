package io.raftray.pki;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;

/**
 * SHA256withECDSA signatures (ASN.1 DER encoded, as the JDK produces them) for node request
 * signing.
 */
public final class Signatures {
  static final String ALGORITHM = "SHA256withECDSA";

  private Signatures() {}

  public static byte[] sign(PrivateKey key, byte[] data) {
    try {
      Signature signature = Signature.getInstance(ALGORITHM);
      signature.initSign(KeyPairs.requireP256(key, "signing key"), KeyPairs.random());
      signature.update(data);
      return signature.sign();
    } catch (GeneralSecurityException e) {
      throw new PkiException("cannot sign with " + ALGORITHM, e);
    }
  }

  /**
   * Whether {@code sig} is a valid signature of {@code data} by {@code key}. A malformed signature
   * is simply invalid; a key that is not P-256 is a programming error and throws.
   */
  public static boolean verify(PublicKey key, byte[] data, byte[] sig) {
    KeyPairs.requireP256(key, "verification key");
    try {
      Signature signature = Signature.getInstance(ALGORITHM);
      signature.initVerify(key);
      signature.update(data);
      return signature.verify(sig);
    } catch (SignatureException e) {
      return false;
    } catch (InvalidKeyException e) {
      throw new PkiException("invalid verification key", e);
    } catch (GeneralSecurityException e) {
      throw new PkiException("cannot verify with " + ALGORITHM, e);
    }
  }
}
