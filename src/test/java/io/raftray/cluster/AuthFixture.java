package io.raftray.cluster;

import io.raftray.model.Node;
import io.raftray.model.NodeRole;
import io.raftray.model.NodeStatus;
import io.raftray.pki.ClusterCa;
import io.raftray.pki.KeyPairs;
import io.raftray.pki.NodeIdentity;
import io.raftray.pki.PemFiles;
import io.raftray.state.State;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/** Cluster CAs, node identities and replicated states for the request-signing tests. */
final class AuthFixture {
  static final String CLUSTER = "c0ffee00-1111-4222-8333-444455556666";

  private AuthFixture() {}

  static NodeIdentity identity(ClusterCa ca, String nodeId) {
    return identity(ca, nodeId, Duration.ofDays(30));
  }

  static NodeIdentity identity(ClusterCa ca, String nodeId, Duration validity) {
    KeyPair keys = KeyPairs.generate();
    X509Certificate cert =
        ca.issueNodeCertificate(
            keys.getPublic(), ca.clusterId(), nodeId, List.of("localhost", "127.0.0.1"), validity);
    return new NodeIdentity(ca.clusterId(), nodeId, keys.getPrivate(), cert, ca.certificate());
  }

  static Node node(NodeIdentity id, NodeStatus status) {
    Instant now = Instant.now();
    return new Node(
        id.nodeId(),
        id.nodeId(),
        "https://127.0.0.1:1",
        "127.0.0.1",
        Map.of(),
        NodeRole.VOTER,
        status,
        Map.of(),
        id.nodeCert().getSerialNumber().toString(16),
        id.nodeCert().getNotAfter().toInstant(),
        PemFiles.certificateToPem(id.nodeCert()),
        now,
        now);
  }

  static State state(ClusterCa ca, Node... nodes) {
    TreeMap<String, Node> byId = new TreeMap<>();
    for (Node n : nodes) {
      byId.put(n.id(), n);
    }
    return State.builder()
        .appliedIndex(7)
        .clusterId(ca.clusterId())
        .caCertPem(PemFiles.certificateToPem(ca.certificate()))
        .nodes(Collections.unmodifiableNavigableMap(byId))
        .build();
  }

  /** A clock tests move by hand. */
  static final class MutableClock extends Clock {
    private final AtomicLong millis = new AtomicLong(System.currentTimeMillis());

    void advance(Duration d) {
      millis.addAndGet(d.toMillis());
    }

    @Override
    public long millis() {
      return millis.get();
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }
}
