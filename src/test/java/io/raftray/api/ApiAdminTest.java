package io.raftray.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftray.api.ApiFixture.Resp;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Admin tokens, nodes, cluster and audit. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ApiAdminTest {
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
  void adminTokens_createUseListRevoke() {
    Resp created = f.post("/api/v1/admin-tokens", "{\"name\":\"ci\",\"role\":\"admin\"}");
    assertThat(created.status()).isEqualTo(201);
    String token = created.json().get("token").asText();
    String id = created.json().get("id").asText();
    assertThat(token).startsWith("rrt_" + id + ".");
    assertThat(created.json().has("secret_hash")).isFalse();
    assertThat(created.json().get("last_used_at").isNull()).isTrue();

    assertThat(f.send("GET", "/api/v1/users", token, null).status()).isEqualTo(200);

    Resp list = f.get("/api/v1/admin-tokens");
    assertThat(list.body()).doesNotContain(token.substring(token.indexOf('.') + 1));
    JsonNode ci = find(list.json().get("items"), id);
    assertThat(ci.has("token")).isFalse();
    assertThat(ci.has("secret_hash")).isFalse();
    assertThat(ci.get("revoked").asBoolean()).isFalse();
    assertThat(ci.get("last_used_at").asText()).isEqualTo("2030-01-01T00:00:00Z");
    assertThat(ci.get("role").asText()).isEqualTo("admin");

    assertThat(f.delete("/api/v1/admin-tokens/" + id).status()).isEqualTo(204);
    assertThat(f.get("/api/v1/admin-tokens/" + id).json().get("revoked").asBoolean()).isTrue();
    assertThat(f.send("GET", "/api/v1/users", token, null).status()).isEqualTo(401);
  }

  @Test
  void adminTokens_secondOwnerCanRevokeFirst() {
    String second =
        f.post("/api/v1/admin-tokens", "{\"name\":\"owner2\",\"role\":\"owner\"}")
            .json()
            .get("token")
            .asText();
    assertThat(f.send("DELETE", "/api/v1/admin-tokens/" + f.ownerId, second, null).status())
        .isEqualTo(204);
    assertThat(f.get("/api/v1/users").status()).isEqualTo(401);
  }

  @Test
  void cluster_get_showsMembersAndRaftStatus() {
    Resp r = f.get("/api/v1/cluster");
    assertThat(r.status()).isEqualTo(200);
    JsonNode c = r.json();
    assertThat(c.get("cluster_id").asText()).isEqualTo("cluster-test");
    assertThat(c.get("leader_id").asText()).isEqualTo(ApiFixture.NODE_ID);
    assertThat(c.get("term").asLong()).isEqualTo(1);
    assertThat(c.get("feature_level").asInt()).isEqualTo(f.view().featureLevel()).isEqualTo(1);
    JsonNode m = c.get("members").get(0);
    assertThat(m.get("node_id").asText()).isEqualTo(ApiFixture.NODE_ID);
    assertThat(m.get("name").asText()).isEqualTo("node-a");
    assertThat(m.get("api_base_url").asText()).isEqualTo(ApiFixture.BASE_URL);
    assertThat(m.get("role").asText()).isEqualTo("voter");
    assertThat(m.get("is_leader").asBoolean()).isTrue();
    assertThat(m.get("healthy").asBoolean()).isTrue();
  }

  @Test
  void nodes_listGetPatchAndRefuseLastRemoval() {
    JsonNode items = f.get("/api/v1/nodes").json().get("items");
    assertThat(items).hasSize(1);
    JsonNode n = items.get(0);
    assertThat(n.get("status").asText()).isEqualTo("active");
    assertThat(n.get("xray").get("version").asText()).isEqualTo("25.1.1");
    assertThat(n.has("certificate_pem")).isFalse();
    String path = "/api/v1/nodes/" + ApiFixture.NODE_ID;
    Resp p =
        f.patch(
            path,
            "{\"name\":\"edge-1\",\"access_host\":\"edge1.example.com\","
                + "\"labels\":{\"region\":\"eu-west\"}}");
    assertThat(p.status()).isEqualTo(200);
    assertThat(p.json().get("name").asText()).isEqualTo("edge-1");
    assertThat(p.json().get("labels").get("region").asText()).isEqualTo("eu-west");
    assertThat(f.get(path).json().get("access_host").asText()).isEqualTo("edge1.example.com");
    Resp del = f.delete(path);
    assertThat(del.status()).isEqualTo(409);
    assertThat(del.json().get("detail").asText())
        .isEqualTo("cannot remove the last node of the cluster");
    assertThat(f.delete("/api/v1/nodes/node_nope").status()).isEqualTo(404);
  }

  @Test
  void audit_recordsActorNewestFirstWithFiltersAndCursor() {
    String admin =
        f.post("/api/v1/admin-tokens", "{\"name\":\"a\",\"role\":\"admin\"}")
            .json()
            .get("token")
            .asText();
    String adminId = admin.substring(4, admin.indexOf('.'));
    String u = f.post("/api/v1/users", "{\"name\":\"x\"}").json().get("id").asText();
    f.send("PATCH", "/api/v1/users/" + u, admin, "{\"note\":\"n\"}");
    f.send("POST", "/api/v1/users", admin, "{\"name\":\"y\"}");

    JsonNode all = f.get("/api/v1/audit").json().get("items");
    List<Long> seqs = new ArrayList<>();
    all.forEach(e -> seqs.add(e.get("seq").asLong()));
    assertThat(seqs).isSortedAccordingTo((a, b) -> Long.compare(b, a));
    assertThat(all.get(0).get("action").asText()).isEqualTo("user.create");
    assertThat(all.get(0).get("actor").asText()).isEqualTo(adminId);
    assertThat(all.get(0).get("at").asText()).isEqualTo("2030-01-01T00:00:00Z");

    JsonNode byAdmin = f.get("/api/v1/audit?actor=" + adminId).json().get("items");
    assertThat(byAdmin).hasSize(2);
    JsonNode updates = f.get("/api/v1/audit?action=user.update").json().get("items");
    assertThat(updates)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.get("target").asText()).isEqualTo(u);
              assertThat(e.get("summary").asText()).isEqualTo("updated note");
            });
    assertThat(f.get("/api/v1/audit?target=" + u).json().get("items")).hasSize(2);
    JsonNode byOwner = f.get("/api/v1/audit?actor=" + f.ownerId).json().get("items");
    assertThat(byOwner).hasSize(2); // token create + user create

    Resp page1 = f.get("/api/v1/audit?limit=2");
    String cursor = page1.json().get("next_cursor").asText();
    Resp page2 = f.get("/api/v1/audit?limit=2&cursor=" + cursor);
    assertThat(page2.json().get("items").get(0).get("seq").asLong())
        .isLessThan(Long.parseLong(cursor));
  }

  private static JsonNode find(JsonNode items, String id) {
    for (JsonNode i : items) {
      if (i.get("id").asText().equals(id)) {
        return i;
      }
    }
    throw new AssertionError("no item " + id);
  }
}
