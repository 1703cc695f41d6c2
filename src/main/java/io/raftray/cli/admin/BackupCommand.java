package io.raftray.cli.admin;

import io.raftray.model.Digests;
import io.raftray.pki.PkiException;
import io.raftray.pki.PrivateFiles;
import io.raftray.state.BackupFile;
import io.raftray.state.State;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
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
    ApiClient.Download d = api.download(local ? "backup?consistency=local" : "backup", TIMEOUT);
    String sha = Digests.sha256Hex(d.body());
    String expected = d.headers().firstValue("X-Raftray-Backup-Sha256").orElse("");
    if (!sha.equals(expected)) {
      throw new TransportException(
          "the backup was damaged in transit (checksum mismatch); nothing was written", null);
    }
    State s;
    byte[] bytes = d.body();
    try {
      s = BackupFile.read(bytes, null);
      if (passphraseFile != null) {
        char[] pass = BackupFile.passphrase(passphraseFile);
        bytes = BackupFile.encrypt(bytes, pass);
        Arrays.fill(pass, '\0');
      }
    } catch (BackupFile.Unreadable e) {
      throw new TransportException(e.getMessage() + "; nothing was written", e);
    }
    try {
      PrivateFiles.replaceSecret(out, bytes, "backup file");
    } catch (PkiException e) {
      throw new TransportException(e.getMessage(), e);
    }
    long ms = (System.nanoTime() - started) / 1_000_000;
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("file", out.toString());
    result.put("applied_index", s.appliedIndex());
    result.put("bytes", bytes.length);
    result.put("users", s.users().size());
    result.put("encrypted", passphraseFile != null);
    result.put("sha256", Digests.sha256Hex(bytes));
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
            bytes.length,
            s.users().size(),
            passphraseFile != null ? " (encrypted)" : "",
            ms);
  }
}
