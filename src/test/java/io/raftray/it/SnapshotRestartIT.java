package io.raftray.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots and the Raft log on disk: a clean restart from snapshots, and damaged files, which must
 * stop startup with one line instead of serving partial data (ARCHITECTURE rule 5).
 *
 * <p>Two data directories are prepared once and copied for every test: {@code snapshotted} (35
 * users, a snapshot every 10 entries, stopped cleanly) and {@code killed} (a copy of it, restarted
 * with default snapshots, 20 more users, SIGKILLed: those live only in the in-progress segment).
 */
@Timeout(value = 120)
class SnapshotRestartIT {
  private static final Duration FAIL_WITHIN = Duration.ofSeconds(30);
  private static final int SNAPSHOTTED_USERS = 35;
  private static final int KILLED_USERS = 20;

  @TempDir static Path shared;
  @TempDir Path tmp;

  private static RaftrayProcess snapshotted;
  private static RaftrayProcess killed;
  private static RaftrayProcess segmented;

  @BeforeAll
  @Timeout(120)
  static void prepare() throws IOException {
    snapshotted = RaftrayProcess.init(shared.resolve("snapshotted"), RaftrayProcess.freePort());
    snapshotted.setSnapshotEveryEntries(10);
    snapshotted.start();
    createUsers(snapshotted, 1, SNAPSHOTTED_USERS);
    snapshotted.stop();

    killed = snapshotted.copyTo(shared.resolve("killed"));
    killed.setSnapshotEveryEntries(10_000);
    killed.start();
    createUsers(killed, SNAPSHOTTED_USERS + 1, SNAPSHOTTED_USERS + KILLED_USERS);
    killed.kill9();

    // Closed segments are purged once a snapshot covers them, so stop (SIGKILL: no snapshot on
    // the way out) right after the first segment closes, before the next snapshot.
    segmented = RaftrayProcess.init(shared.resolve("segmented"), RaftrayProcess.freePort());
    segmented.setSnapshotEveryEntries(100);
    segmented.start();
    for (int i = 1; i <= 400 && closedSegments(segmented).isEmpty(); i++) {
      createUsers(segmented, i, i);
    }
    segmented.kill9();
    assertThat(closedSegments(segmented)).as("a closed log segment").isNotEmpty();
  }

  private static List<Path> closedSegments(RaftrayProcess node) {
    return node.segments().stream()
        .filter(p -> !p.getFileName().toString().startsWith("log_inprogress_"))
        .toList();
  }

  @AfterAll
  static void cleanup() {
    if (snapshotted != null) {
      snapshotted.close();
    }
    if (killed != null) {
      killed.close();
    }
    if (segmented != null) {
      segmented.close();
    }
  }

  private static void createUsers(RaftrayProcess node, int from, int to) throws IOException {
    for (int i = from; i <= to; i++) {
      RaftrayProcess.Response r = node.post("/users", RaftrayProcess.obj("name", "u" + i));
      assertThat(r.status()).as("POST /users u%d: %s", i, r.raw()).isEqualTo(201);
    }
  }

  private static List<String> userNames(int n) {
    return IntStream.rangeClosed(1, n).mapToObj(i -> "u" + i).toList();
  }

  private static List<String> names(RaftrayProcess node) {
    return node.listAll("/users").stream().map(u -> u.get("name").asText()).toList();
  }

  @Test
  void cleanStop_leavesSnapshot_andRestartServesEveryUser() {
    List<Path> snaps = snapshotted.snapshots();
    assertThat(snaps).as("snapshot files").isNotEmpty();
    // 35 writes are about 70 log entries: snapshots well beyond the one init takes at index 2.
    assertThat(RaftrayProcess.snapshotIndex(snaps.get(snaps.size() - 1))).isGreaterThan(35);
    for (Path s : snaps) {
      assertThat(s.resolveSibling(s.getFileName() + ".md5")).isRegularFile();
    }
    try (RaftrayProcess node = snapshotted.copyTo(tmp.resolve("data"))) {
      node.start();
      assertThat(names(node)).containsExactlyInAnyOrderElementsOf(userNames(SNAPSHOTTED_USERS));
      node.stop();
    }
  }

  @Test
  void corruptSnapshot_withStaleMd5_stopsStartup() throws Exception {
    try (RaftrayProcess node = snapshotted.copyTo(tmp.resolve("data"))) {
      flipMiddleByte(newest(node.snapshots()));
      assertFailsOneLine(node, "snapshot", "corrupt");
    }
  }

  /** The .md5 Ratis keeps beside it is made to match, so only the sha256 in the header can tell. */
  @Test
  void corruptSnapshot_withMatchingMd5_stopsStartup() throws Exception {
    try (RaftrayProcess node = snapshotted.copyTo(tmp.resolve("data"))) {
      Path snap = newest(node.snapshots());
      flipMiddleByte(snap);
      rewriteMd5(snap);
      assertFailsOneLine(node, "snapshot", "corrupt");
    }
  }

  @Test
  void corruptClosedLogSegment_stopsStartup() throws Exception {
    try (RaftrayProcess node = segmented.copyTo(tmp.resolve("data"))) {
      Path closed =
          closedSegments(node).stream()
              .max((a, b) -> Long.compare(size(a), size(b)))
              .orElseThrow(() -> new AssertionError("no closed segment: " + node.segments()));
      flipMiddleByte(closed);
      assertFailsOneLine(node, "log", "corrupt");
    }
  }

  @Test
  void corruptInProgressSegment_midEntry_stopsStartup() throws Exception {
    try (RaftrayProcess node = killed.copyTo(tmp.resolve("data"))) {
      flipMiddleByte(inProgress(node));
      assertFailsOneLine(node, "log", "corrupt");
    }
  }

  /**
   * A torn last entry followed by the segment's preallocated zeros (as a short write before a crash
   * leaves it): Ratis reports a checksum mismatch, so the node does not start either.
   */
  @Test
  void inProgressSegment_lastEntryZeroed_stopsStartup() throws Exception {
    try (RaftrayProcess node = killed.copyTo(tmp.resolve("data"))) {
      Path seg = inProgress(node);
      long end = dataEnd(seg);
      try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE)) {
        ch.write(java.nio.ByteBuffer.allocate(8), end - 8);
      }
      assertFailsOneLine(node, "log", "corrupt");
    }
  }

  /**
   * A segment that simply ends inside its last entry (EOF): Ratis drops that partial entry with a
   * warning and starts. Only the last entry may go; everything before it is served.
   */
  @Test
  void inProgressSegment_truncatedInLastEntry_dropsOnlyThatEntry() throws Exception {
    try (RaftrayProcess node = killed.copyTo(tmp.resolve("data"))) {
      Path seg = inProgress(node);
      long end = dataEnd(seg);
      try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE)) {
        ch.truncate(end - 3);
      }
      node.start();
      List<String> names = names(node);
      int all = SNAPSHOTTED_USERS + KILLED_USERS;
      assertThat(names).containsAll(userNames(all - 1));
      assertThat(userNames(all)).containsAll(names);
      assertThat(node.lastRun().stdout())
          .as("Ratis says what it dropped")
          .contains("Ignoring the last partial written log entry");
      node.stop();
    }
  }

  // ---------------------------------------------------------------- helpers

  /** Runs the node and asserts: exit 1 within 30 s, never ready, one stderr line naming it. */
  private static void assertFailsOneLine(RaftrayProcess node, String... mentions) {
    node.launch();
    RaftrayProcess.Result r = node.awaitFailedStart(FAIL_WITHIN);
    assertThat(r.exitCode()).as("%s", r).isEqualTo(1);
    assertThat(r.errorLines()).as("one line on stderr\n%s", r).hasSize(1);
    String line = r.errorLines().get(0);
    assertThat(line).startsWith("raftray run: ");
    for (String m : mentions) {
      assertThat(line).as("%s", r).containsIgnoringCase(m);
    }
    assertThat(r.all()).as("no stack trace").doesNotContain("\tat ");
  }

  private static Path newest(List<Path> snapshots) {
    assertThat(snapshots).isNotEmpty();
    return snapshots.get(snapshots.size() - 1);
  }

  private static Path inProgress(RaftrayProcess node) {
    return node.segments().stream()
        .filter(p -> p.getFileName().toString().startsWith("log_inprogress_"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no in-progress segment: " + node.segments()));
  }

  /** Flips one byte in the middle of the file's data (ignoring preallocated trailing zeros). */
  private static void flipMiddleByte(Path file) throws IOException {
    byte[] b = Files.readAllBytes(file);
    int i = (int) (dataEnd(file) / 2);
    assertThat(i).as("file %s has data", file).isPositive();
    b[i] ^= 0x5a;
    Files.write(file, b);
  }

  /** Length up to the last non-zero byte (Ratis preallocates open segments with zeros). */
  private static long dataEnd(Path file) throws IOException {
    byte[] b = Files.readAllBytes(file);
    int n = b.length;
    while (n > 0 && b[n - 1] == 0) {
      n--;
    }
    return n;
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Writes {@code <md5hex> *<name>} like Ratis' MD5FileUtil, matching the damaged content. */
  private static void rewriteMd5(Path file) throws Exception {
    Path md5 = file.resolveSibling(file.getFileName() + ".md5");
    assertThat(md5).isRegularFile();
    String hex =
        HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(Files.readAllBytes(file)));
    String before = Files.readString(md5);
    Files.writeString(md5, hex + " *" + file.getFileName() + "\n", StandardCharsets.UTF_8);
    assertThat(Files.readString(md5)).isNotEqualTo(before);
  }
}
