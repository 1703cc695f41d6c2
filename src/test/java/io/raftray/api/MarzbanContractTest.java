package io.raftray.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftray.api.ApiFixture.Resp;
import io.raftray.model.AuditEvent;
import io.raftray.model.Role;
import io.raftray.model.User;
import io.raftray.state.State;
import io.raftray.testing.MarzbanSchemas;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every route of the Marzban-compatible API against Marzban's response schemas (test resource
 * {@code marzban/schemas.json}), with its status codes and errors: 200 answers, 401/403/404/409,
 * 422 in FastAPI's shape, and bad input changing nothing.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MarzbanContractTest {
  static final String VLESS_ID = "6f1c0a3e-2b4d-4c5e-8f70-112233445566";
  ApiFixture f;
  String token;

  @BeforeEach
  void start() {
    f = ApiFixture.start();
  }

  @AfterEach
  void stop() {
    f.close();
  }

  static void conforms(Resp r, int status, String schema) {
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(r.header("Content-Type")).startsWith("application/json");
    assertThat(MarzbanSchemas.problems(schema, r.json())).as(r.body()).isEmpty();
  }

  Resp m(String method, String path, String body) {
    return f.send(method, path, token, body);
  }

  private String login(String name) {
    Resp r =
        f.postForm(
            "/api/admin/token",
            "grant_type=password&username=" + name + "&password=correct+horse+battery");
    conforms(r, 200, "Token");
    assertThat(r.json().get("token_type").asText()).isEqualTo("bearer");
    return r.json().get("access_token").asText();
  }

  private void setUp() {
    // As `raftray import marzban` makes them: the group selects the endpoints labelled with the
    // Marzban tag; and one plain group, whose name is its tag.
    String vless =
        f.post(
                "/api/v1/endpoints",
                "{\"protocol\":\"vless\",\"port\":2001,\"labels\":{\"marzban_inbound\":\"VLESS TCP\"}}")
            .json()
            .get("id")
            .asText();
    String vmess =
        f.post("/api/v1/endpoints", "{\"protocol\":\"vmess\",\"port\":2002,\"transport\":\"ws\"}")
            .json()
            .get("id")
            .asText();
    assertThat(vless).isNotBlank();
    Resp g1 =
        f.post(
            "/api/v1/groups",
            "{\"name\":\"marzban-VLESS-TCP\",\"selector\":{\"endpoint_labels\":"
                + "{\"marzban_inbound\":\"VLESS TCP\"}}}");
    assertThat(g1.status()).as(g1.body()).isEqualTo(201);
    Resp g2 =
        f.post("/api/v1/groups", "{\"name\":\"vmess-ws\",\"endpoint_ids\":[\"" + vmess + "\"]}");
    assertThat(g2.status()).as(g2.body()).isEqualTo(201);
    Resp on = f.patch("/api/v1/settings", "{\"marzban_compat_api\":true}");
    assertThat(on.status()).as(on.body()).isEqualTo(200);
    assertThat(on.json().get("marzban_compat_api").asBoolean()).isTrue();
    ApiConsoleAuthTest.createAdmin(f, "shopbot", "admin");
    ApiConsoleAuthTest.createAdmin(f, "watcher", "viewer");
    token = login("shopbot");
  }

  @Test
  void off_byDefault_thePathsAreUnknown() {
    assertThat(f.get("/api/v1/settings").json().get("marzban_compat_api").asBoolean()).isFalse();
    assertThat(f.postForm("/api/admin/token", "username=a&password=b").status()).isEqualTo(404);
    assertThat(f.get("/api/users").status()).isEqualTo(404);
    assertThat(f.post("/api/user", "{\"username\":\"abc\",\"proxies\":{\"vless\":{}}}").status())
        .isEqualTo(404);
    assertThat(f.view().users()).isEmpty();
  }

  @Test
  void login_errors_andAuth() {
    setUp();
    Resp wrong = f.postForm("/api/admin/token", "username=shopbot&password=nope");
    conforms(wrong, 401, "HTTPException");
    assertThat(wrong.json().get("detail").asText()).isEqualTo("Incorrect username or password");
    assertThat(wrong.header("WWW-Authenticate")).isEqualTo("Bearer");
    Resp missing = f.postForm("/api/admin/token", "username=shopbot");
    conforms(missing, 422, "HTTPValidationError");
    assertThat(missing.json().get("detail").get(0).get("loc").toString())
        .isEqualTo("[\"body\",\"password\"]");
    assertThat(missing.json().get("detail").get(0).get("type").asText()).isEqualTo("missing");

    Resp none = f.send("GET", "/api/users", null, null);
    conforms(none, 401, "HTTPException");
    assertThat(none.json().get("detail").asText()).isEqualTo("Not authenticated");
    Resp bad = f.send("GET", "/api/users", "rrs_x.y.z.1.q", null);
    conforms(bad, 401, "HTTPException");
    assertThat(bad.json().get("detail").asText()).isEqualTo("Could not validate credentials");
    assertThat(bad.header("WWW-Authenticate")).isEqualTo("Bearer");
    // An admin token of /api/v1 works too.
    conforms(f.send("GET", "/api/users", f.token(Role.ADMIN), null), 200, "UsersResponse");
    conforms(m("GET", "/api/nothing-here", null), 404, "HTTPException");

    // The access token is the account's session: it ends when the account is disabled.
    conforms(m("GET", "/api/system", null), 200, "SystemStats");
    String adminId = f.view().adminByUsername("shopbot").id();
    assertThat(f.patch("/api/v1/admins/" + adminId, "{\"disabled\":true}").status()).isEqualTo(200);
    conforms(m("GET", "/api/system", null), 401, "HTTPException");
    conforms(
        f.postForm("/api/admin/token", "username=shopbot&password=correct+horse+battery"),
        401,
        "HTTPException");
  }

  @Test
  void everyRoute_answersMarzbansSchema_andBadInputChangesNothing() {
    setUp();
    Resp created =
        m(
            "POST",
            "/api/user",
            "{\"username\":\"alice_1\",\"proxies\":{\"vless\":{\"id\":\""
                + VLESS_ID
                + "\",\"flow\":\"\"},\"vmess\":{}},\"inbounds\":{\"vless\":[\"VLESS TCP\"]},"
                + "\"expire\":1900000000,\"data_limit\":1073741824,"
                + "\"data_limit_reset_strategy\":\"month\",\"note\":\"shop order 7\","
                + "\"next_plan\":null,\"status\":\"active\"}");
    conforms(created, 200, "UserResponse");
    JsonNode u = created.json();
    assertThat(u.get("username").asText()).isEqualTo("alice_1");
    assertThat(u.get("proxies").get("vless").get("id").asText()).isEqualTo(VLESS_ID);
    assertThat(u.get("inbounds").get("vless").toString()).isEqualTo("[\"VLESS TCP\"]");
    assertThat(u.get("inbounds").get("vmess").toString()).isEqualTo("[\"vmess-ws\"]");
    assertThat(u.get("expire").asLong()).isEqualTo(1_900_000_000L);
    assertThat(u.get("data_limit").asLong()).isEqualTo(1_073_741_824L);
    assertThat(u.get("links")).hasSize(2);
    assertThat(u.get("links").toString()).contains("vless://" + VLESS_ID + "@a.example:2001");
    String url = u.get("subscription_url").asText();
    assertThat(url).startsWith(ApiFixture.BASE_URL + "/sub/");
    User stored = f.view().users().get(f.view().userIdByName().get("alice_1"));
    assertThat(stored.credentials().vlessUuid()).isEqualTo(VLESS_ID);
    assertThat(stored.groupIds()).hasSize(2);

    State before = f.view();
    Resp dup = m("POST", "/api/user", "{\"username\":\"alice_1\",\"proxies\":{\"vless\":{}}}");
    conforms(dup, 409, "HTTPException");
    assertThat(dup.json().get("detail").asText()).isEqualTo("User already exists");
    Resp invalid =
        m(
            "POST",
            "/api/user",
            "{\"username\":\"a\",\"proxies\":{},\"data_limit\":-1,\"status\":\"limited\"}");
    conforms(invalid, 422, "HTTPValidationError");
    assertThat(invalid.json().get("detail")).hasSize(4);
    Resp unknownTag =
        m(
            "POST",
            "/api/user",
            "{\"username\":\"bob_2\",\"proxies\":{\"vless\":{}},\"inbounds\":{\"vless\":[\"nope\"]}}");
    conforms(unknownTag, 422, "HTTPValidationError");
    assertThat(unknownTag.json().toString()).contains("Inbound nope doesn't exist");
    conforms(m("POST", "/api/user", "{not json"), 422, "HTTPValidationError");
    Resp badPut = m("PUT", "/api/user/alice_1", "{\"expire\":\"soon\",\"status\":\"expired\"}");
    conforms(badPut, 422, "HTTPValidationError");
    conforms(m("GET", "/api/user/nobody", null), 404, "HTTPException");
    assertThat(m("GET", "/api/user/nobody", null).json().get("detail").asText())
        .isEqualTo("User not found");
    conforms(m("PUT", "/api/user/nobody", "{\"expire\":0}"), 404, "HTTPException");
    conforms(m("GET", "/api/users?sort=height", null), 400, "HTTPException");
    conforms(m("GET", "/api/users?offset=x", null), 422, "HTTPValidationError");
    conforms(m("GET", "/api/user/alice_1/usage?start=yesterday", null), 400, "HTTPException");
    assertThat(f.view().users()).isEqualTo(before.users());
    assertThat(f.view().appliedIndex()).isEqualTo(before.appliedIndex());

    conforms(m("GET", "/api/user/alice_1", null), 200, "UserResponse");
    Resp put = m("PUT", "/api/user/alice_1", "{\"expire\":1950000000,\"data_limit\":0}");
    conforms(put, 200, "UserResponse");
    assertThat(put.json().get("expire").asLong()).isEqualTo(1_950_000_000L);
    assertThat(put.json().get("data_limit").isNull()).isTrue();
    assertThat(put.json().get("proxies").get("vless").get("id").asText()).isEqualTo(VLESS_ID);

    m("POST", "/api/user", "{\"username\":\"carol\",\"proxies\":{\"vmess\":{}},\"note\":\"vip\"}");
    Resp list = m("GET", "/api/users?offset=0&limit=1&sort=-username", null);
    conforms(list, 200, "UsersResponse");
    assertThat(list.json().get("total").asInt()).isEqualTo(2);
    assertThat(list.json().get("users")).hasSize(1);
    assertThat(list.json().get("users").get(0).get("username").asText()).isEqualTo("carol");
    Resp some = m("GET", "/api/users?username=alice_1&username=carol&search=VIP", null);
    assertThat(some.json().get("total").asInt()).isEqualTo(1);
    assertThat(m("GET", "/api/users?status=active", null).json().get("total").asInt()).isEqualTo(2);
    conforms(m("GET", "/api/user/alice_1/usage", null), 200, "UserUsagesResponse");
    conforms(
        m("GET", "/api/user/alice_1/usage?start=2000-01-01T00:00:00", null),
        200,
        "UserUsagesResponse");
    Resp system = m("GET", "/api/system", null);
    conforms(system, 200, "SystemStats");
    assertThat(system.json().get("total_user").asInt()).isEqualTo(2);
    assertThat(system.json().get("users_active").asInt()).isEqualTo(2);
    Resp inbounds = m("GET", "/api/inbounds", null);
    conforms(inbounds, 200, "Inbounds");
    assertThat(inbounds.json().get("vmess").get(0).get("tag").asText()).isEqualTo("vmess-ws");
    assertThat(inbounds.json().get("vmess").get(0).get("network").asText()).isEqualTo("ws");

    conforms(m("POST", "/api/user/alice_1/reset", null), 200, "UserResponse");
    Resp revoked = m("POST", "/api/user/alice_1/revoke_sub", null);
    conforms(revoked, 200, "UserResponse");
    assertThat(revoked.json().get("subscription_url").asText()).isNotEqualTo(url);
    assertThat(revoked.json().get("proxies").get("vless").get("id").asText())
        .isNotEqualTo(VLESS_ID);

    String viewer = login("watcher");
    conforms(f.send("GET", "/api/user/alice_1", viewer, null), 200, "UserResponse");
    Resp denied = f.send("DELETE", "/api/user/alice_1", viewer, null);
    conforms(denied, 403, "HTTPException");
    assertThat(denied.json().get("detail").asText()).isEqualTo("You're not allowed");

    Resp deleted = m("DELETE", "/api/user/alice_1", null);
    conforms(deleted, 200, "HTTPException");
    assertThat(deleted.json().get("detail").asText()).isEqualTo("User successfully deleted");
    conforms(m("GET", "/api/user/alice_1", null), 404, "HTTPException");

    // Audited like /api/v1 writes, in the name of the admin account that logged in.
    String adminId = f.view().adminByUsername("shopbot").id();
    List<String> actions =
        f.view().audit().all().stream()
            .filter(e -> e.actor().equals(adminId))
            .map(AuditEvent::action)
            .toList();
    assertThat(actions)
        .contains(
            "admin.login",
            "user.create",
            "user.update",
            "user.reset_usage",
            "user.rotate_subscription",
            "user.delete");
  }
}
