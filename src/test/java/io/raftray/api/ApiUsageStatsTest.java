package io.raftray.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftray.api.ApiFixture.Resp;
import io.raftray.state.Command;
import io.raftray.state.Result;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code GET /api/v1/stats/usage} over a real listener, from the replicated history. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ApiUsageStatsTest {
  private ApiFixture f;
  private long seq;

  @BeforeEach
  void start() {
    f = ApiFixture.start();
  }

  @AfterEach
  void stop() {
    f.close();
  }

  private String create(String name) {
    Resp r = f.post("/api/v1/users", "{\"name\":\"" + name + "\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().get("id").asText();
  }

  private void traffic(String userId, long up, long down) {
    Result r =
        f.local.submit(
            f.ownerId,
            new Command.UsageReport(
                ApiFixture.NODE_ID,
                ++seq,
                List.of(new Command.UsageDelta(userId, up, down)),
                true,
                true));
    assertThat(r.ok()).as(r.message()).isTrue();
  }

  private static List<Long> totals(JsonNode answer) {
    List<Long> out = new ArrayList<>();
    answer.get("points").forEach(p -> out.add(p.get("total_bytes").asLong()));
    return out;
  }

  @Test
  void hourly_fleetAndNode_sumTheReportsInTheHourTheyWereReported() {
    String a = create("a");
    String b = create("b");
    Instant t0 = f.clock.instant(); // 2030-01-01T00:00Z, an hour boundary
    traffic(a, 100, 900);
    f.clock.advance(Duration.ofMinutes(30));
    traffic(b, 1, 2);
    f.clock.advance(Duration.ofHours(2));
    traffic(a, 10, 20);
    String q = "?from=" + t0 + "&to=" + t0.plus(Duration.ofHours(2).plusMinutes(30));
    Resp fleet = f.get("/api/v1/stats/usage" + q);
    assertThat(fleet.status()).as(fleet.body()).isEqualTo(200);
    assertThat(fleet.json().get("step").asText()).isEqualTo("hour");
    assertThat(totals(fleet.json())).containsExactly(1003L, 0L, 30L);
    JsonNode first = fleet.json().get("points").get(0);
    assertThat(first.get("at").asText()).isEqualTo(t0.toString());
    assertThat(first.get("uplink_bytes").asLong()).isEqualTo(101);
    assertThat(first.get("downlink_bytes").asLong()).isEqualTo(902);
    assertThat(fleet.json().get("total").get("total_bytes").asLong()).isEqualTo(1033);
    Resp node = f.get("/api/v1/stats/usage" + q + "&node_id=" + ApiFixture.NODE_ID);
    assertThat(totals(node.json())).isEqualTo(totals(fleet.json()));
  }

  @Test
  void daily_perUser_isTheUsersOwnTraffic() {
    String a = create("a");
    String b = create("b");
    Instant t0 = f.clock.instant();
    traffic(a, 5, 5);
    traffic(b, 7, 7);
    f.clock.advance(Duration.ofDays(1));
    traffic(a, 1, 1);
    String q = "?step=day&from=" + t0 + "&to=" + f.clock.instant();
    Resp ra = f.get("/api/v1/stats/usage" + q + "&user_id=" + a);
    assertThat(ra.status()).as(ra.body()).isEqualTo(200);
    assertThat(totals(ra.json())).containsExactly(10L, 2L);
    Resp rb = f.get("/api/v1/stats/usage" + q + "&user_id=" + b);
    assertThat(totals(rb.json())).containsExactly(14L, 0L);
    Resp fleet = f.get("/api/v1/stats/usage" + q);
    assertThat(totals(fleet.json())).containsExactly(24L, 2L);
  }

  @Test
  void defaults_areTheLast24Hours_andNothingOlderThanTheRetentionIsAnswered() {
    Resp r = f.get("/api/v1/stats/usage");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().get("points")).hasSize(25);
    Instant now = f.clock.instant();
    Resp old = f.get("/api/v1/stats/usage?from=" + now.minus(Duration.ofDays(30)) + "&to=" + now);
    assertThat(old.status()).as(old.body()).isEqualTo(200);
    Instant retained = Instant.parse(old.json().get("retained_from").asText());
    assertThat(retained).isAfterOrEqualTo(now.minus(Duration.ofDays(15)));
    assertThat(Instant.parse(old.json().get("points").get(0).get("at").asText()))
        .isEqualTo(retained);
  }

  @Test
  void badQueries_areFieldErrors_unknownIds_are404() {
    String a = create("a");
    assertThat(f.get("/api/v1/stats/usage?step=week").body()).contains("\"field\":\"step\"");
    Resp both = f.get("/api/v1/stats/usage?node_id=" + ApiFixture.NODE_ID + "&user_id=" + a);
    assertThat(both.status()).isEqualTo(400);
    assertThat(both.body()).contains("\"field\":\"user_id\"");
    Resp hourlyUser = f.get("/api/v1/stats/usage?step=hour&user_id=" + a);
    assertThat(hourlyUser.status()).isEqualTo(400);
    assertThat(hourlyUser.body()).contains("use step=day");
    Resp backwards = f.get("/api/v1/stats/usage?from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z");
    assertThat(backwards.status()).isEqualTo(400);
    assertThat(backwards.body()).contains("\"field\":\"from\"");
    Resp tooMany = f.get("/api/v1/stats/usage?from=2020-01-01T00:00:00Z");
    assertThat(tooMany.status()).isEqualTo(400);
    assertThat(tooMany.body()).contains("at most 1000");
    assertThat(f.get("/api/v1/stats/usage?from=yesterday").body()).contains("RFC 3339");
    assertThat(f.get("/api/v1/stats/usage?node_id=node_nope").status()).isEqualTo(404);
    assertThat(f.get("/api/v1/stats/usage?step=day&user_id=usr_nope").status()).isEqualTo(404);
    assertThat(f.get("/api/v1/stats/usage?colour=red").status()).isEqualTo(400);
  }
}
