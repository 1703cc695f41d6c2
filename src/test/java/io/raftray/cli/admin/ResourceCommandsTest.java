package io.raftray.cli.admin;

import static io.raftray.cli.admin.CliHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.raftray.cli.admin.CliHarness.Result;
import io.raftray.cli.admin.StubApiServer.Request;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Endpoint, grant, token, node, audit and status commands against the stub server. */
@Timeout(30)
class ResourceCommandsTest {
  private static final String ENDPOINT =
      """
      {"id":"e1","node_id":"n1","tag":"vless-in","protocol":"vless","port":443,
       "transport":"tcp","security":"reality","settings":{"flow":"xtls-rprx-vision"},
       "enabled":true}
      """;

  @TempDir Path dir;
  CliHarness cli;

  @BeforeEach
  void start() throws Exception {
    cli = new CliHarness(dir);
  }

  @AfterEach
  void stop() {
    cli.close();
  }

  private Request runOk(String... args) {
    Result r = cli.run(args);
    assertThat(r.exitCode()).as(r.err()).isZero();
    return cli.server.requests().get(cli.server.requests().size() - 1);
  }

  @Test
  void endpointCreate_setAndSettingsJson_mergedIntoSettings() {
    cli.server.json(201, ENDPOINT);

    Request req =
        runOk(
            "endpoint",
            "create",
            "--node",
            "n1",
            "--protocol",
            "vless",
            "--port",
            "443",
            "--transport",
            "tcp",
            "--security",
            "reality",
            "--tag",
            "vless-in",
            "--settings-json",
            "{\"short_ids\":[\"ab\"],\"port_hint\":1}",
            "--set",
            "flow=xtls-rprx-vision",
            "--set",
            "port_hint=2",
            "--disabled");

    assertThat(req.method()).isEqualTo("POST");
    assertThat(req.path()).isEqualTo("/api/v1/endpoints");
    assertThat(json(req.body()))
        .isEqualTo(
            json(
                """
                {"node_id":"n1","protocol":"vless","port":443,"transport":"tcp",
                 "security":"reality","tag":"vless-in",
                 "settings":{"short_ids":["ab"],"port_hint":"2","flow":"xtls-rprx-vision"},
                 "enabled":false}
                """));
  }

  @Test
  void endpointCreate_settingsJsonNotObject_isUsageError() {
    Result r =
        cli.run(
            "endpoint",
            "create",
            "--node",
            "n1",
            "--protocol",
            "vless",
            "--port",
            "443",
            "--transport",
            "tcp",
            "--security",
            "none",
            "--settings-json",
            "[1]");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).isEqualToIgnoringNewLines("error: --settings-json must be a JSON object");
    assertThat(cli.server.requests()).isEmpty();
  }

  @Test
  void endpointUpdateAndList_sendPatchAndNodeFilter() {
    cli.server.json(200, ENDPOINT).json(200, "{\"items\":[" + ENDPOINT + "],\"next_cursor\":null}");

    Request patch = runOk("endpoint", "update", "e1", "--port", "8443", "--enabled", "false");
    assertThat(patch.method()).isEqualTo("PATCH");
    assertThat(patch.path()).isEqualTo("/api/v1/endpoints/e1");
    assertThat(json(patch.body())).isEqualTo(json("{\"port\":8443,\"enabled\":false}"));

    Result list = cli.run("endpoint", "list", "--node", "n1");
    assertThat(cli.server.requests().get(1).query()).isEqualTo("node_id=n1");
    assertThat(list.out())
        .isEqualTo(
            """
            ID  NODE  TAG       PROTOCOL  PORT  TRANSPORT  SECURITY  ENABLED
            e1  n1    vless-in  vless     443   tcp        reality   yes
            """);
  }

  @Test
  void endpointUpdate_noOptions_isUsageError() {
    Result r = cli.run("endpoint", "update", "e1");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("nothing to update");
    assertThat(cli.server.requests()).isEmpty();
  }

  @Test
  void endpointUpdate_setOnly_sendsPartialSettings() {
    cli.server.json(200, ENDPOINT);

    Request req = runOk("endpoint", "update", "e1", "--set", "path=/ws");

    assertThat(json(req.body())).isEqualTo(json("{\"settings\":{\"path\":\"/ws\"}}"));
  }

  @Test
  void grantCommands_sendExpectedRequests() {
    cli.server
        .json(201, "{\"id\":\"g1\",\"user_id\":\"u1\",\"endpoint_id\":\"e1\",\"enabled\":true}")
        .json(200, "{\"items\":[],\"next_cursor\":null}")
        .json(200, "{\"id\":\"g1\",\"user_id\":\"u1\",\"endpoint_id\":\"e1\",\"enabled\":false}")
        .respond(204, null, "");

    Request create = runOk("grant", "create", "--user", "u1", "--endpoint", "e1");
    assertThat(json(create.body())).isEqualTo(json("{\"user_id\":\"u1\",\"endpoint_id\":\"e1\"}"));
    Request list = runOk("grant", "list", "--user", "u1", "--endpoint", "e1");
    assertThat(list.query()).isEqualTo("user_id=u1&endpoint_id=e1");
    Request update = runOk("grant", "update", "g1", "--enabled", "false");
    assertThat(update.method() + " " + update.path()).isEqualTo("PATCH /api/v1/grants/g1");
    assertThat(json(update.body())).isEqualTo(json("{\"enabled\":false}"));
    Request delete = runOk("grant", "delete", "g1");
    assertThat(delete.method() + " " + delete.path()).isEqualTo("DELETE /api/v1/grants/g1");
  }

  @Test
  void tokenCreate_printsSecretOnceAndLabelled() {
    cli.server.json(
        201, "{\"id\":\"t2\",\"name\":\"ci\",\"role\":\"viewer\",\"token\":\"rt_new_secret\"}");

    Result r = cli.run("token", "create", "--name", "ci", "--role", "viewer");

    assertThat(r.exitCode()).as(r.err()).isZero();
    Request req = cli.server.onlyRequest();
    assertThat(req.path()).isEqualTo("/api/v1/admin-tokens");
    assertThat(json(req.body())).isEqualTo(json("{\"name\":\"ci\",\"role\":\"viewer\"}"));
    assertThat(r.out())
        .isEqualTo(
            """
            id:   t2
            name: ci
            role: viewer

            token (shown only once; store it now):
            rt_new_secret
            """);
  }

  @Test
  void tokenListAndDelete_useAdminTokensResource() {
    cli.server
        .json(
            200,
            "{\"items\":[{\"id\":\"t1\",\"name\":\"owner\",\"role\":\"owner\","
                + "\"last_used_at\":null}],\"next_cursor\":null}")
        .respond(204, null, "");

    Result list = cli.run("token", "list");
    assertThat(list.out()).isEqualTo("ID  NAME   ROLE   LAST USED\nt1  owner  owner  -\n");
    Request delete = runOk("token", "delete", "t1");
    assertThat(delete.method() + " " + delete.path()).isEqualTo("DELETE /api/v1/admin-tokens/t1");
  }

  @Test
  void nodeCommands_listUpdateRemove() {
    cli.server
        .json(
            200,
            "{\"items\":[{\"id\":\"n1\",\"name\":\"fra-1\",\"status\":\"active\","
                + "\"role\":\"voter\",\"access_host\":\"fra.example\",\"xray\":{\"status\":\"running\","
                + "\"version\":\"25.1.1\"},\"last_heartbeat_at\":\"2030-01-01T11:59:58Z\"}],"
                + "\"next_cursor\":null}")
        .json(200, "{\"id\":\"n1\",\"name\":\"fra-2\"}")
        .respond(204, null, "");

    Result list = cli.run("node", "list");
    assertThat(list.out())
        .isEqualTo(
            """
            ID  NAME   STATUS  ROLE   ACCESS HOST  XRAY            LAST HEARTBEAT
            n1  fra-1  active  voter  fra.example  running 25.1.1  2030-01-01T11:59:58Z
            """);
    Request update =
        runOk("node", "update", "n1", "--name", "fra-2", "--label", "region=eu", "--label", "t=1");
    assertThat(update.method() + " " + update.path()).isEqualTo("PATCH /api/v1/nodes/n1");
    assertThat(json(update.body()))
        .isEqualTo(json("{\"name\":\"fra-2\",\"labels\":{\"region\":\"eu\",\"t\":\"1\"}}"));
    Result remove = cli.run("node", "remove", "n1");
    assertThat(cli.server.requests().get(2).method()).isEqualTo("DELETE");
    assertThat(remove.out()).isEqualToIgnoringNewLines("removed node n1");
  }

  @Test
  void nodeTransferLeadership_postsTheNodeId() {
    cli.server.json(200, "{\"cluster_id\":\"c-1\",\"leader_id\":\"n2\",\"members\":[]}");

    Result r = cli.run("node", "transfer-leadership", "n2");

    assertThat(r.exitCode()).as(r.err()).isZero();
    Request req = cli.server.onlyRequest();
    assertThat(req.method() + " " + req.path())
        .isEqualTo("POST /api/v1/cluster/transfer-leadership");
    assertThat(json(req.body())).isEqualTo(json("{\"node_id\":\"n2\"}"));
    assertThat(r.out()).isEqualToIgnoringNewLines("node n2 is the leader now");
  }

  @Test
  void auditList_sendsFilters() {
    cli.server.json(
        200,
        "{\"items\":[{\"at\":\"2030-01-01T00:00:00Z\",\"actor\":\"t1\",\"action\":"
            + "\"user.create\",\"target\":\"u1\",\"summary\":\"created alice\"}],"
            + "\"next_cursor\":null}");

    Request req =
        runOk(
            "audit",
            "list",
            "--actor",
            "t1",
            "--action",
            "user.create",
            "--target",
            "u1",
            "--limit",
            "5");

    assertThat(req.path()).isEqualTo("/api/v1/audit");
    assertThat(req.query()).isEqualTo("actor=t1&action=user.create&target=u1&limit=5");
  }

  @Test
  void status_printsSummaryAndMembersWithExtraColumns() {
    cli.server.json(
        200,
        """
        {"cluster_id":"c-1","leader_id":"n1","term":7,"members":[
          {"node_id":"n1","name":"fra-1","api_base_url":"https://fra:8443","role":"voter",
           "is_leader":true,"healthy":true,"lag":0},
          {"node_id":"n2","name":"ams-1","api_base_url":"https://ams:8443","role":"voter",
           "is_leader":false,"healthy":false,"last_heartbeat_at":"2030-01-01T11:00:00Z",
           "lag":12}]}
        """);

    Result r = cli.run("status");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(cli.server.onlyRequest().path()).isEqualTo("/api/v1/cluster");
    assertThat(r.out())
        .isEqualTo(
            """
            cluster_id: c-1
            leader_id:  n1
            term:       7

            NODE ID  NAME   API BASE URL      ROLE   LEADER  HEALTHY  LAG  LAST HEARTBEAT AT
            n1       fra-1  https://fra:8443  voter  yes     yes      0    -
            n2       ams-1  https://ams:8443  voter  no      no       12   2030-01-01T11:00:00Z
            """);
  }

  @Test
  void endpointLabels_createSendsThem_updateReplacesOrClears() {
    cli.server.json(201, ENDPOINT);
    Request req =
        runOk(
            "endpoint",
            "create",
            "--node",
            "n1",
            "--protocol",
            "vmess",
            "--port",
            "443",
            "--transport",
            "tcp",
            "--security",
            "none",
            "--label",
            "region=eu",
            "--label",
            "tier=gold");
    assertThat(json(req.body()).get("labels"))
        .isEqualTo(json("{\"region\":\"eu\",\"tier\":\"gold\"}"));

    cli.server.json(200, ENDPOINT);
    req = runOk("endpoint", "update", "e1", "--label", "region=us");
    assertThat(json(req.body())).isEqualTo(json("{\"labels\":{\"region\":\"us\"}}"));

    cli.server.json(200, ENDPOINT);
    req = runOk("endpoint", "update", "e1", "--no-labels");
    assertThat(json(req.body())).isEqualTo(json("{\"labels\":{}}"));

    Result both = cli.run("endpoint", "update", "e1", "--no-labels", "--label", "a=b");
    assertThat(both.exitCode()).isEqualTo(2);
    assertThat(both.err()).contains("not both");
  }
}
