package io.raftray.state;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.CipherOutputStream;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * A backup file (docs/operations.md, "Backups"): the snapshot bytes of one applied view exactly as
 * {@link SnapshotCodec} writes them (header {@code RAFTRAY-SNAPSHOT 1 sha256=...}, then the JSON
 * body), or those bytes encrypted with a passphrase: a header line {@code RAFTRAY-BACKUP-AES-GCM 1
 * pbkdf2-sha256 <iterations> <salt> <nonce>} (base64), then AES-256-GCM ciphertext whose associated
 * data is that header line, with a key derived from the passphrase by PBKDF2 (JDK only: no new
 * dependency). Reading verifies everything before a state is returned.
 */
public final class BackupFile {
  static final String ENCRYPTED_MAGIC = "RAFTRAY-BACKUP-AES-GCM 1 ";
  static final int ITERATIONS = 600_000;
  private static final SecureRandom RANDOM = new SecureRandom();

  private BackupFile() {}

  /** Why a backup cannot be read, said for an operator (never containing the passphrase). */
  public static final class Unreadable extends Exception {
    private static final long serialVersionUID = 1L;

    Unreadable(String message) {
      super(message);
    }
  }

  /**
   * The passphrase in {@code file}: its first line without the line end (so {@code echo secret > F}
   * works); empty is refused.
   */
  public static char[] passphrase(java.nio.file.Path file) throws Unreadable {
    String text;
    try {
      text = java.nio.file.Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new Unreadable("cannot read the passphrase file " + file);
    }
    int end = text.indexOf('\n');
    String line = end < 0 ? text : text.substring(0, end);
    if (line.endsWith("\r")) {
      line = line.substring(0, line.length() - 1);
    }
    if (line.isEmpty()) {
      throw new Unreadable("the passphrase file " + file + " is empty");
    }
    return line.toCharArray();
  }

  /** Whether {@code data} is an encrypted backup. */
  public static boolean encrypted(byte[] data) {
    return startsWith(data, ENCRYPTED_MAGIC);
  }

  /** {@code snapshot} encrypted with {@code passphrase}. */
  public static byte[] encrypt(byte[] snapshot, char[] passphrase) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(snapshot.length + 200);
    try (OutputStream in = encrypting(out, passphrase)) {
      in.write(snapshot);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encrypt in memory", e);
    }
    return out.toByteArray();
  }

  /**
   * A stream that writes what it is given into {@code out} as an encrypted backup (the same bytes
   * as {@link #encrypt}): the header at once, the ciphertext as it comes, the authentication tag
   * when it is closed (which does not close {@code out}).
   */
  public static OutputStream encrypting(OutputStream out, char[] passphrase) throws IOException {
    byte[] salt = new byte[16];
    byte[] nonce = new byte[12];
    RANDOM.nextBytes(salt);
    RANDOM.nextBytes(nonce);
    Base64.Encoder b64 = Base64.getEncoder();
    String header =
        ENCRYPTED_MAGIC
            + "pbkdf2-sha256 "
            + ITERATIONS
            + " "
            + b64.encodeToString(salt)
            + " "
            + b64.encodeToString(nonce)
            + "\n";
    byte[] head = header.getBytes(StandardCharsets.US_ASCII);
    Cipher c;
    try {
      c = cipher(Cipher.ENCRYPT_MODE, passphrase, salt, ITERATIONS, nonce);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
    c.updateAAD(head);
    out.write(head);
    return new CipherOutputStream(new KeepOpen(out), c);
  }

  /**
   * The state in a backup file, as {@link #read(byte[], char[])} reads its bytes; a plain backup
   * read without a passphrase streams from the file instead of being read into memory.
   */
  public static State read(Path file, char @Nullable [] passphrase) throws Unreadable, IOException {
    byte[] head;
    try (InputStream in = Files.newInputStream(file)) {
      head = in.readNBytes(ENCRYPTED_MAGIC.length());
    }
    if (encrypted(head) || passphrase != null) {
      // An encrypted backup is decrypted in memory (AES-GCM authenticates the whole of it).
      return read(Files.readAllBytes(file), passphrase);
    }
    // A plain backup is a snapshot file: streamed from the file, never held in memory.
    try {
      return SnapshotCodec.decode(file);
    } catch (IOException | RuntimeException e) {
      throw unreadable(e);
    }
  }

  /**
   * The state in a backup file's bytes: decrypted with {@code passphrase} when encrypted (null for
   * a plain backup), then decoded and checksum-verified.
   */
  public static State read(byte[] data, char @Nullable [] passphrase) throws Unreadable {
    byte[] snapshot = data;
    if (encrypted(data)) {
      if (passphrase == null) {
        throw new Unreadable("the backup is encrypted: give its passphrase with --passphrase-file");
      }
      snapshot = decrypt(data, passphrase);
    } else if (passphrase != null && !startsWith(data, "RAFTRAY-SNAPSHOT ")) {
      throw new Unreadable("not a raftray backup (unknown header)");
    }
    try {
      return SnapshotCodec.decode(snapshot);
    } catch (IOException | RuntimeException e) {
      throw unreadable(e);
    }
  }

  private static Unreadable unreadable(Exception e) {
    String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (why.startsWith("not a raftray snapshot")) {
      return new Unreadable("not a raftray backup (unknown header)");
    }
    return new Unreadable("the backup is damaged or truncated: " + why);
  }

  private static byte[] decrypt(byte[] data, char[] passphrase) throws Unreadable {
    int nl = 0;
    while (nl < data.length && nl < 300 && data[nl] != '\n') {
      nl++;
    }
    if (nl >= data.length || nl >= 300) {
      throw new Unreadable("the backup is damaged or truncated: bad encryption header");
    }
    String[] f =
        new String(
                data,
                ENCRYPTED_MAGIC.length(),
                nl - ENCRYPTED_MAGIC.length(),
                StandardCharsets.US_ASCII)
            .split(" ");
    try {
      if (f.length != 4 || !f[0].equals("pbkdf2-sha256")) {
        throw new IllegalArgumentException("unknown key derivation");
      }
      int iterations = Integer.parseInt(f[1]);
      if (iterations < 1 || iterations > 10_000_000) {
        throw new IllegalArgumentException("iterations out of range");
      }
      byte[] salt = Base64.getDecoder().decode(f[2]);
      byte[] nonce = Base64.getDecoder().decode(f[3]);
      Cipher c = cipher(Cipher.DECRYPT_MODE, passphrase, salt, iterations, nonce);
      c.updateAAD(data, 0, nl + 1);
      return c.doFinal(data, nl + 1, data.length - nl - 1);
    } catch (AEADBadTagException e) {
      throw new Unreadable("wrong passphrase, or the backup is damaged");
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      throw new Unreadable("the backup is damaged or truncated: bad encryption header");
    }
  }

  private static Cipher cipher(int mode, char[] passphrase, byte[] salt, int iterations, byte[] iv)
      throws GeneralSecurityException {
    PBEKeySpec spec = new PBEKeySpec(passphrase, salt, iterations, 256);
    try {
      byte[] key =
          SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
      Arrays.fill(key, (byte) 0);
      return c;
    } finally {
      spec.clearPassword();
    }
  }

  private static boolean startsWith(byte[] data, String prefix) {
    byte[] p = prefix.getBytes(StandardCharsets.US_ASCII);
    return data.length >= p.length && Arrays.equals(data, 0, p.length, p, 0, p.length);
  }
}
