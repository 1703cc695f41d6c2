package io.raftray.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftray.api.ApiFixture.Resp;
import io.raftray.model.AuditEvent;
import io.raftray.model.Role;
import io.raftray.model.UserStatus;
import io.raftray.state.State;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** User templates, {@code /users/batch} and {@code /users/bulk} over a real listener. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ApiUserBulkTest {
  private ApiFixture f;

  @BeforeEach
  void start() {
    f = ApiFixture.start();
  }

  @AfterEach
  void stop() {
    f.close();
  }

  private static String batchOf(int from, int n) {
    StringBuilder sb = new StringBuilder("{\"users\":[");
    for (int i = from; i < from + n; i++) {
      sb.append(i == from ? "" : ",").append("{\"name\":\"u").append(i).append("\"}");
    }
    return sb.append("]}").toString();
  }

  private AuditEvent lastAudit() {
    List<AuditEvent> all = f.view().audit().all();
    return all.get(all.size() - 1);
  }

  @Test
  void templates_crud_andCreateWithTemplate_explicitFieldsWin() {
    Resp t =
        f.post(
            "/api/v1/user-templates",
            """
            {"name":"monthly","note":"plan M","data_limit_bytes":5000,"expire_seconds":86400,
             "reset_strategy":"month"}""");
    assertThat(t.status()).as(t.body()).isEqualTo(201);
    String tid = t.json().get("id").asText();
    assertThat(tid).startsWith("utp_");
    assertThat(t.json().get("on_hold").asBoolean()).isFalse();
    assertThat(f.get("/api/v1/user-templates").json().get("items")).hasSize(1);
    assertThat(f.get("/api/v1/user-templates/" + tid).json().get("name").asText())
        .isEqualTo("monthly");

    Resp u = f.post("/api/v1/users", "{\"name\":\"alice\",\"template_id\":\"" + tid + "\"}");
    assertThat(u.status()).as(u.body()).isEqualTo(201);
    Instant now = f.clock.instant();
    assertThat(u.json().get("data_limit_bytes").asLong()).isEqualTo(5000);
    assertThat(u.json().get("note").asText()).isEqualTo("plan M");
    assertThat(u.json().get("reset_strategy").asText()).isEqualTo("month");
    assertThat(Instant.parse(u.json().get("expire_at").asText())).isEqualTo(now.plusSeconds(86400));

    Resp explicit =
        f.post(
            "/api/v1/users",
            "{\"name\":\"bob\",\"template_id\":\""
                + tid
                + "\",\"data_limit_bytes\":0,\"expire_at\":null,\"note\":\"own\"}");
    assertThat(explicit.json().get("data_limit_bytes").asLong()).isZero();
    assertThat(explicit.json().get("expire_at").isNull()).isTrue();
    assertThat(explicit.json().get("note").asText()).isEqualTo("own");
    assertThat(explicit.json().get("reset_strategy").asText()).isEqualTo("month");

    Resp patched =
        f.patch(
            "/api/v1/user-templates/" + tid, "{\"on_hold\":true,\"on_hold_expire_seconds\":3600}");
    assertThat(patched.status()).as(patched.body()).isEqualTo(200);
    assertThat(patched.json().get("data_limit_bytes").asLong()).isEqualTo(5000);
    Resp held = f.post("/api/v1/users", "{\"name\":\"carol\",\"template_id\":\"" + tid + "\"}");
    assertThat(held.json().get("status").asText()).isEqualTo("on_hold");
    assertThat(held.json().get("on_hold_expire_seconds").asLong()).isEqualTo(3600);
    assertThat(held.json().get("expire_at").isNull()).isTrue();

    assertThat(f.delete("/api/v1/user-templates/" + tid).status()).isEqualTo(204);
    assertThat(f.get("/api/v1/user-templates/" + tid).status()).isEqualTo(404);
    // users made from it stay as they were
    assertThat(f.view().users()).hasSize(3);
  }

  @Test
  void batch_thousandUsers_oneEntryOneAuditEvent() {
    long index = f.view().appliedIndex();
    Resp r = f.post("/api/v1/users/batch", batchOf(0, 1000));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    assertThat(r.json().get("count").asInt()).isEqualTo(1000);
    assertThat(r.json().get("items")).hasSize(1000);
    assertThat(r.json().get("items").get(999).get("name").asText()).isEqualTo("u999");
    assertThat(r.json().get("items").get(0).get("subscription_url").asText()).contains("/sub/");
    assertThat(f.view().appliedIndex()).isEqualTo(index + 1);
    assertThat(f.view().users()).hasSize(1000);
    assertThat(lastAudit().action()).isEqualTo("users.create_batch");
    assertThat(lastAudit().summary()).isEqualTo("created 1000 users");
  }

  @Test
  void batch_withProblems_reportsEveryItemAndCreatesNothing() {
    f.post("/api/v1/users", "{\"name\":\"taken\"}");
    long index = f.view().appliedIndex();
    Resp bad =
        f.post(
            "/api/v1/users/batch",
            """
            {"users":[{"name":"ok1"},{"name":"a b"},{"name":"ok2","status":"limited"},7,
                      {"name":"ok3","colour":"red"}]}""");
    assertThat(bad.status()).as(bad.body()).isEqualTo(400);
    assertThat(fields(bad))
        .containsExactlyInAnyOrder(
            "users[1].name", "users[2].status", "users[3]", "users[4].colour");
    Resp conflict =
        f.post(
            "/api/v1/users/batch",
            "{\"users\":[{\"name\":\"n1\"},{\"name\":\"taken\"},{\"name\":\"n1\"}]}");
    assertThat(conflict.status()).as(conflict.body()).isEqualTo(409);
    assertThat(fields(conflict)).containsExactly("users[1].name", "users[2].name");
    assertThat(f.view().appliedIndex()).isEqualTo(index);
    assertThat(f.view().users()).hasSize(1);
  }

  @Test
  void batch_overThousand_is413() {
    Resp r = f.post("/api/v1/users/batch", batchOf(0, 1001));
    assertThat(r.status()).as(r.body()).isEqualTo(413);
    assertThat(f.view().users()).isEmpty();
  }

  private static List<String> fields(Resp r) {
    List<String> out = new ArrayList<>();
    r.json().get("errors").forEach(e -> out.add(e.get("field").asText()));
    return out;
  }

  @Test
  void bulk_dryRun_answersCountAndSample_changesNothing() {
    f.post("/api/v1/users/batch", batchOf(0, 30));
    State before = f.view();
    Resp r =
        f.post(
            "/api/v1/users/bulk",
            "{\"action\":\"disable\",\"filter\":{\"q\":\"u1\"},\"dry_run\":true}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    // u1, u10..u19
    assertThat(r.json().get("count").asInt()).isEqualTo(11);
    assertThat(r.json().get("sample")).hasSize(10);
    assertThat(r.json().get("dry_run").asBoolean()).isTrue();
    assertThat(r.json().get("sample").get(0).get("status").asText()).isEqualTo("active");
    assertThat(f.view().appliedIndex()).isEqualTo(before.appliedIndex());
    assertThat(f.view().users()).isEqualTo(before.users());
    assertThat(f.view().audit().size()).isEqualTo(before.audit().size());
  }

  @Test
  void bulk_eachAction_byFilterOrIds_oneAuditEventWithCount() {
    Resp batch = f.post("/api/v1/users/batch", batchOf(0, 5));
    List<String> ids = new ArrayList<>();
    batch.json().get("items").forEach(u -> ids.add(u.get("id").asText()));
    String first2 = "[\"" + ids.get(0) + "\",\"" + ids.get(1) + "\"]";

    Resp disable = f.post("/api/v1/users/bulk", "{\"action\":\"disable\",\"filter\":{}}");
    assertThat(disable.status()).as(disable.body()).isEqualTo(200);
    assertThat(disable.json().get("count").asInt()).isEqualTo(5);
    assertThat(lastAudit().action()).isEqualTo("users.bulk");
    assertThat(lastAudit().summary()).isEqualTo("bulk disable on 5 users");
    assertThat(f.view().users().values()).allMatch(u -> u.status() == UserStatus.DISABLED);

    Resp enable =
        f.post(
            "/api/v1/users/bulk", "{\"action\":\"enable\",\"filter\":{\"status\":\"disabled\"}}");
    assertThat(enable.json().get("count").asInt()).isEqualTo(5);
    assertThat(f.view().users().values()).allMatch(u -> u.status() == UserStatus.ACTIVE);

    f.post("/api/v1/users/bulk", "{\"action\":\"set_limit\",\"ids\":" + first2 + ",\"bytes\":100}");
    assertThat(f.view().users().get(ids.get(0)).dataLimitBytes()).isEqualTo(100);
    assertThat(f.view().users().get(ids.get(2)).dataLimitBytes()).isZero();
    f.post("/api/v1/users/bulk", "{\"action\":\"add_data\",\"ids\":" + first2 + ",\"bytes\":50}");
    assertThat(f.view().users().get(ids.get(1)).dataLimitBytes()).isEqualTo(150);

    f.patch("/api/v1/users/" + ids.get(0), "{\"expire_at\":\"2030-02-01T00:00:00Z\"}");
    Resp ext =
        f.post(
            "/api/v1/users/bulk",
            "{\"action\":\"extend\",\"filter\":{\"expire_before\":\"2031-01-01T00:00:00Z\"},"
                + "\"seconds\":86400}");
    assertThat(ext.json().get("count").asInt()).isEqualTo(1);
    assertThat(f.view().users().get(ids.get(0)).expireAt())
        .isEqualTo(Instant.parse("2030-02-02T00:00:00Z"));

    Resp reset =
        f.post("/api/v1/users/bulk", "{\"action\":\"reset_usage\",\"ids\":" + first2 + "}");
    assertThat(reset.json().get("count").asInt()).isEqualTo(2);

    String oldToken = f.view().users().get(ids.get(3)).subscriptionToken();
    Resp rot =
        f.post(
            "/api/v1/users/bulk",
            "{\"action\":\"rotate_subscription\",\"ids\":[\"" + ids.get(3) + "\"]}");
    assertThat(rot.json().get("count").asInt()).isEqualTo(1);
    assertThat(f.view().users().get(ids.get(3)).subscriptionToken()).isNotEqualTo(oldToken);
    assertThat(rot.json().get("sample").get(0).get("subscription_url").asText())
        .doesNotContain(oldToken);

    int audit = f.view().audit().size();
    Resp del = f.post("/api/v1/users/bulk", "{\"action\":\"delete\",\"filter\":{\"q\":\"u\"}}");
    assertThat(del.json().get("count").asInt()).isEqualTo(5);
    assertThat(f.view().users()).isEmpty();
    assertThat(f.view().audit().size()).isEqualTo(audit + 1);

    Resp none = f.post("/api/v1/users/bulk", "{\"action\":\"delete\",\"filter\":{}}");
    assertThat(none.json().get("count").asInt()).isZero();
    assertThat(f.view().audit().size()).isEqualTo(audit + 1);
  }

  @Test
  void list_takesTheSameFilterKeys() {
    f.post("/api/v1/users/batch", batchOf(0, 3));
    String id = f.view().userIdByName().get("u1");
    f.patch("/api/v1/users/" + id, "{\"expire_at\":\"2030-06-01T00:00:00Z\"}");
    assertThat(
            f.get("/api/v1/users?expire_before=2031-01-01T00:00:00Z&used_over=0")
                .json()
                .get("items"))
        .isEmpty();
    JsonNode items = f.get("/api/v1/users?expire_before=2031-01-01T00:00:00Z").json().get("items");
    assertThat(items).hasSize(1);
    assertThat(items.get(0).get("name").asText()).isEqualTo("u1");
    assertThat(f.get("/api/v1/users?used_over=0").json().get("items")).isEmpty();
  }

  @Test
  void viewer_mayNotBatchOrBulk() {
    String viewer = f.token(Role.VIEWER);
    assertThat(f.send("POST", "/api/v1/users/batch", viewer, batchOf(0, 1)).status())
        .isEqualTo(403);
    assertThat(
            f.send("POST", "/api/v1/users/bulk", viewer, "{\"action\":\"delete\",\"filter\":{}}")
                .status())
        .isEqualTo(403);
    assertThat(f.send("POST", "/api/v1/user-templates", viewer, "{\"name\":\"x\"}").status())
        .isEqualTo(403);
    assertThat(f.send("GET", "/api/v1/user-templates", viewer, null).status()).isEqualTo(200);
  }
}
