package io.raftray.daemon;

import static io.raftray.testing.InProcessNodes.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftray.config.NodeConfig;
import io.raftray.config.XraySettings;
import io.raftray.testing.InProcessNodes;
import io.raftray.xray.CoreState;
import io.raftray.xray.XraySupervisor;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Whole daemons supervising Debian's real V2Ray: health in readyz, metrics and the nodes API. */
@Timeout(180)
class XrayDaemonIT {
  static final Path V2RAY = Path.of("/usr/bin/v2ray");

  @TempDir Path tmp;
  private final List<Daemon> daemons = new ArrayList<>();
  private InProcessNodes.Api api;

  @BeforeAll
  static void needsV2ray() {
    assertThat(Files.isExecutable(V2RAY))
        .as("these tests need V2Ray: apt-get install v2ray")
        .isTrue();
  }

  @AfterEach
  void stop() {
    daemons.forEach(Daemon::close);
  }

  private Bootstrapper.Seed seed(int n) throws Exception {
    Bootstrapper.Seed seed = InProcessNodes.prepare(tmp, n);
    HttpClient http = InProcessNodes.trustingCa(seed.configs().get(0).dataDir());
    api = new InProcessNodes.Api(http, seed.owner().plaintext(), Duration.ofSeconds(20));
    return seed;
  }

  private JsonNode get(Daemon d, String path) throws Exception {
    return json(api.call(d, "GET", path, null));
  }

  /** The {@code xray} object of node {@code nodeId} in {@code d}'s {@code GET /api/v1/nodes}. */
  private JsonNode nodeXray(Daemon d, String nodeId) throws Exception {
    for (JsonNode n : get(d, "/api/v1/nodes").path("items")) {
      if (n.path("id").asText().equals(nodeId)) {
        return n.path("xray");
      }
    }
    throw new AssertionError("node " + nodeId + " not listed by " + d.config().name());
  }

  @Test
  void runWithV2ray_readyzMetricsAndNodesReportTheCore_andKill9IsRecovered() throws Exception {
    Bootstrapper.Seed seed = seed(1);
    NodeConfig config = seed.configs().get(0).withXray(XraySettings.supervised(V2RAY));
    Daemon d = Daemon.start(config);
    daemons.add(d);
    InProcessNodes.awaitBootstrapped(seed, d);
    XraySupervisor xray = d.xray().orElseThrow();

    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> api.call(d, "GET", "/readyz", null).statusCode() == 200);
    JsonNode ready = get(d, "/readyz").path("xray");
    assertThat(ready.path("status").asText()).isEqualTo("running");
    assertThat(ready.path("flavor").asText()).isEqualTo("v2ray");
    assertThat(ready.path("version").asText()).isEqualTo("4.34.0");
    assertThat(Files.readString(config.xrayDir().resolve("config.json"))).contains("dokodemo-door");

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> nodeXray(d, config.nodeId()).path("status").asText().equals("running"));
    JsonNode reported = nodeXray(d, config.nodeId());
    assertThat(reported.path("flavor").asText()).isEqualTo("v2ray");
    assertThat(reported.path("version").asText()).isEqualTo("4.34.0");
    assertThat(reported.path("updated_at").asText()).isNotBlank();
    String metrics = api.call(d, "GET", "/metrics", null).body();
    assertThat(metrics)
        .contains("raftray_xray_up 1\n")
        .contains("raftray_xray_restarts_total 0\n")
        .contains("raftray_xray_state{state=\"running\"} 1\n");

    long pid = xray.status().pid();
    ProcessHandle.of(pid).orElseThrow().destroyForcibly();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                xray.status().state() == CoreState.RUNNING
                    && xray.status().generation() == 2
                    && api.call(d, "GET", "/readyz", null).statusCode() == 200);
    assertThat(xray.status().pid()).isNotEqualTo(pid);
    assertThat(api.call(d, "GET", "/metrics", null).body())
        .contains("raftray_xray_restarts_total 1\n");

    // Steady state writes nothing: one report per change, not one per poll. Reports are node
    // state (counted in the node's report), not audit events.
    Long reports = d.stateMachine().view().xrayReports().get(config.nodeId()).reports();
    assertThat(reports).isBetween(1L, 4L); // running, maybe restarting/starting, running
    assertThat(
            d.stateMachine().view().audit().all().stream()
                .filter(e -> e.action().equals("node.report_xray")))
        .isEmpty();

    long last = xray.status().pid();
    d.close();
    assertThat(ProcessHandle.of(last).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(xray.status().state()).isEqualTo(CoreState.DISABLED);
  }

  @Test
  void twoNodes_eachShowsBothCores_andACoreThatCannotRunMakesItsNodeUnready() throws Exception {
    Bootstrapper.Seed seed = seed(2);
    NodeConfig good = seed.configs().get(0).withXray(XraySettings.supervised(V2RAY));
    Path missing = tmp.resolve("nowhere/xray");
    NodeConfig bad = seed.configs().get(1).withXray(XraySettings.supervised(missing));
    daemons.add(Daemon.start(good));
    daemons.add(Daemon.start(bad));
    InProcessNodes.awaitBootstrapped(seed, daemons.get(0));

    Daemon b = daemons.get(1);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> get(b, "/readyz").path("xray").path("status").asText().equals("failed"));
    HttpResponse<String> notReady = api.call(b, "GET", "/readyz", null);
    assertThat(notReady.statusCode()).isEqualTo(503);
    assertThat(json(notReady).path("reason").asText())
        .startsWith("the core is failed: cannot run " + missing)
        .contains("No such file");

    for (Daemon d : daemons) {
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                JsonNode a = nodeXray(d, good.nodeId());
                assertThat(a.path("status").asText()).isEqualTo("running");
                assertThat(a.path("flavor").asText()).isEqualTo("v2ray");
                assertThat(a.path("version").asText()).isEqualTo("4.34.0");
                JsonNode f = nodeXray(d, bad.nodeId());
                assertThat(f.path("status").asText()).isEqualTo("failed");
                assertThat(f.path("detail").asText()).contains("cannot run " + missing);
              });
    }
    assertThat(api.call(daemons.get(0), "GET", "/readyz", null).statusCode()).isEqualTo(200);

    // Endpoint validation on any node reads the reported flavor: REALITY on the V2Ray node is
    // refused through the other node's API.
    HttpResponse<String> reality =
        api.call(
            b,
            "POST",
            "/api/v1/endpoints",
            "{\"node_id\":\""
                + good.nodeId()
                + "\",\"protocol\":\"vless\",\"port\":443,\"security\":\"reality\","
                + "\"settings\":{\"server_names\":[\"www.example.com\"],"
                + "\"dest\":\"www.example.com:443\"}}");
    assertThat(reality.statusCode()).as(reality.body()).isEqualTo(400);
    assertThat(reality.body()).contains("security reality needs Xray; this node runs V2Ray 4.34.0");
  }
}
