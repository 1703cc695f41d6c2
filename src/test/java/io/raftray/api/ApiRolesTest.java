package io.raftray.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftray.api.ApiFixture.Resp;
import io.raftray.model.Role;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The role table of docs/api.md: what a viewer may not read, what only the owner may do. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ApiRolesTest {
  private ApiFixture f;
  private String viewer;
  private String admin;
  private String userId;
  private String subscriptionUrl;
  private String credential;
  private String serverKey;

  @BeforeEach
  void start() {
    f = ApiFixture.start();
    viewer = f.token(Role.VIEWER);
    admin = f.token(Role.ADMIN);
    JsonNode user = f.post("/api/v1/users", "{\"name\":\"alice\"}").json();
    userId = user.get("id").asText();
    subscriptionUrl = user.get("subscription_url").asText();
    JsonNode ep =
        f.post(
                "/api/v1/endpoints",
                "{\"protocol\":\"shadowsocks\",\"port\":8388,"
                    + "\"settings\":{\"method\":\"2022-blake3-aes-256-gcm\"}}")
            .json();
    serverKey = ep.get("settings").get("server_key").asText();
    JsonNode g =
        f.post("/api/v1/grants", ApiEndpointsGrantsTest.grant(userId, ep.get("id").asText()))
            .json();
    credential = g.get("credential").asText();
    assertThat(subscriptionUrl).contains("/sub/");
    assertThat(credential).isNotEmpty();
  }

  @AfterEach
  void stop() {
    f.close();
  }

  private Resp as(String token, String method, String path) {
    return f.send(method, path, token, null);
  }

  @Test
  void viewer_readsUsersGrantsEndpoints_withoutAnyCredentialOrSubscriptionLink() {
    String token = f.view().users().get(userId).subscriptionToken();
    for (String path :
        new String[] {
          "/api/v1/users",
          "/api/v1/users/" + userId,
          "/api/v1/grants",
          "/api/v1/grants/" + f.view().grants().firstKey(),
          "/api/v1/endpoints",
          "/api/v1/endpoints/" + f.view().endpoints().firstKey(),
          "/api/v1/audit",
          "/api/v1/nodes"
        }) {
      Resp r = as(viewer, "GET", path);
      assertThat(r.status()).as(path).isEqualTo(200);
      assertThat(r.body())
          .as(path + " read by a viewer")
          .doesNotContain(token)
          .doesNotContain(credential)
          .doesNotContain(serverKey);
    }
    JsonNode u = as(viewer, "GET", "/api/v1/users/" + userId).json();
    assertThat(u.has("subscription_url")).isFalse();
    assertThat(u.get("name").asText()).isEqualTo("alice");
    JsonNode listed = as(viewer, "GET", "/api/v1/users").json().get("items").get(0);
    assertThat(listed.has("subscription_url")).isFalse();
    JsonNode g = as(viewer, "GET", "/api/v1/grants").json().get("items").get(0);
    assertThat(g.has("credential")).isFalse();
    assertThat(g.get("user_id").asText()).isEqualTo(userId);
    JsonNode e = as(viewer, "GET", "/api/v1/endpoints").json().get("items").get(0);
    assertThat(e.get("settings").has("server_key")).isFalse();
    assertThat(e.get("settings").get("method").asText()).isEqualTo("2022-blake3-aes-256-gcm");
  }

  @Test
  void admin_andOwner_stillReadCredentials() {
    for (String t : new String[] {admin, f.owner}) {
      assertThat(as(t, "GET", "/api/v1/users/" + userId).json().get("subscription_url").asText())
          .isEqualTo(subscriptionUrl);
      assertThat(
              as(t, "GET", "/api/v1/grants").json().get("items").get(0).get("credential").asText())
          .isEqualTo(credential);
      assertThat(as(t, "GET", "/api/v1/endpoints").body()).contains(serverKey);
    }
  }

  @Test
  void joinTokenCreation_isOwnerOnly_adminGets403AndNothingIsCommitted() {
    int before = f.view().joinTokens().size();
    Resp denied = f.send("POST", "/api/v1/join-tokens", admin, "{}");
    assertThat(denied.status()).isEqualTo(403);
    assertThat(denied.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(denied.json().get("detail").asText()).contains("owner");
    assertThat(denied.body()).doesNotContain("rrj_");
    assertThat(f.view().joinTokens()).hasSize(before);
    assertThat(f.send("POST", "/api/v1/join-tokens", viewer, "{}").status()).isEqualTo(403);

    Resp ok = f.post("/api/v1/join-tokens", "{}");
    assertThat(ok.status()).as(ok.body()).isEqualTo(201);
    String id = ok.json().get("id").asText();
    // Listing and revoking (which only takes access away) stay open to admins.
    assertThat(f.send("GET", "/api/v1/join-tokens", admin, null).status()).isEqualTo(200);
    assertThat(f.send("DELETE", "/api/v1/join-tokens/" + id, admin, null).status()).isEqualTo(204);
  }
}
