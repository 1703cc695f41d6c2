package io.raftray.daemon;

import io.raftray.cluster.ClusterRequestSigner;
import io.raftray.cluster.PeerFeatureLevels;
import io.raftray.cluster.RaftNodeConfig;
import io.raftray.config.NodeConfig;
import io.raftray.model.Causes;
import io.raftray.pki.NodeIdentity;
import io.raftray.pki.PkiException;
import io.raftray.pki.PrivateFiles;
import io.raftray.pki.PublicCertificates;
import io.raftray.state.Features;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.NullMarked;

/** Small startup steps shared by {@link Daemon} and {@link Bootstrapper}. */
@NullMarked
final class Startup {
  private Startup() {}

  /** The data directory and raft/ are 0700 and ours, whatever an operator did to them. */
  static void securePrivateDirs(NodeConfig config) throws StartupException {
    try {
      PrivateFiles.secureDir(config.dataDir(), "data directory");
      PrivateFiles.secureDir(config.raftDir(), "raft directory");
    } catch (PkiException e) {
      throw new StartupException(e.getMessage(), e);
    }
  }

  static NodeIdentity loadIdentity(NodeConfig config) throws StartupException {
    try {
      NodeIdentity id = NodeIdentity.load(config.dataDir());
      if (!id.nodeId().equals(config.nodeId()) || !id.clusterId().equals(config.clusterId())) {
        throw new StartupException(
            "node certificate in "
                + NodeIdentity.tlsDir(config.dataDir())
                + " belongs to node "
                + id.nodeId()
                + " of cluster "
                + id.clusterId()
                + ", but node.json says node "
                + config.nodeId()
                + " of cluster "
                + config.clusterId());
      }
      return id;
    } catch (PkiException e) {
      throw new StartupException(e.getMessage(), e);
    }
  }

  /**
   * The operator certificates of {@code public_tls}, not loaded yet. The host of {@code
   * api_base_url} is reserved for the cluster certificate: other nodes and the CLI reach this node
   * by it and trust only the cluster CA.
   */
  static PublicCertificates publicCertificates(NodeConfig config, Clock clock) {
    List<PublicCertificates.Source> sources =
        config.publicTls().pairs().stream()
            .map(p -> new PublicCertificates.Source(p.cert(), p.key()))
            .toList();
    String host = URI.create(config.apiBaseUrl()).getHost();
    return new PublicCertificates(sources, host == null ? List.of() : List.of(host), clock);
  }

  /**
   * The client for node-to-node calls. With {@code cluster_source_address} its connections leave
   * from that address; the address must belong to this host, which is checked here so a typo stops
   * startup instead of failing every Raft call.
   */
  static HttpClient clusterHttpClient(NodeConfig config, SSLContext tls) throws StartupException {
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .sslContext(tls)
            .connectTimeout(Duration.ofSeconds(3))
            .version(HttpClient.Version.HTTP_1_1);
    if (config.clusterSourceAddress().isPresent()) {
      InetAddress source = config.clusterSourceAddress().get();
      try (Socket probe = new Socket()) {
        probe.bind(new InetSocketAddress(source, 0));
      } catch (IOException e) {
        throw new StartupException(
            "cluster_source_address "
                + source.getHostAddress()
                + " cannot be used on this host: "
                + Causes.rootMessage(e),
            e);
      }
      b.localAddress(source);
    }
    return b.build();
  }

  static RaftNodeConfig raftConfig(
      NodeConfig c, HttpClient http, int boundPort, ClusterRequestSigner signer) {
    return raftConfig(
        c, http, boundPort, signer, false, new PeerFeatureLevels(c.nodeId(), Features.CURRENT));
  }

  static RaftNodeConfig raftConfig(
      NodeConfig c,
      HttpClient http,
      int boundPort,
      ClusterRequestSigner signer,
      boolean pipelinedReplication,
      PeerFeatureLevels featureLevels) {
    List<RaftNodeConfig.Peer> peers =
        c.initialPeers().stream()
            .map(p -> new RaftNodeConfig.Peer(p.nodeId(), p.apiBaseUrl()))
            .toList();
    return RaftNodeConfig.builder(
            c.raftDir(),
            c.nodeId(),
            c.clusterId(),
            peers,
            new InetSocketAddress(c.bindHost(), boundPort),
            http)
        .signer(signer)
        .electionTimeout(c.raft().electionTimeoutMin(), c.raft().electionTimeoutMax())
        .snapshotThreshold(c.raft().snapshotEveryEntries())
        .writeDeadline(c.raft().writeTimeout())
        .pipelinedReplication(pipelinedReplication)
        .featureLevels(featureLevels)
        .build();
  }
}
