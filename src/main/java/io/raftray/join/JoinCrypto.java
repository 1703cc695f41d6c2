package io.raftray.join;

import io.raftray.model.Ids;
import io.raftray.model.JoinToken;
import io.raftray.pki.KeyPairs;
import io.raftray.pki.PkiException;
import io.raftray.pki.Signatures;
import io.raftray.state.Command;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * The keys of a join token (see {@code docs/joining.md}).
 *
 * <p>Format 2 (this release): the secret {@code S} is the private scalar of a P-256 key pair; the
 * cluster stores only the public half ({@code verify_key}). The joiner signs the canonical request
 * fields (and, to poll, the request id) with {@code S}; the cluster verifies with the public key,
 * so what it stores cannot make a proof. A CA key for a CA-holder join is sealed to the joiner's
 * node key (ECDH with a fresh key pair, HKDF-SHA256, AES-256-GCM): nothing stored derives it.
 *
 * <p>Format 1 (tokens of the previous release, still verified while they live): the verifier {@code
 * V = SHA-256(S)} is stored; proofs are HMACs keyed from {@code V}, and the CA key was sealed under
 * a key derived from {@code V}.
 */
public final class JoinCrypto {
  static final String PROOF_INFO = "raftray-join-proof-v1";
  static final String CA_KEY_INFO = "raftray-join-ca-key-v1";
  static final String ALGORITHM = "A256GCM+HKDF-SHA256";
  static final String CA_KEY_INFO_V2 = "raftray-join-ca-key-v2";
  static final String ALGORITHM_V2 = "ECDH-P256+HKDF-SHA256+A256GCM";

  private JoinCrypto() {}

  /** {@code V = SHA-256(secret)}. */
  public static byte[] verifier(byte[] secret) {
    return sha256(secret);
  }

  /** The hex form of the verifier, which is what the state stores. */
  public static String secretHash(byte[] secret) {
    return HexFormat.of().formatHex(verifier(secret));
  }

  /** The verifier back from a stored {@code secret_hash}. */
  static byte[] verifierFromHash(String hex) {
    return HexFormat.of().parseHex(hex);
  }

  /** HMAC proof of the token over the canonical join request fields. */
  static String joinProof(byte[] verifier, JoinWire.Request r) {
    return proof(verifier, canonicalJoin(r));
  }

  // ---- format 2: a signing key pair

  /** A new token key pair: its private scalar is the token secret. */
  static KeyPair newTokenKey() {
    return KeyPairs.generate();
  }

  /** The value the cluster stores for a format-2 token: base64 of the public key's DER. */
  static String verifyKey(PublicKey key) {
    return Base64.getEncoder().encodeToString(key.getEncoded());
  }

  /** The token's private key from its secret (format 2). */
  static PrivateKey tokenKey(byte[] secret) {
    return KeyPairs.privateKeyFromScalar(secret);
  }

  /** Signature proof of the token over the canonical join request fields (format 2). */
  static String signJoin(PrivateKey tokenKey, JoinWire.Request r) {
    return b64url(Signatures.sign(tokenKey, canonical(JOIN_V2, r)));
  }

  /** Signature proof for polling one join request (format 2). */
  static String signPoll(PrivateKey tokenKey, String tokenId, String requestId) {
    return b64url(Signatures.sign(tokenKey, pollFields(POLL_V2, tokenId, requestId)));
  }

  /**
   * The leader's check of a join request a member submits ({@code state.Authority.JoinProofs}):
   * whether {@code proof} is the joining host's signature with token {@code t} over the request's
   * fields. Only for tokens with a public key.
   */
  public static boolean leaderCheck(
      JoinToken t, Command.CreateJoinRequest j, @Nullable String proof) {
    return t.verifyKey() != null
        && joinProofValid(
            t,
            new JoinWire.Request(
                j.tokenId(),
                proof,
                j.csrPem(),
                j.nodeName(),
                j.apiBaseUrl(),
                j.accessHost(),
                j.facts()));
  }

  /** Whether {@code proof} proves {@code t} over the request: signature or HMAC by format. */
  static boolean joinProofValid(JoinToken t, JoinWire.Request r) {
    if (t.verifyKey() != null) {
      return verifies(t.verifyKey(), canonical(JOIN_V2, r), r.proof());
    }
    return t.secretHash() != null
        && proofMatches(r.proof(), joinProof(verifierFromHash(t.secretHash()), r));
  }

  /** Whether {@code presented} proves {@code t} for polling {@code requestId}. */
  static boolean pollProofValid(JoinToken t, String requestId, String presented) {
    if (t.verifyKey() != null) {
      return verifies(t.verifyKey(), pollFields(POLL_V2, t.id(), requestId), presented);
    }
    return t.secretHash() != null
        && proofMatches(presented, pollProof(verifierFromHash(t.secretHash()), t.id(), requestId));
  }

  private static boolean verifies(String verifyKey, byte[] message, String proof) {
    if (proof == null) {
      return false;
    }
    try {
      PublicKey key = KeyPairs.publicKeyFromDer(Base64.getDecoder().decode(verifyKey));
      return Signatures.verify(key, message, Base64.getUrlDecoder().decode(proof));
    } catch (IllegalArgumentException | PkiException e) {
      return false;
    }
  }

  /**
   * Seals {@code plaintext} (the CA key) to {@code recipient} (the joiner's node key from its CSR):
   * ECDH with a fresh P-256 key pair, HKDF-SHA256 (random salt, info {@code
   * raftray-join-ca-key-v2}), AES-256-GCM with {@code aad}.
   */
  static JoinWire.Sealed sealTo(PublicKey recipient, byte[] plaintext, String aad) {
    KeyPair ephemeral = KeyPairs.generate();
    byte[] salt = Ids.randomBytes(32);
    byte[] iv = Ids.randomBytes(12);
    try {
      byte[] key = agreedKey(ephemeral.getPrivate(), recipient, salt);
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
      c.updateAAD(aad.getBytes(StandardCharsets.UTF_8));
      byte[] ct = c.doFinal(plaintext);
      return new JoinWire.Sealed(
          ALGORITHM_V2,
          b64url(salt),
          b64url(iv),
          b64url(ct),
          b64url(ephemeral.getPublic().getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("ECDH / AES-GCM is not available", e);
    }
  }

  /** Opens what {@link #sealTo} made, with the recipient's private key. */
  static byte[] openWith(PrivateKey recipient, JoinWire.Sealed sealed, String aad)
      throws GeneralSecurityException {
    if (!ALGORITHM_V2.equals(sealed.alg()) || sealed.epk() == null) {
      throw new GeneralSecurityException("unknown encryption " + sealed.alg());
    }
    Base64.Decoder b64 = Base64.getUrlDecoder();
    PublicKey epk;
    try {
      epk = KeyPairs.publicKeyFromDer(b64.decode(sealed.epk()));
    } catch (PkiException e) {
      throw new GeneralSecurityException("bad ephemeral key", e);
    }
    byte[] key = agreedKey(recipient, epk, b64.decode(sealed.salt()));
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(
        Cipher.DECRYPT_MODE,
        new SecretKeySpec(key, "AES"),
        new GCMParameterSpec(128, b64.decode(sealed.iv())));
    c.updateAAD(aad.getBytes(StandardCharsets.UTF_8));
    return c.doFinal(b64.decode(sealed.ciphertext()));
  }

  private static byte[] agreedKey(PrivateKey own, PublicKey other, byte[] salt)
      throws GeneralSecurityException {
    KeyAgreement ka = KeyAgreement.getInstance("ECDH");
    ka.init(own);
    ka.doPhase(other, true);
    return hkdf(ka.generateSecret(), salt, CA_KEY_INFO_V2.getBytes(StandardCharsets.US_ASCII), 32);
  }

  private static String b64url(byte[] b) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private static final String JOIN_V1 = "raftray-join-v1";
  private static final String JOIN_V2 = "raftray-join-v2";
  private static final String POLL_V1 = "raftray-join-poll-v1";
  private static final String POLL_V2 = "raftray-join-poll-v2";

  private static byte[] pollFields(String label, String tokenId, String requestId) {
    return lines(List.of(label, tokenId, requestId));
  }

  /** HMAC proof for polling one join request. */
  static String pollProof(byte[] verifier, String tokenId, String requestId) {
    return proof(verifier, pollFields(POLL_V1, tokenId, requestId));
  }

  static boolean proofMatches(String presented, String expected) {
    if (presented == null) {
      return false;
    }
    return MessageDigest.isEqual(
        presented.getBytes(StandardCharsets.US_ASCII),
        expected.getBytes(StandardCharsets.US_ASCII));
  }

  private static String proof(byte[] verifier, byte[] message) {
    byte[] key = hkdf(verifier, new byte[0], PROOF_INFO.getBytes(StandardCharsets.US_ASCII), 32);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(hmac(key, message));
  }

  /**
   * Every field the joiner asks for is covered, so a proxy cannot swap the CSR, name or URLs: each
   * field is length-prefixed (no separator ambiguity) and facts are sorted by key.
   */
  static byte[] canonicalJoin(JoinWire.Request r) {
    return canonical(JOIN_V1, r);
  }

  private static byte[] canonical(String label, JoinWire.Request r) {
    List<String> fields = new ArrayList<>();
    fields.add(label);
    fields.add(r.tokenId());
    fields.add(r.csrPem());
    fields.add(r.nodeName());
    fields.add(r.apiBaseUrl());
    fields.add(r.accessHost());
    Map<String, String> facts = new TreeMap<>(r.facts() == null ? Map.of() : r.facts());
    fields.add(Integer.toString(facts.size()));
    facts.forEach(
        (k, v) -> {
          fields.add(k);
          fields.add(v);
        });
    return lines(fields);
  }

  private static byte[] lines(List<String> fields) {
    StringBuilder sb = new StringBuilder();
    for (String f : fields) {
      String v = f == null ? "" : f;
      sb.append(v.length()).append(':').append(v).append('\n');
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** AES-256-GCM encryption of {@code plaintext} under a fresh-salted key derived from V. */
  static JoinWire.Sealed seal(
      byte[] verifier, byte[] plaintext, String aad, byte[] salt, byte[] iv) {
    byte[] key = hkdf(verifier, salt, CA_KEY_INFO.getBytes(StandardCharsets.US_ASCII), 32);
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
      c.updateAAD(aad.getBytes(StandardCharsets.UTF_8));
      byte[] ct = c.doFinal(plaintext);
      Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
      return new JoinWire.Sealed(
          ALGORITHM,
          b64.encodeToString(salt),
          b64.encodeToString(iv),
          b64.encodeToString(ct),
          null);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  /** Decrypts what {@link #seal} made; throws when the key or the ciphertext is wrong. */
  static byte[] open(byte[] verifier, JoinWire.Sealed sealed, String aad)
      throws GeneralSecurityException {
    if (!ALGORITHM.equals(sealed.alg())) {
      throw new GeneralSecurityException("unknown encryption " + sealed.alg());
    }
    Base64.Decoder b64 = Base64.getUrlDecoder();
    byte[] salt = b64.decode(sealed.salt());
    byte[] key = hkdf(verifier, salt, CA_KEY_INFO.getBytes(StandardCharsets.US_ASCII), 32);
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(
        Cipher.DECRYPT_MODE,
        new SecretKeySpec(key, "AES"),
        new GCMParameterSpec(128, b64.decode(sealed.iv())));
    c.updateAAD(aad.getBytes(StandardCharsets.UTF_8));
    return c.doFinal(b64.decode(sealed.ciphertext()));
  }

  /** RFC 5869 HKDF with HMAC-SHA256. */
  static byte[] hkdf(byte[] ikm, byte[] salt, byte[] info, int length) {
    byte[] prk = hmac(salt.length == 0 ? new byte[32] : salt, ikm);
    ByteBuffer out = ByteBuffer.allocate(length);
    byte[] t = new byte[0];
    for (int i = 1; out.hasRemaining(); i++) {
      byte[] input =
          ByteBuffer.allocate(t.length + info.length + 1).put(t).put(info).put((byte) i).array();
      t = hmac(prk, input);
      out.put(t, 0, Math.min(t.length, out.remaining()));
    }
    return out.array();
  }

  static byte[] hmac(byte[] key, byte[] message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(message);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
