package io.raftray.join;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.webserver.WebServer;
import io.raftray.model.AdminToken;
import io.raftray.model.Json;
import io.raftray.model.Node;
import io.raftray.model.NodeRole;
import io.raftray.model.NodeStatus;
import io.raftray.model.Role;
import io.raftray.pki.ClusterCa;
import io.raftray.pki.Csr;
import io.raftray.pki.KeyPairs;
import io.raftray.pki.PemFiles;
import io.raftray.state.Command;
import io.raftray.state.LocalReplica;
import io.raftray.state.Replica;
import io.raftray.state.Result;
import io.raftray.state.State;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The anonymous join routes: bounded Raft work for bad requests, a lost answer fetched again. */
@Timeout(60)
class JoinServiceTest {
  private static final ClusterCa CA = ClusterCa.create("cluster-join-test");

  private final AtomicInteger linearizableReads = new AtomicInteger();
  private LocalReplica local;
  private WebServer web;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() {
    Clock clock = Clock.systemUTC();
    local = new LocalReplica(clock, "node_a", State.empty());
    Instant now = Instant.now();
    Node a =
        new Node(
            "node_a",
            "node-a",
            "https://127.0.0.1:1",
            "127.0.0.1",
            Map.of(),
            NodeRole.VOTER,
            NodeStatus.ACTIVE,
            Map.of(),
            "01",
            now.plus(Duration.ofDays(30)),
            "PEM",
            now,
            now);
    AdminToken owner = new AdminToken("tok_owner", "owner", Role.OWNER, "00", now, false);
    Result r =
        local.submit(
            "node_a",
            new Command.Bootstrap(
                CA.clusterId(), PemFiles.certificateToPem(CA.certificate()), a, owner));
    assertThat(r.ok()).isTrue();
    Replica counting =
        new Replica() {
          @Override
          public State view() {
            return local.view();
          }

          @Override
          public Result submit(String actor, Command command) {
            return local.submit(actor, command);
          }

          @Override
          public State linearizableView() {
            linearizableReads.incrementAndGet();
            return local.linearizableView();
          }

          @Override
          public RaftStatus status() {
            return local.status();
          }
        };
    JoinService join = new JoinService(counting, CA, clock);
    web =
        WebServer.builder()
            .host("127.0.0.1")
            .port(0)
            .shutdownHook(false)
            .routing(rt -> rt.register("/cluster/v1", join))
            .build()
            .start();
  }

  @AfterEach
  void stop() {
    web.stop();
  }

  private HttpResponse<String> post(Object body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web.port() + "/cluster/v1/join"))
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(20))
            .POST(HttpRequest.BodyPublishers.ofByteArray(Json.mapper().writeValueAsBytes(body)))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** A join request proven with {@code token}'s key, or with a made-up HMAC when it is null. */
  private static JoinWire.Request request(String tokenId, JoinTokens.Content token, String csr) {
    JoinWire.Request unsigned =
        new JoinWire.Request(
            tokenId, null, csr, "node-b", "https://127.0.0.1:2", "127.0.0.1", Map.of());
    return new JoinWire.Request(
        tokenId,
        token == null
            ? JoinCrypto.joinProof(new byte[32], unsigned)
            : JoinCrypto.signJoin(JoinCrypto.tokenKey(token.secretBytes()), unsigned),
        csr,
        "node-b",
        "https://127.0.0.1:2",
        "127.0.0.1",
        Map.of());
  }

  @Test
  void unknownTokens_costBoundedRaftReads_andTheSourceIsLimited() throws Exception {
    String csr = Csr.create(KeyPairs.generate(), "node-b");
    int statuses429 = 0;
    String unknown = io.raftray.model.Ids.newId("jtk");
    for (int i = 0; i < 10; i++) {
      // The same unknown id again and again: one linearizable read, then the cached miss.
      assertThat(post(request(unknown, null, csr)).statusCode()).isEqualTo(403);
    }
    assertThat(linearizableReads.get()).isEqualTo(1);
    for (int i = 0; i < 30; i++) {
      int s = post(request(io.raftray.model.Ids.newId("jtk"), null, csr)).statusCode();
      assertThat(s).isIn(403, 429);
      statuses429 += s == 429 ? 1 : 0;
    }
    // 20 refusals per minute and address: the rest are 429 without any lookup.
    assertThat(statuses429).isEqualTo(20);
    assertThat(linearizableReads.get()).isEqualTo(JoinService.FAILURE_LIMIT - 10 + 1);
  }

  @Test
  void aLostAnswer_isFetchedAgainWithTheSameTokenAndCsr_withoutASecondUse() throws Exception {
    JoinTokens.Issued issued =
        JoinTokens.issue(
            CA.clusterId(),
            List.of("https://127.0.0.1:1"),
            "sha256:" + "0".repeat(64),
            900,
            1,
            NodeRole.VOTER,
            "tok_owner",
            Clock.systemUTC());
    assertThat(local.submit("tok_owner", issued.command()).ok()).isTrue();
    JoinTokens.Content verifier = JoinTokens.decode(issued.text());
    String csr = Csr.create(KeyPairs.generate(), "node-b");
    HttpResponse<String> first = post(request(issued.command().id(), verifier, csr));
    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    HttpResponse<String> again = post(request(issued.command().id(), verifier, csr));
    assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
    assertThat(Json.mapper().readTree(again.body()).get("node_id"))
        .isEqualTo(Json.mapper().readTree(first.body()).get("node_id"));
    assertThat(Json.mapper().readTree(again.body()).get("node_cert_pem"))
        .isEqualTo(Json.mapper().readTree(first.body()).get("node_cert_pem"));
    assertThat(local.view().joinTokens().get(issued.command().id()).usedCount()).isEqualTo(1);
    // Another CSR (another host) with the same used token is still refused.
    HttpResponse<String> other =
        post(request(issued.command().id(), verifier, Csr.create(KeyPairs.generate(), "node-b")));
    assertThat(other.statusCode()).isEqualTo(403);
  }
}
