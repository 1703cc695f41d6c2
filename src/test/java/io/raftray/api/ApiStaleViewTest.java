package io.raftray.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftray.api.ApiFixture.Resp;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A node whose local view lags (just restarted, or cut off and back) must not give a definite "not
 * found" or "conflict" to a write about something the cluster already acknowledged: the
 * linearizability fault run found DELETE answering 404 for a user that existed. The view is frozen
 * before the user is created, so every local pre-check misses it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ApiStaleViewTest {

  private static ApiFixture stale() {
    return ApiFixture.start(
        ApiSettings.of(ApiFixture.NODE_ID, ApiFixture.BASE_URL), true, StaleView::new);
  }

  @Test
  void delete_ofAUserTheLocalViewDoesNotHaveYet_deletesIt() {
    try (ApiFixture f = stale()) {
      ((StaleView) f.replica).freeze();
      Resp created = f.post("/api/v1/users", "{\"name\":\"alice\"}");
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      String id = created.json().get("id").asText();

      Resp del = f.delete("/api/v1/users/" + id);

      assertThat(del.status()).as(del.body()).isEqualTo(204);
      assertThat(f.get("/api/v1/users/" + id + "?consistency=linearizable").status())
          .isEqualTo(404);
    }
  }

  @Test
  void patch_ofAUserTheLocalViewDoesNotHaveYet_appliesIt() {
    try (ApiFixture f = stale()) {
      ((StaleView) f.replica).freeze();
      Resp created = f.post("/api/v1/users", "{\"name\":\"bob\"}");
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      String id = created.json().get("id").asText();

      Resp p = f.patch("/api/v1/users/" + id, "{\"note\":\"vip\"}");

      assertThat(p.status()).as(p.body()).isEqualTo(200);
      assertThat(p.json().get("note").asText()).isEqualTo("vip");
    }
  }

  @Test
  void aUserThatReallyIsMissing_stillAnswers404() {
    try (ApiFixture f = stale()) {
      Resp del = f.delete("/api/v1/users/usr_01M8T34RY6CYVC39ADNWBA4ZB6");
      assertThat(del.status()).isEqualTo(404);
      assertThat(del.body()).contains("not found");
    }
  }
}
