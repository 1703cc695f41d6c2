package io.raftray.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftray.api.ApiFixture.Resp;
import io.raftray.model.Role;
import io.raftray.model.User;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The import-only fields of {@code /users/batch} and the {@code marzban_jwt_secret} setting (issue
 * 15 items 1 and 2) over a real listener: accepted only where they belong, validated, every problem
 * a 4xx that changes nothing.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ApiImportFieldsTest {
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
  void importBatch_keepsUsageHistoryAndRevocation() {
    Resp r =
        f.post(
            "/api/v1/users/batch",
            """
            {"import":true,"users":[{"name":"alice","status":"active","data_limit_bytes":1000,
             "used_bytes":400,"lifetime_used_bytes":9400,"created_at":"2024-03-01T10:00:00.5Z",
             "period_started_at":"2024-05-01T00:00:00Z","sub_revoked_at":"2024-06-01T00:00:00Z",
             "credentials":{"vmess_uuid":"6F1C1A3E-4C1B-4F7E-9A51-3D0F0B6A1C01"}},
             {"name":"bob","data_limit_bytes":100,"used_bytes":150},
             {"name":"erin","status":"on_hold","on_hold_expire_seconds":86400,
              "on_hold_timeout":"2031-01-01T00:00:00Z"}]}""");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    User alice = f.view().users().get(f.view().userIdByName().get("alice"));
    assertThat(alice.usedBytes()).isEqualTo(400);
    assertThat(alice.lifetimeUsedBytes()).isEqualTo(9400);
    assertThat(alice.createdAt()).isEqualTo(Instant.parse("2024-03-01T10:00:00.5Z"));
    assertThat(alice.periodStartedAt()).isEqualTo(Instant.parse("2024-05-01T00:00:00Z"));
    assertThat(alice.subRevokedAt()).isEqualTo(Instant.parse("2024-06-01T00:00:00Z"));
    assertThat(alice.credentials().vmessUuid()).isEqualTo("6f1c1a3e-4c1b-4f7e-9a51-3d0f0b6a1c01");
    JsonNode items = r.json().get("items");
    assertThat(items.get(0).get("sub_revoked_at").asText()).isEqualTo("2024-06-01T00:00:00Z");
    // Over its limit: limited at apply, as the state machine derives it for every user.
    assertThat(items.get(1).get("status").asText()).isEqualTo("limited");
    assertThat(items.get(1).get("lifetime_used_bytes").asLong()).isEqualTo(150);
    assertThat(items.get(2).get("on_hold_timeout").asText()).isEqualTo("2031-01-01T00:00:00Z");
    assertThat(f.view().audit().all().getLast().summary()).isEqualTo("imported 3 users");
  }

  @Test
  void importFields_withoutImportOrInvalid_are400AndChangeNothing() {
    String viewerToken = f.token(Role.VIEWER);
    long before = f.view().appliedIndex();
    Resp plain = f.post("/api/v1/users/batch", "{\"users\":[{\"name\":\"a\",\"used_bytes\":5}]}");
    assertThat(plain.status()).isEqualTo(400);
    assertThat(plain.body()).contains("users[0].used_bytes", "unknown field");
    Resp bad =
        f.post(
            "/api/v1/users/batch",
            """
            {"import":true,"users":[{"name":"a","used_bytes":5,"lifetime_used_bytes":4,
             "created_at":"2999-01-01T00:00:00Z","sub_revoked_at":"yesterday"}]}""");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.body())
        .contains("users[0].lifetime_used_bytes", "users[0].created_at", "users[0].sub_revoked_at");
    Resp viewer =
        f.send(
            "POST",
            "/api/v1/users/batch",
            viewerToken,
            "{\"import\":true,\"users\":[{\"name\":\"a\",\"used_bytes\":5}]}");
    assertThat(viewer.status()).isEqualTo(403);
    assertThat(f.view().appliedIndex()).isEqualTo(before);
    assertThat(f.view().users()).isEmpty();
  }

  @Test
  void marzbanSecret_ownerOnly_neverShown() {
    String secret = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";
    assertThat(f.get("/api/v1/settings").json().get("marzban_jwt_secret_set").asBoolean())
        .isFalse();
    Resp admin =
        f.send(
            "PATCH",
            "/api/v1/settings",
            f.token(Role.ADMIN),
            "{\"marzban_jwt_secret\":\"" + secret + "\"}");
    assertThat(admin.status()).isEqualTo(403);
    assertThat(f.view().settings().marzbanJwtSecret()).isNull();
    Resp bad = f.patch("/api/v1/settings", "{\"marzban_jwt_secret\":\"has space\"}");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.body()).contains("marzban_jwt_secret");

    Resp set = f.patch("/api/v1/settings", "{\"marzban_jwt_secret\":\"" + secret + "\"}");
    assertThat(set.status()).as(set.body()).isEqualTo(200);
    assertThat(set.json().get("marzban_jwt_secret_set").asBoolean()).isTrue();
    assertThat(set.body()).doesNotContain(secret);
    assertThat(f.get("/api/v1/settings").body()).doesNotContain(secret);
    assertThat(f.view().settings().marzbanJwtSecret()).isEqualTo(secret);
    assertThat(f.view().settings().toString()).doesNotContain(secret);
    assertThat(f.view().audit().all().getLast().summary()).isEqualTo("marzban jwt secret set");
    assertThat(f.get("/api/v1/audit").body()).doesNotContain(secret);

    Resp clear =
        f.patch("/api/v1/settings", "{\"marzban_jwt_secret\":null,\"hwid_required\":true}");
    assertThat(clear.status()).as(clear.body()).isEqualTo(200);
    assertThat(clear.json().get("marzban_jwt_secret_set").asBoolean()).isFalse();
    assertThat(clear.json().get("hwid_required").asBoolean()).isTrue();
  }
}
