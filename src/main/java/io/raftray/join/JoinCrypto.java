package io.raftray.join;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keys of a join token. From the secret {@code S} the holder derives the verifier {@code V =
 * SHA-256(S)}; the cluster stores only {@code hex(V)}. Both sides derive from {@code V}: the proof
 * key (HKDF-SHA256, info {@code raftray-join-proof-v1}) for HMAC proofs over the request fields,
 * and a per-response key (HKDF-SHA256 with a random salt) that encrypts the CA key with
 * AES-256-GCM. Nothing derived from the secret is ever sent except HMAC values and ciphertext.
 */
public final class JoinCrypto {
  static final String PROOF_INFO = "raftray-join-proof-v1";
  static final String CA_KEY_INFO = "raftray-join-ca-key-v1";
  static final String ALGORITHM = "A256GCM+HKDF-SHA256";

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

  /** HMAC proof for polling one join request. */
  static String pollProof(byte[] verifier, String tokenId, String requestId) {
    return proof(verifier, lines(List.of("raftray-join-poll-v1", tokenId, requestId)));
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
    List<String> fields = new ArrayList<>();
    fields.add("raftray-join-v1");
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
          ALGORITHM, b64.encodeToString(salt), b64.encodeToString(iv), b64.encodeToString(ct));
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
