package io.raftray.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftray.api.ApiFixture.Resp;
import io.raftray.model.User;
import io.raftray.model.UserCredentials;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Per-user credentials, groups, endpoint labels and effective access over the real listener. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ApiGroupsAccessTest {
  static final String VMESS = "5a0b8f0e-1c2d-4e3f-8a9b-0c1d2e3f4a5b";
  private ApiFixture f;

  @BeforeEach
  void start() {
    f = ApiFixture.start();
  }

  @AfterEach
  void stop() {
    f.close();
  }

  private String id(Resp r) {
    assertThat(r.status()).as(r.body()).isBetween(200, 201);
    return r.json().get("id").asText();
  }

  @Test
  void createUser_generatesCredentials_keepsGivenOnes_andRotateReplacesAll() {
    JsonNode gen = f.post("/api/v1/users", "{\"name\":\"gen\"}").json().get("credentials");
    assertThat(gen.get("vless_uuid").asText()).matches(Credentials.UUID_TEXT);
    assertThat(gen.get("vmess_uuid").asText()).matches(Credentials.UUID_TEXT);
    assertThat(gen.get("trojan_password").asText()).hasSizeGreaterThanOrEqualTo(24);
    assertThat(gen.get("shadowsocks_password").asText()).hasSize(44);

    Resp given =
        f.post(
            "/api/v1/users",
            "{\"name\":\"imp\",\"credentials\":{\"vmess_uuid\":\""
                + VMESS.toUpperCase(Locale.ROOT)
                + "\"}}");
    String user = id(given);
    JsonNode c = given.json().get("credentials");
    assertThat(c.get("vmess_uuid").asText()).isEqualTo(VMESS);
    UserCredentials stored = f.view().users().get(user).credentials();
    assertThat(stored.vmessUuid()).isEqualTo(VMESS);

    Resp patched =
        f.patch(
            "/api/v1/users/" + user, "{\"credentials\":{\"trojan_password\":\"imported-pass-1\"}}");
    assertThat(patched.json().get("credentials").get("trojan_password").asText())
        .isEqualTo("imported-pass-1");
    assertThat(f.view().users().get(user).credentials().vmessUuid()).isEqualTo(VMESS);

    Resp rotated = f.post("/api/v1/users/" + user + "/rotate-credentials", null);
    assertThat(rotated.status()).isEqualTo(200);
    UserCredentials after = f.view().users().get(user).credentials();
    assertThat(after.vmessUuid()).isNotEqualTo(VMESS);
    assertThat(after.trojanPassword()).isNotEqualTo("imported-pass-1");
    assertThat(f.view().audit().all().getLast().action()).isEqualTo("user.rotate_credentials");
  }

  @Test
  void groups_crud_selectors_labels_andUserAccessWithSources() {
    String vless =
        id(
            f.post(
                "/api/v1/endpoints",
                "{\"protocol\":\"vless\",\"port\":2001,\"labels\":{\"tier\":\"gold\"}}"));
    String vmess = id(f.post("/api/v1/endpoints", "{\"protocol\":\"vmess\",\"port\":2002}"));
    String trojan = id(f.post("/api/v1/endpoints", "{\"protocol\":\"trojan\",\"port\":2003}"));
    assertThat(f.get("/api/v1/endpoints/" + vless).json().get("labels").get("tier").asText())
        .isEqualTo("gold");

    Resp g =
        f.post(
            "/api/v1/groups",
            "{\"name\":\"eu\",\"description\":\"Europe\",\"endpoint_ids\":[\""
                + vmess
                + "\"],\"selector\":{\"endpoint_labels\":{\"tier\":\"gold\"}}}");
    assertThat(g.status()).as(g.body()).isEqualTo(201);
    String eu = id(g);
    assertThat(g.json().get("selector").get("endpoint_labels").get("tier").asText())
        .isEqualTo("gold");

    String user = id(f.post("/api/v1/users", "{\"name\":\"u1\",\"group_ids\":[\"" + eu + "\"]}"));
    assertThat(f.get("/api/v1/groups/" + eu).json().get("member_count").asInt()).isEqualTo(1);
    // an explicit grant without a credential of its own uses the user's
    Resp grant = f.post("/api/v1/grants", ApiEndpointsGrantsTest.grant(user, trojan));
    assertThat(grant.json().get("credential_source").asText()).isEqualTo("user");
    assertThat(grant.json().get("credential").asText())
        .isEqualTo(f.view().users().get(user).credentials().trojanPassword());
    assertThat(f.view().grants().get(grant.json().get("id").asText()).credential()).isNull();

    JsonNode access = f.get("/api/v1/users/" + user + "/access").json();
    assertThat(access.get("connects").asBoolean()).isTrue();
    List<String> rows = new ArrayList<>();
    access
        .get("items")
        .forEach(
            r -> {
              List<String> src = new ArrayList<>();
              r.get("sources")
                  .forEach(x -> src.add(x.get("type").asText() + ":" + x.get("id").asText()));
              rows.add(
                  r.get("endpoint_id").asText()
                      + "="
                      + src
                      + "/"
                      + r.get("credential_from").asText());
            });
    assertThat(rows)
        .containsExactly(
            vless + "=[group:" + eu + "]/user",
            vmess + "=[group:" + eu + "]/user",
            trojan + "=[grant:" + grant.json().get("id").asText() + "]/user");

    // relabel the endpoint: the selector no longer matches it, and no user was written
    User before = f.view().users().get(user);
    f.patch("/api/v1/endpoints/" + vless, "{\"labels\":{\"tier\":\"silver\"}}");
    assertThat(f.view().users().get(user)).isSameAs(before);
    assertThat(f.get("/api/v1/users/" + user + "/access").json().get("items")).hasSize(2);

    // PATCH the group: the selector now picks trojan endpoints too; null removes the selector
    Resp p = f.patch("/api/v1/groups/" + eu, "{\"selector\":{\"protocols\":[\"vless\"]}}");
    assertThat(p.status()).as(p.body()).isEqualTo(200);
    assertThat(f.get("/api/v1/users/" + user + "/access").json().get("items")).hasSize(3);
    f.patch("/api/v1/groups/" + eu, "{\"selector\":null}");
    assertThat(f.get("/api/v1/groups/" + eu).json().get("selector").isNull()).isTrue();
    assertThat(f.get("/api/v1/groups").json().get("items")).hasSize(1);

    // deleting the group takes it out of its members
    assertThat(f.delete("/api/v1/groups/" + eu).status()).isEqualTo(204);
    assertThat(f.get("/api/v1/users/" + user).json().get("group_ids")).isEmpty();
    assertThat(f.get("/api/v1/users/" + user + "/access").json().get("items")).hasSize(1);
  }

  @Test
  void grantCredential_givenIsValidatedPerProtocol_andKept() {
    String ss =
        id(
            f.post(
                "/api/v1/endpoints",
                "{\"protocol\":\"shadowsocks\",\"port\":2010,"
                    + "\"settings\":{\"method\":\"2022-blake3-aes-128-gcm\"}}"));
    String user = id(f.post("/api/v1/users", "{\"name\":\"u2\"}"));
    Resp bad =
        f.post(
            "/api/v1/grants",
            "{\"user_id\":\"" + user + "\",\"endpoint_id\":\"" + ss + "\",\"credential\":\"x\"}");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.body()).contains("base64 of 16 bytes");
    String key = "MTIzNDU2Nzg5MGFiY2RlZg==";
    Resp ok =
        f.post(
            "/api/v1/grants",
            "{\"user_id\":\""
                + user
                + "\",\"endpoint_id\":\""
                + ss
                + "\",\"credential\":\""
                + key
                + "\"}");
    assertThat(ok.status()).as(ok.body()).isEqualTo(201);
    assertThat(ok.json().get("credential").asText()).isEqualTo(key);
    assertThat(ok.json().get("credential_source").asText()).isEqualTo("grant");
  }
}
