package io.raftray.sub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftray.state.Command;
import io.raftray.state.Result;
import io.raftray.testing.AdminClient;
import io.raftray.testing.InProcessNodes;
import io.raftray.testing.TestCluster;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Three in-process daemons over real TLS with the default activity interval (10 s): device limits
 * hold cluster-wide (a device accepted on node A counts on node B once A's batch committed), the
 * race for the last slot is decided in log order, deleting a device makes room, and fetch and
 * traffic activity recorded on one node shows on another.
 */
@Timeout(240)
class DeviceLimitClusterIT {
  static final Duration BATCH = Duration.ofSeconds(40);

  TestCluster cluster;
  HttpClient http;
  String userId;
  String token;
  String real;

  @BeforeEach
  void start() {
    cluster = TestCluster.start(3);
    cluster.awaitLeader();
    http = InProcessNodes.trustingCa(cluster.dataDir(0));
    AdminClient admin = cluster.adminClient(0);
    JsonNode user =
        created(admin.post("/api/v1/users", Map.of("name", "alice", "hwid_device_limit", 2)));
    userId = user.path("id").asText();
    String url = user.path("subscription_url").asText();
    token = url.substring(url.lastIndexOf('/') + 1);
    JsonNode ep =
        created(
            admin.post(
                "/api/v1/endpoints",
                Map.of(
                    "node_id",
                    cluster.nodeId(0),
                    "tag",
                    "vless-0",
                    "protocol",
                    "vless",
                    "port",
                    20000,
                    "transport",
                    "tcp",
                    "security",
                    "none")));
    created(
        admin.post(
            "/api/v1/grants", Map.of("user_id", userId, "endpoint_id", ep.path("id").asText())));
    real = "@" + cluster.daemon(0).config().accessHost() + ":20000";
    cluster.awaitConverged();
  }

  @AfterEach
  void stop() {
    if (http != null) {
      http.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void limitTwo_threeDevicesAcrossTwoNodes_thirdGetsThePlaceholderOnEither_deleteMakesRoom()
      throws Exception {
    int a = 0;
    int b = 1;
    assertThat(fetch(a, "dev-1")).contains(real);
    assertThat(fetch(b, "dev-2")).contains(real);
    awaitDevices("dev-1", "dev-2");
    for (int node : new int[] {a, b, 2}) {
      String doc = fetch(node, "dev-3");
      assertThat(doc).as("node %d", node).contains("Device limit reached").doesNotContain(real);
    }
    // Known devices keep working on every node.
    assertThat(fetch(b, "dev-1")).contains(real);
    assertThat(fetch(a, "dev-2")).contains(real);

    AdminClient.Response del =
        cluster.adminClient(2).delete("/api/v1/users/" + userId + "/devices/dev-2");
    assertThat(del.status()).as(del.toString()).isEqualTo(204);
    long index = Long.parseLong(del.header("X-Raftray-Applied-Index").orElseThrow());
    await("node B applies the delete")
        .atMost(Duration.ofSeconds(30))
        .until(() -> cluster.daemon(b).replica().view().appliedIndex() >= index);
    assertThat(fetch(b, "dev-3")).contains(real);
    awaitDevices("dev-1", "dev-3");
    // Now dev-2 is the one beyond the limit, on every node.
    assertThat(fetch(a, "dev-2")).contains("Device limit reached").doesNotContain(real);
    JsonNode list = cluster.adminClient(a).get("/api/v1/users/" + userId + "/devices").body();
    assertThat(list.path("count").asInt()).isEqualTo(2);
    assertThat(list.path("items").get(1).path("node_id").asText()).isEqualTo(cluster.nodeId(b));
  }

  @Test
  void twoNodesRacingForTheLastSlot_logOrderDecides_theLoserIsRefusedEverywhereAfter()
      throws Exception {
    // Same window on two nodes: each accepts its own new device (neither knows the other's yet).
    assertThat(fetch(0, "dev-a")).contains(real);
    assertThat(fetch(1, "dev-b")).contains(real);
    assertThat(fetch(2, "dev-c")).contains(real);
    await("two devices registered on every node")
        .atMost(BATCH)
        .pollInterval(Duration.ofMillis(200))
        .until(this::twoEverywhere);
    java.util.Set<String> registered =
        java.util.Set.copyOf(cluster.daemon(0).replica().view().devices(userId).keySet());
    assertThat(registered).hasSize(2);
    String loser =
        List.of("dev-a", "dev-b", "dev-c").stream()
            .filter(h -> !registered.contains(h))
            .findFirst()
            .orElseThrow();
    // The node that accepted the loser keeps serving it only until its own batch applied.
    for (int i = 0; i < 3; i++) {
      int node = i;
      await("node " + i + " refuses " + loser)
          .atMost(BATCH)
          .pollInterval(Duration.ofMillis(500))
          .until(() -> fetch(node, loser).contains("Device limit reached"));
    }
    assertThat(cluster.daemon(0).replica().view().devices(userId).keySet()).isEqualTo(registered);
    for (int i = 0; i < 3; i++) {
      assertThat(fetch(i, loser)).as("node %d", i).contains("Device limit reached");
      for (String h : registered) {
        assertThat(fetch(i, h)).as("node %d %s", i, h).contains(real);
      }
    }
  }

  @Test
  void fetchAndTrafficActivity_recordedOnOneNode_showOnAnother() throws Exception {
    Instant before = Instant.now().minusSeconds(1);
    HttpResponse<String> r =
        get(cluster.daemon(1).config().apiBaseUrl() + "/sub/" + token, "User-Agent", "Happ/3.1");
    assertThat(r.statusCode()).isEqualTo(200);
    // Traffic: the usage report node A's collector would send (marks_online), committed via A.
    Result rep =
        cluster
            .daemon(0)
            .replica()
            .submit(
                cluster.nodeId(0),
                new Command.UsageReport(
                    cluster.nodeId(0), 1, List.of(new Command.UsageDelta(userId, 5, 5)), true));
    assertThat(rep.ok()).as(rep.message()).isTrue();
    AdminClient c = cluster.adminClient(2);
    await("node C shows the fetch made on node B")
        .atMost(BATCH)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> !c.get("/api/v1/users/" + userId).body().path("sub_updated_at").isNull());
    JsonNode u = c.get("/api/v1/users/" + userId).body();
    assertThat(Instant.parse(u.path("sub_updated_at").asText())).isAfter(before);
    assertThat(u.path("sub_last_user_agent").asText()).isEqualTo("Happ/3.1");
    assertThat(Instant.parse(u.path("online_at").asText())).isAfter(before);
    JsonNode stats = c.get("/api/v1/stats/users").body();
    assertThat(stats.path("online_5m").asInt()).isEqualTo(1);
    JsonNode online = c.get("/api/v1/users?online_since=" + before).body().path("items");
    assertThat(online).hasSize(1);
  }

  /** Whether every node has two devices registered. */
  private boolean twoEverywhere() {
    for (int i = 0; i < 3; i++) {
      if (cluster.daemon(i).replica().view().devices(userId).size() != 2) {
        return false;
      }
    }
    return true;
  }

  private void awaitDevices(String... hwids) {
    await("every node knows " + List.of(hwids))
        .atMost(BATCH)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              for (int i = 0; i < 3; i++) {
                if (!cluster
                    .daemon(i)
                    .replica()
                    .view()
                    .devices(userId)
                    .keySet()
                    .equals(java.util.Set.of(hwids))) {
                  return false;
                }
              }
              return true;
            });
  }

  /** The decoded base64 document node {@code i} serves device {@code hwid}. */
  private String fetch(int i, String hwid) throws Exception {
    HttpResponse<String> r =
        get(
            cluster.daemon(i).config().apiBaseUrl() + "/sub/" + token + "/base64",
            "x-hwid",
            hwid,
            "x-device-os",
            "Android",
            "User-Agent",
            "Happ/3.1");
    assertThat(r.statusCode()).isEqualTo(200);
    String doc = new String(Base64.getDecoder().decode(r.body().strip()), StandardCharsets.UTF_8);
    return URLDecoder.decode(doc.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static JsonNode created(AdminClient.Response r) {
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.body();
  }

  private HttpResponse<String> get(String url, String... headers) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).GET();
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
