package io.raftray.config;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;

/**
 * Everything a node needs to start, from {@code <data-dir>/node.json}. Written by {@code raftray
 * init} and {@code raftray join}; edited by operators only for the tunables in {@link Raft}.
 */
@NullMarked
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
    XraySettings xray,
    TrustedProxies trustedProxies,
    PublicTlsFiles publicTls,
    Optional<String> publicBaseUrl,
    BackupSchedule backup) {

  public NodeConfig {
    Objects.requireNonNull(backup, "backup");
    initialPeers = List.copyOf(initialPeers);
    Objects.requireNonNull(clusterSourceAddress, "clusterSourceAddress");
    Objects.requireNonNull(xray, "xray");
    Objects.requireNonNull(trustedProxies, "trustedProxies");
    Objects.requireNonNull(publicTls, "publicTls");
    Objects.requireNonNull(publicBaseUrl, "publicBaseUrl");
  }

  /** Audit events kept when {@code node.json} does not say. */
  public static final int DEFAULT_AUDIT_RETENTION = 10_000;

  /**
   * A builder with the defaults: no initial peers, default Raft tunables and audit retention, the
   * outbound address the OS picks, no core ({@link XraySettings#none()}).
   */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding every field of this config. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** A member of the initial Raft group (only used when the Raft storage is formatted). */
  public record Peer(String nodeId, String apiBaseUrl) {}

  /**
   * Raft tunables. The election timeouts come from {@code preset} unless {@code node.json} sets
   * them; the defaults ({@link RaftPreset#DEFAULT}) suit WAN links.
   */
  public record Raft(
      RaftPreset preset,
      Duration electionTimeoutMin,
      Duration electionTimeoutMax,
      long snapshotEveryEntries,
      Duration writeTimeout) {
    public static final long DEFAULT_SNAPSHOT_EVERY_ENTRIES = 10_000;
    public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(5);

    public Raft {
      Objects.requireNonNull(preset, "preset");
      Objects.requireNonNull(electionTimeoutMin, "electionTimeoutMin");
      Objects.requireNonNull(electionTimeoutMax, "electionTimeoutMax");
      Objects.requireNonNull(writeTimeout, "writeTimeout");
    }

    /** Explicit election timeouts under the default preset. */
    public Raft(
        Duration electionTimeoutMin,
        Duration electionTimeoutMax,
        long snapshotEveryEntries,
        Duration writeTimeout) {
      this(
          RaftPreset.DEFAULT,
          electionTimeoutMin,
          electionTimeoutMax,
          snapshotEveryEntries,
          writeTimeout);
    }

    public static Raft defaults() {
      return of(RaftPreset.DEFAULT);
    }

    /** The preset's election timeouts and the default snapshot interval and write timeout. */
    public static Raft of(RaftPreset preset) {
      return new Raft(
          preset,
          preset.electionTimeoutMin(),
          preset.electionTimeoutMax(),
          DEFAULT_SNAPSHOT_EVERY_ENTRIES,
          DEFAULT_WRITE_TIMEOUT);
    }

    /** Whether the election timeouts are the preset's (so {@code node.json} need not name them). */
    public boolean electionTimeoutsFromPreset() {
      return electionTimeoutMin.equals(preset.electionTimeoutMin())
          && electionTimeoutMax.equals(preset.electionTimeoutMax());
    }
  }

  /** The same config with other core settings (e.g. {@code raftray run} options). */
  public NodeConfig withXray(XraySettings x) {
    return toBuilder().xray(x).build();
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

  /** Sets fields by name; {@link #build()} checks them like the record does. */
  public static final class Builder {
    private @Nullable Path dataDir;
    private @Nullable String clusterId;
    private @Nullable String nodeId;
    private @Nullable String name;
    private @Nullable String bindHost;
    private int bindPort;
    private @Nullable String apiBaseUrl;
    private @Nullable String accessHost;
    private List<Peer> initialPeers = List.of();
    private Raft raft = Raft.defaults();
    private int auditRetention = DEFAULT_AUDIT_RETENTION;
    private Optional<InetAddress> clusterSourceAddress = Optional.empty();
    private XraySettings xray = XraySettings.none();
    private TrustedProxies trustedProxies = TrustedProxies.none();
    private PublicTlsFiles publicTls = PublicTlsFiles.none();
    private Optional<String> publicBaseUrl = Optional.empty();
    private BackupSchedule backup = BackupSchedule.none();

    private Builder() {}

    private Builder(NodeConfig c) {
      dataDir = c.dataDir;
      clusterId = c.clusterId;
      nodeId = c.nodeId;
      name = c.name;
      bindHost = c.bindHost;
      bindPort = c.bindPort;
      apiBaseUrl = c.apiBaseUrl;
      accessHost = c.accessHost;
      initialPeers = c.initialPeers;
      raft = c.raft;
      auditRetention = c.auditRetention;
      clusterSourceAddress = c.clusterSourceAddress;
      xray = c.xray;
      trustedProxies = c.trustedProxies;
      publicTls = c.publicTls;
      publicBaseUrl = c.publicBaseUrl;
      backup = c.backup;
    }

    public Builder dataDir(@Nullable Path v) {
      dataDir = v;
      return this;
    }

    public Builder clusterId(@Nullable String v) {
      clusterId = v;
      return this;
    }

    public Builder nodeId(@Nullable String v) {
      nodeId = v;
      return this;
    }

    public Builder name(@Nullable String v) {
      name = v;
      return this;
    }

    /** The host and port the one HTTPS listener binds. */
    public Builder bind(@Nullable String host, int port) {
      bindHost = host;
      bindPort = port;
      return this;
    }

    public Builder apiBaseUrl(@Nullable String v) {
      apiBaseUrl = v;
      return this;
    }

    public Builder accessHost(@Nullable String v) {
      accessHost = v;
      return this;
    }

    public Builder initialPeers(List<Peer> v) {
      initialPeers = v;
      return this;
    }

    public Builder raft(Raft v) {
      raft = v;
      return this;
    }

    public Builder auditRetention(int v) {
      auditRetention = v;
      return this;
    }

    public Builder clusterSourceAddress(Optional<InetAddress> v) {
      clusterSourceAddress = v;
      return this;
    }

    public Builder xray(XraySettings v) {
      xray = v;
      return this;
    }

    /** Reverse proxies whose client-address header is believed ({@code trusted_proxies}). */
    public Builder trustedProxies(TrustedProxies v) {
      trustedProxies = v;
      return this;
    }

    /** Operator certificates served by SNI to public clients ({@code public_tls}). */
    public Builder publicTls(PublicTlsFiles v) {
      publicTls = v;
      return this;
    }

    /** This node's own public address for subscription URLs ({@code public_base_url}). */
    public Builder publicBaseUrl(Optional<String> v) {
      publicBaseUrl = v;
      return this;
    }

    /** Scheduled backups ({@code "backup"}). */
    public Builder backup(BackupSchedule v) {
      backup = v;
      return this;
    }

    public NodeConfig build() {
      return new NodeConfig(
          Objects.requireNonNull(dataDir, "dataDir"),
          Objects.requireNonNull(clusterId, "clusterId"),
          Objects.requireNonNull(nodeId, "nodeId"),
          Objects.requireNonNull(name, "name"),
          Objects.requireNonNull(bindHost, "bindHost"),
          bindPort,
          Objects.requireNonNull(apiBaseUrl, "apiBaseUrl"),
          Objects.requireNonNull(accessHost, "accessHost"),
          initialPeers,
          raft,
          auditRetention,
          clusterSourceAddress,
          xray,
          trustedProxies,
          publicTls,
          publicBaseUrl,
          backup);
    }
  }
}
