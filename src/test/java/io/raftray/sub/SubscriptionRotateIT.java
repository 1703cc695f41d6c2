package io.raftray.sub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftray.testing.AdminClient;
import io.raftray.testing.InProcessNodes;
import io.raftray.testing.TestCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Three in-process daemons over real TLS: every node serves {@code /sub} from its own view, and a
 * rotated token is dead on a node the moment that node applied the rotation.
 */
@Timeout(180)
class SubscriptionRotateIT {
  TestCluster cluster;
  HttpClient http;

  @BeforeEach
  void start() {
    cluster = TestCluster.start(3);
    cluster.awaitLeader();
    http = InProcessNodes.trustingCa(cluster.dataDir(0));
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
  void rotate_oldTokenDeadOnEveryNodeOnceApplied_newWorksEverywhere() throws Exception {
    AdminClient admin = cluster.adminClient(0);
    String userId =
        created(admin.post("/api/v1/users", Map.of("name", "alice"))).path("id").asText();
    for (int i = 0; i < 3; i++) {
      JsonNode ep =
          created(
              admin.post(
                  "/api/v1/endpoints",
                  Map.of(
                      "node_id",
                      cluster.nodeId(i),
                      "tag",
                      "vless-" + i,
                      "protocol",
                      "vless",
                      "port",
                      20000 + i,
                      "transport",
                      "tcp",
                      "security",
                      "none")));
      created(
          admin.post(
              "/api/v1/grants", Map.of("user_id", userId, "endpoint_id", ep.path("id").asText())));
    }
    cluster.awaitConverged();

    String oldToken = null;
    for (int i = 0; i < 3; i++) {
      JsonNode user = cluster.adminClient(i).get("/api/v1/users/" + userId).body();
      String url = user.path("subscription_url").asText();
      String base = cluster.daemon(i).config().apiBaseUrl();
      assertThat(url).startsWith(base + "/sub/");
      oldToken = url.substring(url.lastIndexOf('/') + 1);
      HttpResponse<String> r = get(url + "/links");
      assertThat(r.statusCode()).as("node %d", i).isEqualTo(200);
      // Every node lists every node's endpoint.
      assertThat(r.body().lines()).as("node %d", i).hasSize(3);
    }

    AdminClient.Response rotated =
        cluster.adminClient(1).post("/api/v1/users/" + userId + "/rotate-subscription", null);
    assertThat(rotated.status()).as(rotated.toString()).isEqualTo(200);
    long index = Long.parseLong(rotated.header("X-Raftray-Applied-Index").orElseThrow());
    String newUrl = rotated.body().path("subscription_url").asText();
    String newToken = newUrl.substring(newUrl.lastIndexOf('/') + 1);
    assertThat(newToken).isNotEqualTo(oldToken).hasSize(32);

    for (int i = 0; i < 3; i++) {
      int node = i;
      await("node " + i + " applies the rotation")
          .atMost(Duration.ofSeconds(30))
          .until(() -> cluster.daemon(node).replica().view().appliedIndex() >= index);
      String base = cluster.daemon(i).config().apiBaseUrl();
      // No waiting here: the node has applied the rotation, so the old token is dead on it.
      for (String suffix : new String[] {"", "/clash", "/html", "?format=singbox"}) {
        HttpResponse<String> old = get(base + "/sub/" + oldToken + suffix);
        assertThat(old.statusCode()).as("node %d old%s", i, suffix).isEqualTo(404);
        assertThat(old.body()).doesNotContain("alice").doesNotContain(userId);
      }
      HttpResponse<String> fresh = get(base + "/sub/" + newToken);
      assertThat(fresh.statusCode()).as("node %d new", i).isEqualTo(200);
      String links = new String(Base64.getDecoder().decode(fresh.body()), StandardCharsets.UTF_8);
      assertThat(links.lines()).hasSize(3);
      assertThat(
              cluster
                  .adminClient(i)
                  .get("/api/v1/users/" + userId)
                  .body()
                  .path("subscription_url")
                  .asText())
          .isEqualTo(base + "/sub/" + newToken);
    }
  }

  private static JsonNode created(AdminClient.Response r) {
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.body();
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
