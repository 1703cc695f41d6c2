package io.raftray.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftray.testing.CoreCluster;
import io.raftray.testing.PayloadServer;
import io.raftray.testing.SocksFetch;
import io.raftray.testing.V2RayOutbound;
import io.raftray.testing.V2RayProcess;
import io.raftray.xray.XraySupervisor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data plane end to end: three in-process daemons, each supervising a real V2Ray. Endpoints and
 * a user are created through node A, real V2Ray CLIENT processes connect through node B's inbounds
 * and fetch a payload from a local HTTP server, and the usage the cluster counts, the limits it
 * enforces and the changes it makes are checked on every node.
 */
@Timeout(300)
class DataPlaneIT {
  static final Path V2RAY = CoreCluster.V2RAY;
  static final int PAYLOAD = 256 * 1024;
  static final Duration CONNECT = Duration.ofSeconds(5);

  @TempDir Path tmp;
  private CoreCluster cluster;
  private final List<V2RayProcess> clients = new ArrayList<>();
  private PayloadServer payload;

  @BeforeAll
  static void needsV2ray() {
    assertThat(Files.isExecutable(V2RAY))
        .as("these tests need V2Ray: apt-get install v2ray")
        .isTrue();
  }

  @AfterEach
  void stop() {
    clients.forEach(V2RayProcess::close);
    if (cluster != null) {
      cluster.close();
    }
    if (payload != null) {
      payload.close();
    }
  }

  private void startCluster() throws Exception {
    cluster = CoreCluster.start(tmp, 3);
    payload = PayloadServer.start(PAYLOAD);
  }

  private JsonNode endpoint(Daemon via, String nodeId, String body) throws Exception {
    return cluster.call(via, "POST", "/api/v1/endpoints", body.replace("NODE", nodeId), 201);
  }

  private V2RayProcess client(String name, V2RayOutbound out) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("client-" + name + "-" + clients.size()));
    V2RayProcess p = V2RayProcess.startClient(dir, out);
    clients.add(p);
    return p;
  }

  private boolean fetches(V2RayProcess client) {
    try {
      byte[] got = SocksFetch.get(client.socksPort(), payload.uri(), CONNECT);
      assertThat(got).isEqualTo(payload.payload());
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private void awaitFetches(V2RayProcess client, boolean works, Duration within) {
    await()
        .atMost(within)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> fetches(client) == works);
  }

  private long usedBytes(Daemon d, String userId) throws Exception {
    return cluster.call(d, "GET", "/api/v1/users/" + userId, null, 200).path("used_bytes").asLong();
  }

  private static int freePort() {
    return V2RayProcess.freePort();
  }

  @Test
  void trafficThroughAnotherNode_isCounted_limited_andChangesReachTheCore() throws Exception {
    startCluster();
    Daemon a = cluster.node(0);
    Daemon b = cluster.node(1);
    Daemon c = cluster.node(2);
    String nodeB = b.config().nodeId();

    // One endpoint per protocol V2Ray 4.34 runs, all on node B, created through node A.
    Map<String, JsonNode> eps = new LinkedHashMap<>();
    eps.put(
        "vmess",
        endpoint(
            a,
            nodeB,
            "{\"node_id\":\"NODE\",\"tag\":\"vmess-tcp\",\"protocol\":\"vmess\",\"port\":"
                + freePort()
                + ",\"transport\":\"tcp\",\"security\":\"none\"}"));
    eps.put(
        "vless",
        endpoint(
            a,
            nodeB,
            "{\"node_id\":\"NODE\",\"tag\":\"vless-ws\",\"protocol\":\"vless\",\"port\":"
                + freePort()
                + ",\"transport\":\"ws\",\"security\":\"none\",\"settings\":{\"path\":\"/v\"}}"));
    eps.put(
        "trojan",
        endpoint(
            a,
            nodeB,
            "{\"node_id\":\"NODE\",\"tag\":\"trojan-tcp\",\"protocol\":\"trojan\",\"port\":"
                + freePort()
                + ",\"transport\":\"tcp\",\"security\":\"none\"}"));
    eps.put(
        "shadowsocks",
        endpoint(
            a,
            nodeB,
            "{\"node_id\":\"NODE\",\"tag\":\"ss\",\"protocol\":\"shadowsocks\",\"port\":"
                + freePort()
                + ",\"transport\":\"tcp\",\"security\":\"none\","
                + "\"settings\":{\"method\":\"aes-128-gcm\"}}"));
    String userId =
        cluster.call(a, "POST", "/api/v1/users", "{\"name\":\"alice\"}", 201).path("id").asText();
    Map<String, JsonNode> grants = new LinkedHashMap<>();
    Map<String, V2RayProcess> cl = new LinkedHashMap<>();
    for (var e : eps.entrySet()) {
      JsonNode g =
          cluster.call(
              a,
              "POST",
              "/api/v1/grants",
              "{\"user_id\":\""
                  + userId
                  + "\",\"endpoint_id\":\""
                  + e.getValue().path("id").asText()
                  + "\"}",
              201);
      grants.put(e.getKey(), g);
      int port = e.getValue().path("port").asInt();
      String cred = g.path("credential").asText();
      V2RayOutbound out =
          switch (e.getKey()) {
            case "vmess" -> V2RayOutbound.vmess("127.0.0.1", port, cred);
            case "vless" -> V2RayOutbound.vless("127.0.0.1", port, cred).ws("/v", null);
            case "trojan" -> V2RayOutbound.trojan("127.0.0.1", port, cred);
            default -> V2RayOutbound.shadowsocks("127.0.0.1", port, "aes-128-gcm", cred);
          };
      cl.put(e.getKey(), client(e.getKey(), out));
    }

    // Every protocol carries the payload through node B's core.
    for (var e : cl.entrySet()) {
      awaitFetches(e.getValue(), true, Duration.ofSeconds(30));
    }
    int fetched = cl.size(); // one successful fetch each (failed attempts before carried nothing)
    long min = (long) fetched * PAYLOAD;
    // Every node's view shows about the payloads: at least the bytes, at most 25 % of protocol
    // overhead and request headers on top.
    for (Daemon d : cluster.nodes()) {
      await().atMost(Duration.ofSeconds(20)).until(() -> usedBytes(d, userId) >= min);
      assertThat(usedBytes(d, userId)).isBetween(min, min + min / 4);
    }
    JsonNode user = cluster.call(c, "GET", "/api/v1/users/" + userId, null, 200);
    assertThat(user.path("uplink_bytes").asLong()).isPositive();
    assertThat(user.path("downlink_bytes").asLong()).isGreaterThanOrEqualTo(min);
    JsonNode perNode = user.path("node_usage");
    assertThat(perNode).hasSize(1);
    assertThat(perNode.get(0).path("node_id").asText()).isEqualTo(nodeB);
    // The replicated usage history has the same bytes, for the user, for node B and for the
    // fleet, on a node that carried none of it.
    long counted = usedBytes(c, userId);
    JsonNode byUser =
        cluster.call(c, "GET", "/api/v1/stats/usage?step=day&user_id=" + userId, null, 200);
    assertThat(byUser.path("total").path("total_bytes").asLong()).isEqualTo(counted);
    JsonNode byNode = cluster.call(c, "GET", "/api/v1/stats/usage?node_id=" + nodeB, null, 200);
    assertThat(byNode.path("total").path("total_bytes").asLong()).isEqualTo(counted);
    JsonNode fleet = cluster.call(c, "GET", "/api/v1/stats/usage", null, 200);
    assertThat(fleet.path("total").path("total_bytes").asLong()).isEqualTo(counted);

    // Lower the limit below the usage through node C: the user is cut off everywhere.
    long used = usedBytes(c, userId);
    cluster.call(
        c, "PATCH", "/api/v1/users/" + userId, "{\"data_limit_bytes\":" + (used / 2) + "}", 200);
    for (Daemon d : cluster.nodes()) {
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  cluster
                      .call(d, "GET", "/api/v1/users/" + userId, null, 200)
                      .path("status")
                      .asText()
                      .equals("limited"));
    }
    for (V2RayProcess p : cl.values()) {
      awaitFetches(p, false, Duration.ofSeconds(15));
    }
    // Raise it: connects again.
    cluster.call(a, "PATCH", "/api/v1/users/" + userId, "{\"data_limit_bytes\":0}", 200);
    for (V2RayProcess p : cl.values()) {
      awaitFetches(p, true, Duration.ofSeconds(15));
    }

    // Disable a grant: only that one stops.
    cluster.call(
        a,
        "PATCH",
        "/api/v1/grants/" + grants.get("vmess").path("id").asText(),
        "{\"enabled\":false}",
        200);
    awaitFetches(cl.get("vmess"), false, Duration.ofSeconds(15));
    assertThat(fetches(cl.get("trojan"))).isTrue();

    // Delete an endpoint: its port closes on node B.
    int vlessPort = eps.get("vless").path("port").asInt();
    cluster.call(
        a, "DELETE", "/api/v1/endpoints/" + eps.get("vless").path("id").asText(), null, 204);
    await().atMost(Duration.ofSeconds(15)).until(() -> !V2RayProcess.accepts(vlessPort));
    awaitFetches(cl.get("vless"), false, Duration.ofSeconds(5));

    // Delete the user: the rest stops too.
    cluster.call(b, "DELETE", "/api/v1/users/" + userId, null, 204);
    awaitFetches(cl.get("trojan"), false, Duration.ofSeconds(15));
    awaitFetches(cl.get("shadowsocks"), false, Duration.ofSeconds(15));
    Reconcilers.assertHealthy(b);
  }

  @Test
  void coreKilled_isResynced_andADaemonRestartNeitherLosesNorDoubleCounts() throws Exception {
    startCluster();
    Daemon a = cluster.node(0);
    Daemon b = cluster.node(1);
    String nodeB = b.config().nodeId();
    int port = freePort();
    JsonNode ep =
        endpoint(
            a,
            nodeB,
            "{\"node_id\":\"NODE\",\"tag\":\"vmess\",\"protocol\":\"vmess\",\"port\":"
                + port
                + ",\"transport\":\"tcp\",\"security\":\"none\"}");
    String userId =
        cluster.call(a, "POST", "/api/v1/users", "{\"name\":\"bob\"}", 201).path("id").asText();
    String cred =
        cluster
            .call(
                a,
                "POST",
                "/api/v1/grants",
                "{\"user_id\":\""
                    + userId
                    + "\",\"endpoint_id\":\""
                    + ep.path("id").asText()
                    + "\"}",
                201)
            .path("credential")
            .asText();
    V2RayProcess client = client("bob", V2RayOutbound.vmess("127.0.0.1", port, cred));
    awaitFetches(client, true, Duration.ofSeconds(30));

    // kill -9 the core of node B: the supervisor restarts it and the reconciler puts the
    // endpoint and the user back.
    XraySupervisor xray = b.xray().orElseThrow();
    long gen = xray.status().generation();
    ProcessHandle.of(xray.status().pid()).orElseThrow().destroyForcibly();
    await().atMost(Duration.ofSeconds(60)).until(() -> xray.status().generation() > gen);
    awaitFetches(client, true, Duration.ofSeconds(30));

    // Wait for the counted usage to settle, then count exactly what goes through from here.
    long before = settledUsage(a, userId);
    int okBefore = 0;
    for (int i = 0; i < 5; i++) {
      assertThat(fetches(client)).isTrue();
      okBefore++;
    }
    // Restart node B's daemon in the middle of the traffic (a clean stop: the collector commits
    // its last poll before the core stops; the new core counts from zero).
    cluster.restart(1);
    awaitFetches(client, true, Duration.ofSeconds(30));
    int okAfter = 1;
    for (int i = 0; i < 4; i++) {
      assertThat(fetches(client)).isTrue();
      okAfter++;
    }
    long after = settledUsage(a, userId);
    long counted = after - before;
    long carried = (long) (okBefore + okAfter) * PAYLOAD;
    // Tolerance: nothing lost (at least the payload bytes), nothing counted twice (a double count
    // would add 5 payloads); up to 10 % on top for protocol overhead and request headers.
    assertThat(counted).isBetween(carried, carried + carried / 10);
    for (Daemon d : cluster.nodes()) {
      assertThat(settledUsage(d, userId)).isEqualTo(after);
    }
  }

  /** The user's usage once it stopped changing for three stats intervals. */
  private long settledUsage(Daemon d, String userId) throws Exception {
    long[] last = {-1};
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(1500))
        .until(
            () -> {
              long now = usedBytes(d, userId);
              boolean same = now == last[0];
              last[0] = now;
              return same;
            });
    return last[0];
  }

  /** Checks on a daemon's reconciler. */
  static final class Reconcilers {
    static void assertHealthy(Daemon d) {
      await()
          .atMost(Duration.ofSeconds(15))
          .untilAsserted(
              () ->
                  assertThat(
                          d.dataPlane()
                              .map(dp -> dp.reconcileStatus().state().wire())
                              .orElse("none"))
                      .isEqualTo("ok"));
    }
  }
}
