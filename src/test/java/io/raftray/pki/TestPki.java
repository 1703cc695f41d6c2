package io.raftray.pki;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

/** Small fixtures shared by the pki tests. */
final class TestPki {
  static final String CLUSTER = "c0ffee00-1111-4222-8333-444455556666";

  private TestPki() {}

  static NodeIdentity identity(ClusterCa ca, String nodeId) {
    KeyPair keys = KeyPairs.generate();
    X509Certificate cert =
        ca.issueNodeCertificate(
            keys.getPublic(),
            ca.clusterId(),
            nodeId,
            List.of("localhost", "127.0.0.1", "::1"),
            Duration.ofDays(30));
    return new NodeIdentity(ca.clusterId(), nodeId, keys.getPrivate(), cert, ca.certificate());
  }
}
