package io.raftray.it;

import static io.raftray.it.RaftrayProcess.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Membership that changed while a node was down (issue 10 item 5), with the packaged program as
 * separate OS processes on one cluster, in order:
 *
 * <ol>
 *   <li>follower C is stopped, node D joins and is made leader, C is started: C accepts the leader
 *       it has never heard of, catches up and reports the leader's {@code state_digest} at the same
 *       applied index;
 *   <li>the same with C running another local {@code audit_retention} than the others, across more
 *       audit events than that setting keeps: the digest is still the leader's;
 *   <li>node B is removed while it is down and then started: it finds out, refuses admin writes and
 *       reports not ready with the reason, and the cluster keeps its leader and term.
 * </ol>
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(240)
class RestartTrustIT {
  private static final Duration CATCH_UP = Duration.ofSeconds(45);

  /** Kept when a test fails: node logs are under {@code n<i>-logs/}. */
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  static Path tmp;

  private static ProcessCluster cluster;
  private static int users;

  @BeforeAll
  static void form() {
    List<Integer> ports = new ArrayList<>();
    List<String> urls = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      int port = RaftrayProcess.freePort();
      ports.add(port);
      urls.add("https://127.0.0.1:" + port);
    }
    // Frequent snapshots (and log purges) so that a returning node is also caught up by snapshot.
    cluster =
        ProcessCluster.formWith(tmp, ports, urls, (i, node) -> node.setSnapshotEveryEntries(64));
  }

  @AfterAll
  static void close() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static RaftrayProcess a() {
    return cluster.node(0);
  }

  private static RaftrayProcess b() {
    return cluster.node(1);
  }

  private static RaftrayProcess c() {
    return cluster.node(2);
  }

  @Test
  @Order(1)
  void followerDown_newNodeJoinsAndLeads_followerComesBackAndMatchesTheLeader() throws Exception {
    createUsers(a(), 20);
    c().stop();

    String token = cluster.createJoinToken();
    int port = RaftrayProcess.freePort();
    RaftrayProcess d =
        RaftrayProcess.join(
            token,
            tmp.resolve("n4"),
            port,
            "https://127.0.0.1:" + port,
            "node-4",
            tmp.resolve("n1.token"));
    cluster.nodes().add(d);
    d.setSnapshotEveryEntries(64);
    d.start();
    String dId = d.nodeId();
    await("node-4 is an active voter")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(300))
        .until(() -> member(a(), dId).path("voter").asBoolean());

    RaftrayProcess.Response moved = a().post("/cluster/transfer-leadership", obj("node_id", dId));
    assertThat(moved.status()).as("transfer leadership to node-4: %s", moved.raw()).isEqualTo(200);
    assertThat(leaderOf(a())).isEqualTo(dId);
    // Entries (and snapshots) C has never seen, committed by a leader it has never heard of.
    createUsers(d, 150);

    c().launch();
    awaitSameAsLeader(c(), d);
  }

  @Test
  @Order(2)
  void followerWithAnotherLocalAuditRetention_comesBackWithTheLeadersDigest() throws Exception {
    RaftrayProcess leader = cluster.node(cluster.indexOf(leaderOf(a())));
    // More audit events than C's local setting keeps, part of them in C's own snapshot.
    createUsers(leader, 200);
    awaitSameAsLeader(c(), leader);
    c().stop();
    c().editConfig(n -> n.put("audit_retention", 100));
    createUsers(leader, 100);
    c().launch();
    awaitSameAsLeader(c(), leader);
  }

  @Test
  @Order(3)
  void nodeRemovedWhileDown_findsOutWhenStarted_refusesWritesAndDoesNotDisturb() throws Exception {
    String bId = b().nodeId();
    b().stop();
    RaftrayProcess.Response removed = a().call("DELETE", "/nodes/" + bId, null);
    assertThat(removed.status())
        .as("remove node-2 while it is down: %s", removed.raw())
        .isEqualTo(204);
    JsonNode before = cluster.clusterView(0);
    String leader = before.path("leader_id").asText();
    long term = before.path("term").asLong();

    b().launch();
    await("node-2 reports that it was removed")
        .atMost(Duration.ofSeconds(40))
        .pollInterval(Duration.ofMillis(300))
        .until(() -> readyz(b()).contains("removed"));
    RaftrayProcess.Response write = b().post("/users", obj("name", "after-removal"));
    assertThat(write.status()).as("write on the removed node: %s", write.raw()).isIn(409, 503);
    assertThat(write.raw()).contains("removed");
    assertThat(b().listAll("/users").stream().map(u -> u.path("name").asText()))
        .doesNotContain("after-removal");

    // The rest of the cluster is not disturbed: same leader, same term, writes go through.
    Thread.sleep(3000);
    createUsers(a(), 5);
    JsonNode after = cluster.clusterView(0);
    assertThat(after.path("leader_id").asText()).isEqualTo(leader);
    assertThat(after.path("term").asLong()).as("term").isEqualTo(term);
    RaftrayProcess l = cluster.node(cluster.indexOf(leader));
    awaitSameAsLeader(c(), l);
  }

  // ---------------------------------------------------------------- helpers

  private static void createUsers(RaftrayProcess node, int n) throws IOException {
    for (int i = 0; i < n; i++) {
      String name = "u" + users++;
      RaftrayProcess.Response r = node.post("/users", obj("name", name));
      assertThat(r.status())
          .as("create %s on %s: %s", name, node.dataDir(), r.raw())
          .isEqualTo(201);
    }
  }

  private static JsonNode member(RaftrayProcess node, String id) {
    for (JsonNode m : node.get("/cluster").body().path("members")) {
      if (m.path("node_id").asText().equals(id)) {
        return m;
      }
    }
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }

  private static String leaderOf(RaftrayProcess node) {
    return node.get("/cluster").body().path("leader_id").asText();
  }

  private static String readyz(RaftrayProcess node) {
    try {
      return node.call(node.uri("/readyz"), "GET", null, Duration.ofSeconds(3)).raw();
    } catch (IOException e) {
      return "";
    }
  }

  /** GET /api/v1/cluster of {@code node}, null when it does not answer 200. */
  private static JsonNode view(RaftrayProcess node) {
    try {
      RaftrayProcess.Response r =
          node.call(node.uri("/api/v1/cluster"), "GET", null, Duration.ofSeconds(5));
      return r.status() == 200 ? r.body() : null;
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * {@code node} reaches the leader's applied index and, at the same index, reports the same {@code
   * state_digest}; a different digest at the same index fails at once.
   */
  private static void awaitSameAsLeader(RaftrayProcess node, RaftrayProcess leader) {
    String[] last = {"no answer yet"};
    try {
      await("node " + node.dataDir().getFileName() + " catches up with the leader")
          .atMost(CATCH_UP)
          .pollInterval(Duration.ofMillis(300))
          .until(
              () -> {
                JsonNode l = view(leader);
                JsonNode f = view(node);
                if (l == null || f == null) {
                  last[0] = "leader " + l + "\nnode " + f;
                  return false;
                }
                long li = l.path("applied_index").asLong();
                long fi = f.path("applied_index").asLong();
                last[0] = "leader at " + li + ", node at " + fi;
                if (li != fi) {
                  return false;
                }
                assertThat(f.path("state_digest").asText())
                    .as("state_digest at applied index %d (leader %s)", li, l)
                    .isEqualTo(l.path("state_digest").asText());
                return true;
              });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          e.getMessage()
              + "\n"
              + last[0]
              + "\nrejections logged by "
              + node.dataDir().getFileName()
              + ":\n"
              + String.join(
                  "\n",
                  node.allRunLogs()
                      .lines()
                      .filter(x -> x.contains("rejected cluster request"))
                      .limit(5)
                      .toList()),
          e);
    }
  }
}
