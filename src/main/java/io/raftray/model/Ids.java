package io.raftray.model;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Ids and secrets, generated before a command is submitted (the state machine never generates).
 *
 * <p>An id is {@code <prefix>_<26 chars>}: 48 bits of Unix milliseconds then 80 random bits in
 * Crockford base32 (ULID layout), so ids sort by creation time. Within one millisecond the random
 * part is incremented instead of redrawn, so ids made by one process are strictly increasing.
 */
public final class Ids {
  private static final char[] CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Object LOCK = new Object();
  private static long lastMillis = -1;
  private static long randHi; // upper 16 of the 80 random bits
  private static long randLo; // lower 64 of the 80 random bits

  private Ids() {}

  /** A new time-ordered id such as {@code usr_01HZX3...}. */
  public static String newId(String prefix) {
    return newId(prefix, System.currentTimeMillis());
  }

  /** A new id whose time part is {@code millis} (e.g. from an injected clock). */
  public static String newId(String prefix, long millis) {
    if (prefix == null || prefix.isEmpty() || !prefix.chars().allMatch(Ids::isPrefixChar)) {
      throw new IllegalArgumentException("id prefix must be lowercase letters");
    }
    long hi;
    long lo;
    synchronized (LOCK) {
      if (millis == lastMillis) {
        randLo++;
        if (randLo == 0) {
          randHi = (randHi + 1) & 0xFFFF;
        }
      } else {
        lastMillis = millis;
        randHi = RANDOM.nextInt(1 << 16);
        randLo = RANDOM.nextLong();
      }
      hi = randHi;
      lo = randLo;
    }
    char[] out = new char[26];
    long t = millis & 0xFFFF_FFFF_FFFFL;
    // 48-bit time in 10 chars (the first char carries only 3 bits).
    for (int i = 9; i >= 0; i--) {
      out[i] = CROCKFORD[(int) (t & 31)];
      t >>>= 5;
    }
    // 80 random bits in 16 chars, 5 bits each, most significant first.
    for (int i = 25; i >= 10; i--) {
      out[i] = CROCKFORD[(int) (lo & 31)];
      lo = (lo >>> 5) | ((hi & 31) << 59);
      hi >>>= 5;
    }
    return prefix + "_" + new String(out);
  }

  /** {@code bytes} random bytes, base64url without padding. */
  public static String secret(int bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(bytes));
  }

  /** {@code n} random bytes from the shared {@link SecureRandom}. */
  public static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  private static boolean isPrefixChar(int c) {
    return c >= 'a' && c <= 'z';
  }
}
