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

/** {@code join-token} and {@code join-request} against the stub server. */
@Timeout(30)
class JoinCommandsTest {
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

  private Request last() {
    return cli.server.requests().get(cli.server.requests().size() - 1);
  }

  @Test
  void joinTokenCreate_sendsTtlAndUses_printsTokenOnceApart() {
    cli.server.json(
        201,
        """
        {"id":"jtk_1","role":"voter","status":"active","ttl_seconds":900,"max_uses":2,
         "used_count":0,"expires_at":"2030-01-01T12:15:00Z","token":"rrj_abc"}
        """);
    Result r = cli.run("join-token", "create", "--ttl", "15m", "--max-uses", "2");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(last().path()).isEqualTo("/api/v1/join-tokens");
    assertThat(json(last().body())).isEqualTo(json("{\"ttl_seconds\":900,\"max_uses\":2}"));
    assertThat(r.out()).contains("shown only once").contains("rrj_abc");
  }

  @Test
  void joinTokenCreate_ttlOverADay_isUsageError() {
    Result r = cli.run("join-token", "create", "--ttl", "25h");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(cli.server.requests()).isEmpty();
  }

  @Test
  void joinTokenListAndDelete() {
    cli.server.json(
        200,
        """
        {"items":[{"id":"jtk_1","status":"used","role":"voter","max_uses":1,"used_count":1,
         "expires_at":"2030-01-01T12:15:00Z","created_by":"tok_1"}],"next_cursor":null}
        """);
    Result r = cli.run("join-token", "list");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("jtk_1").contains("1/1").contains("used");
    cli.server.respond(204, null, "");
    assertThat(cli.run("join-token", "delete", "jtk_1").exitCode()).isZero();
    assertThat(last().method()).isEqualTo("DELETE");
    assertThat(last().path()).isEqualTo("/api/v1/join-tokens/jtk_1");
  }

  @Test
  void joinRequestListApproveReject() {
    cli.server.json(
        200,
        """
        {"items":[{"id":"jrq_1","status":"pending","node_name":"edge-2",
         "api_base_url":"https://edge-2:8443","facts":{"hostname":"edge-2.lan"}}],
         "next_cursor":null}
        """);
    Result list = cli.run("join-request", "list", "--status", "pending");
    assertThat(list.exitCode()).as(list.err()).isZero();
    assertThat(last().query()).contains("status=pending");
    assertThat(list.out()).contains("jrq_1").contains("edge-2.lan");

    cli.server.json(200, "{\"id\":\"jrq_1\",\"status\":\"approved\"}");
    assertThat(cli.run("join-request", "approve", "jrq_1").exitCode()).isZero();
    assertThat(last().path()).isEqualTo("/api/v1/join-requests/jrq_1/approve");

    cli.server.json(200, "{\"id\":\"jrq_2\",\"status\":\"rejected\"}");
    assertThat(cli.run("join-request", "reject", "jrq_2", "--reason", "unknown").exitCode())
        .isZero();
    assertThat(json(last().body())).isEqualTo(json("{\"reason\":\"unknown\"}"));
  }
}
