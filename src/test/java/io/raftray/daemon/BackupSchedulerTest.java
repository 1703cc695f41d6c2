package io.raftray.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftray.config.BackupSchedule;
import io.raftray.state.BackupFile;
import io.raftray.state.State;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class BackupSchedulerTest {
  @TempDir Path tmp;

  private static State at(long index) {
    return State.builder().clusterId("c-1").caCertPem("CA").appliedIndex(index).build();
  }

  private List<String> files(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void writesReadableBackups_skipsUnchangedViews_keepsTheNewestK() throws Exception {
    Path dir = tmp.resolve("backups");
    AtomicReference<State> view = new AtomicReference<>(at(9));
    Clock clock = Clock.fixed(Instant.parse("2026-12-03T10:00:00Z"), ZoneOffset.UTC);
    BackupScheduler s =
        new BackupScheduler(
            new BackupSchedule(Optional.of(dir), Duration.ofMinutes(1), 2, Optional.empty()),
            view::get,
            clock);

    Path first = s.runOnce();
    assertThat(first).isNotNull();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(first)))
        .isEqualTo("rw-------");
    assertThat(BackupFile.read(Files.readAllBytes(first), null).appliedIndex()).isEqualTo(9);
    assertThat(s.runOnce()).as("nothing new since index 9").isNull();
    view.set(at(10));
    s.runOnce();
    view.set(at(11));
    s.runOnce();

    assertThat(files(dir))
        .containsExactlyInAnyOrder(
            "raftray-20261203T100000Z-10.backup", "raftray-20261203T100000Z-11.backup");
  }

  @Test
  void withAPassphraseFile_theBackupsAreEncrypted() throws Exception {
    Path pass = tmp.resolve("pass");
    Files.writeString(pass, "s3cret\n");
    BackupScheduler s =
        new BackupScheduler(
            new BackupSchedule(
                Optional.of(tmp.resolve("b")), Duration.ofMinutes(1), 3, Optional.of(pass)),
            () -> at(5),
            Clock.systemUTC());
    byte[] bytes = Files.readAllBytes(s.runOnce());
    assertThat(BackupFile.encrypted(bytes)).isTrue();
    assertThat(BackupFile.read(bytes, "s3cret".toCharArray()).appliedIndex()).isEqualTo(5);
  }
}
