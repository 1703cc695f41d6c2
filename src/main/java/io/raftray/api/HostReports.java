package io.raftray.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftray.model.Json;
import io.raftray.model.Node;
import io.raftray.model.NodeStatus;
import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The host reports of a page of nodes for {@code GET /nodes} and {@code /nodes/{id}}: asked of
 * every member in parallel, each within {@link #TIMEOUT}, and kept for {@link #FRESH} (an answer or
 * the error), so a console polling the list costs each member at most one report per period
 * whatever the number of admins. A member that does not answer gets {@code host: null} and a {@code
 * host_error}; it never fails the list. Removed nodes are not asked.
 */
final class HostReports {
  static final Duration TIMEOUT = Duration.ofMillis(1500);
  static final Duration FRESH = Duration.ofSeconds(2);

  /** One node's report or why there is none. */
  record Host(JsonNode report, String error) {}

  private record Cached(long atNanos, Host host) {}

  private final Fleet fleet;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  HostReports(Fleet fleet) {
    this.fleet = fleet;
  }

  /** By node id, in the order of {@code nodes}. */
  Map<String, Host> of(Collection<Node> nodes) {
    long now = System.nanoTime();
    Map<String, Host> out = new LinkedHashMap<>();
    Map<String, CompletableFuture<Host>> asked = new LinkedHashMap<>();
    for (Node n : nodes) {
      if (n.status() == NodeStatus.REMOVED) {
        out.put(n.id(), new Host(null, "node is removed"));
        continue;
      }
      Cached c = cache.get(n.id());
      if (c != null && now - c.atNanos() < FRESH.toNanos()) {
        out.put(n.id(), c.host());
        continue;
      }
      out.put(n.id(), null);
      asked.put(
          n.id(),
          CompletableFuture.supplyAsync(
              () -> ask(n), r -> Thread.ofVirtual().name("raftray-host-report").start(r)));
    }
    long deadline = System.nanoTime() + TIMEOUT.toNanos() + 250_000_000L;
    asked.forEach(
        (id, f) -> {
          Host h;
          try {
            h = f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
          } catch (TimeoutException e) {
            h = new Host(null, "no answer within " + TIMEOUT.toMillis() + " ms");
          } catch (ExecutionException e) {
            h = new Host(null, String.valueOf(e.getCause().getMessage()));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            h = new Host(null, "interrupted");
          }
          cache.put(id, new Cached(System.nanoTime(), h));
          out.put(id, h);
        });
    return out;
  }

  private Host ask(Node n) {
    try {
      return new Host(Json.mapper().readTree(fleet.report(n, TIMEOUT)), null);
    } catch (IOException e) {
      return new Host(null, "unreadable report");
    } catch (RuntimeException e) {
      return new Host(null, e.getMessage());
    }
  }
}
