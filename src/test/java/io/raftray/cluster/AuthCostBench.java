package io.raftray.cluster;

import static io.raftray.cluster.AuthFixture.identity;
import static io.raftray.cluster.AuthFixture.node;
import static io.raftray.cluster.AuthFixture.state;

import io.raftray.model.NodeStatus;
import io.raftray.pki.ClusterCa;
import io.raftray.pki.NodeIdentity;
import io.raftray.state.State;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Not a test: the per-request authentication cost, sender and receiver, of a signed Raft request
 * and of one in connection mode. Run by hand (see docs/cluster-auth.md, "Connection mode"):
 *
 * <pre>
 * java -cp target/classes:target/test-classes:$(cat target/cp.txt) io.raftray.cluster.AuthCostBench
 * </pre>
 */
final class AuthCostBench {
  private static final int REQUESTS = 10_000;

  private AuthCostBench() {}

  public static void main(String[] args) {
    ClusterCa ca = ClusterCa.create(AuthFixture.CLUSTER);
    NodeIdentity n1 = identity(ca, "node-1");
    NodeIdentity n2 = identity(ca, "node-2");
    State s = state(ca, node(n1, NodeStatus.ACTIVE), node(n2, NodeStatus.ACTIVE));
    byte[] body = new byte[512]; // a small AppendEntries / heartbeat envelope
    NodeRequestSigner signer = new NodeRequestSigner(n2);
    List<java.security.cert.X509Certificate> tls = List.of(n2.nodeCert());
    for (int round = 0; round < 4; round++) {
      // a fresh receiver per round so the nonce memory does not fill up
      ClusterAuth auth =
          new ClusterAuth(
              () -> s,
              n1,
              List.of("node-1", "node-2"),
              Duration.ofSeconds(60),
              Clock.systemUTC(),
              4 * REQUESTS);
      long signedNanos = run(auth, signer, tls, body, true);
      long connectionNanos = run(auth, signer, tls, body, false);
      if (round == 0) {
        continue; // warm-up
      }
      System.out.printf(
          "round %d: %d requests  signed %.1f us/request  connection %.2f us/request  (x%.0f)%n",
          round,
          REQUESTS,
          signedNanos / 1e3 / REQUESTS,
          connectionNanos / 1e3 / REQUESTS,
          (double) signedNanos / connectionNanos);
    }
    Map<String, String> signed = signer.headers("POST", RaftHttpCaller.RAFT_ROUTE, "node-1", body);
    Map<String, String> connection = signer.connectionHeaders("node-1");
    System.out.printf(
        "auth header bytes per request: signed %d, connection %d%n",
        size(signed), size(connection));
  }

  private static long run(
      ClusterAuth auth,
      NodeRequestSigner signer,
      List<java.security.cert.X509Certificate> tls,
      byte[] body,
      boolean sign) {
    long t0 = System.nanoTime();
    for (int i = 0; i < REQUESTS; i++) {
      Map<String, String> h =
          sign
              ? signer.headers("POST", RaftHttpCaller.RAFT_ROUTE, "node-1", body)
              : signer.connectionHeaders("node-1");
      ClusterAuth.Outcome o =
          auth.verifyRaft(
              new ClusterAuth.Request(
                  "POST", RaftHttpCaller.RAFT_ROUTE, h, body, tls, "127.0.0.1:1"));
      if (!o.accepted()) {
        throw new IllegalStateException(o.reason());
      }
    }
    return System.nanoTime() - t0;
  }

  private static int size(Map<String, String> h) {
    return h.entrySet().stream()
        .mapToInt(e -> e.getKey().length() + e.getValue().length() + 4)
        .sum();
  }
}
