package io.raftray.cluster;

import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything {@link RaftNode#start} needs.
 *
 * @param storageDir directory holding this node's Raft log and snapshots
 * @param nodeId this node's id (also its Raft peer id)
 * @param clusterId cluster id; the Raft group id is derived from it
 * @param peers the initial voting members including this node; ignored once the log holds a newer
 *     configuration
 * @param bindAddress address of the daemon's HTTPS listener, reported to Ratis only
 * @param httpClient client for node-to-node calls, normally built with the mTLS SSLContext
 * @param signer adds authentication headers to outbound cluster requests
 * @param electionTimeoutMin lower bound of the randomized election timeout
 * @param electionTimeoutMax upper bound of the randomized election timeout
 * @param requestTimeout timeout of one Raft RPC
 * @param snapshotThreshold take a snapshot every this many log entries (0 disables automatic
 *     snapshots); the log is purged up to the snapshot
 * @param writeDeadline total time a write or linearizable read may spend retrying before it fails
 *     with {@link ClusterUnavailableException}
 * @param pipelinedReplication whether this node, as leader, keeps several AppendEntries in flight
 *     per follower and notifies followers of commits at once ({@link PipelinedLogAppender}; the
 *     builder's default); false is Ratis' default appender. Ratis' log-metadata entries stay on in
 *     both modes ({@link RatisSettings})
 * @param featureLevels the feature level this node reads and what it hears its peers read ({@link
 *     PeerFeatureLevels}; the builder's default: this release's level)
 */
public record RaftNodeConfig(
    Path storageDir,
    String nodeId,
    String clusterId,
    List<Peer> peers,
    InetSocketAddress bindAddress,
    HttpClient httpClient,
    ClusterRequestSigner signer,
    Duration electionTimeoutMin,
    Duration electionTimeoutMax,
    Duration requestTimeout,
    long snapshotThreshold,
    Duration writeDeadline,
    boolean pipelinedReplication,
    PeerFeatureLevels featureLevels) {

  public static final Duration DEFAULT_ELECTION_TIMEOUT_MIN = Duration.ofSeconds(1);
  public static final Duration DEFAULT_ELECTION_TIMEOUT_MAX = Duration.ofSeconds(2);
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(3);
  public static final long DEFAULT_SNAPSHOT_THRESHOLD = 10_000;
  public static final Duration DEFAULT_WRITE_DEADLINE = Duration.ofSeconds(5);

  /** A voting member: node id and the base URL other nodes reach it at. */
  public record Peer(String nodeId, String baseUrl) {
    public Peer {
      Objects.requireNonNull(nodeId, "nodeId");
      Objects.requireNonNull(baseUrl, "baseUrl");
    }
  }

  public RaftNodeConfig {
    Objects.requireNonNull(storageDir, "storageDir");
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(clusterId, "clusterId");
    peers = List.copyOf(peers);
    Objects.requireNonNull(bindAddress, "bindAddress");
    Objects.requireNonNull(httpClient, "httpClient");
    Objects.requireNonNull(signer, "signer");
    Objects.requireNonNull(electionTimeoutMin, "electionTimeoutMin");
    Objects.requireNonNull(electionTimeoutMax, "electionTimeoutMax");
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    Objects.requireNonNull(writeDeadline, "writeDeadline");
    List<String> problems = new ArrayList<>();
    if (peers.stream().noneMatch(p -> p.nodeId().equals(nodeId))) {
      problems.add("peers must include this node " + nodeId);
    }
    if (!electionTimeoutMin.isPositive() || electionTimeoutMax.compareTo(electionTimeoutMin) <= 0) {
      problems.add("election timeouts need 0 < min < max");
    }
    if (!requestTimeout.isPositive()) {
      problems.add("request timeout must be positive");
    }
    if (snapshotThreshold < 0) {
      problems.add("snapshot threshold must be >= 0");
    }
    if (!writeDeadline.isPositive()) {
      problems.add("write deadline must be positive");
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("invalid raft config: " + String.join("; ", problems));
    }
  }

  /**
   * A builder with default timeouts, snapshot threshold and no request signing; the six arguments
   * have no sensible default.
   */
  public static Builder builder(
      Path storageDir,
      String nodeId,
      String clusterId,
      List<Peer> peers,
      InetSocketAddress bindAddress,
      HttpClient httpClient) {
    return new Builder(storageDir, nodeId, clusterId, peers, bindAddress, httpClient);
  }

  /** Collects the optional settings; {@link #build} validates them all together. */
  public static final class Builder {
    private final Path storageDir;
    private final String nodeId;
    private final String clusterId;
    private final List<Peer> peers;
    private final InetSocketAddress bindAddress;
    private final HttpClient httpClient;
    private ClusterRequestSigner signer = ClusterRequestSigner.NONE;
    private Duration electionTimeoutMin = DEFAULT_ELECTION_TIMEOUT_MIN;
    private Duration electionTimeoutMax = DEFAULT_ELECTION_TIMEOUT_MAX;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private long snapshotThreshold = DEFAULT_SNAPSHOT_THRESHOLD;
    private Duration writeDeadline = DEFAULT_WRITE_DEADLINE;
    private boolean pipelinedReplication = true;
    private PeerFeatureLevels featureLevels;

    private Builder(
        Path storageDir,
        String nodeId,
        String clusterId,
        List<Peer> peers,
        InetSocketAddress bindAddress,
        HttpClient httpClient) {
      this.storageDir = storageDir;
      this.nodeId = nodeId;
      this.clusterId = clusterId;
      this.peers = peers;
      this.bindAddress = bindAddress;
      this.httpClient = httpClient;
    }

    public Builder signer(ClusterRequestSigner s) {
      signer = s;
      return this;
    }

    public Builder electionTimeout(Duration min, Duration max) {
      electionTimeoutMin = min;
      electionTimeoutMax = max;
      return this;
    }

    public Builder requestTimeout(Duration timeout) {
      requestTimeout = timeout;
      return this;
    }

    public Builder snapshotThreshold(long entries) {
      snapshotThreshold = entries;
      return this;
    }

    public Builder writeDeadline(Duration deadline) {
      writeDeadline = deadline;
      return this;
    }

    public Builder pipelinedReplication(boolean on) {
      pipelinedReplication = on;
      return this;
    }

    public Builder featureLevels(PeerFeatureLevels levels) {
      featureLevels = levels;
      return this;
    }

    public RaftNodeConfig build() {
      return new RaftNodeConfig(
          storageDir,
          nodeId,
          clusterId,
          peers,
          bindAddress,
          httpClient,
          signer,
          electionTimeoutMin,
          electionTimeoutMax,
          requestTimeout,
          snapshotThreshold,
          writeDeadline,
          pipelinedReplication,
          featureLevels != null
              ? featureLevels
              : new PeerFeatureLevels(nodeId, io.raftray.state.Features.CURRENT));
    }
  }
}
