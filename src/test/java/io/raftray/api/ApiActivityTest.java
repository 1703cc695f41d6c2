package io.raftray.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftray.api.ApiFixture.Resp;
import io.raftray.model.Role;
import io.raftray.state.Command;
import io.raftray.state.Result;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Activity ({@code online_at}, {@code sub_updated_at}, {@code sub_last_user_agent}, {@code
 * online_since}, {@code /stats/users}), device limits ({@code hwid_device_limit}, {@code
 * /users/{id}/devices}) and {@code /settings} over a real listener.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ApiActivityTest {
  private ApiFixture f;

  @BeforeEach
  void start() {
    f = ApiFixture.start();
  }

  @AfterEach
  void stop() {
    f.close();
  }

  private String create(String body) {
    Resp r = f.post("/api/v1/users", body);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().get("id").asText();
  }

  private void submit(Command c) {
    Result r = f.local.submit(f.ownerId, c);
    assertThat(r.ok()).as(r.message()).isTrue();
  }

  private void traffic(String userId, long seq) {
    submit(
        new Command.UsageReport(
            ApiFixture.NODE_ID, seq, List.of(new Command.UsageDelta(userId, 10, 10)), true));
  }

  @Test
  void users_carryActivityFields_nullUntilSomethingHappens_thenFromTheBatches() {
    String id = create("{\"name\":\"alice\"}");
    JsonNode u = f.get("/api/v1/users/" + id).json();
    assertThat(u.get("online_at").isNull()).isTrue();
    assertThat(u.get("sub_updated_at").isNull()).isTrue();
    assertThat(u.get("sub_last_user_agent").isNull()).isTrue();
    assertThat(u.get("hwid_device_limit").isNull()).isTrue();
    Instant at = f.clock.instant();
    traffic(id, 1);
    submit(
        new Command.SubscriptionActivity(
            ApiFixture.NODE_ID, List.of(new Command.SubFetch(id, at, "Happ/3.1")), List.of()));
    u = f.get("/api/v1/users/" + id).json();
    assertThat(Instant.parse(u.get("online_at").asText())).isEqualTo(at);
    assertThat(Instant.parse(u.get("sub_updated_at").asText())).isEqualTo(at);
    assertThat(u.get("sub_last_user_agent").asText()).isEqualTo("Happ/3.1");
    // Lists carry them too.
    JsonNode item = f.get("/api/v1/users").json().get("items").get(0);
    assertThat(item.get("sub_last_user_agent").asText()).isEqualTo("Happ/3.1");
  }

  @Test
  void onlineSince_filtersTheList_andTheBulkSelection() {
    String a = create("{\"name\":\"a\"}");
    String b = create("{\"name\":\"b\"}");
    create("{\"name\":\"never\"}");
    traffic(a, 1);
    Instant between = f.clock.instant().plusSeconds(1);
    f.clock.advance(Duration.ofMinutes(10));
    traffic(b, 2);
    JsonNode items = f.get("/api/v1/users?online_since=" + between).json().get("items");
    assertThat(items).hasSize(1);
    assertThat(items.get(0).get("id").asText()).isEqualTo(b);
    assertThat(f.get("/api/v1/users?online_since=2000-01-01T00:00:00Z").json().get("items"))
        .hasSize(2);
    Resp dry =
        f.post(
            "/api/v1/users/bulk",
            "{\"action\":\"disable\",\"dry_run\":true,\"filter\":{\"online_since\":\""
                + between
                + "\"}}");
    assertThat(dry.status()).as(dry.body()).isEqualTo(200);
    assertThat(dry.json().get("count").asInt()).isEqualTo(1);
    assertThat(dry.json().get("sample").get(0).get("id").asText()).isEqualTo(b);
  }

  @Test
  void statsUsers_countsByStatus_andOnlineInTheLast5MinutesAnd24Hours() {
    String a = create("{\"name\":\"a\"}");
    String b = create("{\"name\":\"b\"}");
    create("{\"name\":\"c\",\"status\":\"disabled\"}");
    traffic(a, 1);
    f.clock.advance(Duration.ofHours(1));
    traffic(b, 2);
    f.clock.advance(Duration.ofMinutes(1));
    String viewer = f.token(Role.VIEWER);
    Resp r = f.send("GET", "/api/v1/stats/users", viewer, null);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonNode s = r.json();
    assertThat(s.get("total").asInt()).isEqualTo(3);
    assertThat(s.get("by_status").get("active").asInt()).isEqualTo(2);
    assertThat(s.get("by_status").get("disabled").asInt()).isEqualTo(1);
    assertThat(s.get("by_status").get("on_hold").asInt()).isZero();
    assertThat(s.get("online_5m").asInt()).isEqualTo(1);
    assertThat(s.get("online_24h").asInt()).isEqualTo(2);
    assertThat(s.get("never_online").asInt()).isEqualTo(1);
    assertThat(Instant.parse(s.get("at").asText())).isEqualTo(f.clock.instant());
  }

  @Test
  void hwidDeviceLimit_onCreateAndPatch_nullMeansTheClusterDefault() {
    String id = create("{\"name\":\"a\",\"hwid_device_limit\":3}");
    assertThat(f.get("/api/v1/users/" + id).json().get("hwid_device_limit").asInt()).isEqualTo(3);
    Resp p = f.patch("/api/v1/users/" + id, "{\"hwid_device_limit\":0}");
    assertThat(p.status()).as(p.body()).isEqualTo(200);
    assertThat(p.json().get("hwid_device_limit").asInt()).isZero();
    p = f.patch("/api/v1/users/" + id, "{\"hwid_device_limit\":null}");
    assertThat(p.json().get("hwid_device_limit").isNull()).isTrue();
    assertThat(f.view().users().get(id).hwidDeviceLimit()).isNull();
    Resp batch =
        f.post("/api/v1/users/batch", "{\"users\":[{\"name\":\"b1\",\"hwid_device_limit\":2}]}");
    assertThat(batch.status()).as(batch.body()).isEqualTo(201);
    assertThat(batch.json().get("items").get(0).get("hwid_device_limit").asInt()).isEqualTo(2);
  }

  @Test
  void devices_listedForViewers_deletedByAdmins_withTheLimitInEffect() {
    String id = create("{\"name\":\"a\",\"hwid_device_limit\":2}");
    Instant at = f.clock.instant();
    submit(
        new Command.SubscriptionActivity(
            ApiFixture.NODE_ID,
            List.of(),
            List.of(
                new Command.DeviceSeen(id, "hw-b", "iOS", "17.4", "iPhone15,2", "Happ/3.1", at),
                new Command.DeviceSeen(id, "hw-a", "Android", null, null, "v2rayNG/1.8", at))));
    String viewer = f.token(Role.VIEWER);
    Resp r = f.send("GET", "/api/v1/users/" + id + "/devices", viewer, null);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonNode d = r.json();
    assertThat(d.get("hwid_device_limit").asInt()).isEqualTo(2);
    assertThat(d.get("limit_from").asText()).isEqualTo("user");
    assertThat(d.get("count").asInt()).isEqualTo(2);
    JsonNode first = d.get("items").get(0);
    assertThat(first.get("hwid").asText()).isEqualTo("hw-a");
    assertThat(first.get("device_os").asText()).isEqualTo("Android");
    assertThat(first.get("os_version").isNull()).isTrue();
    assertThat(first.get("node_id").asText()).isEqualTo(ApiFixture.NODE_ID);
    JsonNode second = d.get("items").get(1);
    assertThat(second.get("device_model").asText()).isEqualTo("iPhone15,2");
    assertThat(second.get("user_agent").asText()).isEqualTo("Happ/3.1");
    assertThat(Instant.parse(second.get("last_seen_at").asText())).isEqualTo(at);

    String admin = f.token(Role.ADMIN);
    Resp del = f.send("DELETE", "/api/v1/users/" + id + "/devices/hw-a", admin, null);
    assertThat(del.status()).as(del.body()).isEqualTo(204);
    assertThat(f.view().devices(id)).containsOnlyKeys("hw-b");
    assertThat(f.view().audit().all().getLast().action()).isEqualTo("user.delete_device");
    assertThat(f.delete("/api/v1/users/" + id + "/devices/hw-a").status()).isEqualTo(404);
  }

  @Test
  void settings_getForEveryRole_patchMergesFields_andTheDefaultShowsOnDevices() {
    String viewer = f.token(Role.VIEWER);
    JsonNode s = f.send("GET", "/api/v1/settings", viewer, null).json();
    assertThat(s.get("audit_retention").asInt()).isEqualTo(10_000);
    assertThat(s.get("hwid_device_limit").asInt()).isZero();
    assertThat(s.get("hwid_required").asBoolean()).isFalse();
    Resp p = f.patch("/api/v1/settings", "{\"hwid_device_limit\":3}");
    assertThat(p.status()).as(p.body()).isEqualTo(200);
    p = f.patch("/api/v1/settings", "{\"hwid_required\":true,\"audit_retention\":500}");
    assertThat(p.json().get("hwid_device_limit").asInt()).isEqualTo(3);
    assertThat(p.json().get("hwid_required").asBoolean()).isTrue();
    assertThat(p.json().get("audit_retention").asInt()).isEqualTo(500);
    assertThat(f.view().audit().all().getLast().action()).isEqualTo("settings.update");
    String id = create("{\"name\":\"a\"}");
    JsonNode d = f.get("/api/v1/users/" + id + "/devices").json();
    assertThat(d.get("hwid_device_limit").asInt()).isEqualTo(3);
    assertThat(d.get("limit_from").asText()).isEqualTo("settings");
    assertThat(d.get("items")).isEmpty();
  }
}
