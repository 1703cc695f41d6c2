package io.raftray.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftray.api.ApiFixture.Resp;
import io.raftray.config.TrustedProxies;
import io.raftray.model.ErrorKind;
import io.raftray.model.RaftrayException;
import io.raftray.model.Role;
import io.raftray.state.Command;
import io.raftray.state.Replica;
import io.raftray.state.Result;
import io.raftray.state.State;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ApiAuthTest {

  @Test
  void roles_viewerReadsOnly_adminNotTokens_ownerAll() {
    try (ApiFixture f = ApiFixture.start()) {
      String viewer = f.token(Role.VIEWER);
      String admin = f.token(Role.ADMIN);
      assertThat(f.send("GET", "/api/v1/users", viewer, null).status()).isEqualTo(200);
      assertThat(f.send("GET", "/api/v1/audit", viewer, null).status()).isEqualTo(200);
      Resp denied = f.send("POST", "/api/v1/users", viewer, "{\"name\":\"v\"}");
      assertThat(denied.status()).isEqualTo(403);
      assertThat(denied.header("Content-Type")).isEqualTo("application/problem+json");
      assertThat(f.send("GET", "/api/v1/admin-tokens", viewer, null).status()).isEqualTo(403);
      assertThat(f.send("POST", "/api/v1/users", admin, "{\"name\":\"a\"}").status())
          .isEqualTo(201);
      assertThat(f.send("GET", "/api/v1/admin-tokens", admin, null).status()).isEqualTo(403);
      assertThat(
              f.send("POST", "/api/v1/admin-tokens", admin, "{\"name\":\"x\",\"role\":\"owner\"}")
                  .status())
          .isEqualTo(403);
      assertThat(f.get("/api/v1/admin-tokens").status()).isEqualTo(200);
    }
  }

  @Test
  void unauthenticated_getsSameProblemAndNoEcho() {
    try (ApiFixture f = ApiFixture.start()) {
      Resp none = f.send("GET", "/api/v1/users", null, null);
      String forged = f.owner.substring(0, f.owner.length() - 3) + "abc";
      Resp bad = f.send("GET", "/api/v1/users", forged, null);
      assertThat(none.status()).isEqualTo(401);
      assertThat(bad.status()).isEqualTo(401);
      assertThat(bad.json().get("detail")).isEqualTo(none.json().get("detail"));
      assertThat(bad.body()).doesNotContain(forged).doesNotContain("abc");
      assertThat(bad.header("WWW-Authenticate")).startsWith("Bearer");
      assertThat(bad.header("X-Raftray-Applied-Index")).isNotNull();
    }
  }

  @Test
  void failedAuth_isRateLimitedPerAddress_untilWindowPasses_butAValidTokenIsNeverBlocked() {
    ApiSettings s =
        new ApiSettings(ApiFixture.NODE_ID, ApiFixture.BASE_URL, 1 << 20, 3, Duration.ofMinutes(1));
    try (ApiFixture f = ApiFixture.start(s, true, b -> b)) {
      for (int i = 0; i < 3; i++) {
        assertThat(f.send("GET", "/api/v1/users", "rrt_nope.x", null).status()).isEqualTo(401);
      }
      Resp limited = f.send("GET", "/api/v1/users", "rrt_nope.y", null);
      assertThat(limited.status()).isEqualTo(429);
      assertThat(limited.header("Content-Type")).isEqualTo("application/problem+json");
      assertThat(Long.parseLong(limited.header("Retry-After"))).isBetween(1L, 60L);
      // The admin behind the same address is not locked out by someone else's guesses.
      assertThat(f.send("GET", "/api/v1/users", f.owner, null).status()).isEqualTo(200);
      assertThat(f.send("GET", "/api/v1/users", "rrt_nope.x", null).status()).isEqualTo(429);
      f.clock.advance(Duration.ofSeconds(61));
      assertThat(f.send("GET", "/api/v1/users", "rrt_nope.x", null).status()).isEqualTo(401);
      assertThat(f.send("GET", "/api/v1/users", f.owner, null).status()).isEqualTo(200);
    }
  }

  private static Resp withForwardedFor(ApiFixture f, String token, String forwardedFor) {
    try {
      java.net.http.HttpResponse<String> r =
          f.http.send(
              java.net.http.HttpRequest.newBuilder(
                      java.net.URI.create("http://127.0.0.1:" + f.server.port() + "/api/v1/users"))
                  .header("Authorization", "Bearer " + token)
                  .header("X-Forwarded-For", forwardedFor)
                  .timeout(Duration.ofSeconds(20))
                  .GET()
                  .build(),
              java.net.http.HttpResponse.BodyHandlers.ofString());
      return new Resp(r.statusCode(), r.headers(), r.body());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void behindATrustedProxy_theForwardedClientIsLimited_notTheProxy() {
    ApiSettings s =
        new ApiSettings(ApiFixture.NODE_ID, ApiFixture.BASE_URL, 1 << 20, 3, Duration.ofMinutes(1))
            .withTrustedProxies(
                new TrustedProxies(
                    List.of(TrustedProxies.Range.parse("127.0.0.0/8").orElseThrow()),
                    TrustedProxies.DEFAULT_HEADER));
    try (ApiFixture f = ApiFixture.start(s, true, b -> b)) {
      for (int i = 0; i < 3; i++) {
        assertThat(withForwardedFor(f, "rrt_nope.x", "198.51.100.1, 203.0.113.7").status())
            .isEqualTo(401);
      }
      assertThat(withForwardedFor(f, "rrt_nope.x", "203.0.113.7").status()).isEqualTo(429);
      // Another client behind the same proxy is not blocked.
      assertThat(withForwardedFor(f, "rrt_nope.x", "203.0.113.8").status()).isEqualTo(401);
      // IPv6 clients count by /64: rotating the interface id does not reset the count.
      for (int i = 0; i < 3; i++) {
        assertThat(withForwardedFor(f, "rrt_nope.x", "2001:db8:1:2::" + (i + 1)).status())
            .isEqualTo(401);
      }
      assertThat(withForwardedFor(f, "rrt_nope.x", "2001:db8:1:2:ffff::9").status()).isEqualTo(429);
      assertThat(withForwardedFor(f, "rrt_nope.x", "2001:db8:1:3::1").status()).isEqualTo(401);
    }
  }

  @Test
  void anUntrustedPeer_cannotChooseItsAddressWithTheHeader() {
    ApiSettings s =
        new ApiSettings(ApiFixture.NODE_ID, ApiFixture.BASE_URL, 1 << 20, 3, Duration.ofMinutes(1))
            .withTrustedProxies(
                new TrustedProxies(
                    List.of(TrustedProxies.Range.parse("10.0.0.0/8").orElseThrow()),
                    TrustedProxies.DEFAULT_HEADER));
    try (ApiFixture f = ApiFixture.start(s, true, b -> b)) {
      for (int i = 0; i < 3; i++) {
        assertThat(withForwardedFor(f, "rrt_nope.x", "203.0.113." + i).status()).isEqualTo(401);
      }
      assertThat(withForwardedFor(f, "rrt_nope.x", "203.0.113.99").status()).isEqualTo(429);
    }
  }

  @Test
  void startingNode_withoutState_answers503AndCountsNoFailure() {
    ApiSettings s =
        new ApiSettings(ApiFixture.NODE_ID, ApiFixture.BASE_URL, 1 << 20, 3, Duration.ofMinutes(1));
    try (ApiFixture f = ApiFixture.start(s, false, b -> b)) {
      for (int i = 0; i < 5; i++) {
        Resp r = f.send("GET", "/api/v1/users", "rrt_any.x", null);
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
      }
      assertThat(f.send("GET", "/api/v1/users", null, null).status()).isEqualTo(401);
    }
  }

  @Test
  void routes_unknownIs404_wrongMethodIs405() {
    try (ApiFixture f = ApiFixture.start()) {
      Resp unknown = f.get("/api/v1/nope");
      assertThat(unknown.status()).isEqualTo(404);
      assertThat(unknown.header("Content-Type")).isEqualTo("application/problem+json");
      Resp wrong = f.send("PUT", "/api/v1/users", f.owner, "{}");
      assertThat(wrong.status()).isEqualTo(405);
      assertThat(wrong.header("Allow")).isEqualTo("GET, POST");
      assertThat(wrong.header("Content-Type")).isEqualTo("application/problem+json");
    }
  }

  @Test
  void replicaFailures_mapTo503AndGeneric500() {
    try (ApiFixture f =
        ApiFixture.start(
            ApiSettings.of(ApiFixture.NODE_ID, ApiFixture.BASE_URL), true, Failing::new)) {
      Resp unavailable = f.post("/api/v1/users", "{\"name\":\"x\"}");
      assertThat(unavailable.status()).isEqualTo(503);
      assertThat(unavailable.header("Content-Type")).isEqualTo("application/problem+json");
      assertThat(unavailable.json().get("detail").asText()).isEqualTo("no leader within 5s");
      assertThat(unavailable.header("Retry-After")).isEqualTo("1");
      Resp broken = f.get("/api/v1/cluster");
      assertThat(broken.status()).isEqualTo(500);
      assertThat(broken.header("Content-Type")).isEqualTo("application/problem+json");
      assertThat(broken.body()).doesNotContain("boom").doesNotContain("at io.raftray");
    }
  }

  /** Submits fail as in a minority partition; status() throws a bug. */
  private record Failing(Replica real) implements Replica {
    @Override
    public State view() {
      return real.view();
    }

    @Override
    public Result submit(String actor, Command command) {
      throw new RaftrayException(ErrorKind.UNAVAILABLE, "no leader within 5s");
    }

    @Override
    public State linearizableView() {
      return real.linearizableView();
    }

    @Override
    public RaftStatus status() {
      throw new IllegalStateException("boom");
    }
  }
}
