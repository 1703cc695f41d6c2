package io.raftray.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftray.api.ApiFixture.Resp;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ApiProbesTest {

  @Test
  void probes_healthReadyAndMetrics() {
    try (ApiFixture f = ApiFixture.start()) {
      Resp h = f.send("GET", "/healthz", null, null);
      assertThat(h.status()).isEqualTo(200);
      assertThat(h.json().get("status").asText()).isEqualTo("ok");
      assertThat(f.send("GET", "/readyz", null, null).status()).isEqualTo(200);

      String u = f.post("/api/v1/users", "{\"name\":\"m\"}").json().get("id").asText();
      f.get("/api/v1/users/" + u);
      f.get("/api/v1/nope");
      Resp m = f.send("GET", "/metrics", null, null);
      assertThat(m.status()).isEqualTo(200);
      assertThat(m.header("Content-Type")).startsWith("text/plain; version=0.0.4");
      assertThat(m.body())
          .contains("raftray_raft_term 1\n")
          .contains("raftray_raft_commit_index ")
          .contains("raftray_raft_applied_index ")
          .contains("raftray_raft_role{role=\"leader\"} 1\n")
          .contains("raftray_raft_role{role=\"follower\"} 0\n")
          .contains("raftray_raft_is_leader 1\n")
          .contains("raftray_users{status=\"active\"} 1\n")
          .contains("raftray_users{status=\"on_hold\"} 0\n")
          .contains("raftray_endpoints 0\n")
          .contains("raftray_grants 0\n")
          .contains(
              "raftray_http_requests_total{method=\"POST\",route=\"/api/v1/users\",status=\"201\"} 1")
          .contains(
              "raftray_http_requests_total{method=\"GET\",route=\"/api/v1/users/{id}\",status=\"200\"} 1")
          .contains("route=\"/api/v1/{unknown}\",status=\"404\"")
          .contains(
              "raftray_http_request_duration_seconds_bucket{route=\"/api/v1/users/{id}\",le=\"+Inf\"} 1")
          .contains("raftray_http_request_duration_seconds_count{route=\"/healthz\"} 1")
          .doesNotContain(u)
          .doesNotContain(f.owner);
    }
  }

  @Test
  void readyz_notBootstrapped_is503WithReason() {
    try (ApiFixture f =
        ApiFixture.start(ApiSettings.of(ApiFixture.NODE_ID, ApiFixture.BASE_URL), false, b -> b)) {
      Resp r = f.send("GET", "/readyz", null, null);
      assertThat(r.status()).isEqualTo(503);
      assertThat(r.json().get("reason").asText()).contains("bootstrap");
      assertThat(f.send("GET", "/healthz", null, null).status()).isEqualTo(200);
    }
  }
}
