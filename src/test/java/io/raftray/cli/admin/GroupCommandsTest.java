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

/** {@code raftray group ...} and {@code raftray user-template ...} against the stub server. */
@Timeout(30)
class GroupCommandsTest {
  private static final String GROUP =
      """
      {"id":"grp_1","name":"eu","description":"","endpoint_ids":["ep_1"],
       "selector":{"protocols":["vless"],"node_labels":{"region":"eu"},"endpoint_labels":{}},
       "member_count":3,"created_at":"2030-01-01T00:00:00Z","updated_at":"2030-01-01T00:00:00Z"}
      """;
  private static final String TEMPLATE =
      """
      {"id":"utp_1","name":"monthly","note":null,"data_limit_bytes":10000000000,
       "expire_seconds":2592000,"reset_strategy":"month","on_hold":false,
       "on_hold_expire_seconds":0,"group_ids":["grp_1"]}
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
  void groupCreate_endpointsAndSelector_postsTheGroup() {
    cli.server.json(201, GROUP);
    Request req =
        runOk(
            "group",
            "create",
            "--name",
            "eu",
            "--description",
            "EU plan",
            "--endpoint",
            "ep_1,ep_2",
            "--protocol",
            "vless",
            "--protocol",
            "vmess",
            "--node-label",
            "region=eu",
            "--endpoint-label",
            "tier=gold");
    assertThat(req.method()).isEqualTo("POST");
    assertThat(req.path()).isEqualTo("/api/v1/groups");
    assertThat(json(req.body()))
        .isEqualTo(
            json(
                """
                {"name":"eu","description":"EU plan","endpoint_ids":["ep_1","ep_2"],
                 "selector":{"protocols":["vless","vmess"],"node_labels":{"region":"eu"},
                  "endpoint_labels":{"tier":"gold"}}}"""));
  }

  @Test
  void groupCreate_withoutEndpointsOrSelector_isUsageErrorAndSendsNothing() {
    Result r = cli.run("group", "create", "--name", "eu");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("a group needs endpoints");
    assertThat(cli.server.requests()).isEmpty();
  }

  @Test
  void groupList_printsTableWithSelectorAndMembers() {
    cli.server.json(200, "{\"items\":[" + GROUP + "],\"next_cursor\":null}");
    Result r = cli.run("group", "list");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(cli.server.onlyRequest().path()).isEqualTo("/api/v1/groups");
    assertThat(r.out().lines().findFirst().orElseThrow())
        .contains("ID", "NAME", "ENDPOINTS", "SELECTOR", "MEMBERS");
    assertThat(r.out()).contains("grp_1").contains("protocols=vless node:region=eu");
    assertThat(r.out().lines().skip(1).findFirst().orElseThrow()).endsWith("3");
  }

  @Test
  void groupShow_getsOneGroup_asJsonWhenAsked() {
    cli.server.json(200, GROUP);
    Result r = cli.run("group", "show", "grp_1", "-o", "json");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(cli.server.onlyRequest().path()).isEqualTo("/api/v1/groups/grp_1");
    assertThat(json(r.out())).isEqualTo(json(GROUP));
  }

  @Test
  void groupUpdate_sendsOnlyGivenFields_selectorReplacedOrRemoved() {
    cli.server.json(200, GROUP);
    Request req = runOk("group", "update", "grp_1", "--endpoint-label", "tier=gold");
    assertThat(req.method()).isEqualTo("PATCH");
    assertThat(req.path()).isEqualTo("/api/v1/groups/grp_1");
    assertThat(json(req.body()))
        .isEqualTo(json("{\"selector\":{\"endpoint_labels\":{\"tier\":\"gold\"}}}"));

    cli.server.json(200, GROUP);
    req = runOk("group", "update", "grp_1", "--no-selector", "--no-endpoints", "--name", "eu2");
    assertThat(json(req.body()))
        .isEqualTo(json("{\"name\":\"eu2\",\"endpoint_ids\":[],\"selector\":null}"));
  }

  @Test
  void groupUpdate_nothingOrContradictions_areUsageErrors() {
    Result none = cli.run("group", "update", "grp_1");
    assertThat(none.exitCode()).isEqualTo(2);
    assertThat(none.err()).contains("nothing to update");
    Result both = cli.run("group", "update", "grp_1", "--no-selector", "--protocol", "vless");
    assertThat(both.exitCode()).isEqualTo(2);
    assertThat(both.err()).contains("not both");
    assertThat(cli.server.requests()).isEmpty();
  }

  @Test
  void groupDelete_andServerErrors() {
    cli.server.respond(204, "application/json", "");
    Result r = cli.run("group", "delete", "grp_1");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(cli.server.onlyRequest().method()).isEqualTo("DELETE");
    assertThat(r.out()).contains("deleted group grp_1");

    cli.server.problem(
        404,
        "{\"type\":\"urn:raftray:problem:not-found\",\"title\":\"Not Found\",\"status\":404,"
            + "\"detail\":\"group grp_x not found\"}");
    Result missing = cli.run("group", "show", "grp_x");
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).contains("group grp_x not found");
  }

  @Test
  void groupCreate_fieldErrorsOfTheServer_arePrinted() {
    cli.server.problem(
        400,
        """
        {"type":"urn:raftray:problem:invalid","title":"Bad Request","status":400,
         "detail":"invalid request","errors":[{"field":"selector.protocols[0]",
         "message":"must be one of: vless, vmess, trojan, shadowsocks"}]}""");
    Result r = cli.run("group", "create", "--name", "eu", "--protocol", "vles");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("selector.protocols[0]").contains("must be one of");
  }

  @Test
  void templateCreate_fields_andList() {
    cli.server.json(201, TEMPLATE);
    Request req =
        runOk(
            "user-template",
            "create",
            "--name",
            "monthly",
            "--data-limit",
            "10GB",
            "--expire-after",
            "30d",
            "--reset-strategy",
            "month",
            "--on-hold",
            "true",
            "--on-hold-expire",
            "7d",
            "--group",
            "grp_1");
    assertThat(req.path()).isEqualTo("/api/v1/user-templates");
    assertThat(json(req.body()))
        .isEqualTo(
            json(
                """
                {"name":"monthly","data_limit_bytes":10000000000,"expire_seconds":2592000,
                 "reset_strategy":"month","on_hold":true,"on_hold_expire_seconds":604800,
                 "group_ids":["grp_1"]}"""));

    cli.server.json(200, "{\"items\":[" + TEMPLATE + "],\"next_cursor\":null}");
    Result list = cli.run("user-template", "list");
    assertThat(list.exitCode()).as(list.err()).isZero();
    assertThat(list.out()).contains("monthly").contains("30d").contains("month");
  }

  @Test
  void templateUpdate_neverAndNoGroups_andDelete() {
    cli.server.json(200, TEMPLATE);
    Request req =
        runOk("user-template", "update", "utp_1", "--expire-after", "never", "--no-groups");
    assertThat(req.method()).isEqualTo("PATCH");
    assertThat(req.path()).isEqualTo("/api/v1/user-templates/utp_1");
    assertThat(json(req.body())).isEqualTo(json("{\"expire_seconds\":0,\"group_ids\":[]}"));

    Result none = cli.run("user-template", "update", "utp_1");
    assertThat(none.exitCode()).isEqualTo(2);
    assertThat(none.err()).contains("nothing to update");

    cli.server.respond(204, "application/json", "");
    Result del = cli.run("user-template", "delete", "utp_1");
    assertThat(del.exitCode()).as(del.err()).isZero();
    assertThat(del.out()).contains("deleted user template utp_1");
  }

  @Test
  void templateCreate_badDuration_isUsageError() {
    Result r = cli.run("user-template", "create", "--name", "m", "--expire-after", "soon");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(cli.server.requests()).isEmpty();
  }
}
