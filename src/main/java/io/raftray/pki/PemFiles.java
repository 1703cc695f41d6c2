package io.raftray.pki;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * PEM files on disk: X.509 certificates and unencrypted PKCS#8 private keys.
 *
 * <p>Files are replaced atomically (temporary file in the same directory, fsync, rename). Private
 * key files are created 0600 from the start and refused on read when group or others have any
 * permission. On file systems without POSIX permissions (Windows) the mode checks are skipped.
 */
public final class PemFiles {
  /** PEM files here are a few hundred bytes; anything much larger is not ours. */
  static final int MAX_PEM_BYTES = 64 * 1024;

  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> PUBLIC_READ =
      PosixFilePermissions.fromString("rw-r--r--");

  private PemFiles() {}

  public static void writeCertificate(Path file, X509Certificate certificate) {
    write(file, certificateToPem(certificate), PUBLIC_READ, "certificate");
  }

  public static X509Certificate readCertificate(Path file) {
    return parseCertificate(read(file, "certificate"), "certificate " + file);
  }

  public static void writePrivateKey(Path file, PrivateKey key) {
    KeyPairs.requireP256(key, "private key");
    write(file, pem("PRIVATE KEY", key.getEncoded()), OWNER_ONLY, "private key");
  }

  public static PrivateKey readPrivateKey(Path file) {
    String what = "private key " + file;
    requireOwnerOnly(file, what);
    return KeyPairs.requireP256(privateKey(read(file, "private key"), what), what);
  }

  /** The one unencrypted private key in PEM {@code text} (PKCS#8, or PKCS#1/SEC1 key pairs). */
  private static PrivateKey privateKey(String text, String what) {
    PrivateKeyInfo info =
        switch (parsePem(text, what)) {
          case PrivateKeyInfo pkcs8 -> pkcs8;
          case PEMKeyPair pair -> pair.getPrivateKeyInfo();
          case PKCS8EncryptedPrivateKeyInfo encrypted ->
              throw new PkiException(what + " is encrypted; raftray needs an unencrypted key");
          default -> throw new PkiException(what + " does not contain a PEM private key");
        };
    try {
      return new JcaPEMKeyConverter().getPrivateKey(info);
    } catch (IOException e) {
      throw new PkiException(what + " is not a valid private key", e);
    }
  }

  /**
   * Every certificate of a PEM chain file in order (an operator's {@code fullchain.pem}: leaf
   * first). Anything but certificates in the file is refused.
   */
  public static List<X509Certificate> readCertificateChain(Path file) {
    String what = "certificate file " + file;
    String text = read(file, "certificate file");
    if (text.isBlank()) {
      throw new PkiException(what + " is empty");
    }
    List<X509Certificate> chain = new ArrayList<>();
    try (PEMParser parser = new PEMParser(new StringReader(text))) {
      for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
        if (!(o instanceof X509CertificateHolder holder)) {
          throw new PkiException(what + " holds something other than certificates");
        }
        chain.add(new JcaX509CertificateConverter().getCertificate(holder));
      }
    } catch (IOException | CertificateException | RuntimeException e) {
      if (e instanceof PkiException pki) {
        throw pki;
      }
      throw new PkiException(what + " is corrupt PEM", e);
    }
    if (chain.isEmpty()) {
      throw new PkiException(what + " is not PEM (no -----BEGIN CERTIFICATE----- block found)");
    }
    return chain;
  }

  /**
   * An operator's TLS server key (RSA or EC; PKCS#8, PKCS#1 or SEC1, unencrypted). Unlike the
   * cluster's own keys it may be group-readable, so a deploy hook can hand it to the {@code
   * raftray} group; a key that others can read is refused.
   */
  public static PrivateKey readServerKey(Path file) {
    String what = "key file " + file;
    requireNotWorldAccessible(file, what);
    PrivateKey key = privateKey(read(file, "key file"), what);
    if (!key.getAlgorithm().equals("RSA") && !key.getAlgorithm().equals("EC")) {
      throw new PkiException(what + " must hold an RSA or EC key (got " + key.getAlgorithm() + ")");
    }
    return key;
  }

  /** PEM text of one certificate, e.g. for {@code GET /cluster/v1/ca}. */
  public static String certificateToPem(X509Certificate certificate) {
    try {
      return pem("CERTIFICATE", certificate.getEncoded());
    } catch (CertificateException e) {
      throw new PkiException("cannot encode certificate", e);
    }
  }

  /** Parses PEM text holding one certificate; {@code what} names its source in errors. */
  public static X509Certificate parseCertificate(String pem, String what) {
    if (!(parsePem(pem, what) instanceof X509CertificateHolder holder)) {
      throw new PkiException(what + " does not contain a PEM certificate");
    }
    try {
      return new JcaX509CertificateConverter().getCertificate(holder);
    } catch (CertificateException e) {
      throw new PkiException(what + " is not a valid X.509 certificate", e);
    }
  }

  /** The first PEM object in {@code text}, decoded by BouncyCastle. */
  static Object parsePem(String text, String what) {
    if (text == null || text.isBlank()) {
      throw new PkiException(what + " is empty");
    }
    if (text.length() > MAX_PEM_BYTES) {
      throw new PkiException(what + " is larger than " + MAX_PEM_BYTES + " bytes");
    }
    try (PEMParser parser = new PEMParser(new StringReader(text))) {
      Object parsed = parser.readObject();
      if (parsed == null) {
        throw new PkiException(what + " is not PEM (no -----BEGIN ...----- block found)");
      }
      return parsed;
    } catch (IOException | RuntimeException e) {
      if (e instanceof PkiException pki) {
        throw pki;
      }
      // The cause is chained rather than quoted: it could echo bytes of a key file.
      throw new PkiException(what + " is corrupt PEM", e);
    }
  }

  static String pem(String type, byte[] der) {
    StringWriter out = new StringWriter();
    try (PemWriter writer = new PemWriter(out)) {
      writer.writeObject(new PemObject(type, der));
    } catch (IOException e) {
      throw new PkiException("cannot encode " + type, e);
    }
    return out.toString();
  }

  static boolean posix(Path file) {
    return file.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  /** Refuses a secret file that group or others can access in any way. */
  static void requireOwnerOnly(Path file, String what) {
    if (!posix(file)) {
      return;
    }
    Set<PosixFilePermission> permissions = permissions(file, what);
    if (OWNER_ONLY.containsAll(permissions)) {
      return;
    }
    boolean readable =
        permissions.contains(PosixFilePermission.GROUP_READ)
            || permissions.contains(PosixFilePermission.OTHERS_READ);
    throw new PkiException(
        String.format(
            "%s is %s by others (mode %s); run chmod 600 on it",
            what, readable ? "readable" : "accessible", mode(permissions)));
  }

  private static void requireNotWorldAccessible(Path file, String what) {
    if (!posix(file)) {
      return;
    }
    Set<PosixFilePermission> permissions = permissions(file, what);
    if (permissions.contains(PosixFilePermission.OTHERS_READ)
        || permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
      throw new PkiException(
          String.format(
              "%s is accessible by others (mode %s); run chmod 640 (or 600) on it",
              what, mode(permissions)));
    }
  }

  private static Set<PosixFilePermission> permissions(Path file, String what) {
    try {
      return Files.getPosixFilePermissions(file);
    } catch (NoSuchFileException e) {
      throw new PkiException(what + " not found", e);
    } catch (AccessDeniedException e) {
      throw new PkiException("cannot read " + what + ": permission denied", e);
    } catch (IOException e) {
      throw new PkiException("cannot read the permissions of " + what, e);
    }
  }

  @SuppressWarnings("EnumOrdinal") // the declaration order is the mode's bit order
  static String mode(Set<PosixFilePermission> permissions) {
    int mode = 0;
    for (PosixFilePermission permission : permissions) {
      // PosixFilePermission is declared owner-read first, others-execute last.
      mode |= 1 << (8 - permission.ordinal());
    }
    return String.format("%04o", mode);
  }

  private static String read(Path file, String what) {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] bytes = in.readNBytes(MAX_PEM_BYTES + 1);
      if (bytes.length > MAX_PEM_BYTES) {
        throw new PkiException(what + " " + file + " is larger than " + MAX_PEM_BYTES + " bytes");
      }
      return new String(bytes, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new PkiException(what + " " + file + " not found", e);
    } catch (AccessDeniedException e) {
      throw new PkiException("cannot read " + what + " " + file + ": permission denied", e);
    } catch (IOException e) {
      throw new PkiException("cannot read " + what + " " + file, e);
    }
  }

  private static void write(
      Path file, String content, Set<PosixFilePermission> permissions, String what) {
    Path dir = file.toAbsolutePath().getParent();
    byte[] random = new byte[8];
    KeyPairs.random().nextBytes(random);
    Path temp = dir.resolve("." + file.getFileName() + "." + HexFormat.of().formatHex(random));
    try {
      // The mode is set atomically at creation, so the secret is never readable by others.
      if (posix(temp)) {
        Files.createFile(temp, PosixFilePermissions.asFileAttribute(permissions));
      } else {
        Files.createFile(temp);
      }
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(content.getBytes(StandardCharsets.US_ASCII));
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      move(temp, file);
    } catch (IOException e) {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new PkiException("cannot write " + what + " " + file, e);
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
