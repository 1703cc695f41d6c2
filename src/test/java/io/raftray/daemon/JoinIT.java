package io.raftray.daemon;

import static io.raftray.testing.InProcessNodes.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftray.config.NodeConfig;
import io.raftray.config.NodeConfigFile;
import io.raftray.join.JoinException;
import io.raftray.join.JoinTokens;
import io.raftray.join.Joiner;
import io.raftray.model.NodeStatus;
import io.raftray.testing.InProcessNodes;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Joining in-process: {@code init} one node, then join more with the same code {@code raftray join}
 * uses ({@link Joiner}), start them, and check Raft membership, replication and every refusal.
 */
@Timeout(240)
class JoinIT {
  @TempDir Path tmp;
  private final List<Daemon> daemons = new ArrayList<>();
  private InProcessNodes.Api api;

  @AfterEach
  void stop() {
    for (int i = daemons.size() - 1; i >= 0; i--) {
      daemons.get(i).close();
    }
  }

  /** {@code raftray init} + {@code run} for node 1, snapshotting every {@code snapshotEvery}. */
  private Daemon initFirst(long snapshotEvery) throws Exception {
    Path dir = tmp.resolve("n1");
    Bootstrapper.Initialized init =
        Bootstrapper.init(InProcessNodes.loopbackRequest(dir, "node-1"), Clock.systemUTC());
    NodeConfig c = init.config();
    NodeConfig.Raft r = c.raft();
    c =
        c.toBuilder()
            .raft(
                new NodeConfig.Raft(
                    r.electionTimeoutMin(),
                    r.electionTimeoutMax(),
                    snapshotEvery,
                    r.writeTimeout()))
            .build();
    NodeConfigFile.write(c);
    api =
        new InProcessNodes.Api(
            InProcessNodes.trustingCa(dir), init.ownerToken(), Duration.ofSeconds(20));
    Daemon d = Daemon.start(NodeConfigFile.read(dir));
    daemons.add(d);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> api.call(d, "GET", "/readyz", null).statusCode() == 200);
    return d;
  }

  private Joiner.Options options(String token, String name) throws Exception {
    int port = InProcessNodes.freePort();
    return new Joiner.Options(
        token,
        tmp.resolve(name),
        "127.0.0.1",
        port,
        "https://127.0.0.1:" + port,
        "127.0.0.1",
        name,
        Map.of("hostname", name, "os", "test"),
        Duration.ofSeconds(60),
        Duration.ofMillis(200),
        line -> {});
  }

  /** Joins and starts a node, then waits until it is a voter and active. */
  private Daemon joinAndStart(String token, String name) throws Exception {
    NodeConfig c = Joiner.join(options(token, name));
    assertThat(c.raftDir()).isEmptyDirectory();
    Daemon d = Daemon.start(c);
    daemons.add(d);
    assertThat(d.admission()).isNotNull();
    assertThat(d.admission().await(Duration.ofSeconds(90))).as(name + " admitted").isTrue();
    return d;
  }

  private String createToken(Daemon d, String body) throws Exception {
    HttpResponse<String> r = api.call(d, "POST", "/api/v1/join-tokens", body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return json(r).path("token").asText();
  }

  private Set<String> raftMembers(Daemon d) {
    return Set.copyOf(d.replica().status().memberIds());
  }

  private void assertMembership(Set<String> expected) {
    for (Daemon d : daemons) {
      assertThat(raftMembers(d)).as("raft members on " + d.config().name()).isEqualTo(expected);
      // As a plain set: AssertJ compares a sorted set with an unordered one element by element
      // in order, and the state's maps are sorted.
      assertThat(Set.copyOf(d.replica().view().nodes().keySet())).isEqualTo(expected);
    }
  }

  private void assertRefused(String token, String name, String reason) throws Exception {
    Set<String> before = raftMembers(daemons.get(0));
    int requests = daemons.get(0).replica().view().joinRequests().size();
    Joiner.Options o = options(token, name);
    assertThatThrownBy(() -> Joiner.join(o))
        .isInstanceOf(JoinException.class)
        .hasMessageContaining(reason);
    assertThat(o.dataDir()).doesNotExist();
    assertMembership(before);
    assertThat(daemons.get(0).replica().linearizableView().joinRequests()).hasSize(requests);
  }

  @Test
  void singleUseTokens_joinTwoNodes_afterLogPurge_andRefuseBadTokens() throws Exception {
    Daemon n1 = initFirst(10);
    for (int i = 0; i < 50; i++) {
      HttpResponse<String> r =
          api.call(n1, "POST", "/api/v1/users", "{\"name\":\"before-" + i + "\"}");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> n1.stateMachine().getLatestSnapshot() != null);

    String t2 = createToken(n1, "{}");
    Daemon n2 = joinAndStart(t2, "node-2");
    // The log was purged up to a snapshot: node 2 was caught up by installing it.
    assertThat(n2.stateMachine().getLatestSnapshot()).isNotNull();
    Daemon n3 = joinAndStart(createToken(n2, "{\"ttl_seconds\":600}"), "node-3");

    Set<String> all = daemons.stream().map(d -> d.config().nodeId()).collect(Collectors.toSet());
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertMembership(all));
    assertThat(n1.replica().view().nodes().values()).allMatch(n -> n.status() == NodeStatus.ACTIVE);
    assertThat(n3.config().initialPeers()).hasSize(3);

    HttpResponse<String> w = api.call(n3, "POST", "/api/v1/users", "{\"name\":\"from-node-3\"}");
    assertThat(w.statusCode()).as(w.body()).isEqualTo(201);
    JsonNode seen =
        json(api.call(n1, "GET", "/api/v1/users?q=from-node-3&consistency=linearizable", null));
    assertThat(seen.path("items")).hasSize(1);
    assertThat(json(api.call(n3, "GET", "/api/v1/users?limit=1000", null)).path("items"))
        .hasSize(51);
    JsonNode cluster = json(api.call(n3, "GET", "/api/v1/cluster", null));
    assertThat(cluster.path("members")).hasSize(3);

    // Refusals: each leaves membership and join requests as they were.
    assertRefused(t2, "node-4", "already been used");

    String expiring = createToken(n1, "{\"ttl_seconds\":1}");
    String expiringId = JoinTokens.decode(expiring).tokenId();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                json(api.call(n1, "GET", "/api/v1/join-tokens/" + expiringId, null))
                    .path("status")
                    .asText()
                    .equals("expired"));
    assertRefused(expiring, "node-4", "expired");

    String revoked = createToken(n1, "{}");
    String revokedId = JoinTokens.decode(revoked).tokenId();
    assertThat(api.call(n1, "DELETE", "/api/v1/join-tokens/" + revokedId, null).statusCode())
        .isEqualTo(204);
    assertRefused(revoked, "node-4", "revoked");

    JoinTokens.Content good = JoinTokens.decode(createToken(n1, "{}"));
    String wrongPin =
        JoinTokens.encode(
            new JoinTokens.Content(
                1,
                good.clusterId(),
                good.urls(),
                "sha256:" + "0".repeat(64),
                good.tokenId(),
                good.secret()));
    assertRefused(wrongPin, "node-4", "does not match the join token's pin");
    String wrongCluster =
        JoinTokens.encode(
            new JoinTokens.Content(
                1, "other-cluster", good.urls(), good.caPin(), good.tokenId(), good.secret()));
    assertRefused(wrongCluster, "node-4", "belongs to cluster");
    String wrongSecret =
        JoinTokens.encode(
            new JoinTokens.Content(
                1,
                good.clusterId(),
                good.urls(),
                good.caPin(),
                good.tokenId(),
                java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32])));
    assertRefused(wrongSecret, "node-4", "proof does not match");
    // The untampered token still works after all that.
    assertThat(
            json(api.call(n1, "GET", "/api/v1/join-tokens/" + good.tokenId(), null))
                .path("used_count")
                .asInt())
        .isZero();
  }

  private static Path caKeyFile(Daemon d) {
    return d.config().dataDir().resolve("tls").resolve("ca.key");
  }

  /** The same token, but naming only {@code via} as the node to contact. */
  private static String onlyVia(String token, Daemon via) throws Exception {
    JoinTokens.Content c = JoinTokens.decode(token);
    return JoinTokens.encode(
        new JoinTokens.Content(
            c.v(),
            c.clusterId(),
            List.of(via.config().apiBaseUrl()),
            c.caPin(),
            c.tokenId(),
            c.secret()));
  }

  /**
   * Issue 10 item 2 (d): only designated CA holders have the CA key. An ordinary joiner gets none,
   * a join and a renewal through a node without the key still work (the signing happens on a
   * holder), and a removed ordinary node has no key to mint certificates with.
   */
  @Test
  void ordinaryJoiners_holdNoCaKey_joinAndRenewThroughNonHolders_removedOneCannotMint()
      throws Exception {
    Daemon n1 = initFirst(10_000);
    Daemon n2 = joinAndStart(createToken(n1, "{}"), "node-2");
    assertThat(caKeyFile(n1)).exists();
    assertThat(caKeyFile(n2)).as("CA key in an ordinary joiner's data directory").doesNotExist();

    // node-3 reaches only node-2, which has no CA key: the certificate is signed on node-1.
    Daemon n3 = joinAndStart(onlyVia(createToken(n2, "{}"), n2), "node-3");
    assertThat(caKeyFile(n3)).doesNotExist();
    Set<String> all = daemons.stream().map(d -> d.config().nodeId()).collect(Collectors.toSet());
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertMembership(all));

    // A non-holder renews its certificate (signed on the holder).
    String before = n2.identity().nodeCert().getSerialNumber().toString(16);
    String renewed = n2.renewCertificate();
    assertThat(renewed).isNotEqualTo(before);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                renewed.equals(n1.replica().view().nodes().get(n2.config().nodeId()).certSerial()));

    // A removed ordinary node: nothing to mint with.
    String n3Id = n3.config().nodeId();
    HttpResponse<String> del = api.call(n1, "DELETE", "/api/v1/nodes/" + n3Id, null);
    assertThat(del.statusCode()).as(del.body()).isEqualTo(204);
    assertThat(io.raftray.pki.NodeIdentity.loadCaKey(n3.config().dataDir())).isEmpty();
    assertThat(io.raftray.pki.NodeIdentity.loadClusterCa(n3.config().dataDir()).canIssue())
        .isFalse();

    // The replicated holder set: node-1 alone; a CA-holder token (used through node-2, which
    // cannot read the sealed key it relays) makes node-4 a holder with the key.
    var nodes = n1.replica().view().nodes();
    assertThat(nodes.get(n1.config().nodeId()).holdsCaKey()).isTrue();
    assertThat(nodes.get(n2.config().nodeId()).holdsCaKey()).isFalse();
    String holderToken = createToken(n1, "{\"ca_holder\":true}");
    Daemon n4 = joinAndStart(onlyVia(holderToken, n2), "node-4");
    assertThat(io.raftray.pki.NodeIdentity.loadClusterCa(n4.config().dataDir()).canIssue())
        .isTrue();
    assertThat(n1.replica().view().nodes().get(n4.config().nodeId()).holdsCaKey()).isTrue();
  }

  /** Runs a join on another thread: multi-use tokens make it wait for an admin's decision. */
  private static CompletableFuture<NodeConfig> joinInBackground(Joiner.Options o) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return Joiner.join(o);
          } catch (Exception e) {
            throw new java.util.concurrent.CompletionException(e);
          }
        });
  }

  /** The id of the single pending join request, once there is one. */
  private String awaitOnePendingRequest(Daemon d) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                json(api.call(d, "GET", "/api/v1/join-requests?status=pending", null))
                    .path("items"),
            items -> items.size() == 1)
        .get(0)
        .path("id")
        .asText();
  }

  @Test
  void multiUseToken_waitsForApproval_thenJoins_orIsRejected() throws Exception {
    Daemon n1 = initFirst(10_000);
    String token = createToken(n1, "{\"max_uses\":2}");

    CompletableFuture<NodeConfig> joining = joinInBackground(options(token, "node-2"));
    String requestId = awaitOnePendingRequest(n1);
    assertThat(n1.replica().view().nodes()).hasSize(1);
    HttpResponse<String> ok =
        api.call(n1, "POST", "/api/v1/join-requests/" + requestId + "/approve", null);
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    NodeConfig c2 = joining.get(60, java.util.concurrent.TimeUnit.SECONDS);
    Daemon n2 = Daemon.start(c2);
    daemons.add(n2);
    assertThat(n2.admission().await(Duration.ofSeconds(90))).isTrue();
    Set<String> all = daemons.stream().map(d -> d.config().nodeId()).collect(Collectors.toSet());
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertMembership(all));

    Joiner.Options o3 = options(token, "node-3");
    CompletableFuture<NodeConfig> rejected = joinInBackground(o3);
    String second = awaitOnePendingRequest(n1);
    HttpResponse<String> no =
        api.call(n1, "POST", "/api/v1/join-requests/" + second + "/reject", "{\"reason\":\"no\"}");
    assertThat(no.statusCode()).as(no.body()).isEqualTo(200);
    assertThatThrownBy(() -> rejected.get(60, java.util.concurrent.TimeUnit.SECONDS))
        .hasCauseInstanceOf(JoinException.class)
        .hasMessageContaining("rejected: no");
    assertThat(o3.dataDir()).doesNotExist();
    assertMembership(all);
  }

  @Test
  void fiveNodes_joinOneAtATime_throughDifferentMembers_andAgreeOnEveryWrite() throws Exception {
    Daemon n1 = initFirst(10_000);
    Set<String> members = new java.util.HashSet<>(Set.of(n1.config().nodeId()));
    for (int i = 2; i <= 5; i++) {
      // Each token comes from the newest member: any node can let the next one in.
      Daemon issuer = daemons.get(daemons.size() - 1);
      Daemon joined = joinAndStart(createToken(issuer, "{}"), "node-" + i);
      members.add(joined.config().nodeId());
    }
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertMembership(members));
    for (Daemon d : daemons) {
      HttpResponse<String> r =
          api.call(d, "POST", "/api/v1/users", "{\"name\":\"via-" + d.config().name() + "\"}");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }
    for (Daemon d : daemons) {
      JsonNode users =
          json(api.call(d, "GET", "/api/v1/users?consistency=linearizable", null)).path("items");
      assertThat(users).as("users on " + d.config().name()).hasSize(5);
    }
  }
}
