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

/** {@code /webhooks} over the real listener: CRUD, the write-only secret, roles, bad input. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ApiWebhooksTest {
  private static final String SECRET = "given-secret-0123456789";
  private ApiFixture f;

  @BeforeEach
  void start() {
    f = ApiFixture.start();
  }

  @AfterEach
  void stop() {
    f.close();
  }

  @Test
  void create_withSecret_neverShowsIt_andEveryAnswerRedactsIt() {
    Resp r =
        f.post(
            "/api/v1/webhooks",
            "{\"url\":\"https://hooks.example/in?k=1\",\"secret\":\""
                + SECRET
                + "\",\"events\":[\"user.created\",\"node.down\"]}");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    assertThat(r.body()).doesNotContain(SECRET);
    JsonNode h = r.json();
    assertThat(h.get("secret_set").asBoolean()).isTrue();
    assertThat(h.get("enabled").asBoolean()).isTrue();
    assertThat(h.get("events")).hasSize(2);
    String id = h.get("id").asText();
    assertThat(f.view().webhooks().hooks().get(id).secret()).isEqualTo(SECRET);

    String viewer = f.token(Role.VIEWER);
    Resp list = f.send("GET", "/api/v1/webhooks", viewer, null);
    assertThat(list.status()).isEqualTo(200);
    assertThat(list.body()).contains(id).doesNotContain(SECRET);
    Resp one = f.send("GET", "/api/v1/webhooks/" + id, viewer, null);
    assertThat(one.body()).doesNotContain(SECRET);
    Resp log = f.send("GET", "/api/v1/webhooks/" + id + "/deliveries", viewer, null);
    assertThat(log.status()).isEqualTo(200);
    assertThat(log.json().get("items")).isEmpty();
    // The audit names the webhook, never the secret or the url's query.
    assertThat(f.get("/api/v1/audit").body())
        .contains(id)
        .doesNotContain(SECRET)
        .doesNotContain("k=1");
  }

  @Test
  void create_withoutSecret_generatesOne_shownOnlyInThatAnswer() {
    Resp r = f.post("/api/v1/webhooks", "{\"url\":\"http://127.0.0.1:9000/hook\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    String secret = r.json().get("secret").asText();
    assertThat(secret).hasSizeGreaterThanOrEqualTo(40);
    String id = r.json().get("id").asText();
    assertThat(f.get("/api/v1/webhooks/" + id).body()).doesNotContain(secret);
  }

  @Test
  void update_delete_andSettings() {
    String id =
        f.post(
                "/api/v1/webhooks",
                "{\"url\":\"https://a.example/h\",\"secret\":\"" + SECRET + "\"}")
            .json()
            .get("id")
            .asText();
    Resp p = f.patch("/api/v1/webhooks/" + id, "{\"enabled\":false,\"events\":[\"user.deleted\"]}");
    assertThat(p.status()).as(p.body()).isEqualTo(200);
    assertThat(p.json().get("enabled").asBoolean()).isFalse();
    assertThat(f.view().webhooks().hooks().get(id).secret()).isEqualTo(SECRET);
    Resp s =
        f.patch("/api/v1/webhooks/settings", "{\"expiring_days\":7,\"limit_near_percent\":90}");
    assertThat(s.status()).as(s.body()).isEqualTo(200);
    assertThat(f.get("/api/v1/webhooks/settings").json().get("expiring_days").asInt()).isEqualTo(7);
    assertThat(f.delete("/api/v1/webhooks/" + id).status()).isEqualTo(204);
    assertThat(f.get("/api/v1/webhooks/" + id).status()).isEqualTo(404);
  }

  @Test
  void badInput_isOne400WithEveryProblem_andChangesNothing() {
    Resp r =
        f.post(
            "/api/v1/webhooks",
            "{\"url\":\"http://hooks.example/h\",\"secret\":\"short\",\"events\":[\"user.nope\"],\"x\":1}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.body()).contains("url").contains("secret").contains("events[0]").contains("\"x\"");
    assertThat(f.post("/api/v1/webhooks", "{\"url\":\"https://u:p@a.example/\"}").status())
        .isEqualTo(400);
    assertThat(f.patch("/api/v1/webhooks/settings", "{\"limit_near_percent\":100}").status())
        .isEqualTo(400);
    assertThat(f.view().webhooks().hooks()).isEmpty();
  }

  @Test
  void viewer_cannotWrite() {
    String viewer = f.token(Role.VIEWER);
    Resp r = f.send("POST", "/api/v1/webhooks", viewer, "{\"url\":\"https://a.example/h\"}");
    assertThat(r.status()).isEqualTo(403);
    assertThat(f.send("PATCH", "/api/v1/webhooks/settings", viewer, "{}").status()).isEqualTo(403);
    assertThat(f.view().webhooks().hooks()).isEmpty();
  }
}
