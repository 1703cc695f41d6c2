package io.raftray.config;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a node needs to start, from {@code <data-dir>/node.json}. Written by {@code raftray
 * init} and {@code raftray join}; edited by operators only for the tunables in {@link Raft}.
 */
public record NodeConfig(
    Path dataDir,
    String clusterId,
    String nodeId,
    String name,
    String bindHost,
    int bindPort,
    String apiBaseUrl,
    String accessHost,
    List<Peer> initialPeers,
    Raft raft,
    int auditRetention,
    Optional<InetAddress> clusterSourceAddress) {

  public NodeConfig {
    initialPeers = List.copyOf(initialPeers);
    Objects.requireNonNull(clusterSourceAddress, "clusterSourceAddress");
  }

  /** A config whose outbound cluster connections use the address the OS picks. */
  public NodeConfig(
      Path dataDir,
      String clusterId,
      String nodeId,
      String name,
      String bindHost,
      int bindPort,
      String apiBaseUrl,
      String accessHost,
      List<Peer> initialPeers,
      Raft raft,
      int auditRetention) {
    this(
        dataDir,
        clusterId,
        nodeId,
        name,
        bindHost,
        bindPort,
        apiBaseUrl,
        accessHost,
        initialPeers,
        raft,
        auditRetention,
        Optional.empty());
  }

  /** A member of the initial Raft group (only used when the Raft storage is formatted). */
  public record Peer(String nodeId, String apiBaseUrl) {}

  /** Raft tunables; defaults suit WAN links. */
  public record Raft(
      Duration electionTimeoutMin,
      Duration electionTimeoutMax,
      long snapshotEveryEntries,
      Duration writeTimeout) {
    public static Raft defaults() {
      return new Raft(Duration.ofSeconds(1), Duration.ofSeconds(2), 10_000, Duration.ofSeconds(5));
    }
  }

  public Path raftDir() {
    return dataDir.resolve("raft");
  }

  public Path configFile() {
    return dataDir.resolve(NodeConfigFile.FILE_NAME);
  }
}
