package io.raftray.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftray.testing.CoreCluster;
import io.raftray.testing.ProxyClients;
import io.raftray.testing.V2RayOutbound;
import io.raftray.testing.V2RayProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The user model of issue 11 against real cores: three in-process daemons, each supervising a real
 * V2Ray, and real V2Ray client processes fetching a payload through their vmess inbounds. One
 * cluster carries every scenario (groups and selectors, a 1,000-user batch, given and rotated
 * credentials, a bulk dry run) to keep the suite short. Every "within" is a deadline to poll
 * against, not a timing figure (those come from {@code bench/groups.sh}).
 */
@Timeout(300)
class UserAccessIT {
  static final int PAYLOAD = 16 * 1024;

  /** How long a change may take to reach every core (a deadline, polled). */
  static final Duration WITHIN = Duration.ofSeconds(20);

  @TempDir Path tmp;
  private CoreCluster cluster;
  private ProxyClients clients;

  @BeforeAll
  static void needsV2ray() {
    assertThat(Files.isExecutable(CoreCluster.V2RAY))
        .as("these tests need V2Ray: apt-get install v2ray")
        .isTrue();
  }

  @AfterEach
  void stop() {
    if (clients != null) {
      clients.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  private JsonNode vmessEndpoint(Daemon via, Daemon on, String tag, String region)
      throws Exception {
    return cluster.call(
        via,
        "POST",
        "/api/v1/endpoints",
        "{\"node_id\":\""
            + on.config().nodeId()
            + "\",\"tag\":\""
            + tag
            + "\",\"protocol\":\"vmess\",\"port\":"
            + V2RayProcess.freePort()
            + ",\"transport\":\"tcp\",\"security\":\"none\",\"labels\":{\"region\":\""
            + region
            + "\"}}",
        201);
  }

  private V2RayProcess vmessClient(String name, JsonNode endpoint, String uuid) throws Exception {
    return clients.client(
        name, V2RayOutbound.vmess("127.0.0.1", endpoint.path("port").asInt(), uuid));
  }

  private static String vmessUuid(JsonNode user) {
    String uuid = user.path("credentials").path("vmess_uuid").asText();
    assertThat(uuid).as("vmess_uuid of " + user.path("name")).isNotEmpty();
    return uuid;
  }

  /** Every grant the cluster holds, read linearizably through {@code d}. */
  private JsonNode grants(Daemon d) throws Exception {
    return cluster
        .call(d, "GET", "/api/v1/grants?limit=1000&consistency=linearizable", null, 200)
        .path("items");
  }

  /** applied_index, state_digest and every user record as {@code d} sees them (linearizable). */
  private List<String> snapshotOf(Daemon d) throws Exception {
    List<String> out = new ArrayList<>();
    JsonNode cl = cluster.call(d, "GET", "/api/v1/cluster?consistency=linearizable", null, 200);
    out.add("applied_index=" + cl.path("applied_index").asLong());
    out.add("state_digest=" + cl.path("state_digest").asText());
    String cursor = null;
    do {
      JsonNode page =
          cluster.call(
              d,
              "GET",
              "/api/v1/users?limit=1000&consistency=linearizable"
                  + (cursor == null ? "" : "&cursor=" + cursor),
              null,
              200);
      page.path("items").forEach(u -> out.add(u.toString()));
      cursor = page.path("next_cursor").isTextual() ? page.path("next_cursor").asText() : null;
    } while (cursor != null);
    return out;
  }

  @Test
  void groupsBatchCredentialsAndDryRun_throughRealCores() throws Exception {
    cluster = CoreCluster.start(tmp.resolve("cluster"), 3);
    clients = ProxyClients.start(tmp.resolve("clients"), PAYLOAD);
    Daemon a = cluster.node(0);
    Daemon b = cluster.node(1);
    Daemon c = cluster.node(2);

    // Group eu selects every endpoint labelled region=eu; endpoints on A and B match, one on B
    // (region=us) does not.
    String eu =
        cluster
            .call(
                a,
                "POST",
                "/api/v1/groups",
                "{\"name\":\"eu\",\"selector\":{\"endpoint_labels\":{\"region\":\"eu\"}}}",
                201)
            .path("id")
            .asText();
    JsonNode epA = vmessEndpoint(a, a, "eu-a", "eu");
    JsonNode epB = vmessEndpoint(a, b, "eu-b", "eu");
    JsonNode epUs = vmessEndpoint(a, b, "us-b", "us");
    JsonNode alice =
        cluster.call(
            a, "POST", "/api/v1/users", "{\"name\":\"alice\",\"group_ids\":[\"" + eu + "\"]}", 201);
    String aliceId = alice.path("id").asText();
    String aliceUuid = vmessUuid(alice);

    // users/batch: 1,000 users in one request (one Raft entry), all members of eu, through B.
    StringBuilder batch = new StringBuilder("{\"users\":[");
    for (int i = 0; i < 1000; i++) {
      batch
          .append(i == 0 ? "" : ",")
          .append("{\"name\":\"")
          .append(String.format("batch-%04d", i))
          .append("\",\"group_ids\":[\"")
          .append(eu)
          .append("\"]}");
    }
    JsonNode created = cluster.call(b, "POST", "/api/v1/users/batch", batch + "]}", 201);
    assertThat(created.path("count").asInt()).isEqualTo(1000);
    JsonNode member = created.path("items").get(737);
    assertThat(member.path("name").asText()).isEqualTo("batch-0737");

    // bulk dry_run (before any traffic, so nothing else writes): counts every user, changes
    // nothing on any node — same applied index, state digest and user records.
    List<List<String>> before = new ArrayList<>();
    for (Daemon d : cluster.nodes()) {
      before.add(snapshotOf(d));
    }
    JsonNode dry =
        cluster.call(
            c,
            "POST",
            "/api/v1/users/bulk",
            "{\"action\":\"delete\",\"filter\":{},\"dry_run\":true}",
            200);
    assertThat(dry.path("dry_run").asBoolean()).isTrue();
    assertThat(dry.path("count").asInt()).isEqualTo(1001);
    assertThat(dry.path("sample")).hasSize(10);
    for (int i = 0; i < 3; i++) {
      assertThat(snapshotOf(cluster.node(i)))
          .as("node %d after the dry run", i)
          .isEqualTo(before.get(i));
    }

    // Group access, no grant: alice and a batch member connect through eu-a (node A) and eu-b
    // (node B), not through us-b.
    V2RayProcess aliceA = vmessClient("alice-a", epA, aliceUuid);
    V2RayProcess aliceB = vmessClient("alice-b", epB, aliceUuid);
    V2RayProcess aliceUs = vmessClient("alice-us", epUs, aliceUuid);
    V2RayProcess memberB = vmessClient("member-b", epB, vmessUuid(member));
    clients.awaitFetches(aliceA, true, WITHIN);
    clients.awaitFetches(aliceB, true, WITHIN);
    clients.awaitFetches(memberB, true, WITHIN);
    assertThat(clients.fetches(aliceUs)).as("us-b is not in group eu").isFalse();

    // A NEW endpoint on node C matching the selector: alice connects through it at once, and no
    // grant was ever written.
    JsonNode epC = vmessEndpoint(b, c, "eu-c", "eu");
    V2RayProcess aliceC = vmessClient("alice-c", epC, aliceUuid);
    clients.awaitFetches(aliceC, true, WITHIN);
    for (Daemon d : cluster.nodes()) {
      assertThat(grants(d)).as("grants on " + d.config().nodeId()).isEmpty();
    }
    JsonNode access = cluster.call(c, "GET", "/api/v1/users/" + aliceId + "/access", null, 200);
    List<String> viaGroup = new ArrayList<>();
    for (JsonNode item : access.path("items")) {
      assertThat(item.path("sources").toString()).contains("\"group\"").contains(eu);
      assertThat(item.path("credential_from").asText()).isEqualTo("user");
      viaGroup.add(item.path("endpoint_id").asText());
    }
    assertThat(viaGroup)
        .containsExactlyInAnyOrder(
            epA.path("id").asText(), epB.path("id").asText(), epC.path("id").asText());

    // A user created with a given vmess_uuid connects with exactly that UUID (an explicit grant
    // without its own credential uses the user's); after rotate-credentials the old UUID is
    // refused within seconds and the new one works.
    String given = UUID.randomUUID().toString();
    JsonNode carol =
        cluster.call(
            c,
            "POST",
            "/api/v1/users",
            "{\"name\":\"carol\",\"credentials\":{\"vmess_uuid\":\"" + given + "\"}}",
            201);
    String carolId = carol.path("id").asText();
    assertThat(vmessUuid(carol)).isEqualTo(given);
    JsonNode grant =
        cluster.call(
            a,
            "POST",
            "/api/v1/grants",
            "{\"user_id\":\""
                + carolId
                + "\",\"endpoint_id\":\""
                + epUs.path("id").asText()
                + "\"}",
            201);
    assertThat(grant.path("credential").asText()).isEqualTo(given);
    assertThat(grant.path("credential_source").asText()).isEqualTo("user");
    V2RayProcess carolOld = vmessClient("carol-given", epUs, given);
    clients.awaitFetches(carolOld, true, WITHIN);
    String rotated =
        vmessUuid(
            cluster.call(a, "POST", "/api/v1/users/" + carolId + "/rotate-credentials", null, 200));
    assertThat(rotated).isNotEqualTo(given);
    clients.awaitFetches(carolOld, false, WITHIN);
    V2RayProcess carolNew = vmessClient("carol-rotated", epUs, rotated);
    clients.awaitFetches(carolNew, true, WITHIN);

    // Remove alice from the group (through C): refused through eu-a, eu-b and eu-c, i.e. on
    // every node; the batch member keeps its access through the same group.
    cluster.call(c, "PATCH", "/api/v1/users/" + aliceId, "{\"group_ids\":[]}", 200);
    for (V2RayProcess p : List.of(aliceA, aliceB, aliceC)) {
      clients.awaitFetches(p, false, WITHIN);
    }
    assertThat(clients.fetches(memberB)).isTrue();
    V2RayProcess memberC = vmessClient("member-c", epC, vmessUuid(member));
    clients.awaitFetches(memberC, true, WITHIN);
    await()
        .atMost(WITHIN)
        .untilAsserted(
            () ->
                assertThat(
                        cluster
                            .call(b, "GET", "/api/v1/users/" + aliceId + "/access", null, 200)
                            .path("items"))
                    .isEmpty());
    for (Daemon d : cluster.nodes()) {
      DataPlaneIT.Reconcilers.assertHealthy(d);
    }
  }
}
