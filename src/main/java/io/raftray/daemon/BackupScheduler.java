package io.raftray.daemon;

import io.raftray.config.BackupSchedule;
import io.raftray.model.Causes;
import io.raftray.pki.PrivateFiles;
import io.raftray.state.BackupFile;
import io.raftray.state.SnapshotCodec;
import io.raftray.state.State;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Scheduled backups ({@code "backup"} in node.json; docs/operations.md, "Backups"): every interval
 * this node writes its applied view (a committed prefix of the log: no Raft round trip, so it also
 * works on a node cut off from the majority) as {@code raftray-<time>-<index>.backup} into the
 * directory, in the format of {@code raftray backup} (encrypted with {@code passphrase_file} when
 * set), then deletes the oldest such files beyond {@code keep}. Nothing newer than the last file:
 * nothing written.
 */
final class BackupScheduler {
  private static final Logger LOG = Logger.getLogger(BackupScheduler.class.getName());
  static final Pattern NAME = Pattern.compile("raftray-\\d{8}T\\d{6}Z-\\d+\\.backup");
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final BackupSchedule schedule;
  private final Supplier<State> view;
  private final Clock clock;
  private final Consumer<String> onFailure;
  private long lastIndex = -1;

  BackupScheduler(BackupSchedule schedule, Supplier<State> view, Clock clock) {
    this(schedule, view, clock, why -> {});
  }

  /** {@code onFailure} hears the reason of each failed run (the {@code backup.failed} event). */
  BackupScheduler(
      BackupSchedule schedule, Supplier<State> view, Clock clock, Consumer<String> onFailure) {
    this.schedule = schedule;
    this.view = view;
    this.clock = clock;
    this.onFailure = onFailure;
  }

  /** Runs {@link #runOnce} every interval on {@code on}, the first one interval after now. */
  // runQuietly catches and logs every failure, so the periodic future never completes with one.
  @SuppressWarnings("FutureReturnValueIgnored")
  void schedule(ScheduledExecutorService on) {
    long every = schedule.every().toMillis();
    on.scheduleWithFixedDelay(this::runQuietly, every, every, TimeUnit.MILLISECONDS);
    LOG.info(
        "scheduled backups every "
            + schedule.every().toMinutes()
            + " min into "
            + schedule.dir().orElseThrow()
            + ", keeping "
            + schedule.keep());
  }

  private void runQuietly() {
    try {
      runOnce();
    } catch (IOException | RuntimeException e) {
      // One line per failed run; the next run tries again.
      LOG.warning("scheduled backup failed: " + Causes.rootMessage(e));
      onFailure.accept(Causes.rootMessage(e));
    }
  }

  /** Writes one backup unless nothing changed since the last one; returns it, or null. */
  synchronized Path runOnce() throws IOException {
    State s = view.get();
    if (!s.bootstrapped() || s.appliedIndex() == lastIndex) {
      return null;
    }
    Path dir = schedule.dir().orElseThrow();
    if (!Files.isDirectory(dir)) {
      PrivateFiles.createDir(dir, "backup directory");
    }
    char[] pass = null;
    if (schedule.passphraseFile().isPresent()) {
      try {
        pass = BackupFile.passphrase(schedule.passphraseFile().get());
      } catch (BackupFile.Unreadable e) {
        throw new IOException(e.getMessage(), e);
      }
    }
    Path file =
        dir.resolve(
            "raftray-" + STAMP.format(clock.instant()) + "-" + s.appliedIndex() + ".backup");
    // Streamed into the file (through the cipher when encrypted): the state's bytes are never
    // held, so a node whose snapshot is a sizeable part of its heap can still back itself up.
    char[] key = pass;
    try {
      PrivateFiles.replaceSecret(
          file,
          out -> {
            if (key == null) {
              SnapshotCodec.encode(s, out);
              return;
            }
            try (OutputStream sealed = BackupFile.encrypting(out, key)) {
              SnapshotCodec.encode(s, sealed);
            }
          },
          "backup file");
    } finally {
      if (pass != null) {
        Arrays.fill(pass, '\0');
      }
    }
    long bytes = Files.size(file);
    lastIndex = s.appliedIndex();
    LOG.info("scheduled backup " + file + ": index " + s.appliedIndex() + ", " + bytes + " bytes");
    prune(dir);
    return file;
  }

  private static String stamp(Path p) {
    return p.getFileName().toString().substring("raftray-".length(), "raftray-".length() + 16);
  }

  private static long index(Path p) {
    String n = p.getFileName().toString();
    return Long.parseLong(n.substring("raftray-".length() + 17, n.length() - ".backup".length()));
  }

  /** Deletes the oldest backups (by name: time first) beyond {@code keep}. */
  private void prune(Path dir) throws IOException {
    List<Path> all;
    try (Stream<Path> s = Files.list(dir)) {
      all =
          s.filter(p -> NAME.matcher(p.getFileName().toString()).matches())
              .sorted(
                  java.util.Comparator.comparing((Path p) -> stamp(p))
                      .thenComparingLong(BackupScheduler::index))
              .toList();
    }
    for (Path old : all.subList(0, Math.max(0, all.size() - schedule.keep()))) {
      Files.deleteIfExists(old);
    }
  }
}
