package io.raftray.it;

import static io.raftray.it.RaftrayProcess.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.raftray.webhook.Signatures;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Webhooks across a leader kill: three nodes as separate processes, a receiver on loopback (plain
 * http, allowed only to loopback), users created in batches so the leader has a backlog to work
 * through, the leader SIGKILLed while it delivers. Every event must arrive at least once with a
 * valid signature, the ids must deduplicate to exactly the events the writes made (one {@code
 * user.created} per user, ids evt_1..evt_N in creation order), first arrivals in order, and the new
 * leader must resume from the replicated acknowledgement.
 */
class WebhookDeliveryIT {
  private static final String SECRET = "it-receiver-secret-0123456789";
  private static final int BATCHES_BEFORE = 4;
  private static final int BATCH = 50;

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path tmp;

  /** One request the receiver got. */
  record Delivery(String id, long seq, String username, boolean signed, long atNanos) {}

  private final List<Delivery> got = Collections.synchronizedList(new ArrayList<>());
  private final Set<String> nodeEvents =
      Collections.synchronizedSet(new java.util.LinkedHashSet<>());

  @Test
  @Timeout(120)
  void leaderKilledMidDelivery_everyEventArrivesOnce_orMore_signed_inOrder() throws Exception {
    HttpServer receiver =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    receiver.createContext(
        "/hook",
        ex -> {
          byte[] body = ex.getRequestBody().readAllBytes();
          long ts = Long.parseLong(ex.getRequestHeaders().getFirst(Signatures.TIMESTAMP_HEADER));
          String sig = ex.getRequestHeaders().getFirst(Signatures.SIGNATURE_HEADER);
          JsonNode e = RaftrayProcess.JSON.readTree(body);
          if (ex.getRequestURI().getPath().endsWith("/nodes")) {
            if (Signatures.verify(SECRET, ts, body, sig)) {
              nodeEvents.add(
                  e.path("type").asText() + " " + e.path("data").path("node_id").asText());
            }
            ex.sendResponseHeaders(204, -1);
            ex.close();
            return;
          }
          got.add(
              new Delivery(
                  e.path("id").asText(),
                  e.path("seq").asLong(),
                  e.path("data").path("username").asText(),
                  Signatures.verify(SECRET, ts, body, sig)
                      && e.path("id")
                          .asText()
                          .equals(ex.getRequestHeaders().getFirst(Signatures.EVENT_ID_HEADER)),
                  System.nanoTime()));
          try {
            Thread.sleep(15); // a receiver that takes a moment, so a backlog builds up
          } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
          }
          ex.sendResponseHeaders(204, -1);
          ex.close();
        });
    receiver.start();
    String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
    try (ProcessCluster c = ProcessCluster.form(tmp, 3)) {
      await("feature level 2 (webhooks) on the cluster")
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> {
                JsonNode v = c.clusterView(0);
                return v != null && v.path("feature_level").asInt() >= 2;
              });
      RaftrayProcess.Response created =
          c.node(0)
              .post(
                  "/webhooks",
                  obj("url", url, "secret", SECRET, "events", List.of("user.created")));
      assertThat(created.status()).as(created.raw()).isEqualTo(201);
      assertThat(created.raw()).doesNotContain(SECRET);
      String hookId = created.body().path("id").asText();
      // A second receiver path for what the leader observes: the killed node going down.
      RaftrayProcess.Response nodes =
          c.node(0)
              .post(
                  "/webhooks",
                  obj("url", url + "/nodes", "secret", SECRET, "events", List.of("node.down")));
      assertThat(nodes.status()).as(nodes.raw()).isEqualTo(201);

      List<String> names = new ArrayList<>();
      for (int b = 0; b < BATCHES_BEFORE; b++) {
        createBatch(c.node(b % 3), names);
      }
      String leader = c.awaitAgreedLeader(Duration.ofSeconds(10), Set.of(0, 1, 2));
      int victim = c.indexOf(leader);
      await("the leader delivering")
          .atMost(Duration.ofSeconds(20))
          .until(() -> uniqueIds().size() >= BATCH);
      int beforeKill = got.size();
      long killedAt = System.nanoTime();
      assertThat(c.node(victim).kill9()).isEqualTo(137);
      assertThat(uniqueIds().size())
          .as("killed mid-delivery: events were still pending")
          .isLessThan(BATCHES_BEFORE * BATCH);
      Set<Integer> others = new HashSet<>(Set.of(0, 1, 2));
      others.remove(victim);
      String newLeader = c.awaitAgreedLeader(Duration.ofSeconds(20), others);
      createBatch(c.node(c.indexOf(newLeader)), names);

      int total = names.size();
      await("every event delivered")
          .atMost(Duration.ofSeconds(30))
          .until(() -> uniqueIds().size() >= total);
      long resumedAt =
          got.stream()
              .skip(beforeKill)
              .filter(d -> d.atNanos() > killedAt)
              .mapToLong(Delivery::atNanos)
              .min()
              .orElseThrow();

      List<Delivery> all = List.copyOf(got);
      assertThat(all).allMatch(Delivery::signed, "every delivery signed with the secret");
      Map<String, Delivery> first = new LinkedHashMap<>();
      all.forEach(d -> first.putIfAbsent(d.id(), d));
      List<String> expectedIds = new ArrayList<>();
      for (int i = 1; i <= total; i++) {
        expectedIds.add("evt_" + i);
      }
      assertThat(first.keySet())
          .as("deduplicated ids, in first-arrival order")
          .containsExactlyElementsOf(expectedIds);
      assertThat(first.values().stream().map(Delivery::username).toList())
          .as("one user.created per user, in creation order")
          .containsExactlyElementsOf(names);

      int others0 = others.iterator().next();
      await("acknowledged up to the last event on a follower too")
          .atMost(Duration.ofSeconds(15))
          .until(
              () -> {
                for (int i : others) {
                  JsonNode h = c.node(i).get("/webhooks/" + hookId).body();
                  if (h.path("delivered_seq").asLong() != total || h.path("pending").asInt() != 0) {
                    return false;
                  }
                }
                return true;
              });
      String victimId = c.node(victim).nodeId();
      await("node.down of the killed leader, observed by the new one")
          .atMost(Duration.ofSeconds(30))
          .until(() -> nodeEvents.contains("node.down " + victimId));
      long downAt = System.nanoTime();
      JsonNode log = c.node(others0).get("/webhooks/" + hookId + "/deliveries").body();
      assertThat(log.path("items").size()).isPositive();
      assertThat(log.toString()).doesNotContain(SECRET);

      System.out.printf(
          "WebhookDeliveryIT: events %d, deliveries %d, duplicates %d, delivered before the kill"
              + " %d, time from kill -9 of the leader to the next delivery %d ms, to its node.down"
              + " %d ms%n",
          total,
          all.size(),
          all.size() - first.size(),
          beforeKill,
          (resumedAt - killedAt) / 1_000_000,
          (downAt - killedAt) / 1_000_000);
    } finally {
      receiver.stop(0);
    }
  }

  private Set<String> uniqueIds() {
    synchronized (got) {
      Set<String> ids = new HashSet<>();
      got.forEach(d -> ids.add(d.id()));
      return ids;
    }
  }

  private static void createBatch(RaftrayProcess node, List<String> names) throws Exception {
    List<Object> users = new ArrayList<>();
    List<String> batch = new ArrayList<>();
    for (int i = 0; i < BATCH; i++) {
      String name = String.format("wh%04d", names.size() + i);
      batch.add(name);
      users.add(obj("name", name));
    }
    RaftrayProcess.Response r = node.post("/users/batch", obj("users", users));
    assertThat(r.status()).as(r.raw()).isBetween(200, 201);
    names.addAll(batch);
  }
}
