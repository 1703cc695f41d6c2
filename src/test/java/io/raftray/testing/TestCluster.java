package io.raftray.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.raftray.config.NodeConfigFile;
import io.raftray.daemon.Bootstrapper;
import io.raftray.daemon.Daemon;
import io.raftray.state.Replica;
import java.net.InetAddress;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * An in-process cluster of real daemons (real TLS, real Raft storage in a temp dir) for tests.
 *
 * <p>Node {@code i} (0-based) owns loopback address {@code 127.0.0.(11+i)}: its listener binds
 * there and its outbound cluster connections leave from there ({@code cluster_source_address}).
 * Every node's {@code api_base_url} points at a {@link TcpProxy} on the same address, which is how
 * {@link #partition} cuts links by source address without root. Admin clients connect from
 * 127.0.0.1, so they reach every node whatever the partition.
 */
public final class TestCluster implements AutoCloseable {
  static final Duration LEADER_TIMEOUT = Duration.ofSeconds(30);
  static final Duration CONVERGE_TIMEOUT = Duration.ofSeconds(30);

  private final Path root;
  private final List<Member> members;
  private final String ownerToken;
  private final HttpClient adminHttp;

  /** One node slot: its address, proxy and data directory outlive restarts of its daemon. */
  static final class Member {
    final InetAddress ip;
    final TcpProxy proxy;
    final Path dataDir;
    volatile Daemon daemon;

    Member(InetAddress ip, TcpProxy proxy, Path dataDir) {
      this.ip = ip;
      this.proxy = proxy;
      this.dataDir = dataDir;
    }
  }

  TestCluster(Path root, List<Member> members, String ownerToken, HttpClient adminHttp) {
    this.root = root;
    this.members = members;
    this.ownerToken = ownerToken;
    this.adminHttp = adminHttp;
  }

  /** A started and bootstrapped cluster of {@code n} voters with default Raft settings. */
  public static TestCluster start(int n) {
    return builder().nodes(n).start();
  }

  public static TestClusterBuilder builder() {
    return new TestClusterBuilder();
  }

  /** Starts every node, then commits the bootstrap entries. */
  void startAll(Bootstrapper.Seed seed) {
    for (int i = 0; i < size(); i++) {
      restart(i);
    }
    TestClusterBuilder.bootstrap(seed, daemon(0).replica());
  }

  public int size() {
    return members.size();
  }

  /** The running daemon of node {@code i}; fails when it is killed. */
  public Daemon daemon(int i) {
    Daemon d = members.get(i).daemon;
    if (d == null) {
      throw new IllegalStateException("node " + i + " is not running");
    }
    return d;
  }

  public boolean isRunning(int i) {
    return members.get(i).daemon != null;
  }

  public String nodeId(int i) {
    return daemon(i).config().nodeId();
  }

  public Path dataDir(int i) {
    return members.get(i).dataDir;
  }

  public InetAddress address(int i) {
    return members.get(i).ip;
  }

  public String ownerToken() {
    return ownerToken;
  }

  /** Indexes of the running nodes. */
  public List<Integer> running() {
    return IntStream.range(0, size()).filter(this::isRunning).boxed().toList();
  }

  /**
   * The node that is LEADER and recognised as leader by a majority of the whole cluster (itself
   * included), if any. An isolated former leader still calls itself leader but has no majority.
   */
  public Optional<Integer> findLeader() {
    Map<Integer, Replica.RaftStatus> status = new TreeMap<>();
    for (int i : running()) {
      status.put(i, daemon(i).replica().status());
    }
    for (var e : status.entrySet()) {
      String id = e.getValue().localId();
      long votes =
          status.values().stream().filter(o -> o.leaderId().filter(id::equals).isPresent()).count();
      if (e.getValue().role().equals("LEADER") && votes > size() / 2) {
        return Optional.of(e.getKey());
      }
    }
    return Optional.empty();
  }

  /** Running nodes whose Raft role is LEADER: more than one only while a partition lasts. */
  public List<Integer> nodesInLeaderRole() {
    return running().stream()
        .filter(i -> daemon(i).replica().status().role().equals("LEADER"))
        .toList();
  }

  /** The current leader's index; fails when there is none. */
  public int leader() {
    return findLeader().orElseThrow(() -> new IllegalStateException("no leader"));
  }

  public int awaitLeader() {
    return await("a leader")
        .atMost(LEADER_TIMEOUT)
        .until(this::findLeader, Optional::isPresent)
        .get();
  }

  /** Running nodes other than the current leader. */
  public List<Integer> followers() {
    int leader = leader();
    return running().stream().filter(i -> i != leader).toList();
  }

  /** Stops node {@code i} (Daemon.close); its data directory stays. */
  public void kill(int i) {
    Member m = members.get(i);
    m.proxy.target(-1);
    Daemon d = m.daemon;
    m.daemon = null;
    if (d != null) {
      d.close();
    }
  }

  /** Starts node {@code i} again from its data directory and node.json (also the first start). */
  public void restart(int i) {
    Member m = members.get(i);
    if (m.daemon != null) {
      throw new IllegalStateException("node " + i + " is running");
    }
    try {
      m.daemon = Daemon.start(NodeConfigFile.read(m.dataDir));
    } catch (Exception e) {
      throw new IllegalStateException("node " + i + " did not start: " + e.getMessage(), e);
    }
    m.proxy.target(m.daemon.port());
  }

  /**
   * Cuts every link between {@code side} and the other nodes, both ways: each node's proxy refuses
   * and closes connections from the other side's addresses. Replaces any earlier partition.
   */
  public void partition(Set<Integer> side) {
    for (int i = 0; i < size(); i++) {
      boolean mine = side.contains(i);
      Set<InetAddress> other = new HashSet<>();
      for (int j = 0; j < size(); j++) {
        if (side.contains(j) != mine) {
          other.add(members.get(j).ip);
        }
      }
      members.get(i).proxy.block(other);
    }
  }

  /** Lifts any partition. */
  public void heal() {
    members.forEach(m -> m.proxy.block(Set.of()));
  }

  /** An owner-token client of node {@code i}'s API (through its proxy, never partitioned). */
  public AdminClient adminClient(int i) {
    return new AdminClient(
        adminHttp,
        "https://" + members.get(i).ip.getHostAddress() + ":" + members.get(i).proxy.port(),
        ownerToken,
        Duration.ofSeconds(20));
  }

  /** Waits until every running node reports the same applied index and state digest. */
  public void awaitConverged() {
    await("replicas converge")
        .atMost(CONVERGE_TIMEOUT)
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              Map<Integer, String> d = digests();
              assertThat(Set.copyOf(d.values()))
                  .as("applied_index/state_digest by node: %s", d)
                  .hasSize(1);
            });
  }

  /** "applied_index/state_digest" as each running node reports it in GET /api/v1/cluster. */
  public Map<Integer, String> digests() {
    Map<Integer, String> out = new TreeMap<>();
    for (int i : running()) {
      AdminClient.Response r = adminClient(i).get("/api/v1/cluster");
      if (r.status() != 200) {
        throw new IllegalStateException("node " + i + ": " + r);
      }
      out.put(
          i,
          r.body().path("applied_index").asLong() + "/" + r.body().path("state_digest").asText());
    }
    return out;
  }

  @Override
  public void close() {
    for (int i = 0; i < size(); i++) {
      try {
        kill(i);
      } catch (RuntimeException e) {
        // keep stopping the others
      }
    }
    members.forEach(m -> m.proxy.close());
    Dirs.deleteQuietly(root);
  }
}
