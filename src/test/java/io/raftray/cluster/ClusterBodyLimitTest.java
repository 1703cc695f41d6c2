package io.raftray.cluster;

import static io.raftray.cluster.AuthFixture.identity;
import static io.raftray.cluster.AuthFixture.node;
import static io.raftray.cluster.AuthFixture.state;
import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.webserver.WebServer;
import io.raftray.model.NodeStatus;
import io.raftray.pki.ClusterCa;
import io.raftray.pki.NodeIdentity;
import io.raftray.state.LocalReplica;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The node-to-node routes refuse a stranger before reading its body: the answer arrives while the
 * client has sent only the headers of a request that declares 64 MiB.
 */
@Timeout(30)
class ClusterBodyLimitTest {
  private static final ClusterCa CA = ClusterCa.create(AuthFixture.CLUSTER);
  private static final NodeIdentity N1 = identity(CA, "node-1");
  private static final NodeIdentity N2 = identity(CA, "node-2");
  private static final long HUGE = 64L * 1024 * 1024;

  private WebServer web;

  @BeforeEach
  void start() {
    ClusterAuth auth =
        new ClusterAuth(
            () -> state(CA, node(N1, NodeStatus.ACTIVE), node(N2, NodeStatus.ACTIVE)),
            N1,
            List.of("node-1", "node-2"),
            Duration.ofSeconds(60),
            Clock.systemUTC());
    RaftHttpService raft = new RaftHttpService(() -> null, auth);
    RenewService renew =
        new RenewService(
            auth,
            new LocalReplica(Clock.systemUTC(), "node-1", state(CA, node(N1, NodeStatus.ACTIVE))),
            CA,
            "node-1",
            Duration.ofDays(30));
    web =
        WebServer.builder()
            .host("127.0.0.1")
            .port(0)
            .shutdownHook(false)
            .routing(r -> r.register("/cluster/v1", raft).register("/cluster/v1", renew))
            .build()
            .start();
  }

  @AfterEach
  void stop() {
    web.stop();
  }

  /** Sends only the head of a POST and returns the status line of the answer (or the timeout). */
  private String headOnly(String path, long contentLength, Map<String, String> headers)
      throws IOException {
    try (Socket s = new Socket("127.0.0.1", web.port())) {
      s.setSoTimeout(5_000);
      StringBuilder head =
          new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n")
              .append("Content-Type: application/x-protobuf\r\n")
              .append("Content-Length: ")
              .append(contentLength)
              .append("\r\n");
      headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
      head.append("\r\n");
      OutputStream out = s.getOutputStream();
      out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
      out.write(new byte[100]);
      out.flush();
      InputStream in = s.getInputStream();
      StringBuilder line = new StringBuilder();
      try {
        for (int c = in.read(); c != -1 && c != '\r'; c = in.read()) {
          line.append((char) c);
        }
      } catch (java.net.SocketTimeoutException e) {
        return "no answer within 5 s (the server waits for the body)";
      }
      return line.toString();
    }
  }

  @Test
  void raft_withoutSignatureHeaders_isRefusedBeforeTheBodyArrives() throws Exception {
    assertThat(headOnly("/cluster/v1/raft", HUGE, Map.of())).isEqualTo("HTTP/1.1 401 Unauthorized");
    assertThat(headOnly("/cluster/v1/raft/read-index", HUGE, Map.of()))
        .isEqualTo("HTTP/1.1 401 Unauthorized");
  }

  @Test
  void raft_signedHeadersButBodyAboveTheCap_is413BeforeTheBodyArrives() throws Exception {
    Map<String, String> signed =
        new NodeRequestSigner(N2).headers("POST", "/cluster/v1/raft", new byte[0]);
    assertThat(headOnly("/cluster/v1/raft", HUGE, signed)).startsWith("HTTP/1.1 413");
    Map<String, String> signedRead =
        new NodeRequestSigner(N2).headers("POST", "/cluster/v1/raft/read-index", new byte[0]);
    assertThat(headOnly("/cluster/v1/raft/read-index", 1024 * 1024, signedRead))
        .startsWith("HTTP/1.1 413");
  }

  @Test
  void raft_bodiesHeldBeforeVerification_areBoundedByTheBudget_thenFreed() throws Exception {
    int fits = (int) (RaftHttpService.BODY_BUDGET / RaftHttpService.MAX_BODY);
    List<Socket> holding = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < fits; i++) {
        // Forged headers: the gate cannot tell them from real ones until the body has arrived.
        Map<String, String> forged =
            new NodeRequestSigner(N2).headers("POST", "/cluster/v1/raft", new byte[] {1});
        Socket s = new Socket("127.0.0.1", web.port());
        holding.add(s);
        StringBuilder head =
            new StringBuilder("POST /cluster/v1/raft HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                .append("Content-Length: ")
                .append(RaftHttpService.MAX_BODY)
                .append("\r\n");
        forged.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        s.getOutputStream().write((head + "\r\n").getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
      }
      Map<String, String> signed =
          new NodeRequestSigner(N2).headers("POST", "/cluster/v1/raft", new byte[0]);
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  headOnly("/cluster/v1/raft", RaftHttpService.MAX_BODY, signed)
                      .startsWith("HTTP/1.1 503"));
    } finally {
      for (Socket s : holding) {
        s.close();
      }
    }
    // Closed connections give their share back: the next request is read and verified again (and
    // refused, as its signature is over another body).
    Map<String, String> other =
        new NodeRequestSigner(N2).headers("POST", "/cluster/v1/raft", new byte[] {9});
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> headOnly("/cluster/v1/raft", 0, other).startsWith("HTTP/1.1 401"));
  }

  @Test
  void renew_manySmallUnfinishedBodies_areBoundedInNumber_thenFreed() throws Exception {
    // Small bodies pass the byte budget (256 KiB holds 256 of these); their number is bounded too.
    List<Socket> holding = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < RenewService.MAX_IN_FLIGHT; i++) {
        Map<String, String> forged =
            new NodeRequestSigner(N2).headers("POST", "/cluster/v1/renew", new byte[] {1});
        Socket s = new Socket("127.0.0.1", web.port());
        holding.add(s);
        StringBuilder head =
            new StringBuilder("POST /cluster/v1/renew HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                .append("Content-Length: 200\r\n");
        forged.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        s.getOutputStream().write((head + "\r\n").getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
      }
      Map<String, String> signed =
          new NodeRequestSigner(N2).headers("POST", "/cluster/v1/renew", new byte[0]);
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> headOnly("/cluster/v1/renew", 200, signed).startsWith("HTTP/1.1 503"));
    } finally {
      for (Socket s : holding) {
        s.close();
      }
    }
    Map<String, String> other =
        new NodeRequestSigner(N2).headers("POST", "/cluster/v1/renew", new byte[] {9});
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> !headOnly("/cluster/v1/renew", 100, other).startsWith("HTTP/1.1 503"));
  }

  @Test
  void renew_withoutSignatureHeaders_isRefusedBeforeTheBodyArrives() throws Exception {
    assertThat(headOnly("/cluster/v1/renew", 10_000, Map.of()))
        .isEqualTo("HTTP/1.1 401 Unauthorized");
    Map<String, String> signed =
        new NodeRequestSigner(N2).headers("POST", "/cluster/v1/renew", new byte[0]);
    assertThat(headOnly("/cluster/v1/renew", HUGE, signed)).startsWith("HTTP/1.1 413");
  }
}
