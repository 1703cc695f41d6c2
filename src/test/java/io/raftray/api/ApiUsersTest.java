package io.raftray.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftray.api.ApiFixture.Resp;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ApiUsersTest {
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
  void users_crudAndActions_roundTrip() {
    Resp created =
        f.post(
            "/api/v1/users",
            """
            {"name":"alice","note":"VIP","data_limit_bytes":1000,"reset_strategy":"month",
             "expire_at":"2031-01-01T00:00:00Z"}""");
    assertThat(created.status()).isEqualTo(201);
    JsonNode u = created.json();
    String id = u.get("id").asText();
    assertThat(id).startsWith("usr_").hasSize(30);
    assertThat(u.get("status").asText()).isEqualTo("active");
    assertThat(u.get("reset_strategy").asText()).isEqualTo("month");
    assertThat(u.get("expire_at").asText()).isEqualTo("2031-01-01T00:00:00Z");
    for (String field :
        List.of("used_bytes", "uplink_bytes", "downlink_bytes", "lifetime_used_bytes")) {
      assertThat(u.get(field).asLong()).isZero();
    }
    assertThat(u.get("subscription_url").asText())
        .startsWith(ApiFixture.BASE_URL + "/sub/")
        .hasSize(ApiFixture.BASE_URL.length() + 5 + 32);
    assertThat(u.get("created_at").asText()).isEqualTo("2030-01-01T00:00:00Z");
    assertThat(created.header("X-Raftray-Applied-Index"))
        .isEqualTo(Long.toString(f.view().appliedIndex()));

    assertThat(f.get("/api/v1/users/" + id).json().get("name").asText()).isEqualTo("alice");

    Resp patched =
        f.patch(
            "/api/v1/users/" + id,
            "{\"name\":\"alice2\",\"status\":\"disabled\",\"expire_at\":null}");
    assertThat(patched.status()).isEqualTo(200);
    assertThat(patched.json().get("name").asText()).isEqualTo("alice2");
    assertThat(patched.json().get("status").asText()).isEqualTo("disabled");
    assertThat(patched.json().get("expire_at").isNull()).isTrue();
    assertThat(patched.json().get("note").asText()).isEqualTo("VIP");

    String oldUrl = u.get("subscription_url").asText();
    Resp rotated = f.post("/api/v1/users/" + id + "/rotate-subscription", null);
    assertThat(rotated.status()).isEqualTo(200);
    assertThat(rotated.json().get("subscription_url").asText()).isNotEqualTo(oldUrl);

    assertThat(f.post("/api/v1/users/" + id + "/reset-usage", "{}").status()).isEqualTo(200);

    assertThat(f.delete("/api/v1/users/" + id).status()).isEqualTo(204);
    Resp gone = f.get("/api/v1/users/" + id);
    assertThat(gone.status()).isEqualTo(404);
    assertThat(gone.header("Content-Type")).isEqualTo("application/problem+json");
  }

  @Test
  void users_expiredOnCreate_isDerivedByStore() {
    Resp r = f.post("/api/v1/users", "{\"name\":\"old\",\"expire_at\":\"2020-01-01T00:00:00Z\"}");
    assertThat(r.json().get("status").asText()).isEqualTo("expired");
  }

  @Test
  void users_list_paginatesWithCursor() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(f.post("/api/v1/users", "{\"name\":\"u" + i + "\"}").json().get("id").asText());
    }
    assertThat(ids).isSorted();
    List<String> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      Resp r = f.get("/api/v1/users?limit=2" + (cursor == null ? "" : "&cursor=" + cursor));
      assertThat(r.status()).isEqualTo(200);
      r.json().get("items").forEach(i -> seen.add(i.get("id").asText()));
      JsonNode next = r.json().get("next_cursor");
      cursor = next.isNull() ? null : next.asText();
      pages++;
    } while (cursor != null);
    assertThat(seen).isEqualTo(ids);
    assertThat(pages).isEqualTo(3);
    assertThat(f.get("/api/v1/users").json().get("items")).hasSize(5);
    assertThat(f.get("/api/v1/users").json().get("next_cursor").isNull()).isTrue();
  }

  @Test
  void users_list_filtersByStatusAndText() {
    f.post("/api/v1/users", "{\"name\":\"bob\",\"note\":\"Team Blue\"}");
    f.post("/api/v1/users", "{\"name\":\"carol\",\"status\":\"disabled\"}");
    f.post("/api/v1/users", "{\"name\":\"BLUEBIRD\",\"status\":\"on_hold\"}");
    assertThat(names(f.get("/api/v1/users?status=disabled"))).containsExactly("carol");
    assertThat(names(f.get("/api/v1/users?q=blue"))).containsExactly("bob", "BLUEBIRD");
    assertThat(names(f.get("/api/v1/users?q=blue&status=on_hold"))).containsExactly("BLUEBIRD");
    assertThat(f.get("/api/v1/users?status=limited").json().get("items")).isEmpty();
  }

  @Test
  void users_linearizableRead_isAccepted() {
    f.post("/api/v1/users", "{\"name\":\"lin\"}");
    Resp r = f.get("/api/v1/users?consistency=linearizable");
    assertThat(r.status()).isEqualTo(200);
    assertThat(names(r)).containsExactly("lin");
  }

  @Test
  void users_onHoldExpireSeconds_createUpdateAndValidation() {
    Resp created =
        f.post(
            "/api/v1/users",
            "{\"name\":\"held\",\"status\":\"on_hold\",\"on_hold_expire_seconds\":2592000}");
    assertThat(created.status()).isEqualTo(201);
    String id = created.json().get("id").asText();
    assertThat(created.json().get("on_hold_expire_seconds").asLong()).isEqualTo(2_592_000);
    assertThat(f.get("/api/v1/users/" + id).json().get("on_hold_expire_seconds").asLong())
        .isEqualTo(2_592_000);
    Resp patched = f.patch("/api/v1/users/" + id, "{\"on_hold_expire_seconds\":0}");
    assertThat(patched.json().get("on_hold_expire_seconds").asLong()).isZero();
    long before = f.view().appliedIndex();
    for (String bad : List.of("-1", "\"1d\"", "1.5", "316224001")) {
      Resp r = f.patch("/api/v1/users/" + id, "{\"on_hold_expire_seconds\":" + bad + "}");
      assertThat(r.status()).as("value %s", bad).isEqualTo(400);
      assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
      assertThat(r.json().get("errors").get(0).get("field").asText())
          .isEqualTo("on_hold_expire_seconds");
    }
    assertThat(f.post("/api/v1/users", "{\"name\":\"x\",\"on_hold_expire_seconds\":-5}").status())
        .isEqualTo(400);
    assertThat(f.view().appliedIndex()).as("bad input changes nothing").isEqualTo(before);
  }

  @Test
  void users_get_includesNodeUsageBreakdown_listDoesNot() {
    String id = f.post("/api/v1/users", "{\"name\":\"counted\"}").json().get("id").asText();
    assertThat(f.get("/api/v1/users/" + id).json().get("node_usage")).isEmpty();
    io.raftray.state.Result r =
        f.local.submit(
            ApiFixture.NODE_ID,
            new io.raftray.state.Command.UsageReport(
                ApiFixture.NODE_ID,
                1,
                List.of(new io.raftray.state.Command.UsageDelta(id, 100, 2000))));
    assertThat(r.ok()).isTrue();
    JsonNode u = f.get("/api/v1/users/" + id).json();
    assertThat(u.get("used_bytes").asLong()).isEqualTo(2100);
    JsonNode row = u.get("node_usage").get(0);
    assertThat(u.get("node_usage")).hasSize(1);
    assertThat(row.get("node_id").asText()).isEqualTo(ApiFixture.NODE_ID);
    assertThat(row.get("node_name").asText()).isEqualTo("node-a");
    assertThat(row.get("uplink_bytes").asLong()).isEqualTo(100);
    assertThat(row.get("downlink_bytes").asLong()).isEqualTo(2000);
    assertThat(row.get("lifetime_used_bytes").asLong()).isEqualTo(2100);
    JsonNode reset = f.post("/api/v1/users/" + id + "/reset-usage", null).json();
    assertThat(reset.get("node_usage").get(0).get("uplink_bytes").asLong()).isZero();
    assertThat(reset.get("node_usage").get(0).get("lifetime_used_bytes").asLong()).isEqualTo(2100);
    assertThat(f.get("/api/v1/users").json().get("items").get(0).has("node_usage")).isFalse();
  }

  static List<String> names(Resp r) {
    List<String> out = new ArrayList<>();
    r.json().get("items").forEach(i -> out.add(i.get("name").asText()));
    return out;
  }
}
