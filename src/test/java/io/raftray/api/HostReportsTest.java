package io.raftray.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftray.model.ErrorKind;
import io.raftray.model.Node;
import io.raftray.model.NodeRole;
import io.raftray.model.NodeStatus;
import io.raftray.model.RaftrayException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HostReportsTest {
  private final CountDownLatch never = new CountDownLatch(1);
  private final Map<String, AtomicInteger> asked = new ConcurrentHashMap<>();

  @AfterEach
  void release() {
    never.countDown();
  }

  private static Node node(String id, NodeStatus status) {
    return new Node(
        id,
        id,
        "https://" + id + ":8443",
        id,
        Map.of(),
        NodeRole.VOTER,
        status,
        Map.of(),
        "01",
        Instant.parse("2031-01-01T00:00:00Z"),
        "PEM",
        Instant.parse("2030-01-01T00:00:00Z"),
        Instant.parse("2030-01-01T00:00:00Z"));
  }

  /** "up" answers, "down" refuses, "hung" never answers. */
  private final Fleet fleet =
      new Fleet() {
        @Override
        public byte[] report(Node n, Duration timeout) {
          asked.computeIfAbsent(n.id(), k -> new AtomicInteger()).incrementAndGet();
          if (n.id().equals("up")) {
            return "{\"node_id\":\"up\"}".getBytes(StandardCharsets.UTF_8);
          }
          if (n.id().equals("hung")) {
            try {
              never.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return new byte[0];
          }
          throw new RaftrayException(ErrorKind.UNAVAILABLE, "node " + n.id() + " did not answer");
        }

        @Override
        public byte[] logs(Node n, String source, int tail, Duration timeout) {
          throw new UnsupportedOperationException();
        }

        @Override
        public byte[] restartCore(Node n, Duration timeout) {
          throw new UnsupportedOperationException();
        }
      };

  @Test
  void everyNodeGetsAReportOrAnError_andNoneFailsTheOthers() {
    HostReports reports = new HostReports(fleet);

    Map<String, HostReports.Host> hosts =
        reports.of(
            List.of(
                node("up", NodeStatus.ACTIVE),
                node("down", NodeStatus.ACTIVE),
                node("hung", NodeStatus.ACTIVE),
                node("gone", NodeStatus.REMOVED)));

    assertThat(hosts.keySet()).containsExactly("up", "down", "hung", "gone");
    assertThat(hosts.get("up").report().path("node_id").asText()).isEqualTo("up");
    assertThat(hosts.get("up").error()).isNull();
    assertThat(hosts.get("down").report()).isNull();
    assertThat(hosts.get("down").error()).isEqualTo("node down did not answer");
    assertThat(hosts.get("hung").report()).isNull();
    assertThat(hosts.get("hung").error()).isEqualTo("no answer within 1500 ms");
    assertThat(hosts.get("gone").error()).isEqualTo("node is removed");
    assertThat(asked).doesNotContainKey("gone");
  }

  @Test
  void answersAreReusedWhileFresh() {
    HostReports reports = new HostReports(fleet);
    List<Node> nodes = List.of(node("up", NodeStatus.ACTIVE), node("down", NodeStatus.ACTIVE));

    reports.of(nodes);
    Map<String, HostReports.Host> again = reports.of(nodes);

    assertThat(again.get("up").report()).isNotNull();
    assertThat(again.get("down").error()).isEqualTo("node down did not answer");
    assertThat(asked.get("up")).hasValue(1);
    assertThat(asked.get("down")).hasValue(1);
  }
}
