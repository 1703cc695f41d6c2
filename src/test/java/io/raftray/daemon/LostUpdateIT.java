package io.raftray.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftray.testing.AdminClient;
import io.raftray.testing.TestCluster;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two in-process daemons; each round PATCHes two different fields of the same record at the same
 * moment, one through each node (so one of them goes through a follower). Both answer 200, so after
 * every round both values must be there: no change may vanish.
 */
@Timeout(300)
class LostUpdateIT {
  static final int ROUNDS = 100;
  TestCluster cluster;
  ExecutorService pool = Executors.newFixedThreadPool(2);

  @AfterEach
  void stop() {
    pool.shutdownNow();
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void concurrentPatchesOfDifferentFields_throughTwoNodes_loseNothing() throws Exception {
    cluster = TestCluster.start(2);
    cluster.awaitLeader();
    AdminClient a = cluster.adminClient(0);
    AdminClient b = cluster.adminClient(1);
    AdminClient.Response ep =
        a.post(
            "/api/v1/endpoints",
            Map.of(
                "node_id",
                cluster.nodeId(0),
                "protocol",
                "vmess",
                "port",
                20080,
                "transport",
                "ws",
                "settings",
                Map.of("path", "/p", "host", "h.example")));
    assertThat(ep.status()).as(ep.toString()).isEqualTo(201);
    String endpoint = "/api/v1/endpoints/" + ep.body().path("id").asText();
    String subs = "/api/v1/subscription-settings";

    List<String> lost = new ArrayList<>();
    for (int i = 0; i < ROUNDS; i++) {
      String path = "/r" + i;
      String host = "h" + i + ".example";
      String url = "https://help.example/" + i;
      int hours = 1 + i;
      CyclicBarrier go = new CyclicBarrier(2);
      CompletableFuture<AdminClient.Response> pa =
          run(
              go,
              () -> a.patch(endpoint, Map.of("settings", Map.of("path", path))),
              () -> a.patch(subs, Map.of("support_url", url)));
      CompletableFuture<AdminClient.Response> pb =
          run(
              go,
              () -> b.patch(endpoint, Map.of("settings", Map.of("host", host))),
              () -> b.patch(subs, Map.of("update_interval_hours", hours)));
      assertThat(pa.get().status()).as("round %d via node 0: %s", i, pa.get()).isEqualTo(200);
      assertThat(pb.get().status()).as("round %d via node 1: %s", i, pb.get()).isEqualTo(200);

      JsonNode s = a.get(endpoint + "?consistency=linearizable").body().path("settings");
      if (!path.equals(s.path("path").asText())) {
        lost.add("round " + i + ": endpoint path (got " + s.path("path") + ")");
      }
      if (!host.equals(s.path("host").asText())) {
        lost.add("round " + i + ": endpoint host (got " + s.path("host") + ")");
      }
      JsonNode ss = b.get(subs + "?consistency=linearizable").body();
      if (!url.equals(ss.path("support_url").asText())) {
        lost.add("round " + i + ": support_url (got " + ss.path("support_url") + ")");
      }
      if (ss.path("update_interval_hours").asInt() != hours) {
        lost.add(
            "round "
                + i
                + ": update_interval_hours (got "
                + ss.path("update_interval_hours")
                + ")");
      }
    }
    System.out.println("LostUpdateIT: " + ROUNDS + " rounds, " + lost.size() + " lost fields");
    assertThat(lost).as("fields lost in %d rounds", ROUNDS).isEmpty();
    cluster.awaitConverged();
  }

  /** After the barrier: the endpoint PATCH, then the settings PATCH; the second answer. */
  private CompletableFuture<AdminClient.Response> run(
      CyclicBarrier go,
      Supplier<AdminClient.Response> first,
      Supplier<AdminClient.Response> second) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            go.await();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
          AdminClient.Response r = first.get();
          if (r.status() != 200) {
            return r;
          }
          return second.get();
        },
        pool);
  }
}
