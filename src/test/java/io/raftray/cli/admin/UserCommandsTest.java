package io.raftray.cli.admin;

import static io.raftray.cli.admin.CliHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.raftray.cli.admin.CliHarness.Result;
import io.raftray.cli.admin.StubApiServer.Request;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class UserCommandsTest {
  private static final String ALICE =
      """
      {"id":"u1","name":"alice","note":null,"status":"active","data_limit_bytes":10000000000,
       "expire_at":"2030-01-31T12:00:00Z","reset_strategy":"month","used_bytes":1500000000,
       "subscription_url":"https://n1.example/sub/abc","created_at":"2030-01-01T12:00:00Z"}
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

  @Test
  void create_allOptions_postsExactBodyAndPrintsResource() {
    cli.server.json(201, ALICE);

    Result r =
        cli.run(
            "user",
            "create",
            "--name",
            "alice",
            "--note",
            "vip",
            "--data-limit",
            "10GB",
            "--expire-in",
            "30d",
            "--reset-strategy",
            "month",
            "--status",
            "active");

    assertThat(r.exitCode()).as(r.err()).isZero();
    Request req = cli.server.onlyRequest();
    assertThat(req.method()).isEqualTo("POST");
    assertThat(req.path()).isEqualTo("/api/v1/users");
    assertThat(req.authorization()).isEqualTo("Bearer " + CliHarness.TOKEN);
    assertThat(json(req.body()))
        .isEqualTo(
            json(
                """
                {"name":"alice","note":"vip","data_limit_bytes":10000000000,
                 "expire_at":"2030-01-31T12:00:00Z","reset_strategy":"month","status":"active"}
                """));
    assertThat(r.out())
        .startsWith("id:               u1\nname:             alice\n")
        .contains("\ndata_limit_bytes: 10000000000 (10 GB)\n")
        .contains("\nsubscription_url: https://n1.example/sub/abc\n")
        .contains("\nnote:             -\n");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void create_expireAtNeverAndBinarySize_sendsNullAndBytes() {
    cli.server.json(201, ALICE);

    Result r =
        cli.run(
            "user", "create", "--name", "bob", "--data-limit", "512MiB", "--expire-at", "never");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(json(cli.server.onlyRequest().body()))
        .isEqualTo(json("{\"name\":\"bob\",\"data_limit_bytes\":536870912,\"expire_at\":null}"));
  }

  @Test
  void create_expireAtAndExpireIn_isUsageErrorWithoutRequest() {
    Result r =
        cli.run("user", "create", "--name", "bob", "--expire-at", "never", "--expire-in", "1d");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err())
        .isEqualToIgnoringNewLines("error: use either --expire-at or --expire-in, not both");
    assertThat(cli.server.requests()).isEmpty();
  }

  @Test
  void create_badSize_isUsageError() {
    Result r = cli.run("user", "create", "--name", "bob", "--data-limit", "10XB");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("invalid size '10XB'");
    assertThat(cli.server.requests()).isEmpty();
  }

  @Test
  void list_filters_sendsQueryAndPrintsTable() {
    cli.server.json(
        200,
        "{\"items\":["
            + ALICE
            + ",{\"id\":\"u2\",\"name\":\"bob\",\"status\":\"on_hold\",\"data_limit_bytes\":0,"
            + "\"expire_at\":null,\"used_bytes\":0}],\"next_cursor\":null}");

    Result r = cli.run("user", "list", "--status", "active", "--q", "al ice&x", "--limit", "2");

    assertThat(r.exitCode()).as(r.err()).isZero();
    Request req = cli.server.onlyRequest();
    assertThat(req.method()).isEqualTo("GET");
    assertThat(req.path()).isEqualTo("/api/v1/users");
    assertThat(req.query()).isEqualTo("status=active&q=al%20ice%26x&limit=2");
    assertThat(r.out())
        .isEqualTo(
            """
            ID  NAME   STATUS   USED/LIMIT       EXPIRES
            u1  alice  active   1.5 GB / 10 GB   2030-01-31T12:00:00Z
            u2  bob    on_hold  0 B / unlimited  never
            """);
  }

  @Test
  void list_sort_sendsSortAndFollowsTheSortedCursor() {
    cli.server
        .json(200, "{\"items\":[" + ALICE + "],\"next_cursor\":\"LXVzZWQ\"}")
        .json(200, "{\"items\":[],\"next_cursor\":null}");

    Result r = cli.run("user", "list", "--sort", "-used_bytes", "--limit", "1", "--all");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(cli.server.requests())
        .extracting(Request::query)
        .containsExactly("sort=-used_bytes&limit=1", "sort=-used_bytes&limit=1&cursor=LXVzZWQ");
    assertThat(r.out()).contains("alice");
  }

  @Test
  void list_badSort_showsTheServersFieldError() {
    cli.server.json(
        400,
        "{\"type\":\"about:blank\",\"title\":\"Bad Request\",\"status\":400,"
            + "\"detail\":\"invalid query parameters\",\"errors\":[{\"field\":\"sort\","
            + "\"message\":\"must be one of: name, created_at\"}]}");

    Result r = cli.run("user", "list", "--sort", "email");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("sort").contains("must be one of");
  }

  @Test
  void list_moreAvailable_hintsCursorOnStderr() {
    cli.server.json(200, "{\"items\":[" + ALICE + "],\"next_cursor\":\"c2\"}");

    Result r = cli.run("user", "list");

    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("alice");
    assertThat(r.err()).contains("--cursor c2");
  }

  @Test
  void list_all_followsCursorAndPrintsCombinedJson() {
    cli.server
        .json(200, "{\"items\":[{\"id\":\"u1\"}],\"next_cursor\":\"c2\"}")
        .json(200, "{\"items\":[{\"id\":\"u2\"}],\"next_cursor\":null}");

    Result r = cli.run("user", "list", "--all", "--limit", "1", "--output", "json");

    assertThat(r.exitCode()).as(r.err()).isZero();
    List<Request> reqs = cli.server.requests();
    assertThat(reqs).extracting(Request::query).containsExactly("limit=1", "limit=1&cursor=c2");
    assertThat(json(r.out()))
        .isEqualTo(json("{\"items\":[{\"id\":\"u1\"},{\"id\":\"u2\"}],\"next_cursor\":null}"));
  }

  @Test
  void get_jsonOutput_printsBodyAsReceived() {
    cli.server.json(200, ALICE);

    Result r = cli.run("user", "get", "u/1", "-o", "json");

    assertThat(r.exitCode()).isZero();
    assertThat(cli.server.onlyRequest().path()).isEqualTo("/api/v1/users/u%2F1");
    assertThat(json(r.out())).isEqualTo(json(ALICE));
    assertThat(r.out()).contains("\n  \"name\" : \"alice\"");
  }

  @Test
  void show_text_printsFieldsThenTrafficByNode() {
    cli.server.json(
        200,
        """
        {"id":"u1","name":"alice","used_bytes":3000,"node_usage":[
         {"node_id":"node_1","node_name":"fra-1","uplink_bytes":1000,"downlink_bytes":2000,
          "lifetime_used_bytes":1500000000},
         {"node_id":"node_2","node_name":null,"uplink_bytes":0,"downlink_bytes":0,
          "lifetime_used_bytes":7}]}
        """);

    Result r = cli.run("user", "show", "u1");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(cli.server.onlyRequest().path()).isEqualTo("/api/v1/users/u1");
    assertThat(r.out()).contains("name:").doesNotContain("node_usage");
    List<String> lines = r.out().lines().toList();
    int header = lines.indexOf("Traffic by node (uplink/downlink this period, lifetime):");
    assertThat(header).isPositive();
    assertThat(lines.get(header + 1)).matches("NODE +ID +UPLINK +DOWNLINK +LIFETIME");
    assertThat(lines.get(header + 2)).startsWith("fra-1").contains("node_1").contains("1.5 GB");
    assertThat(lines.get(header + 3)).startsWith("-").contains("node_2");
  }

  @Test
  void update_onHoldExpire_sendsSeconds_noneSendsZero() {
    cli.server.json(200, ALICE).json(200, ALICE);

    Result r = cli.run("user", "update", "u1", "--on-hold-expire", "30d");
    Result cleared = cli.run("user", "update", "u1", "--on-hold-expire", "none");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(cleared.exitCode()).as(cleared.err()).isZero();
    List<Request> reqs = cli.server.requests();
    assertThat(json(reqs.get(0).body())).isEqualTo(json("{\"on_hold_expire_seconds\":2592000}"));
    assertThat(json(reqs.get(1).body())).isEqualTo(json("{\"on_hold_expire_seconds\":0}"));
  }

  @Test
  void update_someOptions_patchesOnlyThose() {
    cli.server.json(200, ALICE);

    Result r =
        cli.run(
            "user",
            "update",
            "u1",
            "--name",
            "alice2",
            "--data-limit",
            "0",
            "--expire-at",
            "2030-06-01T02:00:00+02:00");

    assertThat(r.exitCode()).as(r.err()).isZero();
    Request req = cli.server.onlyRequest();
    assertThat(req.method()).isEqualTo("PATCH");
    assertThat(req.path()).isEqualTo("/api/v1/users/u1");
    assertThat(json(req.body()))
        .isEqualTo(
            json(
                "{\"name\":\"alice2\",\"data_limit_bytes\":0,"
                    + "\"expire_at\":\"2030-06-01T00:00:00Z\"}"));
  }

  @Test
  void update_noOptions_isUsageError() {
    Result r = cli.run("user", "update", "u1");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("nothing to update");
    assertThat(cli.server.requests()).isEmpty();
  }

  @Test
  void delete_noContent_printsConfirmation() {
    cli.server.respond(204, null, "");

    Result r = cli.run("user", "delete", "u1");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(cli.server.onlyRequest().method()).isEqualTo("DELETE");
    assertThat(r.out()).isEqualToIgnoringNewLines("deleted user u1");
  }

  @Test
  void resetUsageAndRotate_postToActionPaths() {
    cli.server.json(200, ALICE).json(200, ALICE);

    assertThat(cli.run("user", "reset-usage", "u1").exitCode()).isZero();
    assertThat(cli.run("user", "rotate-subscription", "u1").exitCode()).isZero();

    assertThat(cli.server.requests())
        .extracting(Request::method, Request::path)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("POST", "/api/v1/users/u1/reset-usage"),
            org.assertj.core.groups.Tuple.tuple("POST", "/api/v1/users/u1/rotate-subscription"));
  }

  @Test
  void rotateCredentials_postsToItsPath() {
    cli.server.json(200, ALICE);
    Result r = cli.run("user", "rotate-credentials", "u1");
    assertThat(r.exitCode()).as(r.err()).isZero();
    Request req = cli.server.onlyRequest();
    assertThat(req.method()).isEqualTo("POST");
    assertThat(req.path()).isEqualTo("/api/v1/users/u1/rotate-credentials");
    assertThat(req.body()).isEmpty();
    assertThat(r.out()).contains("alice");
  }

  @Test
  void rotateCredentials_unknownUser_isExit2WithTheDetail() {
    cli.server.problem(
        404,
        "{\"type\":\"urn:raftray:problem:not-found\",\"title\":\"Not Found\",\"status\":404,"
            + "\"detail\":\"user u9 not found\"}");
    Result r = cli.run("user", "rotate-credentials", "u9");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("user u9 not found");
  }

  @Test
  void createWithTemplateAndGroups_updateNoGroups() {
    cli.server.json(201, ALICE);
    Result r =
        cli.run(
            "user", "create", "--name", "alice", "--template", "utp_1", "--group", "grp_1,grp_2");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(json(cli.server.onlyRequest().body()))
        .isEqualTo(
            json(
                "{\"name\":\"alice\",\"template_id\":\"utp_1\","
                    + "\"group_ids\":[\"grp_1\",\"grp_2\"]}"));

    cli.server.json(200, ALICE);
    Result u = cli.run("user", "update", "u1", "--no-groups");
    assertThat(u.exitCode()).as(u.err()).isZero();
    assertThat(json(cli.server.requests().get(1).body())).isEqualTo(json("{\"group_ids\":[]}"));

    Result both = cli.run("user", "update", "u1", "--no-groups", "--group", "grp_1");
    assertThat(both.exitCode()).isEqualTo(2);
    assertThat(both.err()).contains("not both");
    assertThat(cli.server.requests()).hasSize(2);
  }

  @Test
  void access_printsEndpointsAndWhereEachComesFrom() {
    cli.server.json(
        200,
        """
        {"user_id":"u1","connects":true,"items":[
         {"endpoint_id":"ep_1","node_id":"n1","tag":"eu-a","protocol":"vmess","port":443,
          "sources":[{"type":"group","id":"grp_1"},{"type":"grant","id":"gr_1"}],
          "credential_from":"user"}]}""");
    Result r = cli.run("user", "access", "u1");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(cli.server.onlyRequest().path()).isEqualTo("/api/v1/users/u1/access");
    assertThat(r.out())
        .contains("ENDPOINT", "FROM", "CREDENTIAL")
        .contains("ep_1")
        .contains("group:grp_1,grant:gr_1")
        .doesNotContain("does not connect");
  }
}
