package io.raftray.it;

import static io.raftray.it.RaftrayProcess.obj;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftray.testing.Dirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Disaster recovery with OS processes (docs/operations.md, "Disaster recovery"): a 3-node cluster
 * loses two nodes for good, {@code raftray recover --force-new-cluster} turns the third into a
 * one-node cluster from its own committed state, it takes writes alone and two new nodes join it.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class RecoverIT {
  private static final Pattern KEPT = Pattern.compile("committed state up to index (\\d+)");

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path tmp;

  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() {
    for (int i = open.size() - 1; i >= 0; i--) {
      try {
        open.get(i).close();
      } catch (Exception ignored) {
        // best effort
      }
    }
  }

  private <T extends AutoCloseable> T keep(T c) {
    open.add(c);
    return c;
  }

  private RaftrayProcess.Result recover(String... args) {
    return RaftrayProcess.exec(
        tmp.resolve("cli"),
        Map.of(),
        Duration.ofSeconds(60),
        Stream.concat(Stream.of("recover"), Stream.of(args)).toArray(String[]::new));
  }

  /** Linearizable: a node that has just joined may not have applied the newest entries yet. */
  private static Set<String> userNames(RaftrayProcess p) {
    return p.listAll("/users?consistency=linearizable").stream()
        .map(u -> u.path("name").asText())
        .collect(Collectors.toSet());
  }

  @Test
  void threeNodes_twoDestroyed_recoverTheThird_itTakesWritesAndTwoNewNodesJoin() throws Exception {
    ProcessCluster old = keep(ProcessCluster.form(tmp.resolve("c"), 3));
    RaftrayProcess n1 = old.node(0);
    JsonNode alice = n1.post("/users", obj("name", "alice")).body();
    List<Object> batch = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      batch.add(obj("name", "batch-" + i));
    }
    RaftrayProcess.Response b = n1.post("/users/batch", obj("users", batch));
    assertThat(b.status()).as(b.raw()).isIn(200, 201);
    Set<String> before = userNames(n1);
    String clusterId = n1.get("/cluster").body().path("cluster_id").asText();
    String node2 = old.node(1).nodeId();
    String node3 = old.node(2).nodeId();

    // Two nodes gone for good: the survivor cannot commit alone.
    old.node(1).kill9();
    old.node(2).kill9();
    Dirs.deleteQuietly(old.node(1).dataDir());
    Dirs.deleteQuietly(old.node(2).dataDir());
    assertThat(n1.post("/users", obj("name", "lost")).status()).isEqualTo(503);

    RaftrayProcess.Result running =
        recover("--force-new-cluster", "--data-dir", n1.dataDir().toString());
    assertThat(running.exitCode()).as(running.toString()).isEqualTo(1);
    assertThat(running.stderr()).contains("is running");
    n1.stop();
    RaftrayProcess.Result unforced = recover("--data-dir", n1.dataDir().toString());
    assertThat(unforced.exitCode()).as(unforced.toString()).isEqualTo(2);
    assertThat(unforced.stderr()).contains("--force-new-cluster is required");
    try (Stream<Path> s = Files.list(n1.dataDir())) {
      assertThat(s.map(p -> p.getFileName().toString()))
          .as("nothing changed by the refused runs")
          .noneMatch(n -> n.startsWith("raft.before-recover-"));
    }

    RaftrayProcess.Result done =
        recover("--force-new-cluster", "--data-dir", n1.dataDir().toString());
    assertThat(done.exitCode()).as(done.toString()).isZero();
    Matcher m = KEPT.matcher(done.stdout());
    assertThat(m.find()).as(done.stdout()).isTrue();
    long kept = Long.parseLong(m.group(1));
    System.out.println("recover kept index " + kept + "\n" + done.stdout());
    assertThat(done.stdout()).contains("node-2").contains("node-3");
    try (Stream<Path> s = Files.list(n1.dataDir())) {
      assertThat(s.map(p -> p.getFileName().toString()))
          .anyMatch(n -> n.startsWith("raft.before-recover-"));
    }

    // Alone, it commits again; then two new nodes join it.
    n1.start();
    assertThat(n1.get("/cluster").body().path("cluster_id").asText()).isEqualTo(clusterId);
    assertThat(n1.post("/users", obj("name", "after")).status()).isEqualTo(201);
    ProcessCluster fresh = keep(ProcessCluster.around(n1));
    Path token = tmp.resolve("c").resolve("n1.token");
    RaftrayProcess n4 = fresh.joinNode(tmp.resolve("c").resolve("n4"), "node-4", token);
    RaftrayProcess n5 = fresh.joinNode(tmp.resolve("c").resolve("n5"), "node-5", token);
    assertThat(n1.get("/cluster").body().path("members")).hasSize(3);

    Set<String> names = userNames(n5);
    assertThat(names).containsAll(before).contains("after").doesNotContain("lost");
    assertThat(userNames(n4)).isEqualTo(names);
    assertThat(n5.get("/users/" + alice.path("id").asText()).status()).isEqualTo(200);
    for (String gone : List.of(node2, node3)) {
      JsonNode n = n1.get("/nodes/" + gone).body();
      assertThat(n.path("status").asText()).as(n.toString()).isEqualTo("removed");
    }
  }
}
