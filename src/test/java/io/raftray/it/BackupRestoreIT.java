package io.raftray.it;

import static io.raftray.it.RaftrayProcess.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftray.testing.Dirs;
import io.raftray.testing.PayloadServer;
import io.raftray.testing.SocksFetch;
import io.raftray.testing.V2RayOutbound;
import io.raftray.testing.V2RayProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backups and restore with the packaged daemon as OS processes (docs/operations.md, "Backups" and
 * "Restore"): a 3-node cluster backed up from a follower while writes run, every node destroyed,
 * the backup restored into one new node, two new nodes joined with join tokens, and a real V2Ray
 * client connecting with the credential a user had before the backup.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class BackupRestoreIT {
  static final Path V2RAY = V2RayProcess.BINARY;
  private static final Pattern WRITTEN =
      Pattern.compile("Backup written to .*: index (\\d+), (\\d+) bytes, (\\d+) users");

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path tmp;

  private final List<AutoCloseable> open = new ArrayList<>();

  @BeforeAll
  static void needsV2ray() {
    assertThat(Files.isExecutable(V2RAY))
        .as("these tests need V2Ray: apt-get install v2ray")
        .isTrue();
  }

  @AfterEach
  void closeAll() {
    for (int i = open.size() - 1; i >= 0; i--) {
      try {
        open.get(i).close();
      } catch (Exception ignored) {
        // best effort
      }
    }
    V2RayProcess.destroyStrays(tmp);
  }

  private <T extends AutoCloseable> T keep(T c) {
    open.add(c);
    return c;
  }

  private static JsonNode created(RaftrayProcess p, String path, Map<String, Object> body)
      throws IOException {
    RaftrayProcess.Response r = p.post(path, body);
    assertThat(r.status()).as(r.raw()).isEqualTo(201);
    return r.body();
  }

  private static Map<String, Object> endpoint(String nodeId, String protocol, int port) {
    return obj(
        "node_id",
        nodeId,
        "tag",
        protocol + "-" + port,
        "protocol",
        protocol,
        "port",
        port,
        "transport",
        "tcp",
        "security",
        "none");
  }

  private static Set<String> userNames(RaftrayProcess p) {
    return p.listAll("/users").stream()
        .map(u -> u.path("name").asText())
        .collect(Collectors.toSet());
  }

  private RaftrayProcess.Result restore(Path backup, Path dataDir, int port, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "restore",
                backup.toString(),
                "--data-dir",
                dataDir.toString(),
                "--bind",
                "127.0.0.1:" + port,
                "--api-base-url",
                "https://127.0.0.1:" + port,
                "--access-host",
                "127.0.0.1",
                "--name",
                "node-1",
                "--admin-token-file",
                dataDir.resolveSibling(dataDir.getFileName() + ".token").toString()));
    args.addAll(Arrays.asList(extra));
    return RaftrayProcess.exec(
        tmp.resolve("cli"), Map.of(), Duration.ofMinutes(2), args.toArray(String[]::new));
  }

  @Test
  void backupUnderWrites_destroyAll_restoreIntoOneNode_joinTwo_clientConnectsWithOldCredential()
      throws Exception {
    ProcessCluster old = keep(ProcessCluster.form(tmp.resolve("old"), 3));
    RaftrayProcess n1 = old.node(0);
    String oldClusterId = n1.get("/cluster").body().path("cluster_id").asText();
    int port = V2RayProcess.freePort();
    JsonNode ep = created(n1, "/endpoints", endpoint(n1.nodeId(), "vmess", port));
    JsonNode ep2 =
        created(n1, "/endpoints", endpoint(old.node(1).nodeId(), "vless", V2RayProcess.freePort()));
    JsonNode alice = created(n1, "/users", obj("name", "alice"));
    JsonNode grant =
        created(
            n1,
            "/grants",
            obj("user_id", alice.path("id").asText(), "endpoint_id", ep.path("id").asText()));
    List<Object> batch = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      batch.add(obj("name", "batch-" + i));
    }
    RaftrayProcess.Response b = n1.post("/users/batch", obj("users", batch));
    assertThat(b.status()).as(b.raw()).isIn(200, 201);
    JsonNode adminToken = created(n1, "/admin-tokens", obj("name", "ops", "role", "admin"));
    String oldOwner = n1.token();

    // Writes keep coming through node 2 while node 3 (a follower or the leader) takes the backup.
    AtomicBoolean stop = new AtomicBoolean();
    ConcurrentLinkedQueue<String> acked = new ConcurrentLinkedQueue<>();
    Thread writer =
        new Thread(
            () -> {
              for (int i = 0; !stop.get(); i++) {
                try {
                  if (old.node(1).post("/users", obj("name", "w-" + i)).status() == 201) {
                    acked.add("w-" + i);
                  }
                } catch (IOException e) {
                  return;
                }
              }
            });
    writer.start();
    await().atMost(Duration.ofSeconds(30)).until(() -> acked.size() >= 5);
    List<String> ackedBefore = new ArrayList<>(acked);
    Path backup = tmp.resolve("backups").resolve("cluster.backup");
    Files.createDirectories(backup.getParent());
    RaftrayProcess.Result taken = old.node(2).cli("backup", "--out", backup.toString());
    int duringBackup = acked.size();
    stop.set(true);
    writer.join(30_000);
    assertThat(taken.exitCode()).as(taken.toString()).isZero();
    Matcher m = WRITTEN.matcher(taken.stdout());
    assertThat(m.find()).as(taken.stdout()).isTrue();
    long index = Long.parseLong(m.group(1));
    int users = Integer.parseInt(m.group(3));
    assertThat(Files.size(backup)).isEqualTo(Long.parseLong(m.group(2)));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(backup)))
        .isEqualTo("rw-------");
    assertThat(duringBackup)
        .as("writes acknowledged while the backup ran")
        .isGreaterThan(ackedBefore.size());
    System.out.printf(
        "backup under writes: index %d, %d users, %d bytes; %d writes acked before, %d by its end%n",
        index, users, Files.size(backup), ackedBefore.size(), duringBackup);

    // An admin (not owner) token is refused, and nothing is written.
    Path refused = tmp.resolve("backups").resolve("refused.backup");
    RaftrayProcess.Result denied =
        RaftrayProcess.exec(
            tmp.resolve("cli"),
            Map.of("RAFTRAY_TOKEN", adminToken.path("token").asText()),
            Duration.ofSeconds(60),
            "backup",
            "--out",
            refused.toString(),
            "--data-dir",
            n1.dataDir().toString());
    assertThat(denied.exitCode()).as(denied.toString()).isNotZero();
    assertThat(denied.stderr()).contains("only owner tokens may take backups");
    assertThat(refused).doesNotExist();

    // Every node destroyed.
    old.close();
    Dirs.deleteQuietly(tmp.resolve("old"));
    assertThat(tmp.resolve("old")).doesNotExist();

    // A damaged backup is refused before anything is created.
    byte[] bytes = Files.readAllBytes(backup);
    Path truncated = tmp.resolve("backups").resolve("truncated.backup");
    Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
    RaftrayProcess.Result bad =
        restore(truncated, tmp.resolve("bad").resolve("n1"), RaftrayProcess.freePort());
    assertThat(bad.exitCode()).as(bad.toString()).isEqualTo(2);
    assertThat(bad.stderr()).contains("damaged or truncated").contains("nothing was created");
    assertThat(tmp.resolve("bad").resolve("n1")).doesNotExist();

    // Restore into one new node, then two new nodes join it.
    int newPort = RaftrayProcess.freePort();
    Path d1 = tmp.resolve("new").resolve("n1");
    RaftrayProcess.Result restored = restore(backup, d1, newPort);
    assertThat(restored.exitCode()).as(restored.toString()).isZero();
    assertThat(restored.stdout()).contains("backup index " + index).contains(users + " users");
    RaftrayProcess r1 =
        RaftrayProcess.existing(d1, tmp.resolve("new").resolve("n1.token"), newPort);
    r1.setRunArgs("--xray-bin", V2RAY.toString());
    ProcessCluster fresh = keep(ProcessCluster.around(r1));
    r1.start();
    assertThat(r1.get("/cluster").body().path("cluster_id").asText()).isNotEqualTo(oldClusterId);
    RaftrayProcess r2 = fresh.joinNode(tmp.resolve("new").resolve("n2"), "node-2", r1Token(d1));
    RaftrayProcess r3 = fresh.joinNode(tmp.resolve("new").resolve("n3"), "node-3", r1Token(d1));

    // Same users (every write acknowledged before the backup began), on every node.
    Set<String> names = userNames(r1);
    assertThat(names).hasSize(users).contains("alice", "batch-0", "batch-199");
    assertThat(names).containsAll(ackedBefore);
    await("the joined node has the restored state (installed from the snapshot)")
        .atMost(Duration.ofSeconds(60))
        .until(() -> r3.get("/users/" + alice.path("id").asText()).status() == 200);
    assertThat(r3.snapshots()).as("node 3 received a snapshot").isNotEmpty();
    assertThat(userNames(r2)).isEqualTo(names);

    // The old owner token still works; the endpoint of the old node-2 moved to the new node-2.
    Path oldTokenFile = tmp.resolve("old-owner.token");
    Files.writeString(oldTokenFile, oldOwner);
    RaftrayProcess asOldOwner = RaftrayProcess.existing(d1, oldTokenFile, newPort);
    assertThat(asOldOwner.get("/users/" + alice.path("id").asText()).status()).isEqualTo(200);
    JsonNode moved = r1.get("/endpoints/" + ep2.path("id").asText()).body();
    assertThat(moved.path("node_id").asText()).isEqualTo(r2.nodeId());
    JsonNode own = r1.get("/endpoints/" + ep.path("id").asText()).body();
    assertThat(own.path("node_id").asText()).isEqualTo(r1.nodeId());

    // A real client with alice's pre-backup credential goes through the restored node's core.
    V2RayProcess client =
        keep(
            V2RayProcess.startClient(
                Files.createDirectories(tmp.resolve("client")),
                V2RayOutbound.vmess("127.0.0.1", port, grant.path("credential").asText())));
    PayloadServer payload = keep(PayloadServer.start(4096));
    await("alice's client reaches the payload through the restored node")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(300))
        .until(() -> fetch(client, payload));
  }

  /**
   * 10,000 users (ten {@code POST /users/batch} calls): backup size and time, an encrypted backup
   * (a wrong passphrase is refused, nothing created), restore time, and the restored node serving
   * them all. The figures are printed for docs/operations.md.
   */
  @Test
  @EnabledIfSystemProperty(named = "raftray.faults", matches = "true")
  void tenThousandUsers_encryptedBackup_wrongPassphraseRefused_restoreMeasured() throws Exception {
    RaftrayProcess n =
        keep(RaftrayProcess.init(tmp.resolve("big").resolve("n1"), RaftrayProcess.freePort()));
    n.start();
    for (int b = 0; b < 10; b++) {
      List<Object> batch = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        batch.add(obj("name", "u-" + b + "-" + i, "data_limit_bytes", 1L << 30));
      }
      RaftrayProcess.Response r = n.post("/users/batch", obj("users", batch));
      assertThat(r.status()).as(r.raw()).isIn(200, 201);
    }
    Path dir = Files.createDirectories(tmp.resolve("big-backups"));
    Path plain = dir.resolve("plain.backup");
    long t0 = System.nanoTime();
    RaftrayProcess.Result taken = n.cli("backup", "--out", plain.toString());
    long backupMs = (System.nanoTime() - t0) / 1_000_000;
    assertThat(taken.exitCode()).as(taken.toString()).isZero();
    assertThat(taken.stdout()).contains("10000 users");
    Path pass = dir.resolve("pass");
    Files.writeString(pass, "correct horse battery staple\n");
    Path enc = dir.resolve("enc.backup");
    RaftrayProcess.Result encrypted =
        n.cli("backup", "--out", enc.toString(), "--passphrase-file", pass.toString());
    assertThat(encrypted.exitCode()).as(encrypted.toString()).isZero();
    assertThat(encrypted.stdout()).contains("(encrypted)");
    n.close();

    Path wrong = dir.resolve("wrong");
    Files.writeString(wrong, "not it\n");
    Path d1 = tmp.resolve("big-restored").resolve("n1");
    RaftrayProcess.Result refused =
        restore(enc, d1, RaftrayProcess.freePort(), "--passphrase-file", wrong.toString());
    assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(2);
    assertThat(refused.stderr()).contains("wrong passphrase").doesNotContain("not it");
    assertThat(d1).doesNotExist();
    RaftrayProcess.Result noPass = restore(enc, d1, RaftrayProcess.freePort());
    assertThat(noPass.stderr()).contains("the backup is encrypted");
    assertThat(d1).doesNotExist();

    int port = RaftrayProcess.freePort();
    long t1 = System.nanoTime();
    RaftrayProcess.Result restored = restore(enc, d1, port, "--passphrase-file", pass.toString());
    long restoreMs = (System.nanoTime() - t1) / 1_000_000;
    assertThat(restored.exitCode()).as(restored.toString()).isZero();
    RaftrayProcess r1 = RaftrayProcess.existing(d1, r1Token(d1), port);
    long t2 = System.nanoTime();
    r1.start();
    long startMs = (System.nanoTime() - t2) / 1_000_000;
    assertThat(r1.listAll("/users")).hasSize(10_000);
    // A joining node gets the whole restored state (bigger than one 4 MiB InstallSnapshot chunk
    // and than the Raft route's 5 MiB body cap) in chunks.
    ProcessCluster c = keep(ProcessCluster.around(r1));
    RaftrayProcess joined =
        c.joinNode(tmp.resolve("big-restored").resolve("n2"), "node-2", r1Token(d1));
    assertThat(joined.listAll("/users")).hasSize(10_000);
    System.out.printf(
        "10,000 users: backup %d bytes (encrypted %d bytes); raftray backup %d ms wall (%s);"
            + " raftray restore %d ms wall (%s); restored node ready in %d ms%n",
        Files.size(plain),
        Files.size(enc),
        backupMs,
        taken.stdout().strip(),
        restoreMs,
        restored.stdout().lines().findFirst().orElse(""),
        startMs);
  }

  private static Path r1Token(Path d1) {
    return d1.resolveSibling(d1.getFileName() + ".token");
  }

  private static boolean fetch(V2RayProcess client, PayloadServer server) {
    try {
      byte[] got = SocksFetch.get(client.socksPort(), server.uri(), Duration.ofSeconds(10));
      return Arrays.equals(got, server.payload());
    } catch (IOException e) {
      return false;
    }
  }
}
