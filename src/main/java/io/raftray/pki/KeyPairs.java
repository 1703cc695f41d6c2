package io.raftray.pki;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECKey;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.X509EncodedKeySpec;

/** ECDSA P-256 key pairs, the only key type the cluster uses. */
public final class KeyPairs {
  private static final String CURVE = "secp256r1";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final ECParameterSpec P256 = p256Parameters();

  private KeyPairs() {}

  /** Generates a fresh P-256 key pair on this host. */
  public static KeyPair generate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec(CURVE), RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new PkiException("cannot generate an ECDSA P-256 key pair", e);
    }
  }

  /** Returns {@code key} when it is an EC key on P-256; throws naming {@code what} otherwise. */
  public static <K extends Key> K requireP256(K key, String what) {
    if (!isP256(key)) {
      String type = key == null ? "none" : key.getAlgorithm();
      throw new PkiException(what + " must be an ECDSA P-256 key (got " + type + ")");
    }
    return key;
  }

  static boolean isP256(Key key) {
    if (!(key instanceof ECKey ec) || ec.getParams() == null) {
      return false;
    }
    ECParameterSpec params = ec.getParams();
    return params.getCurve().equals(P256.getCurve())
        && params.getOrder().equals(P256.getOrder())
        && params.getGenerator().equals(P256.getGenerator())
        && params.getCofactor() == P256.getCofactor();
  }

  /** Whether {@code privateKey} is the private half of {@code publicKey} (sign-and-verify test). */
  static boolean matches(PrivateKey privateKey, PublicKey publicKey) {
    byte[] challenge = new byte[32];
    RANDOM.nextBytes(challenge);
    try {
      return Signatures.verify(publicKey, challenge, Signatures.sign(privateKey, challenge));
    } catch (PkiException e) {
      return false;
    }
  }

  /** The private scalar of a P-256 key, 32 bytes big-endian. */
  public static byte[] privateScalar(PrivateKey key) {
    BigInteger d = ((ECPrivateKey) requireP256(key, "private key")).getS();
    byte[] raw = d.toByteArray();
    byte[] out = new byte[32];
    int n = Math.min(raw.length, 32);
    System.arraycopy(raw, raw.length - n, out, 32 - n, n);
    return out;
  }

  /**
   * The P-256 private key with scalar {@code d} (32 bytes big-endian); throws when {@code d} is not
   * in [1, n-1].
   */
  public static PrivateKey privateKeyFromScalar(byte[] d) {
    BigInteger s = new BigInteger(1, d);
    if (d.length != 32 || s.signum() == 0 || s.compareTo(P256.getOrder()) >= 0) {
      throw new PkiException("not a P-256 private key");
    }
    try {
      return KeyFactory.getInstance("EC").generatePrivate(new ECPrivateKeySpec(s, P256));
    } catch (GeneralSecurityException e) {
      throw new PkiException("not a P-256 private key", e);
    }
  }

  /** A P-256 public key from its DER SubjectPublicKeyInfo; throws when it is anything else. */
  public static PublicKey publicKeyFromDer(byte[] der) {
    try {
      PublicKey k = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
      return requireP256(k, "public key");
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new PkiException("not a P-256 public key", e);
    }
  }

  static SecureRandom random() {
    return RANDOM;
  }

  private static ECParameterSpec p256Parameters() {
    try {
      AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
      parameters.init(new ECGenParameterSpec(CURVE));
      return parameters.getParameterSpec(ECParameterSpec.class);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK does not support " + CURVE, e);
    }
  }
}
