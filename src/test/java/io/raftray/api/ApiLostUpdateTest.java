package io.raftray.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftray.api.ApiFixture.Resp;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two PATCHes of different fields, both computed from the same stale view (a follower that lags the
 * log, or two requests racing): both answer 200, so both changes must be in the state.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ApiLostUpdateTest {

  private static ApiFixture stale() {
    return ApiFixture.start(
        ApiSettings.of(ApiFixture.NODE_ID, ApiFixture.BASE_URL), true, StaleView::new);
  }

  @Test
  void endpointSettingsPatch_fromStaleView_keepsBothFields() {
    try (ApiFixture f = stale()) {
      Resp created =
          f.post(
              "/api/v1/endpoints",
              "{\"protocol\":\"vmess\",\"port\":8080,\"transport\":\"ws\","
                  + "\"settings\":{\"path\":\"/p0\",\"host\":\"h0.example\"}}");
      assertThat(created.status()).isEqualTo(201);
      String id = created.json().get("id").asText();
      ((StaleView) f.replica).freeze();

      Resp a = f.patch("/api/v1/endpoints/" + id, "{\"settings\":{\"path\":\"/a\"}}");
      Resp b = f.patch("/api/v1/endpoints/" + id, "{\"settings\":{\"host\":\"b.example\"}}");

      assertThat(a.status()).as(a.body()).isEqualTo(200);
      assertThat(b.status()).as(b.body()).isEqualTo(200);
      JsonNode s =
          f.get("/api/v1/endpoints/" + id + "?consistency=linearizable").json().get("settings");
      assertThat(s.get("path").asText()).as("path set by the first PATCH").isEqualTo("/a");
      assertThat(s.get("host").asText()).as("host set by the second PATCH").isEqualTo("b.example");
      assertThat(b.json().get("settings").get("path").asText())
          .as("the answer to the second PATCH shows the committed record")
          .isEqualTo("/a");
    }
  }

  @Test
  void endpointSettingsPatch_removingAKey_fromStaleView_keepsTheOtherChange() {
    try (ApiFixture f = stale()) {
      Resp created =
          f.post(
              "/api/v1/endpoints",
              "{\"protocol\":\"vmess\",\"port\":8080,\"transport\":\"ws\","
                  + "\"settings\":{\"path\":\"/p0\",\"host\":\"h0.example\"}}");
      String id = created.json().get("id").asText();
      ((StaleView) f.replica).freeze();

      assertThat(f.patch("/api/v1/endpoints/" + id, "{\"settings\":{\"path\":\"/a\"}}").status())
          .isEqualTo(200);
      assertThat(f.patch("/api/v1/endpoints/" + id, "{\"settings\":{\"host\":null}}").status())
          .isEqualTo(200);

      JsonNode s =
          f.get("/api/v1/endpoints/" + id + "?consistency=linearizable").json().get("settings");
      assertThat(s.get("path").asText()).isEqualTo("/a");
      assertThat(s.has("host")).as("host removed: " + s).isFalse();
    }
  }

  @Test
  void subscriptionSettingsPatch_fromStaleView_keepsBothFields() {
    try (ApiFixture f = stale()) {
      ((StaleView) f.replica).freeze();
      String path = ApiSubscriptionSettingsTest.PATH;

      Resp a = f.patch(path, "{\"support_url\":\"https://t.me/help\"}");
      Resp b = f.patch(path, "{\"update_interval_hours\":3}");

      assertThat(a.status()).as(a.body()).isEqualTo(200);
      assertThat(b.status()).as(b.body()).isEqualTo(200);
      JsonNode j = f.get(path + "?consistency=linearizable").json();
      assertThat(j.get("support_url").asText())
          .as("support_url set by the first PATCH")
          .isEqualTo("https://t.me/help");
      assertThat(j.get("update_interval_hours").asInt()).isEqualTo(3);
      assertThat(f.view().subscriptionSettings().supportUrl()).isEqualTo("https://t.me/help");
    }
  }

  @Test
  void subscriptionSettingsPatch_uaRulesAndTitle_fromStaleView_keepsBoth() {
    try (ApiFixture f = stale()) {
      ((StaleView) f.replica).freeze();
      String path = ApiSubscriptionSettingsTest.PATH;

      assertThat(
              f.patch(path, "{\"ua_rules\":[{\"pattern\":\"(?i)^clash\",\"format\":\"clash\"}]}")
                  .status())
          .isEqualTo(200);
      assertThat(f.patch(path, "{\"title_template\":\"VPN {user}\"}").status()).isEqualTo(200);

      JsonNode j = f.get(path + "?consistency=linearizable").json();
      assertThat(j.get("ua_rules_builtin").asBoolean()).isFalse();
      assertThat(j.get("ua_rules")).hasSize(1);
      assertThat(j.get("title_template").asText()).isEqualTo("VPN {user}");
    }
  }
}
