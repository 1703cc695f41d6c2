package io.raftray.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftray.api.ApiFixture.Resp;
import io.raftray.model.Role;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The fleet visibility routes over a real listener without a daemon ({@link Fleet#NONE}): bad
 * input, roles, and node views that still answer when no host report can be had.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ApiNodeHostTest {
  private static final String NODE = ApiFixture.NODE_ID;
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
  void nodes_withoutHostReports_stillAnswer_hostNullWithAnError() {
    Resp list = f.get("/api/v1/nodes");
    Resp one = f.get("/api/v1/nodes/" + NODE);

    assertThat(list.status()).isEqualTo(200);
    JsonNode n = list.json().path("items").get(0);
    assertThat(n.has("host")).isTrue();
    assertThat(n.path("host").isNull()).isTrue();
    assertThat(n.path("host_error").asText()).isEqualTo("host reports are not available here");
    assertThat(n.has("last_contact_ms")).isTrue();
    assertThat(one.status()).isEqualTo(200);
    assertThat(one.json().path("host").isNull()).isTrue();
  }

  @Test
  void logs_badTailOrSource_400WithTheFields() {
    for (String q : new String[] {"tail=0", "tail=2001", "tail=ten", "source=kernel"}) {
      Resp r = f.get("/api/v1/nodes/" + NODE + "/logs?" + q);
      assertThat(r.status()).as(q).isEqualTo(400);
      assertThat(r.header("Content-Type")).startsWith("application/problem+json");
    }
    JsonNode both = f.get("/api/v1/nodes/" + NODE + "/logs?tail=-1&source=x").json();
    assertThat(both.path("errors").findValuesAsText("field")).containsExactly("tail", "source");
    assertThat(f.get("/api/v1/nodes/" + NODE + "/logs?lines=3").status()).isEqualTo(400);
  }

  @Test
  void logsAndRestart_unknownNode404_noHost503() {
    assertThat(f.get("/api/v1/nodes/node_01JNOSUCH/logs").status()).isEqualTo(404);
    assertThat(f.post("/api/v1/nodes/node_01JNOSUCH/core/restart", "").status()).isEqualTo(404);
    Resp logs = f.get("/api/v1/nodes/" + NODE + "/logs?tail=5&source=core");
    assertThat(logs.status()).isEqualTo(503);
    assertThat(f.post("/api/v1/nodes/" + NODE + "/core/restart", "{\"x\":1}").status())
        .isEqualTo(400);
  }

  @Test
  void viewer_listsNodes_butMayNotReadLogsOrRestartTheCore() {
    String viewer = f.token(Role.VIEWER);
    String admin = f.token(Role.ADMIN);

    assertThat(f.send("GET", "/api/v1/nodes", viewer, null).status()).isEqualTo(200);
    Resp logs = f.send("GET", "/api/v1/nodes/" + NODE + "/logs", viewer, null);
    assertThat(logs.status()).isEqualTo(403);
    assertThat(logs.json().path("detail").asText())
        .isEqualTo("viewer tokens may not read node logs or restart a node's core");
    assertThat(f.send("POST", "/api/v1/nodes/" + NODE + "/core/restart", viewer, null).status())
        .isEqualTo(403);
    // Admins pass the role check (and reach the missing fleet: 503).
    assertThat(f.send("GET", "/api/v1/nodes/" + NODE + "/logs", admin, null).status())
        .isEqualTo(503);
  }
}
