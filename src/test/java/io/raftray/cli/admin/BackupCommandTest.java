package io.raftray.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftray.cli.admin.CliHarness.Result;
import java.nio.file.Files;
import java.nio.file.Path;
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

  @Test
  void aBodyWithoutTheMatchingChecksum_isRefused_andNothingIsWritten() {
    cli.server.respond(200, "application/octet-stream", "RAFTRAY-SNAPSHOT 1 sha256=00\n{}");
    Path out = dir.resolve("b.backup");

    Result r = cli.run("backup", "--out", out.toString());

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("damaged in transit").contains("nothing was written");
    assertThat(cli.server.onlyRequest().path()).isEqualTo("/api/v1/backup");
    assertThat(out).doesNotExist();
  }

  @Test
  void aRefusal_isTheServersProblem_andNothingIsWritten() {
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
