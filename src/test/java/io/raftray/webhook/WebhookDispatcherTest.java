package io.raftray.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.raftray.model.AdminToken;
import io.raftray.model.Json;
import io.raftray.model.Node;
import io.raftray.model.NodeRole;
import io.raftray.model.NodeStatus;
import io.raftray.model.Role;
import io.raftray.model.User;
import io.raftray.model.Webhook;
import io.raftray.model.WebhookDelivery;
import io.raftray.state.Command;
import io.raftray.state.LocalReplica;
import io.raftray.state.State;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The leader's delivery loop against a receiver on loopback that fails at first. */
@Timeout(30)
class WebhookDispatcherTest {
  private static final String SECRET = "receiver-secret-0123456789";
  private final List<String> received = Collections.synchronizedList(new ArrayList<>());
  private final List<String> badSignatures = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger failFirst = new AtomicInteger(2);
  private HttpServer server;
  private WebhookDispatcher dispatcher;

  @AfterEach
  void stop() {
    if (dispatcher != null) {
      dispatcher.close();
    }
    if (server != null) {
      server.stop(0);
    }
  }

  private String startReceiver() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/hook",
        ex -> {
          byte[] body = ex.getRequestBody().readAllBytes();
          long ts = Long.parseLong(ex.getRequestHeaders().getFirst(Signatures.TIMESTAMP_HEADER));
          String sig = ex.getRequestHeaders().getFirst(Signatures.SIGNATURE_HEADER);
          JsonNode event = Json.mapper().readTree(body);
          if (!Signatures.verify(SECRET, ts, body, sig)) {
            badSignatures.add(event.path("id").asText());
          }
          int status = failFirst.getAndDecrement() > 0 ? 500 : 204;
          if (status == 204) {
            assertThat(ex.getRequestHeaders().getFirst(Signatures.EVENT_ID_HEADER))
                .isEqualTo(event.path("id").asText());
            received.add(event.path("id").asText());
          }
          ex.sendResponseHeaders(status, -1);
          ex.close();
        });
    server.start();
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
  }

  private static State bootstrapped(LocalReplica r) {
    AdminToken owner = new AdminToken("tok_owner", "owner", Role.OWNER, "ab", Instant.EPOCH, false);
    Node node =
        new Node(
            "node_a",
            "a",
            "https://127.0.0.1:1",
            "a",
            Map.of(),
            NodeRole.VOTER,
            NodeStatus.ACTIVE,
            Map.of(),
            "01",
            Instant.now().plusSeconds(86400 * 365),
            "PEM",
            Instant.EPOCH,
            Instant.EPOCH);
    r.submit("x", new Command.Bootstrap("cluster-1", "CA", node, owner));
    return r.view();
  }

  @Test
  void pendingEvents_areDeliveredInOrder_retriedWithBackoff_andAcknowledgedInBatches()
      throws Exception {
    String url = startReceiver();
    LocalReplica replica = new LocalReplica(Clock.systemUTC(), "node_a", State.empty());
    bootstrapped(replica);
    Instant now = Instant.now();
    replica.submit(
        "tok_owner",
        new Command.CreateWebhook(
            new Webhook("whk_1", url, SECRET, List.of(), true, now, now, 0, 0, List.of())));
    for (int i = 0; i < 5; i++) {
      User u = User.builder().id("usr_" + i).name("u" + i).subscriptionToken("s" + i).build();
      replica.submit("tok_owner", new Command.CreateUser(u));
    }
    long indexBefore = replica.view().appliedIndex();
    dispatcher =
        new WebhookDispatcher(
            "node_a",
            replica,
            Clock.systemUTC(),
            new WebhookDispatcher.Settings(
                Duration.ofMillis(20),
                Duration.ofMillis(200),
                new Backoff(Duration.ofMillis(50), Duration.ofMillis(200), 0),
                Duration.ofHours(1),
                Duration.ofSeconds(15)));
    dispatcher.start();

    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> replica.view().webhooks().hooks().get("whk_1").deliveredSeq() == 5);
    assertThat(received).containsExactly("evt_1", "evt_2", "evt_3", "evt_4", "evt_5");
    assertThat(badSignatures).isEmpty();
    Webhook h = replica.view().webhooks().hooks().get("whk_1");
    assertThat(h.deliveries())
        .extracting(WebhookDelivery::outcome)
        .containsExactly(
            "failed", "failed", "delivered", "delivered", "delivered", "delivered", "delivered");
    assertThat(h.deliveries().get(1).attempt()).isEqualTo(2);
    assertThat(h.deliveries().get(2).attempt()).isEqualTo(3);
    assertThat(replica.view().webhooks().outbox()).isEmpty();
    // Batched: far fewer acknowledgement entries than attempts.
    assertThat(replica.view().appliedIndex() - indexBefore).isLessThan(7);

    // A new event later goes out too.
    replica.submit("tok_owner", new Command.DeleteUser("usr_0"));
    await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 6);
    assertThat(received.getLast()).isEqualTo("evt_6");
  }
}
