package io.raftray.model;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * RFC 6238 time-based one-time passwords as authenticator apps expect them: HMAC-SHA-1, 6 digits,
 * 30-second steps, secrets of 20 random bytes in base32 (RFC 4648, no padding). A code is accepted
 * for its step and one step either side (clock drift); the state remembers the last accepted step
 * per admin, so a code (or an older one) is never accepted twice.
 */
public final class Totp {
  public static final int DIGITS = 6;
  public static final long STEP_SECONDS = 30;
  private static final char[] B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();

  private Totp() {}

  /** A new secret (base32, 20 random bytes). */
  public static String newSecret() {
    return base32(Ids.randomBytes(20));
  }

  /** The time step of {@code at}. */
  public static long step(Instant at) {
    return Math.floorDiv(at.getEpochSecond(), STEP_SECONDS);
  }

  /** The code of {@code secret} at time step {@code step}. */
  public static String code(String secret, long step) {
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(unbase32(secret), "HmacSHA1"));
      byte[] h = mac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
      int off = h[h.length - 1] & 0x0f;
      int bin =
          ((h[off] & 0x7f) << 24)
              | ((h[off + 1] & 0xff) << 16)
              | ((h[off + 2] & 0xff) << 8)
              | (h[off + 3] & 0xff);
      return String.format(Locale.ROOT, "%06d", bin % 1_000_000);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA1 is missing from the JDK", e);
    }
  }

  /**
   * The step within one of {@code now}'s at which {@code code} is valid and later than {@code
   * after}, or -1. Comparison in constant time.
   */
  public static long match(String secret, String code, Instant now, long after) {
    if (secret == null || code == null || code.length() != DIGITS) {
      return -1;
    }
    long current = step(now);
    long found = -1;
    for (long s = current - 1; s <= current + 1; s++) {
      boolean same =
          MessageDigest.isEqual(
              code(secret, s).getBytes(java.nio.charset.StandardCharsets.US_ASCII),
              code.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      if (same && s > after && found < 0) {
        found = s;
      }
    }
    return found;
  }

  /** The {@code otpauth://} URI authenticator apps scan; it holds the secret. */
  public static String uri(String issuer, String account, String secret) {
    String i = enc(issuer);
    return "otpauth://totp/"
        + i
        + ":"
        + enc(account)
        + "?secret="
        + secret
        + "&issuer="
        + i
        + "&algorithm=SHA1&digits=6&period=30";
  }

  private static String enc(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8)
        .replace("+", "%20");
  }

  static String base32(byte[] data) {
    StringBuilder out = new StringBuilder();
    int buffer = 0;
    int bits = 0;
    for (byte b : data) {
      buffer = (buffer << 8) | (b & 0xff);
      bits += 8;
      while (bits >= 5) {
        out.append(B32[(buffer >> (bits - 5)) & 31]);
        bits -= 5;
      }
    }
    if (bits > 0) {
      out.append(B32[(buffer << (5 - bits)) & 31]);
    }
    return out.toString();
  }

  static byte[] unbase32(String s) {
    ByteBuffer out = ByteBuffer.allocate(s.length() * 5 / 8 + 1);
    int buffer = 0;
    int bits = 0;
    for (char c : s.toUpperCase(Locale.ROOT).toCharArray()) {
      int v = c >= 'A' && c <= 'Z' ? c - 'A' : c >= '2' && c <= '7' ? c - '2' + 26 : -1;
      if (v < 0) {
        throw new IllegalArgumentException("not base32");
      }
      buffer = (buffer << 5) | v;
      bits += 5;
      if (bits >= 8) {
        out.put((byte) (buffer >> (bits - 8)));
        bits -= 8;
      }
    }
    byte[] r = new byte[out.position()];
    out.flip().get(r);
    return r;
  }
}
