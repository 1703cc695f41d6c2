package io.raftray.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftray.model.Json;
import io.raftray.state.Features;
import io.raftray.testing.AdminClient;
import io.raftray.testing.InProcessNodes;
import io.raftray.testing.MarzbanSchemas;
import io.raftray.testing.TestCluster;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a typical Marzban shop bot does, against a real 3-node cluster over TLS, each step on
 * another node than the one before: token, create a user with proxies and inbounds, read its {@code
 * subscription_url} and {@code links} (and fetch the URL for real), extend the expiry, reset the
 * usage, revoke the subscription (the old link dead, the new one working), delete. Bad input is a
 * Marzban-style 422/404/409 and changes nothing.
 */
@Timeout(120)
class MarzbanShopBotIT {
  static final String PW = "shop bot password 1";
  static final String VLESS_ID = "0b6c8e1a-7a4f-4d2e-9c3b-5e6f7a8b9c0d";
  TestCluster cluster;
  HttpClient http;

  @AfterEach
  void stop() {
    if (http != null) {
      http.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  private AdminClient bot(int node, String token) {
    return cluster.adminClient(node).withHeaders(Map.of("Authorization", "Bearer " + token));
  }

  private static JsonNode ok(AdminClient.Response r, String schema) {
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(MarzbanSchemas.problems(schema, r.body())).as(r.toString()).isEmpty();
    return r.body();
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> token(int node, String username, String password) throws Exception {
    String form =
        "grant_type=password&username="
            + URLEncoder.encode(username, StandardCharsets.UTF_8)
            + "&password="
            + URLEncoder.encode(password, StandardCharsets.UTF_8);
    return http.send(
        HttpRequest.newBuilder(URI.create(cluster.adminClient(node).baseUrl() + "/api/admin/token"))
            .timeout(Duration.ofSeconds(20))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static Set<String> links(String base64) {
    String text = new String(Base64.getDecoder().decode(base64.strip()), StandardCharsets.UTF_8);
    return new HashSet<>(text.lines().toList());
  }

  @Test
  void shopBotFlow_onEveryNode_andBadInputChangesNothing() throws Exception {
    cluster = TestCluster.start(3);
    cluster.awaitLeader();
    http = InProcessNodes.trustingCa(cluster.dataDir(0));
    AdminClient owner = cluster.adminClient(0);

    // Switched off: Marzban's paths are unknown paths.
    assertThat(token(1, "shopbot", PW).statusCode()).isEqualTo(404);
    assertThat(owner.get("/api/users").status()).isEqualTo(404);

    // The operator's side: one endpoint per node, labelled with the Marzban tag (as the importer
    // does), the group for that tag, an admin account for the bot, and the switch.
    for (int i = 0; i < 3; i++) {
      AdminClient.Response ep =
          owner.post(
              "/api/v1/endpoints",
              Map.of(
                  "node_id",
                  cluster.nodeId(i),
                  "tag",
                  "vless-" + i,
                  "protocol",
                  "vless",
                  "port",
                  21000 + i,
                  "labels",
                  Map.of("marzban_inbound", "VLESS TCP")));
      assertThat(ep.status()).as(ep.toString()).isEqualTo(201);
    }
    AdminClient.Response group =
        owner.post(
            "/api/v1/groups",
            Map.of(
                "name",
                "marzban-VLESS-TCP",
                "selector",
                Map.of("endpoint_labels", Map.of("marzban_inbound", "VLESS TCP"))));
    assertThat(group.status()).as(group.toString()).isEqualTo(201);
    AdminClient.Response admin =
        owner.post(
            "/api/v1/admins", Map.of("username", "shopbot", "password", PW, "role", "admin"));
    assertThat(admin.status()).as(admin.toString()).isEqualTo(201);
    // The switch is a newer field of settings.update: logged once every voter reads its level.
    await("the cluster reads the Marzban API's feature level")
        .atMost(Duration.ofSeconds(30))
        .until(() -> cluster.daemon(0).replica().view().featureLevel() >= Features.MARZBAN_API);
    AdminClient.Response on = owner.patch("/api/v1/settings", Map.of("marzban_compat_api", true));
    assertThat(on.status()).as(on.toString()).isEqualTo(200);
    cluster.awaitConverged();

    // Token on node 1.
    HttpResponse<String> wrong = token(1, "shopbot", "not the password");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.headers().firstValue("WWW-Authenticate")).contains("Bearer");
    HttpResponse<String> login = token(1, "shopbot", PW);
    assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
    JsonNode tokenBody = Json.mapper().readTree(login.body());
    assertThat(MarzbanSchemas.problems("Token", tokenBody)).isEmpty();
    String token = tokenBody.get("access_token").asText();

    // Create on node 1, with the proxy's own id and the inbound.
    JsonNode created =
        ok(
            bot(1, token)
                .post(
                    "/api/user",
                    Map.of(
                        "username",
                        "buyer_42",
                        "proxies",
                        Map.of("vless", Map.of("id", VLESS_ID)),
                        "inbounds",
                        Map.of("vless", List.of("VLESS TCP")),
                        "expire",
                        1_900_000_000L,
                        "data_limit",
                        50L << 30,
                        "data_limit_reset_strategy",
                        "no_reset")),
            "UserResponse");
    assertThat(created.path("links")).hasSize(3);

    // Read it on node 2 (the token was issued on node 1: a replicated session).
    AdminClient on2 = bot(2, token);
    await("the user reached node 2")
        .atMost(Duration.ofSeconds(30))
        .until(() -> on2.get("/api/user/buyer_42").status() == 200);
    JsonNode user = ok(on2.get("/api/user/buyer_42"), "UserResponse");
    assertThat(user.path("proxies").path("vless").path("id").asText()).isEqualTo(VLESS_ID);
    assertThat(user.path("inbounds").path("vless").toString()).isEqualTo("[\"VLESS TCP\"]");
    String subUrl = user.path("subscription_url").asText();
    assertThat(subUrl).startsWith(cluster.daemon(2).config().apiBaseUrl() + "/sub/");
    Set<String> apiLinks = new HashSet<>();
    user.path("links").forEach(l -> apiLinks.add(l.asText()));
    assertThat(apiLinks).hasSize(3).allMatch(l -> l.startsWith("vless://" + VLESS_ID + "@"));
    HttpResponse<String> fetched = get(subUrl);
    assertThat(fetched.statusCode()).isEqualTo(200);
    assertThat(links(fetched.body())).isEqualTo(apiLinks);

    // Bad input on node 2: Marzban's errors, nothing changed.
    var usersBefore = cluster.daemon(2).replica().view().users();
    AdminClient.Response dup =
        on2.post("/api/user", Map.of("username", "buyer_42", "proxies", Map.of("vless", Map.of())));
    assertThat(dup.status()).isEqualTo(409);
    assertThat(dup.body().path("detail").asText()).isEqualTo("User already exists");
    AdminClient.Response invalid =
        on2.post(
            "/api/user",
            Map.of(
                "username", "x",
                "proxies", Map.of("vless", Map.of("id", "not-a-uuid")),
                "inbounds", Map.of("vless", List.of("No Such Inbound"))));
    assertThat(invalid.status()).isEqualTo(422);
    assertThat(MarzbanSchemas.problems("HTTPValidationError", invalid.body())).isEmpty();
    AdminClient.Response badPut = on2.send("PUT", "/api/user/buyer_42", Map.of("expire", "later"));
    assertThat(badPut.status()).isEqualTo(422);
    assertThat(on2.send("PUT", "/api/user/nobody", Map.of("expire", 0)).status()).isEqualTo(404);
    assertThat(cluster.daemon(2).replica().view().users()).isEqualTo(usersBefore);

    // Extend on node 2, reset on node 0.
    JsonNode extended =
        ok(on2.send("PUT", "/api/user/buyer_42", Map.of("expire", 1_950_000_000L)), "UserResponse");
    assertThat(extended.path("expire").asLong()).isEqualTo(1_950_000_000L);
    AdminClient on0 = bot(0, token);
    JsonNode reset = ok(on0.post("/api/user/buyer_42/reset", null), "UserResponse");
    assertThat(reset.path("used_traffic").asLong()).isZero();
    assertThat(reset.path("expire").asLong()).isEqualTo(1_950_000_000L);

    // Revoke on node 2: the answer is read after node 2 applied it, so the old link is dead there.
    JsonNode revoked = ok(on2.post("/api/user/buyer_42/revoke_sub", null), "UserResponse");
    String newUrl = revoked.path("subscription_url").asText();
    assertThat(newUrl).isNotEqualTo(subUrl);
    assertThat(revoked.path("proxies").path("vless").path("id").asText()).isNotEqualTo(VLESS_ID);
    assertThat(get(subUrl).statusCode()).isEqualTo(404);
    HttpResponse<String> fresh = get(newUrl);
    assertThat(fresh.statusCode()).isEqualTo(200);
    assertThat(links(fresh.body()))
        .hasSize(3)
        .allMatch(l -> l.contains(revoked.path("proxies").path("vless").path("id").asText()));

    // Delete on node 0 (not the node that created it).
    AdminClient.Response deleted = on0.delete("/api/user/buyer_42");
    assertThat(deleted.status()).as(deleted.toString()).isEqualTo(200);
    assertThat(deleted.body().path("detail").asText()).isEqualTo("User successfully deleted");
    assertThat(on0.get("/api/user/buyer_42").status()).isEqualTo(404);
    ok(on0.get("/api/users"), "UsersResponse");
  }
}
