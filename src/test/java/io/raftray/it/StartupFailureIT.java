package io.raftray.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node that cannot start says why in ONE line on stderr and exits 1 within seconds (README "Exit
 * codes and errors"); {@code init} refuses a non-empty directory with exit 2 and touches nothing.
 */
@Timeout(60)
class StartupFailureIT {
  private static final Duration FAIL_WITHIN = Duration.ofSeconds(20);

  @TempDir static Path shared;
  @TempDir Path tmp;

  /** A valid, never started data directory; each test damages its own copy. */
  private static RaftrayProcess valid;

  @BeforeAll
  @Timeout(90)
  static void prepare() {
    valid = RaftrayProcess.init(shared.resolve("valid"), RaftrayProcess.freePort());
  }

  @AfterAll
  static void cleanup() {
    if (valid != null) {
      valid.close();
    }
  }

  private RaftrayProcess copy() {
    return valid.copyTo(tmp.resolve("data"));
  }

  @Test
  void missingDataDir() {
    Path dir = tmp.resolve("does-not-exist");
    String line = runFails(dir);
    assertThat(line).contains(dir.toString()).contains("does not exist");
    assertThat(dir).doesNotExist();
  }

  @Test
  void dataDirWithoutNodeJson() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("empty"));
    String line = runFails(dir);
    assertThat(line).contains(dir.resolve("node.json").toString()).contains("missing");
  }

  @Test
  void nodeJsonWithUnknownKey() {
    try (RaftrayProcess node = copy()) {
      node.editConfig(c -> c.put("snapshot_every", 5));
      String line = runFails(node.dataDir());
      assertThat(line).contains("node.json").contains("unknown key snapshot_every");
    }
  }

  @Test
  void portAlreadyInUse() throws IOException {
    try (RaftrayProcess node = copy();
        ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), node.port()));
      String line = runFails(node.dataDir());
      assertThat(line).contains("127.0.0.1:" + node.port()).containsIgnoringCase("in use");
    }
  }

  @Test
  void privateKeyReadableByOthers() throws IOException {
    try (RaftrayProcess node = copy()) {
      Path key = node.dataDir().resolve("tls").resolve("node.key");
      Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
      String line = runFails(node.dataDir());
      assertThat(line).contains(key.toString()).contains("0644");
    }
  }

  @Test
  void initIntoNonEmptyDir_exits2_andChangesNothing() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("occupied"));
    Files.writeString(dir.resolve("notes.txt"), "mine\n");
    Files.createDirectories(dir.resolve("sub"));
    Files.writeString(dir.resolve("sub").resolve("x"), "x");
    Map<String, String> before = snapshot(dir);
    Path token = tmp.resolve("owner.token");
    int port = RaftrayProcess.freePort();

    RaftrayProcess.Result r =
        RaftrayProcess.exec(
            tmp.resolve("cwd"),
            Map.of(),
            Duration.ofSeconds(30),
            "init",
            "--data-dir",
            dir.toString(),
            "--bind",
            "127.0.0.1:" + port,
            "--api-base-url",
            "https://127.0.0.1:" + port,
            "--access-host",
            "127.0.0.1",
            "--admin-token-file",
            token.toString());

    assertThat(r.exitCode()).as("%s", r).isEqualTo(2);
    assertThat(r.errorLines()).as("%s", r).hasSize(1);
    assertThat(r.errorLines().get(0)).contains(dir.toString()).contains("not empty");
    assertThat(r.all()).doesNotContain("\tat ");
    assertThat(snapshot(dir)).as("directory untouched").isEqualTo(before);
    assertThat(token).as("no token written").doesNotExist();
  }

  // ---------------------------------------------------------------- helpers

  /** {@code run --data-dir dir}: exit 1 within seconds, one stderr line; returns that line. */
  private static String runFails(Path dir) {
    long t0 = System.nanoTime();
    RaftrayProcess.Result r =
        RaftrayProcess.exec(
            dir.resolveSibling("cwd"), Map.of(), FAIL_WITHIN, "run", "--data-dir", dir.toString());
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    assertThat(r.exitCode()).as("%s", r).isEqualTo(1);
    assertThat(r.errorLines()).as("exactly one line on stderr\n%s", r).hasSize(1);
    assertThat(r.errorLines().get(0)).startsWith("raftray run: ");
    assertThat(r.all()).as("no stack trace\n%s", r).doesNotContain("\tat ");
    assertThat(took).isLessThan(FAIL_WITHIN);
    return r.errorLines().get(0);
  }

  /** Relative path -> size, mode and mtime of every entry under {@code dir}. */
  private static Map<String, String> snapshot(Path dir) throws IOException {
    Map<String, String> m = new TreeMap<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.toList()) {
        FileTime mtime = Files.getLastModifiedTime(p);
        m.put(
            dir.relativize(p).toString(),
            (Files.isDirectory(p) ? "dir" : Files.size(p) + "b")
                + " "
                + PosixFilePermissions.toString(Files.getPosixFilePermissions(p))
                + " "
                + mtime.toMillis());
      }
    }
    return m;
  }
}
