package io.raftray.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftray.api.ApiFixture.Resp;
import io.raftray.state.Command;
import io.raftray.xray.CoreState;
import io.raftray.xray.Flavor;
import io.raftray.xray.XrayStatus;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The core's health in probes, metrics and node views, and endpoint checks by core flavor. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ApiXrayTest {
  private static final String REALITY =
      """
      {"protocol":"vless","port":443,"security":"reality",
       "settings":{"server_names":["www.example.com"],"dest":"www.example.com:443"}}""";
  private static final String TLS =
      """
      {"protocol":"vless","port":8443,"security":"tls",
       "settings":{"server_name":"a.example","certificate_file":"/etc/c.pem",
                   "key_file":"/etc/k.pem"}}""";

  private ApiFixture f;

  @BeforeEach
  void start() {
    f = ApiFixture.start();
  }

  @AfterEach
  void stop() {
    f.close();
  }

  private static XrayStatus core(CoreState state, String detail, int restarts) {
    return new XrayStatus(
        state,
        Flavor.V2RAY,
        "4.34.0",
        2,
        restarts,
        detail,
        Instant.parse("2030-01-01T00:00:00Z"),
        4242,
        false,
        "127.0.0.1",
        10085);
  }

  private void report(String status, String flavor, String version) {
    assertThat(
            f.local
                .submit(
                    ApiFixture.NODE_ID,
                    new Command.ReportXray(ApiFixture.NODE_ID, status, flavor, version, "pid 1"))
                .ok())
        .isTrue();
  }

  private static JsonNode fieldError(Resp r) {
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.json().get("errors")).as(r.body()).hasSize(1);
    return r.json().get("errors").get(0);
  }

  @Test
  void readyz_coreNotUp_is503WithTheReason_andMetricsSayWhy() {
    f.core.set(
        core(CoreState.RESTARTING, "pid 4242 exited with code 1 after 3 s; retry 3 in 4 s", 3));
    Resp r = f.send("GET", "/readyz", null, null);
    assertThat(r.status()).isEqualTo(503);
    assertThat(r.json().get("reason").asText())
        .isEqualTo("the core is restarting: pid 4242 exited with code 1 after 3 s; retry 3 in 4 s");
    assertThat(r.json().get("xray").get("status").asText()).isEqualTo("restarting");
    assertThat(r.json().get("xray").get("restarts").asInt()).isEqualTo(3);

    String m = f.send("GET", "/metrics", null, null).body();
    assertThat(m)
        .contains("raftray_xray_up 0\n")
        .contains("# TYPE raftray_xray_restarts_total counter\nraftray_xray_restarts_total 3\n")
        .contains("raftray_xray_state{state=\"restarting\"} 1\n")
        .contains("raftray_xray_state{state=\"running\"} 0\n");
  }

  @Test
  void readyz_coreRunning_is200WithTheCore_andDisabledDoesNotBlock() {
    f.core.set(core(CoreState.RUNNING, "pid 4242, api on 127.0.0.1:10085", 0));
    Resp r = f.send("GET", "/readyz", null, null);
    assertThat(r.status()).isEqualTo(200);
    JsonNode x = r.json().get("xray");
    assertThat(x.get("status").asText()).isEqualTo("running");
    assertThat(x.get("flavor").asText()).isEqualTo("v2ray");
    assertThat(x.get("version").asText()).isEqualTo("4.34.0");
    assertThat(f.send("GET", "/metrics", null, null).body())
        .contains("raftray_xray_up 1\n")
        .contains("raftray_xray_state{state=\"running\"} 1\n");

    f.core.set(core(CoreState.DISABLED, "no core configured", 0));
    assertThat(f.send("GET", "/readyz", null, null).status()).isEqualTo(200);
    f.core.set(null);
    Resp none = f.send("GET", "/readyz", null, null);
    assertThat(none.status()).isEqualTo(200);
    assertThat(none.json().has("xray")).isFalse();
    assertThat(f.send("GET", "/metrics", null, null).body()).doesNotContain("raftray_xray_up");
  }

  @Test
  void nodes_showTheReportedCore_unknownBeforeAnyReport() {
    JsonNode before = f.get("/api/v1/nodes/" + ApiFixture.NODE_ID).json().get("xray");
    assertThat(before.get("status").asText()).isEqualTo("unknown");
    assertThat(before.get("version").asText()).isEqualTo("25.1.1"); // from the join facts
    assertThat(before.get("updated_at").isNull()).isTrue();

    report("running", "v2ray", "4.34.0");
    JsonNode x = f.get("/api/v1/nodes").json().get("items").get(0).get("xray");
    assertThat(x.get("status").asText()).isEqualTo("running");
    assertThat(x.get("flavor").asText()).isEqualTo("v2ray");
    assertThat(x.get("version").asText()).isEqualTo("4.34.0");
    assertThat(x.get("detail").asText()).isEqualTo("pid 1");
    assertThat(x.get("updated_at").asText()).isEqualTo("2030-01-01T00:00:00Z");
  }

  @Test
  void create_onV2rayNode_rejectsWhatV2rayCannotRun_onTheFieldToChange() {
    report("running", "v2ray", "4.34.0");
    long before = f.view().endpoints().size();
    JsonNode reality = fieldError(f.post("/api/v1/endpoints", REALITY));
    assertThat(reality.get("field").asText()).isEqualTo("security");
    assertThat(reality.get("message").asText())
        .isEqualTo("security reality needs Xray; this node runs V2Ray 4.34.0");
    JsonNode grpc =
        fieldError(
            f.post(
                "/api/v1/endpoints",
                "{\"protocol\":\"vmess\",\"port\":81,\"transport\":\"grpc\"}"));
    assertThat(grpc.get("field").asText()).isEqualTo("transport");
    assertThat(grpc.get("message").asText()).contains("grpc needs V2Ray 4.36 or Xray");
    JsonNode ss =
        fieldError(
            f.post(
                "/api/v1/endpoints",
                "{\"protocol\":\"shadowsocks\",\"port\":82,"
                    + "\"settings\":{\"method\":\"2022-blake3-aes-256-gcm\"}}"));
    assertThat(ss.get("field").asText()).isEqualTo("settings.method");
    JsonNode flow =
        fieldError(
            f.post(
                "/api/v1/endpoints",
                TLS.replace("\"key_file\"", "\"flow\":\"xtls-rprx-vision\",\"key_file\"")));
    assertThat(flow.get("field").asText()).isEqualTo("settings.flow");
    assertThat(f.view().endpoints()).hasSize((int) before);

    // What V2Ray runs is accepted; Shadowsocks defaults to a method it has.
    assertThat(
            f.post("/api/v1/endpoints", "{\"protocol\":\"vmess\",\"port\":83,\"transport\":\"ws\"}")
                .status())
        .isEqualTo(201);
    Resp plainSs = f.post("/api/v1/endpoints", "{\"protocol\":\"shadowsocks\",\"port\":84}");
    assertThat(plainSs.status()).as(plainSs.body()).isEqualTo(201);
    assertThat(plainSs.json().get("settings").get("method").asText()).isEqualTo("aes-128-gcm");
    assertThat(plainSs.json().get("settings").has("server_key")).isFalse();
  }

  @Test
  void create_onNodesThatReportedNothingOrXray_acceptsEverything() {
    assertThat(f.post("/api/v1/endpoints", REALITY).status()).isEqualTo(201);
    Resp ss = f.post("/api/v1/endpoints", "{\"protocol\":\"shadowsocks\",\"port\":84}");
    assertThat(ss.json().get("settings").get("method").asText())
        .isEqualTo("2022-blake3-aes-128-gcm");
    report("running", "xray", "25.1.30");
    assertThat(f.post("/api/v1/endpoints", REALITY.replace("443", "444")).status()).isEqualTo(201);
    // A report without a flavor (a core that never started) restricts nothing either.
    report("failed", null, null);
    assertThat(f.post("/api/v1/endpoints", REALITY.replace("443", "445")).status()).isEqualTo(201);
  }

  @Test
  void patch_onV2rayNode_rejectsEnablingOrChangingIntoWhatItCannotRun() {
    String reality =
        f.post("/api/v1/endpoints", REALITY.replace("}}", "},\"enabled\":false}"))
            .json()
            .get("id")
            .asText();
    String tls = f.post("/api/v1/endpoints", TLS).json().get("id").asText();
    report("running", "v2ray", "4.34.0");

    JsonNode enable = fieldError(f.patch("/api/v1/endpoints/" + reality, "{\"enabled\":true}"));
    assertThat(enable.get("field").asText()).isEqualTo("security");
    assertThat(f.view().endpoints().get(reality).enabled()).isFalse();
    // Other changes and disabling stay possible.
    assertThat(f.patch("/api/v1/endpoints/" + reality, "{\"tag\":\"old-reality\"}").status())
        .isEqualTo(200);

    JsonNode flow =
        fieldError(
            f.patch("/api/v1/endpoints/" + tls, "{\"settings\":{\"flow\":\"xtls-rprx-vision\"}}"));
    assertThat(flow.get("field").asText()).isEqualTo("settings.flow");
    assertThat(f.view().endpoints().get(tls).settings()).doesNotContainKey("flow");
    assertThat(
            f.patch("/api/v1/endpoints/" + tls, "{\"settings\":{\"server_name\":\"b.example\"}}")
                .status())
        .isEqualTo(200);
    assertThat(f.patch("/api/v1/endpoints/" + tls, "{\"enabled\":false}").status()).isEqualTo(200);
  }
}
