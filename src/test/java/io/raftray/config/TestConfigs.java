package io.raftray.config;

import java.nio.file.Path;
import java.util.List;

/** The smallest valid single-node config, for the node.json tests. */
final class TestConfigs {
  private TestConfigs() {}

  static NodeConfig.Builder minimal(Path dir) {
    return NodeConfig.builder()
        .dataDir(dir)
        .clusterId("c1")
        .nodeId("node_1")
        .name("node-1")
        .bind("127.0.0.1", 7443)
        .apiBaseUrl("https://127.0.0.1:7443")
        .accessHost("127.0.0.1")
        .initialPeers(List.of(new NodeConfig.Peer("node_1", "https://127.0.0.1:7443")));
  }
}
