package io.raftray.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fleet visibility on a real 3-node cluster of OS processes (node 3 supervises a real V2Ray core):
 * every node's {@code host} report in {@code GET /api/v1/nodes} from the leader and from a
 * follower, logs of another node through a follower with secret-looking parts redacted, bad input,
 * the viewer role, a core restart relayed through a follower (the core's pid changes), and a
 * stopped node shown with {@code host: null} while the list still answers 200.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class FleetVisibilityIT {
  static final String V2RAY = "/usr/bin/v2ray";

  /**
   * Part of every data directory's path, so every line naming a path looks like it carries a token:
   * the daemon logs the core's output file when it starts the core.
   */
  static final String SECRET = "s3cretvalue";

  @TempDir Path tmp;
  ProcessCluster cluster;

  @BeforeAll
  static void needsV2ray() {
    assertThat(Files.isExecutable(Path.of(V2RAY)))
        .as("this test needs V2Ray: apt-get install v2ray")
        .isTrue();
  }

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
    ProcessHandle.allProcesses()
        .filter(h -> h.info().command().map(c -> c.endsWith("v2ray")).orElse(false))
        .filter(
            h ->
                h.info()
                    .arguments()
                    .map(a -> String.join(" ", a).contains(tmp.toString()))
                    .orElse(false))
        .forEach(ProcessHandle::destroyForcibly);
  }

  private static JsonNode items(RaftrayProcess via) {
    RaftrayProcess.Response r = via.get("/nodes");
    assertThat(r.status()).as(r.raw()).isEqualTo(200);
    return r.body().path("items");
  }

  private static JsonNode item(JsonNode items, String id) {
    for (JsonNode n : items) {
      if (n.path("id").asText().equals(id)) {
        return n;
      }
    }
    throw new AssertionError("no node " + id + " in " + items);
  }

  private static long corePid(RaftrayProcess p) throws IOException {
    return Long.parseLong(Files.readString(p.dataDir().resolve("xray/xray.pid")).strip());
  }

  /** A call with another bearer token than the owner's. */
  private static int statusAs(RaftrayProcess p, String token, String method, String apiPath)
      throws Exception {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + p.port() + "/api/v1" + apiPath))
            .timeout(Duration.ofSeconds(15))
            .header("Authorization", "Bearer " + token)
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build();
    return p.http().send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Test
  void everyNodesHost_fromAnyNode_logsRedacted_coreRestart_stoppedNodeListed() throws Exception {
    List<Integer> ports = new ArrayList<>();
    List<String> urls = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ports.add(RaftrayProcess.freePort());
      urls.add("https://127.0.0.1:" + ports.get(i));
    }
    cluster =
        ProcessCluster.formWith(
            tmp.resolve("fleet-token=" + SECRET),
            ports,
            urls,
            (i, node) -> {
              if (i == 2) {
                node.setRunArgs("--xray-bin", V2RAY, "--stats-interval", "2s");
              }
            });
    RaftrayProcess core = cluster.node(2);
    String coreId = core.nodeId();
    String leaderId = cluster.clusterView(0).path("leader_id").asText();
    RaftrayProcess leader = cluster.node(cluster.indexOf(leaderId));
    // A follower that is not the core's node: it relays everything asked about node 3.
    RaftrayProcess via = null;
    for (RaftrayProcess p : cluster.nodes()) {
      if (!p.nodeId().equals(leaderId) && !p.nodeId().equals(coreId)) {
        via = p;
      }
    }
    if (via == null) {
      via = cluster.node(0).nodeId().equals(leaderId) ? cluster.node(1) : cluster.node(0);
    }
    RaftrayProcess follower = via;

    // 1. Every node's own report, seen from the leader and from a follower.
    for (RaftrayProcess from : List.of(leader, follower)) {
      await("every node's host and leader contact, asked of " + from.nodeId())
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(
              () -> {
                JsonNode items = items(from);
                assertThat(items.size()).isEqualTo(3);
                for (RaftrayProcess p : cluster.nodes()) {
                  JsonNode n = item(items, p.nodeId());
                  JsonNode h = n.path("host");
                  assertThat(h.isObject()).as("host of %s: %s", p.nodeId(), n).isTrue();
                  assertThat(n.path("host_error").isNull()).isTrue();
                  assertThat(h.path("node_id").asText()).isEqualTo(p.nodeId());
                  // Each node measured its own data directory: the report came from it.
                  assertThat(h.path("disk").path("path").asText())
                      .isEqualTo(p.dataDir().toAbsolutePath().toString());
                  assertThat(h.path("disk").path("total_bytes").asLong()).isPositive();
                  assertThat(h.path("raftray_version").asText()).isNotEmpty();
                  assertThat(h.path("memory").path("rss_bytes").asLong()).isPositive();
                  assertThat(h.path("cpu").path("load_average").isArray()).isTrue();
                  assertThat(h.path("certificates").path("node_not_after").asText()).isNotEmpty();
                  assertThat(n.path("last_contact_ms").isNumber())
                      .as("last contact of %s from %s: %s", p.nodeId(), from.nodeId(), n)
                      .isTrue();
                }
                JsonNode c = item(items, coreId).path("host").path("core");
                assertThat(c.path("mode").asText()).isEqualTo("supervised");
                assertThat(c.path("status").asText()).isEqualTo("running");
                assertThat(c.path("version").asText()).isEqualTo("4.34.0");
                assertThat(c.path("pid").asLong()).isEqualTo(corePid(core));
                assertThat(c.path("uptime_seconds").isNumber()).isTrue();
                assertThat(item(items, leaderId).path("last_contact_ms").asLong()).isZero();
              });
    }
    RaftrayProcess.Response one = follower.get("/nodes/" + coreId);
    assertThat(one.status()).isEqualTo(200);
    assertThat(one.body().path("host").path("node_id").asText()).isEqualTo(coreId);

    // 2. Another node's daemon log through the follower: its lines, the secret redacted.
    assertThat(core.lastRun().stdout()).as("the raw line exists on the node").contains(SECRET);
    RaftrayProcess.Response logs = follower.get("/nodes/" + coreId + "/logs?tail=2000");
    assertThat(logs.status()).as(logs.raw()).isEqualTo(200);
    assertThat(logs.body().path("source").asText()).isEqualTo("daemon");
    String daemonLines = logs.body().path("lines").toString();
    assertThat(daemonLines).contains("serving https on 127.0.0.1:" + core.port());
    assertThat(daemonLines).contains("output in").contains("[redacted]");
    assertThat(daemonLines).doesNotContain(SECRET);

    // 3. The core's log through the follower, with a secret-looking line.
    Files.writeString(
        core.dataDir().resolve("xray/xray.log"),
        "rejected login password=hunter2 with rrt_0123456789ABCDEFGHJKMNPQRS\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.APPEND);
    RaftrayProcess.Response coreLogs =
        follower.get("/nodes/" + coreId + "/logs?source=core&tail=5");
    assertThat(coreLogs.status()).as(coreLogs.raw()).isEqualTo(200);
    String coreLines = coreLogs.body().path("lines").toString();
    assertThat(coreLines).contains("rejected login password=[redacted] with [redacted]");
    assertThat(coreLines).doesNotContain("hunter2", "rrt_0123");
    RaftrayProcess.Result cli = follower.cli("node", "logs", coreId, "--source", "core");
    assertThat(cli.exitCode()).as(cli.toString()).isZero();
    assertThat(cli.stdout()).contains("password=[redacted]").doesNotContain("hunter2");

    // 4. Bad input: 400 problem+json; a node without a core cannot give its core log.
    for (String bad : List.of("?tail=0", "?tail=2001", "?tail=x", "?source=kernel")) {
      RaftrayProcess.Response r = follower.get("/nodes/" + coreId + "/logs" + bad);
      assertThat(r.status()).as(bad + ": " + r.raw()).isEqualTo(400);
      assertThat(r.contentType()).startsWith("application/problem+json");
    }
    assertThat(follower.get("/nodes/" + leaderId + "/logs?source=core").status()).isEqualTo(409);
    assertThat(follower.get("/nodes/node_01JNOSUCHNODE000000000000000/logs").status())
        .isEqualTo(404);

    // 5. A viewer may list the hosts, not read logs or restart a core.
    RaftrayProcess.Response viewer =
        follower.post("/admin-tokens", RaftrayProcess.obj("name", "watcher", "role", "viewer"));
    assertThat(viewer.status()).as(viewer.raw()).isEqualTo(201);
    String viewerToken = viewer.body().path("token").asText();
    assertThat(statusAs(follower, viewerToken, "GET", "/nodes")).isEqualTo(200);
    assertThat(statusAs(follower, viewerToken, "GET", "/nodes/" + coreId + "/logs")).isEqualTo(403);
    assertThat(statusAs(follower, viewerToken, "POST", "/nodes/" + coreId + "/core/restart"))
        .isEqualTo(403);
    assertThat(corePid(core)).as("the viewer restarted nothing").isPositive();
    long before = corePid(core);

    // 6. Core restart relayed through the follower: a new core process, running again.
    RaftrayProcess.Response restart = follower.post("/nodes/" + coreId + "/core/restart", null);
    assertThat(restart.status()).as(restart.raw()).isEqualTo(200);
    assertThat(restart.body().path("stopped_pid").asLong()).isEqualTo(before);
    await("the core runs again as another process")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              assertThat(Files.exists(core.dataDir().resolve("xray/xray.pid"))).isTrue();
              long now = corePid(core);
              assertThat(now).isNotEqualTo(before);
              assertThat(ProcessHandle.of(now).map(ProcessHandle::isAlive)).contains(true);
              assertThat(core.readyzStatus()).isEqualTo(200);
            });
    assertThat(ProcessHandle.of(before).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(core.lastRun().stdout()).contains("on request");
    // A node without a supervised core: 409 problem.
    RaftrayProcess.Response noCore = follower.post("/nodes/" + leaderId + "/core/restart", null);
    assertThat(noCore.status()).as(noCore.raw()).isEqualTo(409);
    assertThat(noCore.contentType()).startsWith("application/problem+json");

    // 7. A stopped node: the list still answers, with host null and an error for it.
    core.stop();
    await("the stopped node listed without a host (after the 2 s cache)")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              JsonNode items = items(follower); // 200 every time
              assertThat(items.size()).isEqualTo(3);
              JsonNode gone = item(items, coreId);
              assertThat(gone.path("host").isNull()).as(gone.toString()).isTrue();
              assertThat(gone.path("host_error").asText()).isNotEmpty();
              assertThat(item(items, follower.nodeId()).path("host").isObject()).isTrue();
              assertThat(item(items, leaderId).path("host").isObject()).isTrue();
            });
  }
}
