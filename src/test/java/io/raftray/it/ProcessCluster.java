package io.raftray.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A cluster of {@link RaftrayProcess}es formed the way an operator does it: {@code init} + {@code
 * run} on node 1, then for every further node {@code raftray join-token create --ttl 15m --max-uses
 * 1 -o json} (the CLI, against node 1), {@code raftray join TOKEN ...} and {@code raftray run},
 * each a separate OS process, one node at a time.
 */
final class ProcessCluster implements AutoCloseable {
  static final Duration FORM_TIMEOUT = Duration.ofSeconds(90);

  private final List<RaftrayProcess> nodes = new ArrayList<>();

  private ProcessCluster() {}

  /** {@code n} nodes on free ports, each reached directly at {@code https://127.0.0.1:<port>}. */
  static ProcessCluster form(Path dir, int n) {
    List<Integer> ports = new ArrayList<>();
    List<String> urls = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int port = RaftrayProcess.freePort();
      ports.add(port);
      urls.add("https://127.0.0.1:" + port);
    }
    return form(dir, ports, urls, first -> {});
  }

  /**
   * Node {@code i} binds {@code 127.0.0.1:ports[i]} and announces {@code apiBaseUrls[i]}. {@code
   * afterInit} runs after node 1's {@code init}, before anything contacts a base URL (e.g. to start
   * a proxy that needs the cluster CA).
   */
  static ProcessCluster form(
      Path dir, List<Integer> ports, List<String> apiBaseUrls, Consumer<RaftrayProcess> afterInit) {
    return formWith(
        dir,
        ports,
        apiBaseUrls,
        (i, node) -> {
          if (i == 0) {
            afterInit.accept(node);
          }
        });
  }

  /**
   * Like {@link #form(Path, List, List, Consumer)}, with {@code beforeFirstRun} called for every
   * node (index, node) after its {@code init} or {@code join} and before its first {@code run}
   * (e.g. to set {@code cluster_source_address} in its node.json).
   */
  static ProcessCluster formWith(
      Path dir,
      List<Integer> ports,
      List<String> apiBaseUrls,
      BiConsumer<Integer, RaftrayProcess> beforeFirstRun) {
    ProcessCluster c = new ProcessCluster();
    try {
      RaftrayProcess first =
          RaftrayProcess.init(dir.resolve("n1"), ports.get(0), apiBaseUrls.get(0), "node-1");
      c.nodes.add(first);
      beforeFirstRun.accept(0, first);
      first.start();
      for (int i = 1; i < ports.size(); i++) {
        String joinToken = c.createJoinToken();
        RaftrayProcess node =
            RaftrayProcess.join(
                joinToken,
                dir.resolve("n" + (i + 1)),
                ports.get(i),
                apiBaseUrls.get(i),
                "node-" + (i + 1),
                dir.resolve("n1.token"));
        c.nodes.add(node);
        beforeFirstRun.accept(i, node);
        node.start();
        c.awaitMembers(i + 1);
      }
      return c;
    } catch (RuntimeException | Error e) {
      c.close();
      throw e;
    }
  }

  /**
   * A cluster around {@code first}, already running (e.g. made by {@code raftray restore} or {@code
   * raftray recover}); further nodes come with {@link #joinNode}.
   */
  static ProcessCluster around(RaftrayProcess first) {
    ProcessCluster c = new ProcessCluster();
    c.nodes.add(first);
    return c;
  }

  /**
   * One more node as operators add one: a join token from node 1, {@code raftray join} into {@code
   * dataDir} under {@code name}, {@code raftray run}; waits until every node is a healthy member.
   * Its admin token is the one in {@code ownerTokenFile}.
   */
  RaftrayProcess joinNode(Path dataDir, String name, Path ownerTokenFile) {
    int port = RaftrayProcess.freePort();
    RaftrayProcess node =
        RaftrayProcess.join(
            createJoinToken(), dataDir, port, "https://127.0.0.1:" + port, name, ownerTokenFile);
    nodes.add(node);
    node.start();
    awaitMembers(nodes.size());
    return node;
  }

  /** {@code raftray join-token create --ttl 15m --max-uses 1 -o json} against node 1. */
  String createJoinToken() {
    return createJoinToken(false);
  }

  /**
   * Like {@link #createJoinToken()}; with {@code caHolder} the token carries {@code --ca-holder}
   * and the node joining with it becomes a CA holder (receives {@code tls/ca.key}).
   */
  String createJoinToken(boolean caHolder) {
    List<String> args =
        new ArrayList<>(
            List.of("join-token", "create", "--ttl", "15m", "--max-uses", "1", "-o", "json"));
    if (caHolder) {
      args.add("--ca-holder");
    }
    RaftrayProcess.Result r = nodes.get(0).cli(args.toArray(String[]::new));
    assertThat(r.exitCode()).as("raftray join-token create\n%s", r).isZero();
    try {
      String token = RaftrayProcess.JSON.readTree(r.stdout()).path("token").asText();
      assertThat(token).as("token in %s", r.stdout()).startsWith("rrj_");
      return token;
    } catch (IOException e) {
      throw new AssertionError("join-token create -o json printed no JSON\n" + r, e);
    }
  }

  List<RaftrayProcess> nodes() {
    return nodes;
  }

  RaftrayProcess node(int i) {
    return nodes.get(i);
  }

  int indexOf(String nodeId) {
    for (int i = 0; i < nodes.size(); i++) {
      if (nodes.get(i).nodeId().equals(nodeId)) {
        return i;
      }
    }
    throw new AssertionError("no node with id " + nodeId);
  }

  /** GET /api/v1/cluster on node {@code i}; null when it does not answer 200 within 5 s. */
  JsonNode clusterView(int i) {
    RaftrayProcess node = nodes.get(i);
    if (!node.isRunning()) {
      return null;
    }
    try {
      RaftrayProcess.Response r =
          node.call(node.uri("/api/v1/cluster"), "GET", null, Duration.ofSeconds(5));
      return r.status() == 200 ? r.body() : null;
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * Node 1 (or the first running node) lists {@code n} members, all healthy (in the Raft
   * configuration with a leader known), and every running node answers {@code /readyz} 200.
   */
  void awaitMembers(int n) {
    await("cluster of " + n + " healthy members, all ready")
        .atMost(FORM_TIMEOUT)
        .pollInterval(Duration.ofMillis(300))
        .until(
            () -> {
              for (RaftrayProcess node : nodes) {
                if (node.isRunning() && node.readyzStatus() != 200) {
                  return false;
                }
              }
              int first = nodes.get(0).isRunning() ? 0 : 1;
              JsonNode view = clusterView(first);
              if (view == null || view.get("members").size() != n) {
                return false;
              }
              for (JsonNode m : view.get("members")) {
                if (!m.path("healthy").asBoolean()) {
                  return false;
                }
              }
              return true;
            });
  }

  /**
   * The leader id every running node reports, once they agree (and it is one of them); waits up to
   * {@code timeout}.
   */
  String awaitAgreedLeader(Duration timeout, Set<Integer> among) {
    String[] leader = new String[1];
    await("running nodes " + among + " agree on a leader among themselves")
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              Set<String> seen = new HashSet<>();
              for (int i : among) {
                JsonNode v = clusterView(i);
                if (v == null || v.path("leader_id").isNull()) {
                  return false;
                }
                seen.add(v.path("leader_id").asText());
              }
              if (seen.size() != 1) {
                return false;
              }
              String id = seen.iterator().next();
              if (!among.contains(indexOf(id))) {
                return false;
              }
              leader[0] = id;
              return true;
            });
    return leader[0];
  }

  Set<Integer> running() {
    Set<Integer> r = new HashSet<>();
    for (int i = 0; i < nodes.size(); i++) {
      if (nodes.get(i).isRunning()) {
        r.add(i);
      }
    }
    return r;
  }

  /** Every node reports the same {@code applied_index} and {@code state_digest}. */
  void awaitConverged(Duration timeout) {
    try {
      awaitSame(timeout);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      String views = describe() + differences();
      throw new AssertionError(e.getMessage() + "\n" + views + snapshotDifferences(), e);
    }
  }

  private void awaitSame(Duration timeout) {
    await("all nodes report the same applied_index and state_digest")
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(300))
        .until(
            () -> {
              Set<String> seen = new HashSet<>();
              for (int i = 0; i < nodes.size(); i++) {
                JsonNode v = clusterView(i);
                if (v == null) {
                  return false;
                }
                seen.add(v.path("applied_index").asLong() + "/" + v.path("state_digest").asText());
              }
              return seen.size() == 1;
            });
  }

  /** Rejections logged by ClusterAuth on any node, any run. */
  List<String> rejectedClusterRequests() {
    return nodes.stream()
        .flatMap(n -> n.allRunLogs().lines())
        .filter(l -> l.contains("rejected cluster request"))
        .toList();
  }

  /**
   * For a failure message: which API resources differ between node 1 and the others (local reads),
   * with the first differing item of each.
   */
  String differences() {
    StringBuilder b = new StringBuilder();
    for (String res :
        List.of(
            "/nodes",
            "/users",
            "/endpoints",
            "/grants",
            "/admin-tokens",
            "/join-tokens",
            "/join-requests",
            "/audit")) {
      try {
        List<JsonNode> base = nodes.get(0).listAll(res);
        for (int i = 1; i < nodes.size(); i++) {
          List<JsonNode> other = nodes.get(i).listAll(res);
          if (base.equals(other)) {
            continue;
          }
          b.append(res).append(": node 1 has ").append(base.size()).append(", node ");
          b.append(i + 1).append(" has ").append(other.size()).append('\n');
          for (int k = 0; k < Math.max(base.size(), other.size()); k++) {
            JsonNode x = k < base.size() ? base.get(k) : null;
            JsonNode y = k < other.size() ? other.get(k) : null;
            if (!Objects.equals(x, y)) {
              b.append("  node 1: ").append(x).append("\n  node ").append(i + 1).append(": ");
              b.append(y).append('\n');
              break;
            }
          }
        }
      } catch (RuntimeException | AssertionError e) {
        b.append(res).append(": ").append(e.getMessage()).append('\n');
      }
    }
    return b.isEmpty() ? "no difference in the API lists\n" : b.toString();
  }

  /**
   * For a failure message: stops every node (SIGTERM: Ratis writes a snapshot of the whole state on
   * a clean stop) and shows where the newest snapshots of nodes 2.. differ from node 1's.
   */
  String snapshotDifferences() {
    StringBuilder b = new StringBuilder("--- snapshots after a clean stop\n");
    List<JsonNode> states = new ArrayList<>();
    for (RaftrayProcess n : nodes) {
      try {
        if (n.isRunning()) {
          n.stop();
        }
        List<Path> snaps = n.snapshots();
        Path newest = snaps.get(snaps.size() - 1);
        String text = java.nio.file.Files.readString(newest);
        states.add(RaftrayProcess.JSON.readTree(text.substring(text.indexOf('\n') + 1)));
        b.append(newest).append('\n');
      } catch (IOException | RuntimeException | AssertionError e) {
        b.append("node ").append(n.dataDir()).append(": ").append(e.getMessage()).append('\n');
        return b.toString();
      }
    }
    for (int i = 1; i < states.size(); i++) {
      diff("node 1 vs node " + (i + 1) + ": ", states.get(0), states.get(i), b);
    }
    return b.toString();
  }

  private static void diff(String path, JsonNode a, JsonNode b, StringBuilder out) {
    if (Objects.equals(a, b)) {
      return;
    }
    if (a != null && b != null && a.isObject() && b.isObject()) {
      Set<String> names = new java.util.TreeSet<>();
      a.fieldNames().forEachRemaining(names::add);
      b.fieldNames().forEachRemaining(names::add);
      for (String f : names) {
        diff(path + "." + f, a.get(f), b.get(f), out);
      }
    } else if (a != null && b != null && a.isArray() && b.isArray() && a.size() == b.size()) {
      for (int k = 0; k < a.size(); k++) {
        diff(path + "[" + k + "]", a.get(k), b.get(k), out);
      }
    } else {
      String x = String.valueOf(a);
      String y = String.valueOf(b);
      out.append(path).append(": ").append(x, 0, Math.min(300, x.length())).append("  <>  ");
      out.append(y, 0, Math.min(300, y.length())).append('\n');
    }
  }

  String describe() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < nodes.size(); i++) {
      b.append("node ").append(i + 1).append(": ").append(Objects.toString(clusterView(i)));
      b.append('\n');
    }
    return b.toString();
  }

  @Override
  public void close() {
    for (RaftrayProcess n : nodes) {
      n.close();
    }
  }
}
