package io.raftray.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftray.api.ApiFixture.Resp;
import io.raftray.model.Role;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code public_base_urls} in {@code /settings}: every {@code subscription_url} under the first,
 * {@code subscription_urls} under each, ahead of the older {@code public_url}; the node's own
 * {@code public_base_url} ahead of both; validation.
 */
@Timeout(60)
class ApiPublicBaseUrlsTest {
  ApiFixture f;

  @BeforeEach
  void start() {
    f = ApiFixture.start();
  }

  @AfterEach
  void stop() {
    f.close();
  }

  @Test
  void publicBaseUrls_giveEverySubscriptionUrl_aheadOfPublicUrl_clearedByEmptyList() {
    assertThat(f.get("/api/v1/settings").json().get("public_base_urls")).isEmpty();
    Resp created = f.post("/api/v1/users", "{\"name\":\"pat\"}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String id = created.json().get("id").asText();
    String own = created.json().get("subscription_url").asText();
    String token = own.substring(own.lastIndexOf('/') + 1);
    assertThat(urls(f.get("/api/v1/users/" + id).json())).containsExactly(own);
    f.patch("/api/v1/subscription-settings", "{\"public_url\":\"https://old.example\"}");

    Resp r =
        f.patch(
            "/api/v1/settings",
            "{\"public_base_urls\":[\"https://cdn.example/vpn/\",\"https://mirror.example:8443\"]}");

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().get("public_base_urls").toString())
        .isEqualTo("[\"https://cdn.example/vpn\",\"https://mirror.example:8443\"]");
    JsonNode user = f.get("/api/v1/users/" + id).json();
    assertThat(user.get("subscription_url").asText())
        .isEqualTo("https://cdn.example/vpn/sub/" + token);
    assertThat(urls(user))
        .containsExactly(
            "https://cdn.example/vpn/sub/" + token, "https://mirror.example:8443/sub/" + token);
    assertThat(f.get("/api/v1/users").json().get("items").get(0).get("subscription_url").asText())
        .isEqualTo("https://cdn.example/vpn/sub/" + token);
    // another field's patch keeps them; an empty list clears them, and public_url is used again
    f.patch("/api/v1/settings", "{\"audit_retention\":500}");
    assertThat(f.view().settings().effectivePublicBaseUrls()).hasSize(2);
    assertThat(f.patch("/api/v1/settings", "{\"public_base_urls\":[]}").status()).isEqualTo(200);
    assertThat(f.view().settings().publicBaseUrls()).isNull();
    assertThat(f.get("/api/v1/users/" + id).json().get("subscription_url").asText())
        .isEqualTo("https://old.example/sub/" + token);
    assertThat(f.patch("/api/v1/settings", "{\"public_base_urls\":null}").status()).isEqualTo(200);
    var audit = f.view().audit().all();
    assertThat(audit.get(audit.size() - 1).summary()).isEqualTo("public base urls cleared");
  }

  @Test
  void nodeOverride_comesFirst_thenTheClusterUrls() {
    try (ApiFixture node =
        ApiFixture.start(
            ApiSettings.of(ApiFixture.NODE_ID, ApiFixture.BASE_URL)
                .withPublicBaseUrl("https://eu.example"),
            true,
            b -> b)) {
      String url =
          node.post("/api/v1/users", "{\"name\":\"eve\"}").json().get("subscription_url").asText();
      String token = url.substring(url.lastIndexOf('/') + 1);
      assertThat(url).isEqualTo("https://eu.example/sub/" + token);

      node.patch(
          "/api/v1/settings",
          "{\"public_base_urls\":[\"https://cdn.example\",\"https://eu.example/\"]}");

      JsonNode user = node.get("/api/v1/users").json().get("items").get(0);
      assertThat(urls(user))
          .containsExactly("https://eu.example/sub/" + token, "https://cdn.example/sub/" + token);
    }
  }

  @Test
  void viewer_readsButCannotWrite() {
    String viewer = f.token(Role.VIEWER);
    assertThat(f.send("GET", "/api/v1/settings", viewer, null).json().has("public_base_urls"))
        .isTrue();
    Resp r =
        f.send(
            "PATCH", "/api/v1/settings", viewer, "{\"public_base_urls\":[\"https://a.example\"]}");
    assertThat(r.status()).isEqualTo(403);
    assertThat(f.view().settings().publicBaseUrls()).isNull();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          not a list | {"public_base_urls":"https://a.example"} | public_base_urls
          too many | {"public_base_urls":{nine}} | public_base_urls
          http | {"public_base_urls":["http://a.example"]} | public_base_urls[0]
          number | {"public_base_urls":[7]} | public_base_urls[0]
          query | {"public_base_urls":["https://a.example","https://b.example/?x=1"]} | public_base_urls[1]
          user info | {"public_base_urls":["https://u:p@a.example"]} | public_base_urls[0]
          no host | {"public_base_urls":["https:///sub"]} | public_base_urls[0]
          repeated | {"public_base_urls":["https://a.example","https://a.example/"]} | public_base_urls[1]
          too long | {"public_base_urls":["https://a.example/{long}"]} | public_base_urls[0]
          """)
  void badInput_400NamingTheField_nothingApplied(String name, String body, String field) {
    List<String> nine = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      nine.add("\"https://n" + i + ".example\"");
    }
    String json = body.replace("{nine}", nine.toString()).replace("{long}", "a".repeat(512));
    long index = f.view().appliedIndex();

    Resp r = f.patch("/api/v1/settings", json);

    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.header("content-type")).isEqualTo("application/problem+json");
    assertThat(r.json().path("errors").get(0).path("field").asText()).isEqualTo(field);
    assertThat(f.view().appliedIndex()).isEqualTo(index);
  }

  private static List<String> urls(JsonNode user) {
    List<String> out = new ArrayList<>();
    user.get("subscription_urls").forEach(u -> out.add(u.asText()));
    return out;
  }
}
