package io.raftray.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftray.api.ApiFixture.Resp;
import io.raftray.model.Endpoint;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ApiEndpointsGrantsTest {
  private static final String REALITY =
      """
      {"protocol":"vless","port":443,"security":"reality",
       "settings":{"server_names":["www.example.com"],"dest":"www.example.com:443",
                   "flow":"xtls-rprx-vision"}}""";

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
  void endpoints_createReality_generatesKeysAndHidesSecrets() {
    Resp r = f.post("/api/v1/endpoints", REALITY);
    assertThat(r.status()).isEqualTo(201);
    JsonNode e = r.json();
    assertThat(e.get("tag").asText()).isEqualTo("vless-443");
    assertThat(e.get("node_id").asText()).isEqualTo(ApiFixture.NODE_ID);
    assertThat(e.get("transport").asText()).isEqualTo("tcp");
    assertThat(e.has("secrets")).isFalse();
    JsonNode s = e.get("settings");
    assertThat(s.get("fingerprint").asText()).isEqualTo("chrome");
    assertThat(s.get("flow").asText()).isEqualTo("xtls-rprx-vision");
    assertThat(s.get("short_ids")).hasSize(2);
    s.get("short_ids").forEach(id -> assertThat(id.asText()).matches("[0-9a-f]{16}"));
    String pub = s.get("public_key").asText();
    assertThat(Base64.getUrlDecoder().decode(pub)).hasSize(32);
    Endpoint stored = f.view().endpoints().get(e.get("id").asText());
    String priv = stored.secrets().get("private_key");
    assertThat(Base64.getUrlDecoder().decode(priv)).hasSize(32);
    assertThat(r.body()).doesNotContain(priv);
    assertThat(f.get("/api/v1/endpoints").body()).doesNotContain(priv);
  }

  @Test
  void endpoints_shadowsocks2022_generatesServerKeyAndGrantKeys() {
    Resp r =
        f.post(
            "/api/v1/endpoints",
            "{\"protocol\":\"shadowsocks\",\"port\":8388,"
                + "\"settings\":{\"method\":\"2022-blake3-aes-256-gcm\"}}");
    assertThat(r.status()).isEqualTo(201);
    assertThat(Base64.getDecoder().decode(r.json().get("settings").get("server_key").asText()))
        .hasSize(32);
    String user = f.post("/api/v1/users", "{\"name\":\"ss\"}").json().get("id").asText();
    Resp g =
        f.post(
            "/api/v1/grants",
            "{\"user_id\":\""
                + user
                + "\",\"endpoint_id\":\""
                + r.json().get("id").asText()
                + "\"}");
    assertThat(g.status()).isEqualTo(201);
    assertThat(Base64.getDecoder().decode(g.json().get("credential").asText())).hasSize(32);
    Resp dflt = f.post("/api/v1/endpoints", "{\"protocol\":\"shadowsocks\",\"port\":8389}");
    assertThat(dflt.json().get("settings").get("method").asText())
        .isEqualTo("2022-blake3-aes-128-gcm");
    assertThat(Base64.getDecoder().decode(dflt.json().get("settings").get("server_key").asText()))
        .hasSize(16);
  }

  @Test
  void endpoints_patch_mergesSettingsAndKeepsGeneratedMaterial() {
    JsonNode e = f.post("/api/v1/endpoints", REALITY).json();
    String id = e.get("id").asText();
    Resp p =
        f.patch(
            "/api/v1/endpoints/" + id,
            "{\"port\":8443,\"enabled\":false,\"settings\":{\"fingerprint\":\"firefox\",\"flow\":null}}");
    assertThat(p.status()).isEqualTo(200);
    JsonNode s = p.json().get("settings");
    assertThat(p.json().get("port").asInt()).isEqualTo(8443);
    assertThat(p.json().get("enabled").asBoolean()).isFalse();
    assertThat(s.get("fingerprint").asText()).isEqualTo("firefox");
    assertThat(s.has("flow")).isFalse();
    assertThat(s.get("public_key")).isEqualTo(e.get("settings").get("public_key"));
    assertThat(s.get("short_ids")).isEqualTo(e.get("settings").get("short_ids"));
    assertThat(f.view().endpoints().get(id).secrets()).containsKey("private_key");
  }

  @Test
  void endpoints_wsAndList_filterByNode() {
    Resp ws =
        f.post(
            "/api/v1/endpoints",
            "{\"protocol\":\"vmess\",\"port\":80,\"transport\":\"ws\","
                + "\"tag\":\"vm-ws\",\"settings\":{\"path\":\"/ray\",\"host\":\"cdn.example.com\"}}");
    assertThat(ws.status()).isEqualTo(201);
    assertThat(ws.json().get("settings").get("path").asText()).isEqualTo("/ray");
    assertThat(f.get("/api/v1/endpoints?node_id=" + ApiFixture.NODE_ID).json().get("items"))
        .hasSize(1);
    assertThat(f.get("/api/v1/endpoints?node_id=node_other").json().get("items")).isEmpty();
    assertThat(f.get("/api/v1/endpoints/" + ws.json().get("id").asText()).status()).isEqualTo(200);
  }

  @Test
  void grants_crudFiltersAndCascades() {
    String ep1 = f.post("/api/v1/endpoints", REALITY).json().get("id").asText();
    String ep2 =
        f.post(
                "/api/v1/endpoints",
                "{\"protocol\":\"trojan\",\"port\":8443,"
                    + "\"security\":\"tls\",\"settings\":{\"server_name\":\"t.example.com\","
                    + "\"certificate_file\":\"/etc/x/c.pem\",\"key_file\":\"/etc/x/k.pem\"}}")
            .json()
            .get("id")
            .asText();
    String alice = f.post("/api/v1/users", "{\"name\":\"alice\"}").json().get("id").asText();
    String bob = f.post("/api/v1/users", "{\"name\":\"bob\"}").json().get("id").asText();

    Resp g1 = f.post("/api/v1/grants", grant(alice, ep1));
    assertThat(g1.status()).isEqualTo(201);
    assertThat(UUID.fromString(g1.json().get("credential").asText()).version()).isEqualTo(4);
    Resp g2 = f.post("/api/v1/grants", grant(alice, ep2));
    assertThat(g2.json().get("credential").asText()).matches("[A-Za-z0-9_-]{32}");
    f.post("/api/v1/grants", grant(bob, ep1));
    f.post("/api/v1/grants", grant(bob, ep2));

    assertThat(f.get("/api/v1/grants?user_id=" + alice).json().get("items")).hasSize(2);
    assertThat(f.get("/api/v1/grants?endpoint_id=" + ep1).json().get("items")).hasSize(2);
    assertThat(f.get("/api/v1/grants?user_id=" + bob + "&endpoint_id=" + ep2).json().get("items"))
        .hasSize(1);

    String g1id = g1.json().get("id").asText();
    Resp off = f.patch("/api/v1/grants/" + g1id, "{\"enabled\":false}");
    assertThat(off.status()).isEqualTo(200);
    assertThat(off.json().get("enabled").asBoolean()).isFalse();
    assertThat(f.get("/api/v1/grants/" + g1id).json().get("enabled").asBoolean()).isFalse();

    assertThat(f.delete("/api/v1/users/" + alice).status()).isEqualTo(204);
    assertThat(f.view().grants().values()).noneMatch(g -> g.userId().equals(alice));
    assertThat(f.view().grants()).hasSize(2);
    assertThat(f.delete("/api/v1/endpoints/" + ep1).status()).isEqualTo(204);
    assertThat(f.view().grants().values())
        .singleElement()
        .satisfies(g -> assertThat(g.endpointId()).isEqualTo(ep2));
    String last = f.view().grants().firstKey();
    assertThat(f.delete("/api/v1/grants/" + last).status()).isEqualTo(204);
    assertThat(f.view().grants()).isEmpty();
  }

  @Test
  void storeRejection_raceAfterPrecheck_mapsToProblemWithField() {
    // A view that lags the log lets a conflicting write pass the API's pre-check; the Store
    // still rejects it and the result must map through the same table.
    try (ApiFixture stale =
        ApiFixture.start(
            ApiSettings.of(ApiFixture.NODE_ID, ApiFixture.BASE_URL), true, StaleView::new)) {
      StaleView sv = (StaleView) stale.replica;
      sv.freeze();
      assertThat(stale.post("/api/v1/endpoints", "{\"protocol\":\"vmess\",\"port\":1080}").status())
          .isEqualTo(201);
      Resp r = stale.post("/api/v1/endpoints", "{\"protocol\":\"trojan\",\"port\":1080}");
      assertThat(r.status()).isEqualTo(409);
      assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
      assertThat(r.json().get("errors").get(0).get("field").asText()).isEqualTo("port");
    }
  }

  static String grant(String user, String endpoint) {
    return "{\"user_id\":\"" + user + "\",\"endpoint_id\":\"" + endpoint + "\"}";
  }
}
