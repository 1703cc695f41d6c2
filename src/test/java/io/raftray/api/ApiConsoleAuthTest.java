package io.raftray.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftray.api.ApiFixture.Resp;
import io.raftray.model.Totp;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Admin accounts, console login, cookie sessions, CSRF, expiry and TOTP over the real listener. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ApiConsoleAuthTest {
  static final String PW = "correct horse battery";

  /** A logged-in console: the cookie value and the CSRF token. */
  record Session(String cookie, String csrf, JsonNode body) {}

  static String createAdmin(ApiFixture f, String name, String role) {
    Resp r =
        f.post(
            "/api/v1/admins",
            "{\"username\":\""
                + name
                + "\",\"password\":\""
                + PW
                + "\",\"role\":\""
                + role
                + "\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().get("id").asText();
  }

  static Resp login(ApiFixture f, String name, String password, String code) {
    String body =
        "{\"username\":\""
            + name
            + "\",\"password\":\""
            + password
            + "\""
            + (code == null ? "" : ",\"totp_code\":\"" + code + "\"")
            + "}";
    return f.send("POST", "/api/v1/auth/login", null, body);
  }

  static Session session(ApiFixture f, String name) {
    Resp r = login(f, name, PW, null);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return new Session(cookieOf(r), r.json().get("csrf_token").asText(), r.json());
  }

  static String cookieOf(Resp r) {
    String set = r.header("Set-Cookie");
    assertThat(set).startsWith(Sessions.COOKIE + "=");
    return set.substring(Sessions.COOKIE.length() + 1, set.indexOf(';'));
  }

  static Resp send(ApiFixture f, String method, String path, String cookie, String csrf, String b) {
    HttpRequest.Builder rb =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + f.server.port() + path))
            .timeout(Duration.ofSeconds(20))
            .method(
                method,
                b == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(b))
            .header("Content-Type", "application/json")
            .header("Cookie", "theme=dark; " + Sessions.COOKIE + "=" + cookie);
    if (csrf != null) {
      rb.header("X-CSRF-Token", csrf);
    }
    try {
      HttpResponse<String> r = f.http.send(rb.build(), HttpResponse.BodyHandlers.ofString());
      return new Resp(r.statusCode(), r.headers(), r.body());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void admins_createValidatesAndNeverShowsTheHash() {
    try (ApiFixture f = ApiFixture.start()) {
      Resp ok =
          f.post(
              "/api/v1/admins",
              "{\"username\":\"alice\",\"password\":\"" + PW + "\",\"role\":\"owner\"}");
      assertThat(ok.status()).isEqualTo(201);
      assertThat(ok.json().get("username").asText()).isEqualTo("alice");
      assertThat(ok.json().get("totp_enabled").asBoolean()).isFalse();
      assertThat(ok.body()).doesNotContain(PW).doesNotContain("argon2").doesNotContain("hash");
      assertThat(f.view().adminByUsername("alice").passwordHash())
          .startsWith("$argon2id$v=19$m=19456,t=2,p=1$");

      Resp bad =
          f.post(
              "/api/v1/admins", "{\"username\":\"A b\",\"password\":\"short\",\"role\":\"god\"}");
      assertThat(bad.status()).isEqualTo(400);
      assertThat(bad.body()).contains("\"username\"").contains("\"password\"").contains("\"role\"");
      Resp taken =
          f.post(
              "/api/v1/admins",
              "{\"username\":\"alice\",\"password\":\"" + PW + "\",\"role\":\"viewer\"}");
      assertThat(taken.status()).isEqualTo(409);
      assertThat(taken.json().get("errors").get(0).get("field").asText()).isEqualTo("username");
      assertThat(taken.body()).contains("is taken");

      String viewerToken = f.token(io.raftray.model.Role.VIEWER);
      assertThat(f.send("GET", "/api/v1/admins", viewerToken, null).status()).isEqualTo(403);
      Resp list = f.get("/api/v1/admins");
      assertThat(list.json().get("items")).hasSize(1);
      String id = list.json().get("items").get(0).get("id").asText();
      assertThat(
              f.patch("/api/v1/admins/" + id, "{\"role\":\"admin\"}").json().get("role").asText())
          .isEqualTo("admin");
      assertThat(f.delete("/api/v1/admins/" + id).status()).isEqualTo(204);
      assertThat(f.get("/api/v1/admins/" + id).status()).isEqualTo(404);
    }
  }

  @Test
  void login_cookieAuthenticatesReads_writesNeedCsrf() {
    try (ApiFixture f = ApiFixture.start()) {
      createAdmin(f, "alice", "admin");
      Resp r = login(f, "alice", PW, null);
      assertThat(r.status()).isEqualTo(200);
      String set = r.header("Set-Cookie");
      assertThat(set)
          .contains("HttpOnly")
          .contains("Secure")
          .contains("SameSite=Strict")
          .contains("Path=/");
      assertThat(r.json().get("admin").get("username").asText()).isEqualTo("alice");
      assertThat(r.json().get("idle_timeout_seconds").asLong()).isEqualTo(1800);
      assertThat(r.json().get("expires_at").asText()).isEqualTo("2030-01-01T12:00:00Z");
      assertThat(r.body()).doesNotContain(cookieOf(r));
      Session s = new Session(cookieOf(r), r.json().get("csrf_token").asText(), r.json());

      assertThat(send(f, "GET", "/api/v1/users", s.cookie(), null, null).status()).isEqualTo(200);
      Resp noCsrf = send(f, "POST", "/api/v1/users", s.cookie(), null, "{\"name\":\"u1\"}");
      assertThat(noCsrf.status()).isEqualTo(403);
      assertThat(noCsrf.json().get("detail").asText()).isEqualTo("csrf token missing or wrong");
      Resp wrongCsrf =
          send(f, "POST", "/api/v1/users", s.cookie(), "x" + s.csrf(), "{\"name\":\"u1\"}");
      assertThat(wrongCsrf.status()).isEqualTo(403);
      Resp ok = send(f, "POST", "/api/v1/users", s.cookie(), s.csrf(), "{\"name\":\"u1\"}");
      assertThat(ok.status()).as(ok.body()).isEqualTo(201);
      // the audit names the admin account, not a token
      String adminId = s.body().get("admin").get("id").asText();
      assertThat(f.view().audit().all().getLast().actor()).isEqualTo(adminId);
      // an admin (not owner) account cannot manage admins
      assertThat(send(f, "GET", "/api/v1/admins", s.cookie(), null, null).status()).isEqualTo(403);
      // bearer tokens still work without CSRF
      assertThat(f.post("/api/v1/users", "{\"name\":\"u2\"}").status()).isEqualTo(201);
      Resp me = send(f, "GET", "/api/v1/auth/session", s.cookie(), null, null);
      assertThat(me.status()).isEqualTo(200);
      assertThat(me.json().get("csrf_token").asText()).isEqualTo(s.csrf());
      assertThat(f.get("/api/v1/auth/session").status()).isEqualTo(401);
    }
  }

  @Test
  void viewerCookie_cannotWrite() {
    try (ApiFixture f = ApiFixture.start()) {
      createAdmin(f, "vera", "viewer");
      Session s = session(f, "vera");
      assertThat(send(f, "GET", "/api/v1/users", s.cookie(), null, null).status()).isEqualTo(200);
      assertThat(
              send(f, "POST", "/api/v1/users", s.cookie(), s.csrf(), "{\"name\":\"u\"}").status())
          .isEqualTo(403);
    }
  }

  @Test
  void login_wrongAndUnknownAnswerAlike_thenRateLimited() {
    try (ApiFixture f = ApiFixture.start()) {
      createAdmin(f, "alice", "admin");
      Resp wrong = login(f, "alice", "not the password", null);
      Resp unknown = login(f, "nobody", "not the password", null);
      assertThat(wrong.status()).isEqualTo(401);
      assertThat(unknown.status()).isEqualTo(401);
      assertThat(wrong.json().get("detail")).isEqualTo(unknown.json().get("detail"));
      assertThat(wrong.header("Set-Cookie")).isNull();
      Resp last = wrong;
      for (int i = 0; i < ApiSettings.DEFAULT_AUTH_FAILURE_LIMIT; i++) {
        last = login(f, "alice", "still wrong " + i, null);
      }
      assertThat(last.status()).isEqualTo(429);
      assertThat(last.header("Retry-After")).isNotNull();
      // even the right password is refused while blocked
      assertThat(login(f, "alice", PW, null).status()).isEqualTo(429);
      f.clock.advance(ApiSettings.DEFAULT_AUTH_FAILURE_WINDOW.plusSeconds(1));
      assertThat(login(f, "alice", PW, null).status()).isEqualTo(200);
    }
  }

  @Test
  void login_needsJsonContentType() {
    try (ApiFixture f = ApiFixture.start()) {
      createAdmin(f, "alice", "admin");
      Resp r =
          f.sendRaw(
              "POST",
              "/api/v1/auth/login",
              null,
              HttpRequest.BodyPublishers.ofString(
                  "{\"username\":\"alice\",\"password\":\"" + PW + "\"}"));
      assertThat(r.status()).isEqualTo(200);
      HttpRequest req =
          HttpRequest.newBuilder(
                  URI.create("http://127.0.0.1:" + f.server.port() + "/api/v1/auth/login"))
              .header("Content-Type", "text/plain")
              .POST(
                  HttpRequest.BodyPublishers.ofString(
                      "{\"username\":\"alice\",\"password\":\"" + PW + "\"}"))
              .build();
      try {
        assertThat(f.http.send(req, HttpResponse.BodyHandlers.ofString()).statusCode())
            .isEqualTo(400);
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }
  }

  @Test
  void logout_endsTheSession() {
    try (ApiFixture f = ApiFixture.start()) {
      createAdmin(f, "alice", "admin");
      Session s = session(f, "alice");
      Session other = session(f, "alice");
      assertThat(send(f, "POST", "/api/v1/auth/logout", s.cookie(), null, null).status())
          .isEqualTo(403);
      Resp out = send(f, "POST", "/api/v1/auth/logout", s.cookie(), s.csrf(), null);
      assertThat(out.status()).isEqualTo(204);
      assertThat(out.header("Set-Cookie")).contains("Max-Age=0");
      Resp after = send(f, "GET", "/api/v1/users", s.cookie(), null, null);
      assertThat(after.status()).isEqualTo(401);
      assertThat(after.header("Set-Cookie")).contains("Max-Age=0");
      // another session of the same admin lives on
      assertThat(send(f, "GET", "/api/v1/users", other.cookie(), null, null).status())
          .isEqualTo(200);
    }
  }

  @Test
  void idleExpiry_slidesWithUse() {
    try (ApiFixture f = ApiFixture.start()) {
      createAdmin(f, "alice", "admin");
      Session s = session(f, "alice");
      f.clock.advance(Duration.ofMinutes(20));
      Resp used = send(f, "GET", "/api/v1/users", s.cookie(), null, null);
      assertThat(used.status()).isEqualTo(200);
      String renewed = cookieOf(used);
      assertThat(renewed).isNotEqualTo(s.cookie());
      f.clock.advance(Duration.ofMinutes(20));
      // 40 minutes after login: the old cookie is idle, the re-issued one is not
      assertThat(send(f, "GET", "/api/v1/users", s.cookie(), null, null).status()).isEqualTo(401);
      assertThat(send(f, "GET", "/api/v1/users", renewed, null, null).status()).isEqualTo(200);
      // a cookie whose activity time was edited by its holder does not verify
      String[] p = renewed.split("\\.");
      p[3] = Long.toString(Long.parseLong(p[3]) + 3600);
      assertThat(send(f, "GET", "/api/v1/users", String.join(".", p), null, null).status())
          .isEqualTo(401);
      f.clock.advance(Duration.ofMinutes(31));
      assertThat(send(f, "GET", "/api/v1/users", renewed, null, null).status()).isEqualTo(401);
    }
  }

  @Test
  void absoluteExpiry_endsAnActiveSession() {
    try (ApiFixture f = ApiFixture.start()) {
      createAdmin(f, "alice", "admin");
      String cookie = session(f, "alice").cookie();
      for (int i = 0; i < 35; i++) { // 35 x 20 min = 11 h 40 min
        f.clock.advance(Duration.ofMinutes(20));
        Resp r = send(f, "GET", "/api/v1/users", cookie, null, null);
        assertThat(r.status()).as("after %d min", (i + 1) * 20).isEqualTo(200);
        cookie = cookieOf(r);
      }
      f.clock.advance(Duration.ofMinutes(20));
      assertThat(send(f, "GET", "/api/v1/users", cookie, null, null).status()).isEqualTo(401);
    }
  }

  @Test
  void passwordChange_endsOldSessions_andNeedsTheCurrentPassword() {
    try (ApiFixture f = ApiFixture.start()) {
      createAdmin(f, "alice", "viewer");
      Session s = session(f, "alice");
      Session other = session(f, "alice");
      Resp wrong =
          send(
              f,
              "POST",
              "/api/v1/auth/password",
              s.cookie(),
              s.csrf(),
              "{\"current_password\":\"nope\",\"new_password\":\"a much better one\"}");
      assertThat(wrong.status()).isEqualTo(400);
      assertThat(wrong.body()).contains("current_password");
      Resp ok =
          send(
              f,
              "POST",
              "/api/v1/auth/password",
              s.cookie(),
              s.csrf(),
              "{\"current_password\":\"" + PW + "\",\"new_password\":\"a much better one\"}");
      assertThat(ok.status()).as(ok.body()).isEqualTo(204);
      assertThat(send(f, "GET", "/api/v1/users", s.cookie(), null, null).status()).isEqualTo(401);
      assertThat(send(f, "GET", "/api/v1/users", other.cookie(), null, null).status())
          .isEqualTo(401);
      assertThat(login(f, "alice", PW, null).status()).isEqualTo(401);
      assertThat(login(f, "alice", "a much better one", null).status()).isEqualTo(200);
    }
  }

  @Test
  void ownerDisablingAnAdmin_endsItsSessions() {
    try (ApiFixture f = ApiFixture.start()) {
      String id = createAdmin(f, "alice", "admin");
      Session s = session(f, "alice");
      assertThat(f.patch("/api/v1/admins/" + id, "{\"disabled\":true}").status()).isEqualTo(200);
      assertThat(send(f, "GET", "/api/v1/users", s.cookie(), null, null).status()).isEqualTo(401);
      assertThat(login(f, "alice", PW, null).status()).isEqualTo(401);
    }
  }

  @Test
  void totp_enrollConfirmLoginReplayDisable() {
    try (ApiFixture f = ApiFixture.start()) {
      createAdmin(f, "alice", "admin");
      Session s = session(f, "alice");
      Resp enroll = send(f, "POST", "/api/v1/auth/totp/enroll", s.cookie(), s.csrf(), null);
      assertThat(enroll.status()).as(enroll.body()).isEqualTo(200);
      String secret = enroll.json().get("secret").asText();
      assertThat(enroll.json().get("otpauth_uri").asText())
          .startsWith("otpauth://totp/Raftray:alice?secret=" + secret);
      // not active before confirmation
      assertThat(login(f, "alice", PW, null).status()).isEqualTo(200);
      String wrongCode =
          "000000".equals(Totp.code(secret, Totp.step(f.clock.instant()))) ? "111111" : "000000";
      Resp bad =
          send(
              f,
              "POST",
              "/api/v1/auth/totp/confirm",
              s.cookie(),
              s.csrf(),
              "{\"code\":\"" + wrongCode + "\"}");
      assertThat(bad.status()).isEqualTo(400);
      String code = Totp.code(secret, Totp.step(f.clock.instant()));
      Resp confirm =
          send(
              f,
              "POST",
              "/api/v1/auth/totp/confirm",
              s.cookie(),
              s.csrf(),
              "{\"code\":\"" + code + "\"}");
      assertThat(confirm.status()).as(confirm.body()).isEqualTo(200);
      assertThat(confirm.json().get("totp_enabled").asBoolean()).isTrue();
      assertThat(confirm.body()).doesNotContain(secret);

      Resp needs = login(f, "alice", PW, null);
      assertThat(needs.status()).isEqualTo(401);
      assertThat(needs.json().get("errors").get(0).get("field").asText()).isEqualTo("totp_code");
      // the code used to confirm cannot log in (same step)
      assertThat(login(f, "alice", PW, code).status()).isEqualTo(401);
      f.clock.advance(Duration.ofSeconds(30));
      String next = Totp.code(secret, Totp.step(f.clock.instant()));
      Resp in = login(f, "alice", PW, next);
      assertThat(in.status()).as(in.body()).isEqualTo(200);
      // replay of the same code within its window
      Resp replay = login(f, "alice", PW, next);
      assertThat(replay.status()).isEqualTo(401);
      assertThat(replay.json().get("errors").get(0).get("field").asText()).isEqualTo("totp_code");
      // a right code with a wrong password says only "wrong username or password"
      f.clock.advance(Duration.ofSeconds(30));
      String third = Totp.code(secret, Totp.step(f.clock.instant()));
      assertThat(login(f, "alice", "wrong password!", third).json().get("detail").asText())
          .isEqualTo(AccountHandler.WRONG);
      Session s2 = new Session(cookieOf(in), in.json().get("csrf_token").asText(), in.json());
      Resp off =
          send(
              f,
              "DELETE",
              "/api/v1/auth/totp",
              s2.cookie(),
              s2.csrf(),
              "{\"code\":\"" + third + "\"}");
      assertThat(off.status()).as(off.body()).isEqualTo(200);
      assertThat(off.json().get("totp_enabled").asBoolean()).isFalse();
      assertThat(login(f, "alice", PW, null).status()).isEqualTo(200);
    }
  }
}
