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
    Optional<InetAddress> clusterSourceAddress,
    XraySettings xray) {

  public NodeConfig {
    initialPeers = List.copyOf(initialPeers);
    Objects.requireNonNull(clusterSourceAddress, "clusterSourceAddress");
    Objects.requireNonNull(xray, "xray");
  }

  /** A config without a core (see {@link XraySettings#none()}). */
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
      int auditRetention,
      Optional<InetAddress> clusterSourceAddress) {
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
        clusterSourceAddress,
        XraySettings.none());
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

  /** The same config with other core settings (e.g. {@code raftray run} options). */
  public NodeConfig withXray(XraySettings x) {
    return new NodeConfig(
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
        clusterSourceAddress,
        x);
  }

  /** Where the supervised core keeps its managed config, pid file and log. */
  public Path xrayDir() {
    return dataDir.resolve("xray");
  }

  public Path raftDir() {
    return dataDir.resolve("raft");
  }

  public Path configFile() {
    return dataDir.resolve(NodeConfigFile.FILE_NAME);
  }
}
