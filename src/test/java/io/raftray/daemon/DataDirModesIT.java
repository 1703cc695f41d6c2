package io.raftray.daemon;

import static io.raftray.testing.InProcessNodes.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.raftray.config.NodeConfig;
import io.raftray.join.Joiner;
import io.raftray.testing.InProcessNodes;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data directory and {@code raft/} are 0700 after {@code init}, {@code join} and every {@code
 * run}, whatever mode they had before; a directory owned by another user is refused.
 */
@Timeout(180)
class DataDirModesIT {
  @TempDir Path tmp;

  static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  private static Path openDir(Path p) throws Exception {
    Files.createDirectories(p);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    return p;
  }

  @Test
  void init_intoAnExistingOpenDirectory_leavesItAndRaft0700() throws Exception {
    Path dir = openDir(tmp.resolve("n1"));
    Bootstrapper.Initialized init =
        Bootstrapper.init(InProcessNodes.loopbackRequest(dir, "node-1"), Clock.systemUTC());
    assertThat(mode(dir)).as("data directory").isEqualTo("rwx------");
    assertThat(mode(init.config().raftDir())).as("raft directory").isEqualTo("rwx------");
  }

  @Test
  void run_tightensAnOpenedDataDirAndRaft_andRefusesADirectoryOfAnotherUser() throws Exception {
    Path dir = tmp.resolve("n1");
    Bootstrapper.Initialized init =
        Bootstrapper.init(InProcessNodes.loopbackRequest(dir, "node-1"), Clock.systemUTC());
    NodeConfig c = init.config();
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(c.raftDir(), PosixFilePermissions.fromString("rwxrwxrwx"));
    Daemon d = Daemon.start(c);
    try {
      assertThat(mode(dir)).as("data directory").isEqualTo("rwx------");
      assertThat(mode(c.raftDir())).as("raft directory").isEqualTo("rwx------");
    } finally {
      d.close();
    }

    Assumptions.assumeTrue(
        "root".equals(System.getProperty("user.name")), "changing owners needs root");
    UserPrincipal nobody =
        dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
    Files.setOwner(c.raftDir(), nobody);
    assertThatThrownBy(() -> Daemon.start(c).close())
        .isInstanceOf(StartupException.class)
        .hasMessageContaining(c.raftDir().toString())
        .hasMessageContaining("owned by nobody");
  }

  @Test
  void join_intoAnExistingOpenDirectory_leavesItAndRaft0700() throws Exception {
    Path first = tmp.resolve("n1");
    Bootstrapper.Initialized init =
        Bootstrapper.init(InProcessNodes.loopbackRequest(first, "node-1"), Clock.systemUTC());
    InProcessNodes.Api api =
        new InProcessNodes.Api(
            InProcessNodes.trustingCa(first), init.ownerToken(), Duration.ofSeconds(20));
    try (Daemon n1 = Daemon.start(init.config())) {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> api.call(n1, "GET", "/readyz", null).statusCode() == 200);
      HttpResponse<String> t = api.call(n1, "POST", "/api/v1/join-tokens", "{}");
      assertThat(t.statusCode()).as(t.body()).isEqualTo(201);
      Path dir = openDir(tmp.resolve("n2"));
      int port = InProcessNodes.freePort();
      NodeConfig c =
          Joiner.join(
              new Joiner.Options(
                  json(t).path("token").asText(),
                  dir,
                  "127.0.0.1",
                  port,
                  "https://127.0.0.1:" + port,
                  "127.0.0.1",
                  "node-2",
                  Map.of("hostname", "node-2"),
                  Duration.ofSeconds(60),
                  Duration.ofMillis(200),
                  line -> {}));
      assertThat(mode(dir)).as("data directory").isEqualTo("rwx------");
      assertThat(mode(c.raftDir())).as("raft directory").isEqualTo("rwx------");
    }
  }
}
