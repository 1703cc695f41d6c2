package io.raftray.cli.admin;

import io.raftray.model.Digests;
import io.raftray.pki.PkiException;
import io.raftray.pki.PrivateFiles;
import io.raftray.state.BackupFile;
import io.raftray.state.State;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code raftray backup --out FILE [--passphrase-file F] [--local]}: {@code GET /backup} (owner
 * token), verified here (the server's checksum header and the snapshot's own checksum, decoded in
 * full) before anything is written, optionally encrypted, then written 0600 and renamed into place
 * (docs/operations.md, "Backups").
 */
@Command(
    name = "backup",
    description =
        "Write a consistent backup of the cluster's state (one applied index) to a file (owner"
            + " token).")
final class BackupCommand extends AdminCommand {
  static final Duration TIMEOUT = Duration.ofMinutes(5);

  @Option(names = "--out", required = true, description = "The backup file (written mode 0600).")
  Path out;

  @Option(
      names = "--passphrase-file",
      description = "Encrypt the backup (AES-256-GCM) with the passphrase in this file.")
  Path passphraseFile;

  @Option(
      names = "--local",
      description =
          "Back up the node's local view as it is, without asking the leader first (a node cut"
              + " off from the majority).")
  boolean local;

  @Override
  void validate() throws UsageException {
    Path dir = out.toAbsolutePath().getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw new UsageException("--out: directory " + dir + " does not exist");
    }
    if (Files.isDirectory(out)) {
      throw new UsageException("--out: " + out + " is a directory");
    }
    if (passphraseFile != null && !Files.isReadable(passphraseFile)) {
      throw new UsageException("--passphrase-file: cannot read " + passphraseFile);
    }
  }

  @Override
  void run(ApiClient api, Printer printer) throws ApiException, TransportException {
    long started = System.nanoTime();
    // The body goes to a private file next to --out as it arrives (a backup of a big cluster is
    // not held in memory), is checked there, and only then (encrypted if asked) put at --out.
    Path dir = out.toAbsolutePath().getParent();
    Path part = dir.resolve("." + out.getFileName() + ".download-" + ProcessHandle.current().pid());
    char[] pass = null;
    if (passphraseFile != null) {
      try {
        pass = BackupFile.passphrase(passphraseFile);
      } catch (BackupFile.Unreadable e) {
        throw new TransportException(e.getMessage() + "; nothing was written", e);
      }
    }
    char[] key = pass;
    State s;
    long bytes;
    String sha;
    try {
      Files.deleteIfExists(part);
      PrivateFiles.writeNewSecret(part, new byte[0], "backup download");
      ApiClient.Download d =
          api.download(local ? "backup?consistency=local" : "backup", TIMEOUT, part);
      String expected = d.headers().firstValue("X-Raftray-Backup-Sha256").orElse("");
      if (!d.sha256Hex().equals(expected)) {
        throw new TransportException(
            "the backup was damaged in transit (checksum mismatch); nothing was written", null);
      }
      try {
        s = BackupFile.read(part, null);
      } catch (BackupFile.Unreadable e) {
        throw new TransportException(e.getMessage() + "; nothing was written", e);
      }
      MessageDigest written = Digests.sha256();
      PrivateFiles.replaceSecret(
          out,
          o -> {
            OutputStream hashed = new DigestOutputStream(o, written);
            if (key == null) {
              Files.copy(part, hashed);
              return;
            }
            try (OutputStream sealed = BackupFile.encrypting(hashed, key)) {
              Files.copy(part, sealed);
            }
          },
          "backup file");
      bytes = Files.size(out);
      sha = HexFormat.of().formatHex(written.digest());
    } catch (PkiException e) {
      throw new TransportException(e.getMessage(), e);
    } catch (IOException e) {
      throw new TransportException("cannot write " + out + ": " + e.getMessage(), e);
    } finally {
      if (pass != null) {
        Arrays.fill(pass, '\0');
      }
      try {
        Files.deleteIfExists(part);
      } catch (IOException ignored) {
        // named for what it is; the next run replaces it
      }
    }
    long ms = (System.nanoTime() - started) / 1_000_000;
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("file", out.toString());
    result.put("applied_index", s.appliedIndex());
    result.put("bytes", bytes);
    result.put("users", s.users().size());
    result.put("encrypted", passphraseFile != null);
    result.put("sha256", sha);
    result.put("millis", ms);
    if (printer.isJson()) {
      printer.json(io.raftray.model.Json.mapper().valueToTree(result));
      return;
    }
    printer
        .out()
        .printf(
            "Backup written to %s: index %d, %d bytes, %d users%s, in %d ms%n",
            out,
            s.appliedIndex(),
            bytes,
            s.users().size(),
            passphraseFile != null ? " (encrypted)" : "",
            ms);
  }
}
