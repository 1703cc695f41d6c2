package io.raftray.pki;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Directories and files that hold secrets (the data directory, {@code raft/} with the replicated
 * state, the owner-token file): owned by the user running raftray and closed to everyone else. A
 * directory with a wider mode is narrowed to 0700 with one log line; one owned by another user is
 * refused, since its owner could swap what is inside.
 */
public final class PrivateFiles {
  private static final Logger LOG = Logger.getLogger(PrivateFiles.class.getName());
  private static final Set<PosixFilePermission> DIR_MODE =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> FILE_MODE =
      PosixFilePermissions.fromString("rw-------");

  private PrivateFiles() {}

  /** Creates {@code dir} (and missing parents) as 0700 when missing, then {@link #secureDir}. */
  public static void createDir(Path dir, String what) {
    try {
      if (!Files.exists(dir)) {
        if (PemFiles.posix(dir)) {
          Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
        } else {
          Files.createDirectories(dir);
        }
      }
    } catch (FileAlreadyExistsException e) {
      // raced with another creator: checked below like any existing directory
    } catch (IOException e) {
      throw new PkiException("cannot create " + what + " " + dir, e);
    }
    secureDir(dir, what);
  }

  /**
   * Requires {@code dir} to be a directory owned by this process's user and makes it 0700, logging
   * the change when its mode was wider.
   */
  public static void secureDir(Path dir, String what) {
    if (!Files.isDirectory(dir)) {
      throw new PkiException(what + " " + dir + " is not a directory");
    }
    if (!PemFiles.posix(dir)) {
      return;
    }
    try {
      UserPrincipal owner = Files.getOwner(dir);
      String me = me();
      if (me != null && !owner.getName().equals(me)) {
        throw new PkiException(
            what
                + " "
                + dir
                + " is owned by "
                + owner.getName()
                + ", not by "
                + me
                + " who runs raftray; chown it to "
                + me
                + " or run raftray as "
                + owner.getName());
      }
      Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir);
      if (!mode.equals(DIR_MODE)) {
        Files.setPosixFilePermissions(dir, DIR_MODE);
        LOG.warning(what + " " + dir + " had mode " + PemFiles.mode(mode) + "; changed it to 0700");
      }
    } catch (IOException e) {
      throw new PkiException("cannot check the owner and mode of " + what + " " + dir, e);
    }
  }

  /**
   * The user this process runs as: the owner of {@code /proc/self} where there is one (right even
   * when the user has no name in the password database), else {@code user.name}.
   */
  private static String me() {
    Path self = Path.of("/proc/self");
    try {
      if (Files.exists(self)) {
        return Files.getOwner(self).getName();
      }
    } catch (IOException | UnsupportedOperationException e) {
      // fall back to the JVM's idea below
    }
    return System.getProperty("user.name");
  }

  /**
   * Writes a new file of {@code content} that is 0600 from the moment it exists (the mode is part
   * of the creation, not a chmod after it); fails when the file exists.
   */
  public static void writeNewSecret(Path file, String content, String what) {
    writeNewSecret(file, content.getBytes(StandardCharsets.UTF_8), what);
  }

  /** As {@link #writeNewSecret(Path, String, String)}, for bytes. */
  public static void writeNewSecret(Path file, byte[] content, String what) {
    writeNewSecret(file, out -> out.write(content), what);
  }

  /** A file's content, written into the stream it is given (and that the caller closes). */
  @FunctionalInterface
  public interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  /** As {@link #writeNewSecret(Path, String, String)}, for content that streams. */
  public static void writeNewSecret(Path file, Content content, String what) {
    try {
      if (PemFiles.posix(file)) {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE_MODE));
      } else {
        Files.createFile(file);
      }
    } catch (FileAlreadyExistsException e) {
      throw new PkiException(what + " " + file + " already exists", e);
    } catch (IOException e) {
      throw new PkiException("cannot create " + what + " " + file, e);
    }
    try (OutputStream out =
        new BufferedOutputStream(Files.newOutputStream(file, StandardOpenOption.WRITE), 1 << 16)) {
      content.writeTo(out);
    } catch (IOException e) {
      throw new PkiException("cannot write " + what + " " + file, e);
    }
  }

  /**
   * Puts {@code content} at {@code file} (replacing it) all at once: a 0600 temporary file next to
   * it, fsynced, then renamed over it, so a reader never sees a partial file and a crash leaves the
   * old one (or none) plus at most a stray {@code .tmp-*} file.
   */
  public static void replaceSecret(Path file, byte[] content, String what) {
    replaceSecret(file, out -> out.write(content), what);
  }

  /** As {@link #replaceSecret(Path, byte[], String)}, for content that streams. */
  public static void replaceSecret(Path file, Content content, String what) {
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = dir.resolve("." + file.getFileName() + ".tmp-" + ProcessHandle.current().pid());
    try {
      Files.deleteIfExists(tmp);
      writeNewSecret(tmp, content, what);
      try (java.nio.channels.FileChannel ch =
          java.nio.channels.FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      Files.move(
          tmp,
          file,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new PkiException("cannot write " + what + " " + file, e);
    } finally {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // the rename is what matters; a stray temporary file is named for what it is
      }
    }
  }
}
