package io.raftray.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftray.cli.admin.CliHarness.Result;
import io.raftray.cli.admin.StubApiServer.Request;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code raftray node show|logs|restart-core} against the stub server. */
@Timeout(30)
class NodeHostCommandsTest {
  private static final String NODE =
      """
      {"id":"n2","name":"ams-1","status":"active","role":"voter","last_contact_ms":42,
       "host":{"raftray_version":"1.2.3","uptime_seconds":3725,
        "cpu":{"cpus":2,"process_load":0.125,"system_load":0.5,"load_average":[0.5,0.4,0.3]},
        "memory":{"rss_bytes":104857600,"heap_used_bytes":52428800,"heap_max_bytes":268435456,
                  "host_total_bytes":4294967296,"host_free_bytes":1073741824},
        "disk":{"path":"/var/lib/raftray","total_bytes":10000000000,"usable_bytes":4000000000},
        "core":{"status":"running","flavor":"v2ray","version":"4.34.0","uptime_seconds":65},
        "throughput":[{"endpoint_id":"e1","tag":"vless-in","uplink_bytes_per_second":2048,
                       "downlink_bytes_per_second":1000000,"interval_ms":5000}],
        "certificates":{"node_not_after":"2031-01-01T00:00:00Z",
                        "ca_not_after":"2036-01-01T00:00:00Z"}},
       "host_error":null}
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
  void show_printsTheHostReport() {
    cli.server.json(200, NODE);

    Result r = cli.run("node", "show", "n2");

    assertThat(r.exitCode()).as(r.err()).isZero();
    Request req = cli.server.onlyRequest();
    assertThat(req.method() + " " + req.path()).isEqualTo("GET /api/v1/nodes/n2");
    assertThat(r.out())
        .contains("node:", "ams-1 (n2)")
        .contains("last contact:", "42 ms (as the leader sees it)")
        .contains("raftray:", "1.2.3, up 1h2m")
        .contains("process 12.5%, host 50.0% of 2, load [0.5,0.4,0.3]")
        .contains("running v2ray 4.34.0, up 1m5s")
        .contains("endpoint vless-in:")
        .contains("expires 2031-01-01T00:00:00Z");
  }

  @Test
  void show_nodeWithoutReport_saysWhy() {
    cli.server.json(
        200,
        "{\"id\":\"n3\",\"name\":\"x\",\"status\":\"active\",\"role\":\"voter\","
            + "\"last_contact_ms\":null,\"host\":null,\"host_error\":\"node x did not answer\"}");

    Result r = cli.run("node", "show", "n3");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("host:", "unknown: node x did not answer");
    assertThat(r.out()).contains("last contact:", "unknown");
  }

  @Test
  void logs_sendsTailAndSource_printsTheLines() {
    cli.server.json(
        200, "{\"node_id\":\"n2\",\"source\":\"core\",\"lines\":[\"one\",\"two [redacted]\"]}");

    Result r = cli.run("node", "logs", "n2", "--tail", "50", "--source", "core");

    assertThat(r.exitCode()).as(r.err()).isZero();
    Request req = cli.server.onlyRequest();
    assertThat(req.method() + " " + req.path()).isEqualTo("GET /api/v1/nodes/n2/logs");
    assertThat(req.query()).isEqualTo("tail=50&source=core");
    assertThat(r.out()).isEqualTo("one\ntwo [redacted]\n");
  }

  @Test
  void logs_badTailOrSource_exit2_sendsNothing() {
    Result tail = cli.run("node", "logs", "n2", "--tail", "0");
    Result source = cli.run("node", "logs", "n2", "--source", "kernel");

    assertThat(tail.exitCode()).isEqualTo(2);
    assertThat(tail.err()).contains("--tail must be between 1 and 2000");
    assertThat(source.exitCode()).isEqualTo(2);
    assertThat(source.err()).contains("--source must be daemon or core");
    assertThat(cli.server.requests()).isEmpty();
  }

  @Test
  void restartCore_postsAndReports_conflictExits2() {
    cli.server
        .json(200, "{\"node_id\":\"n2\",\"stopped_pid\":4711,\"status\":\"restarting\"}")
        .problem(
            409,
            "{\"type\":\"about:blank\",\"title\":\"Conflict\",\"status\":409,"
                + "\"detail\":\"this node has no supervised core\"}");

    Result ok = cli.run("node", "restart-core", "n2");
    Result conflict = cli.run("node", "restart-core", "n1");

    assertThat(ok.exitCode()).as(ok.err()).isZero();
    assertThat(cli.server.requests().get(0).method() + " " + cli.server.requests().get(0).path())
        .isEqualTo("POST /api/v1/nodes/n2/core/restart");
    assertThat(ok.out()).contains("restarting the core of node n2 (stopped pid 4711)");
    assertThat(conflict.exitCode()).isEqualTo(2);
    assertThat(conflict.err()).contains("this node has no supervised core");
  }
}
