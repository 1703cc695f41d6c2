package io.raftray.sub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftray.config.NodeConfigFile;
import io.raftray.model.Json;
import io.raftray.testing.AdminClient;
import io.raftray.testing.InProcessNodes;
import io.raftray.testing.TestCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Three in-process daemons: the cluster's {@code public_base_urls} give every node's subscription
 * URLs and page, and one node's {@code public_base_url} in node.json comes first on that node only.
 */
@Timeout(180)
class PublicAddressesIT {
  static final String CDN = "https://cdn.example.test";
  static final String MIRROR = "https://mirror.example.test/vpn";
  static final String EU = "https://eu.example.test";

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
  void clusterAddresses_onEveryNode_nodeOverrideFirstOnItsNode() throws Exception {
    AdminClient admin = cluster.adminClient(0);
    AdminClient.Response created = admin.post("/api/v1/users", Map.of("name", "alice"));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    String id = created.body().path("id").asText();
    String own = created.body().path("subscription_url").asText();
    String token = own.substring(own.lastIndexOf('/') + 1);
    assertThat(own).isEqualTo(cluster.daemon(0).config().apiBaseUrl() + "/sub/" + token);

    AdminClient.Response set =
        cluster
            .adminClient(1)
            .patch("/api/v1/settings", Map.of("public_base_urls", List.of(CDN, MIRROR)));
    assertThat(set.status()).as(set.toString()).isEqualTo(200);
    cluster.awaitConverged();
    for (int i = 0; i < 3; i++) {
      JsonNode user = cluster.adminClient(i).get("/api/v1/users/" + id).body();
      assertThat(user.path("subscription_url").asText())
          .as("node %d", i)
          .isEqualTo(CDN + "/sub/" + token);
      assertThat(urls(user)).containsExactly(CDN + "/sub/" + token, MIRROR + "/sub/" + token);
    }

    // node 2 is reached under a name of its own: node.json, read at start
    cluster.kill(2);
    Path file = cluster.dataDir(2).resolve(NodeConfigFile.FILE_NAME);
    ObjectNode root = (ObjectNode) Json.mapper().readTree(file.toFile());
    root.put("public_base_url", EU + "/");
    Files.write(file, Json.mapper().writeValueAsBytes(root));
    cluster.restart(2);
    cluster.awaitConverged();

    JsonNode onTwo = cluster.adminClient(2).get("/api/v1/users/" + id).body();
    assertThat(urls(onTwo))
        .containsExactly(EU + "/sub/" + token, CDN + "/sub/" + token, MIRROR + "/sub/" + token);
    assertThat(
            cluster
                .adminClient(0)
                .get("/api/v1/users/" + id)
                .body()
                .path("subscription_url")
                .asText())
        .isEqualTo(CDN + "/sub/" + token);

    // the end user's page, fetched from each node's own address, shows that node's addresses
    String page2 = page(cluster.daemon(2).config().apiBaseUrl() + "/sub/" + token + "/html");
    assertThat(page2)
        .contains("<code id=\"sub-url\">" + EU + "/sub/" + token + "</code>")
        .contains("<code id=\"sub-url-1\">" + CDN + "/sub/" + token + "</code>")
        .contains("<code id=\"sub-url-2\">" + MIRROR + "/sub/" + token + "</code>");
    String page0 = page(cluster.daemon(0).config().apiBaseUrl() + "/sub/" + token + "/html");
    assertThat(page0)
        .contains("<code id=\"sub-url\">" + CDN + "/sub/" + token + "</code>")
        .doesNotContain(EU);

    // cleared: back to each node's own address, except node 2's override
    assertThat(admin.patch("/api/v1/settings", Map.of("public_base_urls", List.of())).status())
        .isEqualTo(200);
    cluster.awaitConverged();
    assertThat(
            cluster
                .adminClient(1)
                .get("/api/v1/users/" + id)
                .body()
                .path("subscription_url")
                .asText())
        .isEqualTo(cluster.daemon(1).config().apiBaseUrl() + "/sub/" + token);
    assertThat(urls(cluster.adminClient(2).get("/api/v1/users/" + id).body()))
        .containsExactly(EU + "/sub/" + token);
  }

  private String page(String url) throws Exception {
    HttpResponse<String> r =
        await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () ->
                    http.send(
                        HttpRequest.newBuilder(URI.create(url))
                            .timeout(Duration.ofSeconds(10))
                            .GET()
                            .build(),
                        HttpResponse.BodyHandlers.ofString()),
                resp -> resp.statusCode() == 200);
    return r.body();
  }

  private static List<String> urls(JsonNode user) {
    List<String> out = new ArrayList<>();
    user.path("subscription_urls").forEach(u -> out.add(u.asText()));
    return out;
  }
}
