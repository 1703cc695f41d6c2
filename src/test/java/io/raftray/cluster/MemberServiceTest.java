package io.raftray.cluster;

import static io.raftray.cluster.AuthFixture.identity;
import static io.raftray.cluster.AuthFixture.node;
import static io.raftray.cluster.AuthFixture.state;
import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.webserver.WebServer;
import io.raftray.model.Node;
import io.raftray.model.NodeStatus;
import io.raftray.pki.ClusterCa;
import io.raftray.pki.NodeIdentity;
import io.raftray.state.LocalReplica;
import io.raftray.state.State;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code POST /cluster/v1/member} over a real listener: node-2 asks node-1 about node-4. The answer
 * is accepted only when signed by the key node-2's own state records for node-1; a removed asker is
 * refused with 403 {@code node was removed}.
 */
@Timeout(30)
class MemberServiceTest {
  private static final ClusterCa CA = ClusterCa.create(AuthFixture.CLUSTER);
  private static final NodeIdentity N1 = identity(CA, "node-1");
  private static final NodeIdentity N2 = identity(CA, "node-2");
  private static final NodeIdentity N4 = identity(CA, "node-4");

  private WebServer web;
  private final AtomicReference<State> served = new AtomicReference<>();

  @AfterEach
  void stop() {
    if (web != null) {
      web.stop();
    }
  }

  /** node-1 serves the route, answering from {@code state}, signing with {@code signingKey}. */
  private int serve(State state, NodeIdentity signingKey) {
    served.set(state);
    ClusterAuth auth =
        new ClusterAuth(
            served::get, N1, List.of("node-1"), Duration.ofSeconds(60), Clock.systemUTC());
    MemberService service =
        new MemberService(
            auth,
            new LocalReplica(Clock.systemUTC(), "node-1", state),
            new NodeRequestSigner(signingKey),
            "node-1");
    web =
        WebServer.builder()
            .host("127.0.0.1")
            .port(0)
            .shutdownHook(false)
            .routing(r -> r.register("/cluster/v1", service))
            .build()
            .start();
    return web.port();
  }

  /** node-2's client, with node-1 recorded at the listener's (plain http) address. */
  private static MemberLookup asker(int port) {
    Node n1 = node(N1, NodeStatus.ACTIVE);
    Node at =
        new Node(
            n1.id(),
            n1.name(),
            "http://127.0.0.1:" + port,
            n1.accessHost(),
            n1.labels(),
            n1.role(),
            n1.status(),
            n1.facts(),
            n1.certSerial(),
            n1.certNotAfter(),
            n1.certificatePem(),
            n1.joinedAt(),
            n1.updatedAt());
    State mine = state(CA, at, node(N2, NodeStatus.ACTIVE));
    return new MemberLookup(
        HttpClient.newHttpClient(),
        new NodeRequestSigner(N2),
        () -> mine,
        "node-2",
        Duration.ofSeconds(5));
  }

  @Test
  void ask_answeredFromTheMembersViewAndVerifiedWithItsRecordedKey() {
    int port =
        serve(
            state(
                CA,
                node(N1, NodeStatus.ACTIVE),
                node(N2, NodeStatus.ACTIVE),
                node(N4, NodeStatus.ACTIVE)),
            N1);
    List<MemberLookup.Reply> replies = asker(port).ask("node-4", "abc", Set.of("node-4"));
    assertThat(replies).hasSize(1);
    MemberLookup.Reply r = replies.get(0);
    assertThat(r.verified()).as(r.text()).isTrue();
    assertThat(r.answer().known()).isTrue();
    assertThat(r.answer().status()).isEqualTo("active");
    assertThat(r.answer().certSerial()).isEqualTo(node(N4, NodeStatus.ACTIVE).certSerial());
    assertThat(r.answer().serialRevoked()).isFalse();

    MemberLookup.Reply unknown = asker(port).ask("node-9", null, Set.of()).get(0);
    assertThat(unknown.verified()).isTrue();
    assertThat(unknown.answer().known()).isFalse();
  }

  @Test
  void ask_answerSignedByAnotherKey_notAccepted() {
    NodeIdentity impostor = identity(CA, "node-1");
    int port = serve(state(CA, node(N1, NodeStatus.ACTIVE), node(N2, NodeStatus.ACTIVE)), impostor);
    MemberLookup.Reply r = asker(port).ask("node-4", null, Set.of()).get(0);
    assertThat(r.verified()).isFalse();
    assertThat(r.text()).isEqualTo("bad answer signature");
  }

  @Test
  void ask_byARemovedNode_refusedAsRemoved() {
    int port = serve(state(CA, node(N1, NodeStatus.ACTIVE), node(N2, NodeStatus.REMOVED)), N1);
    MemberLookup.Reply r = asker(port).ask("node-2", null, Set.of()).get(0);
    assertThat(r.verified()).isFalse();
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.text()).contains("node was removed");
  }

  @Test
  void ask_neverAsksItselfOrTheExcluded() {
    int port = serve(state(CA, node(N1, NodeStatus.ACTIVE), node(N2, NodeStatus.ACTIVE)), N1);
    assertThat(asker(port).ask("node-1", null, Set.of("node-1"))).isEmpty();
  }
}
