package io.raftray.testing;

import static org.awaitility.Awaitility.await;

import io.raftray.config.NodeConfig;
import io.raftray.config.NodeConfigFile;
import io.raftray.daemon.Bootstrapper;
import io.raftray.model.Node;
import io.raftray.pki.NodeIdentity;
import io.raftray.pki.TlsContexts;
import io.raftray.state.Command;
import io.raftray.state.Replica;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Options of a {@link TestCluster}; all of them end up in each node's node.json before the first
 * start, so restarts read the same settings an operator would have written.
 */
public final class TestClusterBuilder {
  static final Duration BOOTSTRAP_TIMEOUT = Duration.ofSeconds(60);

  private int nodes = 3;
  private NodeConfig.Raft raft = NodeConfig.Raft.defaults();

  TestClusterBuilder() {}

  public TestClusterBuilder nodes(int n) {
    this.nodes = n;
    return this;
  }

  /** {@code raft.snapshot_every_entries}: small values make snapshots (and log purges) happen. */
  public TestClusterBuilder snapshotEvery(long entries) {
    raft =
        new NodeConfig.Raft(
            raft.electionTimeoutMin(), raft.electionTimeoutMax(), entries, raft.writeTimeout());
    return this;
  }

  public TestClusterBuilder electionTimeout(Duration min, Duration max) {
    raft = new NodeConfig.Raft(min, max, raft.snapshotEveryEntries(), raft.writeTimeout());
    return this;
  }

  /** {@code raft.write_timeout_ms}: how long a write without quorum waits before its 503. */
  public TestClusterBuilder writeTimeout(Duration t) {
    raft =
        new NodeConfig.Raft(
            raft.electionTimeoutMin(), raft.electionTimeoutMax(), raft.snapshotEveryEntries(), t);
    return this;
  }

  /** Creates the data directories, starts every node and commits the bootstrap entries. */
  public TestCluster start() {
    Path root;
    try {
      root = Files.createTempDirectory("raftray-cluster");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<TestCluster.Member> members = new ArrayList<>();
    TestCluster cluster = null;
    try {
      List<Bootstrapper.InitRequest> reqs = new ArrayList<>();
      for (int i = 0; i < nodes; i++) {
        InetAddress ip = InetAddress.getByName("127.0.0." + (11 + i));
        TestCluster.Member m =
            new TestCluster.Member(ip, TcpProxy.start(ip, ip), root.resolve("n" + (i + 1)));
        members.add(m);
        Files.createDirectories(m.dataDir);
        String host = ip.getHostAddress();
        // The URL host (the node's own address) goes into the certificate's SANs; the proxy port
        // is fixed for the cluster's life; the listener takes any free port on every start.
        reqs.add(
            new Bootstrapper.InitRequest(
                m.dataDir,
                host,
                0,
                "https://" + host + ":" + m.proxy.port(),
                host,
                "node-" + (i + 1)));
      }
      Bootstrapper.Seed seed = Bootstrapper.prepare(reqs, Clock.systemUTC());
      for (int i = 0; i < nodes; i++) {
        NodeConfigFile.write(tuned(seed.configs().get(i), members.get(i).ip));
      }
      HttpClient admin =
          HttpClient.newBuilder()
              .sslContext(
                  TlsContexts.client(
                      NodeIdentity.load(members.get(0).dataDir).caCert(), Optional.empty()))
              .connectTimeout(Duration.ofSeconds(3))
              .build();
      cluster = new TestCluster(root, members, seed.owner().plaintext(), admin);
      cluster.startAll(seed);
      return cluster;
    } catch (IOException e) {
      abandon(cluster, members, root);
      throw new UncheckedIOException(e);
    } catch (RuntimeException | Error e) {
      abandon(cluster, members, root);
      throw e;
    }
  }

  private static void abandon(TestCluster cluster, List<TestCluster.Member> members, Path root) {
    if (cluster != null) {
      cluster.close();
    } else {
      members.forEach(m -> m.proxy.close());
      Dirs.deleteQuietly(root);
    }
  }

  private NodeConfig tuned(NodeConfig c, InetAddress source) {
    return c.toBuilder().raft(raft).clusterSourceAddress(Optional.of(source)).build();
  }

  /**
   * Commits the bootstrap entry and one AddNode per further node through {@code b}. Each step is
   * skipped once {@code b}'s state shows it, so a retry after a timed-out but committed step works.
   */
  static void bootstrap(Bootstrapper.Seed seed, Replica b) {
    Node first = seed.nodes().get(0);
    Set<String> ids = seed.nodes().stream().map(Node::id).collect(Collectors.toSet());
    await("bootstrap committed")
        .atMost(BOOTSTRAP_TIMEOUT)
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .until(
            () -> {
              if (!b.view().nodes().containsKey(first.id())) {
                b.submit(
                    first.id(),
                    new Command.Bootstrap(
                        seed.clusterId(), seed.caCertPem(), first, seed.owner().token()));
              }
              for (Node node : seed.nodes()) {
                if (!b.view().nodes().containsKey(node.id())) {
                  b.submit(first.id(), new Command.AddNode(node));
                }
              }
              return b.view().nodes().keySet().containsAll(ids);
            });
  }
}
