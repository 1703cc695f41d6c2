package io.raftray.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftray.model.User;
import io.raftray.state.Command;
import io.raftray.state.Result;
import io.raftray.testing.AdminClient;
import io.raftray.testing.TestCluster;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Usage reports and expiry in a real three-node cluster: reports submitted through different nodes
 * (as each node's collector does) are counted once each and visible on every node, per node in
 * {@code GET /api/v1/users/{id}}; the leader's ticker expires a user everywhere.
 */
class UsageClusterIT {

  @Test
  @Timeout(120)
  void usageReportsThroughEveryNode_visibleEverywhere_andLeaderTickerExpiresUser() {
    try (TestCluster cluster = TestCluster.start(3)) {
      cluster.awaitLeader();
      AdminClient a = cluster.adminClient(0);
      AdminClient.Response created =
          a.post("/api/v1/users", "{\"name\":\"traveller\",\"data_limit_bytes\":100000}");
      assertThat(created.status()).as("%s", created).isEqualTo(201);
      String id = created.body().path("id").asText();

      // Each node reports its own traffic through its own daemon; node 0 reports twice.
      Map<String, long[]> expected = new TreeMap<>();
      for (int i = 0; i < 3; i++) {
        String node = cluster.nodeId(i);
        long up = 100L * (i + 1);
        long down = 1000L * (i + 1);
        Result r =
            cluster
                .daemon(i)
                .replica()
                .submit(
                    node,
                    new Command.UsageReport(
                        node, 1, List.of(new Command.UsageDelta(id, up, down))));
        assertThat(r.ok()).as("report via node %d: %s", i, r.message()).isTrue();
        expected.put(node, new long[] {up, down});
      }
      String n0 = cluster.nodeId(0);
      // The same batch again (a retry after a lost answer): dropped. A node reports only through
      // itself: the leader refuses another node's report (checked just below).
      Result dup =
          cluster
              .daemon(0)
              .replica()
              .submit(
                  n0,
                  new Command.UsageReport(n0, 1, List.of(new Command.UsageDelta(id, 100, 1000))));
      assertThat(dup.ok()).isTrue();
      assertThatThrownBy(
              () ->
                  cluster
                      .daemon(2)
                      .replica()
                      .submit(
                          n0,
                          new Command.UsageReport(
                              n0, 9, List.of(new Command.UsageDelta(id, 5, 5)))))
          .as("node 2 reporting for node 0")
          .hasMessageContaining("may only be submitted by the node it is about");
      Result second =
          cluster
              .daemon(0)
              .replica()
              .submit(
                  n0, new Command.UsageReport(n0, 2, List.of(new Command.UsageDelta(id, 1, 2))));
      assertThat(second.ok()).isTrue();
      expected.put(n0, new long[] {101, 1002});
      long total = 0;
      for (long[] v : expected.values()) {
        total += v[0] + v[1];
      }
      long used = total;

      await("usage visible on every node")
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> {
                for (int i = 0; i < 3; i++) {
                  User u = cluster.daemon(i).replica().view().users().get(id);
                  assertThat(u.usedBytes()).as("node %d view", i).isEqualTo(used);
                  assertThat(u.lifetimeUsedBytes()).isEqualTo(used);
                  JsonNode got = cluster.adminClient(i).get("/api/v1/users/" + id).body();
                  assertThat(got.path("used_bytes").asLong()).isEqualTo(used);
                  Map<String, long[]> byNode = new HashMap<>();
                  for (JsonNode row : got.path("node_usage")) {
                    byNode.put(
                        row.path("node_id").asText(),
                        new long[] {
                          row.path("uplink_bytes").asLong(), row.path("downlink_bytes").asLong()
                        });
                    assertThat(row.path("node_name").asText()).isNotBlank();
                    assertThat(row.path("lifetime_used_bytes").asLong())
                        .isEqualTo(
                            row.path("uplink_bytes").asLong()
                                + row.path("downlink_bytes").asLong());
                  }
                  assertThat(byNode).as("node %d breakdown", i).hasSize(3);
                  expected.forEach(
                      (node, v) -> assertThat(byNode.get(node)).as(node).containsExactly(v));
                }
              });

      // Expiry: set 2 s ahead through node 1; the leader's ticker expires the user everywhere.
      Instant expireAt = Instant.now().plusSeconds(2).truncatedTo(ChronoUnit.SECONDS);
      AdminClient.Response patched =
          cluster
              .adminClient(1)
              .patch("/api/v1/users/" + id, "{\"expire_at\":\"" + expireAt + "\"}");
      assertThat(patched.status()).as("%s", patched).isEqualTo(200);
      assertThat(patched.body().path("status").asText()).isEqualTo("active");
      await("user expired on every node")
          .atMost(Duration.ofSeconds(15))
          .untilAsserted(
              () -> {
                for (int i = 0; i < 3; i++) {
                  assertThat(
                          cluster
                              .adminClient(i)
                              .get("/api/v1/users/" + id)
                              .body()
                              .path("status")
                              .asText())
                      .as("node %d", i)
                      .isEqualTo("expired");
                }
              });
      JsonNode audit = a.get("/api/v1/audit?limit=100").body();
      long ticks = 0;
      long reports = 0;
      for (JsonNode e : audit.path("items")) {
        ticks += e.path("action").asText().equals("users.tick") ? 1 : 0;
        reports += e.path("action").asText().equals("usage.report") ? 1 : 0;
      }
      assertThat(ticks).as("one audited tick: %s", audit).isEqualTo(1);
      assertThat(reports).as("usage reports are not audited").isZero();
      cluster.awaitConverged();
    }
  }
}
