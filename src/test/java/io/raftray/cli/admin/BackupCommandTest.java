package io.raftray.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftray.cli.admin.CliHarness.Result;
import io.raftray.model.Digests;
import io.raftray.state.BackupFile;
import io.raftray.state.SnapshotCodec;
import io.raftray.state.State;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code raftray backup} against the stub server: nothing is written unless all checks pass. */
@Timeout(30)
class BackupCommandTest {
  @TempDir Path dir;
  CliHarness cli;

  @BeforeEach
  void start() throws Exception {
    cli = new CliHarness(dir);
  }

  @AfterEach
  void stop() {
    cli.close();
  }

  /** The golden snapshot (every section filled): what {@code GET /backup} sends. */
  private static final Path SNAPSHOT =
      Path.of("src/test/resources/fixtures/golden/snapshot.every-section");

  private void serveTheSnapshot() throws Exception {
    String body = Files.readString(SNAPSHOT, StandardCharsets.UTF_8);
    cli.server.respond(
        200,
        "application/octet-stream",
        body,
        Map.of("X-Raftray-Backup-Sha256", Digests.sha256Hex(body)));
  }

  @Test
  void aGoodBody_isWrittenAsIs_0600_andNoDownloadFileStays() throws Exception {
    serveTheSnapshot();
    Path out = dir.resolve("b.backup");
    Files.writeString(out, "an older backup");

    Result r = cli.run("backup", "--out", out.toString());

    assertThat(r.exitCode()).as(r.err()).isEqualTo(0);
    byte[] golden = Files.readAllBytes(SNAPSHOT);
    assertThat(Files.readAllBytes(out)).isEqualTo(golden);
    State s = SnapshotCodec.decode(golden);
    assertThat(r.out())
        .contains("Backup written to " + out)
        .contains("index " + s.appliedIndex() + ", " + golden.length + " bytes")
        .contains(s.users().size() + " users");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out)))
        .isEqualTo("rw-------");
    assertThat(leftovers()).isEmpty();
  }

  @Test
  void withAPassphraseFile_theWrittenFileIsEncrypted_andReadsBackToTheSameState() throws Exception {
    serveTheSnapshot();
    Path pass = dir.resolve("pass");
    Files.writeString(pass, "s3cret\n");
    Path out = dir.resolve("b.backup");

    Result r = cli.run("backup", "--out", out.toString(), "--passphrase-file", pass.toString());

    assertThat(r.exitCode()).as(r.err()).isEqualTo(0);
    assertThat(r.out()).contains("(encrypted)");
    byte[] written = Files.readAllBytes(out);
    assertThat(BackupFile.encrypted(written)).isTrue();
    assertThat(SnapshotCodec.encode(BackupFile.read(written, "s3cret".toCharArray())))
        .isEqualTo(Files.readAllBytes(SNAPSHOT));
    assertThat(leftovers()).isEmpty();
  }

  @Test
  void aBodyThatIsNotASnapshot_evenWithItsChecksum_isRefused_andNothingIsWritten()
      throws Exception {
    String body = "RAFTRAY-SNAPSHOT 1 sha256=00\n{}";
    cli.server.respond(
        200,
        "application/octet-stream",
        body,
        Map.of("X-Raftray-Backup-Sha256", Digests.sha256Hex(body)));
    Path out = dir.resolve("b.backup");

    Result r = cli.run("backup", "--out", out.toString());

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("the backup is damaged").contains("nothing was written");
    assertThat(out).doesNotExist();
    assertThat(leftovers()).isEmpty();
  }

  /** Files the command may leave behind: its download and its temporary file. */
  private List<Path> leftovers() throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().startsWith(".b.backup")).toList();
    }
  }

  @Test
  void aBodyWithoutTheMatchingChecksum_isRefused_andNothingIsWritten() throws Exception {
    cli.server.respond(200, "application/octet-stream", "RAFTRAY-SNAPSHOT 1 sha256=00\n{}");
    Path out = dir.resolve("b.backup");

    Result r = cli.run("backup", "--out", out.toString());

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("damaged in transit").contains("nothing was written");
    assertThat(cli.server.onlyRequest().path()).isEqualTo("/api/v1/backup");
    assertThat(out).doesNotExist();
    assertThat(leftovers()).isEmpty();
  }

  @Test
  void aRefusal_isTheServersProblem_andNothingIsWritten() throws Exception {
    cli.server.problem(
        403,
        "{\"type\":\"about:blank\",\"title\":\"Forbidden\",\"status\":403,"
            + "\"detail\":\"only owner tokens may take backups: a backup holds every credential\"}");
    Path out = dir.resolve("b.backup");

    Result r = cli.run("backup", "--out", out.toString(), "--local");

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("only owner tokens may take backups");
    assertThat(cli.server.onlyRequest().query()).isEqualTo("consistency=local");
    assertThat(out).doesNotExist();
    assertThat(leftovers()).isEmpty();
  }

  @Test
  void aMissingDirectory_isAUsageError_beforeAnythingIsSent() throws Exception {
    Result r = cli.run("backup", "--out", dir.resolve("nope").resolve("b").toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--out: directory");
    assertThat(cli.server.requests()).isEmpty();
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s.filter(p -> p.getFileName().toString().endsWith(".backup"))).isEmpty();
    }
  }
}
