package io.raftray.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.Semaphore;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Admin passwords, hashed with Argon2id (BouncyCastle) into a PHC string {@code
 * $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>} (unpadded base64). The parameters are OWASP's first
 * recommendation for Argon2id (19 MiB, 2 passes, 1 lane): memory-hard enough that a stolen snapshot
 * is slow to crack, cheap enough (tens of milliseconds) for a login. They are read back from each
 * stored string, so raising them later keeps old hashes valid.
 *
 * <p>At most {@link #CONCURRENT} hashes run at once per process, so a flood of logins costs bounded
 * memory (19 MiB each) rather than all of the heap.
 */
public final class Passwords {
  /** Argon2id memory in KiB (19 MiB). */
  public static final int MEMORY_KIB = 19 * 1024;

  /** Argon2id passes. */
  public static final int ITERATIONS = 2;

  /** Argon2id lanes. */
  public static final int PARALLELISM = 1;

  /** Shortest and longest accepted password, in characters. */
  public static final int MIN_LENGTH = 10;

  public static final int MAX_LENGTH = 256;

  static final int CONCURRENT = 4;
  private static final int SALT_BYTES = 16;
  private static final int HASH_BYTES = 32;
  // Bounds on parameters read back from a stored string: a damaged or hostile hash in the state
  // must not make a node allocate gigabytes.
  private static final int MAX_MEMORY_KIB = 256 * 1024;
  private static final int MAX_ITERATIONS = 10;
  private static final Semaphore SLOTS = new Semaphore(CONCURRENT, true);
  private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getDecoder();
  // Verified when the user name is unknown, so that answer takes as long as a wrong password.
  private static final String DUMMY = hash("raftray-dummy-password-for-timing");

  private Passwords() {}

  /** A new PHC string for {@code password} with a fresh random salt. */
  public static String hash(String password) {
    byte[] salt = Ids.randomBytes(SALT_BYTES);
    byte[] out = argon2(password, salt, MEMORY_KIB, ITERATIONS, PARALLELISM, HASH_BYTES);
    return "$argon2id$v=19$m="
        + MEMORY_KIB
        + ",t="
        + ITERATIONS
        + ",p="
        + PARALLELISM
        + "$"
        + B64.encodeToString(salt)
        + "$"
        + B64.encodeToString(out);
  }

  /** Whether {@code password} matches {@code phc}; false for a malformed hash. Constant time. */
  public static boolean verify(String password, String phc) {
    if (password == null || phc == null || password.length() > MAX_LENGTH) {
      return false;
    }
    String[] p = phc.split("\\$", -1);
    // "", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash
    if (p.length != 6 || !p[1].equals("argon2id") || !p[2].equals("v=19")) {
      return false;
    }
    int m;
    int t;
    int par;
    byte[] salt;
    byte[] expected;
    try {
      String[] kv = p[3].split(",", -1);
      if (kv.length != 3
          || !kv[0].startsWith("m=")
          || !kv[1].startsWith("t=")
          || !kv[2].startsWith("p=")) {
        return false;
      }
      m = Integer.parseInt(kv[0].substring(2));
      t = Integer.parseInt(kv[1].substring(2));
      par = Integer.parseInt(kv[2].substring(2));
      salt = B64D.decode(p[4]);
      expected = B64D.decode(p[5]);
    } catch (IllegalArgumentException e) {
      return false;
    }
    if (m < 8 || m > MAX_MEMORY_KIB || t < 1 || t > MAX_ITERATIONS || par < 1 || par > 4) {
      return false;
    }
    if (salt.length < 8 || expected.length < 16 || expected.length > 64) {
      return false;
    }
    byte[] actual = argon2(password, salt, m, t, par, expected.length);
    return MessageDigest.isEqual(actual, expected);
  }

  /** Spends the time of one verification, for an unknown user name. */
  public static void verifyDummy(String password) {
    verify(password == null ? "" : password, DUMMY);
  }

  private static byte[] argon2(String password, byte[] salt, int m, int t, int p, int len) {
    Argon2Parameters params =
        new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
            .withVersion(Argon2Parameters.ARGON2_VERSION_13)
            .withMemoryAsKB(m)
            .withIterations(t)
            .withParallelism(p)
            .withSalt(salt)
            .build();
    Argon2BytesGenerator gen = new Argon2BytesGenerator();
    gen.init(params);
    byte[] out = new byte[len];
    byte[] pw = password.getBytes(StandardCharsets.UTF_8);
    SLOTS.acquireUninterruptibly();
    try {
      gen.generateBytes(pw, out);
    } finally {
      SLOTS.release();
      Arrays.fill(pw, (byte) 0);
    }
    return out;
  }
}
