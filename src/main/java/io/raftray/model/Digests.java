package io.raftray.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 as lower-case hex, the one form snapshots, signatures and change detection use. */
public final class Digests {
  private Digests() {}

  public static String sha256Hex(byte[] data) {
    return HexFormat.of().formatHex(sha256().digest(data));
  }

  /** A new SHA-256 digest, for data that comes in pieces. */
  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  public static String sha256Hex(String utf8) {
    return sha256Hex(utf8.getBytes(StandardCharsets.UTF_8));
  }
}
