package io.raftray.cli.admin;

import static io.raftray.cli.admin.CliHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.raftray.cli.admin.CliHarness.Result;
import io.raftray.cli.admin.StubApiServer.Request;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class UserBulkCommandsTest {
  private static final String USER =
      """
      {"id":"u1","name":"alice","status":"active","data_limit_bytes":0,"expire_at":null,
       "used_bytes":0}""";

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
  void batch_jsonl_postsUsersInOneRequest() throws Exception {
    Path file = dir.resolve("users.jsonl");
    Files.writeString(
        file, "{\"name\":\"alice\"}\n\n{\"name\":\"bob\",\"template_id\":\"utp_1\"}\n");
    cli.server.json(201, "{\"count\":1,\"items\":[" + USER + "]}");
    Result r = cli.run("user", "batch", "--file", file.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    Request req = cli.server.onlyRequest();
    assertThat(req.method()).isEqualTo("POST");
    assertThat(req.path()).isEqualTo("/api/v1/users/batch");
    assertThat(json(req.body()))
        .isEqualTo(
            json(
                "{\"users\":[{\"name\":\"alice\"},{\"name\":\"bob\",\"template_id\":\"utp_1\"}]}"));
    assertThat(r.out()).contains("alice").contains("created 1 users");
  }

  @Test
  void batch_over1000Lines_splitsIntoRequestsOf1000() throws Exception {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 1500; i++) {
      sb.append("{\"name\":\"u").append(i).append("\"}\n");
    }
    Path file = dir.resolve("users.jsonl");
    Files.writeString(file, sb);
    cli.server.json(201, "{\"count\":1,\"items\":[" + USER + "]}");
    cli.server.json(201, "{\"count\":1,\"items\":[" + USER + "]}");
    Result r = cli.run("user", "batch", "--file", file.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    List<Request> reqs = cli.server.requests();
    assertThat(reqs).hasSize(2);
    assertThat(json(reqs.get(0).body()).get("users")).hasSize(1000);
    assertThat(json(reqs.get(1).body()).get("users")).hasSize(500);
  }

  @Test
  void batch_badLine_isUsageErrorAndSendsNothing() throws Exception {
    Path file = dir.resolve("users.jsonl");
    Files.writeString(file, "{\"name\":\"alice\"}\n{\"name\":\n");
    Result r = cli.run("user", "batch", "--file", file.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("line 2");
    assertThat(cli.server.requests()).isEmpty();
  }

  @Test
  void bulk_extendByFilter_dryRun_postsFilterAndPrintsCount() {
    cli.server.json(
        200, "{\"action\":\"extend\",\"dry_run\":true,\"count\":42,\"sample\":[" + USER + "]}");
    Result r =
        cli.run(
            "user",
            "bulk",
            "extend",
            "--status",
            "expired",
            "--used-over",
            "1GB",
            "--by",
            "30d",
            "--dry-run");
    assertThat(r.exitCode()).as(r.err()).isZero();
    Request req = cli.server.onlyRequest();
    assertThat(req.path()).isEqualTo("/api/v1/users/bulk");
    assertThat(json(req.body()))
        .isEqualTo(
            json(
                """
                {"action":"extend","filter":{"status":"expired","used_over":1000000000},
                 "seconds":2592000,"dry_run":true}"""));
    assertThat(r.out()).contains("would extend: 42 users (dry run, nothing changed)");
  }

  @Test
  void bulk_addGroupsByIds_postsIdsAndGroups() {
    cli.server.json(200, "{\"action\":\"add_groups\",\"dry_run\":false,\"count\":2,\"sample\":[]}");
    Result r = cli.run("user", "bulk", "add-groups", "--ids", "u1,u2", "--groups", "grp_eu");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(json(cli.server.onlyRequest().body()))
        .isEqualTo(
            json("{\"action\":\"add_groups\",\"ids\":[\"u1\",\"u2\"],\"group_ids\":[\"grp_eu\"]}"));
    assertThat(r.out()).contains("add-groups: 2 users");
  }

  @Test
  void bulk_usageErrors_sendNothing() {
    assertThat(cli.run("user", "bulk", "explode", "--all").exitCode()).isEqualTo(2);
    assertThat(cli.run("user", "bulk", "disable").exitCode()).isEqualTo(2);
    assertThat(cli.run("user", "bulk", "disable", "--all", "--ids", "u1").exitCode()).isEqualTo(2);
    assertThat(cli.run("user", "bulk", "extend", "--all").exitCode()).isEqualTo(2);
    assertThat(cli.server.requests()).isEmpty();
  }
}
