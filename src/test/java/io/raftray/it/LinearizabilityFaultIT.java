package io.raftray.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftray.testing.TcpProxy;
import io.raftray.testing.history.SetHistory;
import io.raftray.testing.history.SetHistory.Outcome;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URLEncoder;
import java.net.http.HttpConnectTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Randomized faults against a cluster of the packaged program (separate OS processes) under
 * concurrent writers and readers on every node; the recorded history of the user set is checked for
 * linearizability ({@link SetHistory}).
 *
 * <p>Node {@code i} listens on 127.0.0.1 and is known to its peers through a {@link TcpProxy} on
 * its own loopback address {@code 127.0.0.(41+i)}, which is also its {@code
 * cluster_source_address}: a partition makes the proxies refuse and cut the other side's
 * connections. Clients talk to 127.0.0.1 directly, so they reach every node whatever the partition.
 * Faults per round (seeded): {@code kill -9} and restart, {@code SIGSTOP} then {@code SIGCONT},
 * isolating one node (or a minority of 5) then healing, each aimed at the leader half of the time;
 * on 5 nodes also two kills at once.
 *
 * <p>The short variant (5 rounds, 3 nodes) runs in the default suite; the long ones (30 rounds on 3
 * and on 5 nodes) need {@code -Draftray.faults=true}. {@code -Draftray.faults.rounds=N} and {@code
 * -Draftray.faults.seed=S} override the rounds and the seed (printed by every run).
 */
class LinearizabilityFaultIT {
  private static final int CLIENTS_PER_NODE = 2;
  private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(8);

  /**
   * {@code -Draftray.faults.localReads=true}: the clients read the node's local state (no
   * ReadIndex), which a partitioned or lagging follower serves stale. The run must then FAIL: it
   * shows that the check finds stale reads in a real history and is not vacuous.
   */
  private static final boolean LOCAL_READS = Boolean.getBoolean("raftray.faults.localReads");

  /** Kept when the test fails: node logs are under {@code n<i>-logs/}. */
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path tmp;

  @Test
  @Timeout(300)
  void fiveRounds_threeNodes_historyIsLinearizable() throws Exception {
    run(3, Integer.getInteger("raftray.faults.shortRounds", 5));
  }

  @Test
  @Timeout(1800)
  @EnabledIfSystemProperty(named = "raftray.faults", matches = "true")
  void thirtyRounds_threeNodes_historyIsLinearizable() throws Exception {
    run(3, Integer.getInteger("raftray.faults.rounds", 30));
  }

  @Test
  @Timeout(2400)
  @EnabledIfSystemProperty(named = "raftray.faults", matches = "true")
  void thirtyRounds_fiveNodes_historyIsLinearizable() throws Exception {
    run(5, Integer.getInteger("raftray.faults.rounds", 30));
  }

  // ---------------------------------------------------------------- the run

  private final SetHistory history = new SetHistory();
  private final List<String> unexpected = Collections.synchronizedList(new ArrayList<>());
  private final AtomicLong notSent = new AtomicLong();
  private final AtomicLong multiPage = new AtomicLong();
  private final AtomicLong failedReads = new AtomicLong();

  private void run(int n, int rounds) throws Exception {
    long seed = Long.getLong("raftray.faults.seed", System.nanoTime());
    String tag =
        "LinearizabilityFaultIT[" + n + " nodes, " + rounds + " rounds, seed " + seed + "]";
    System.out.println(tag + ": start");
    Random rnd = new Random(seed);
    long t0 = System.nanoTime();
    List<InetAddress> ips = new ArrayList<>();
    List<TcpProxy> proxies = new ArrayList<>();
    List<Integer> ports = new ArrayList<>();
    List<String> urls = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        InetAddress ip = InetAddress.getByName("127.0.0." + (41 + i));
        TcpProxy proxy = TcpProxy.start(ip, InetAddress.getLoopbackAddress());
        int port = RaftrayProcess.freePort();
        proxy.target(port);
        ips.add(ip);
        proxies.add(proxy);
        ports.add(port);
        urls.add("https://" + ip.getHostAddress() + ":" + proxy.port());
      }
      try (ProcessCluster c =
          ProcessCluster.formWith(
              tmp,
              ports,
              urls,
              (i, node) ->
                  node.editConfig(
                      cfg -> cfg.put("cluster_source_address", ips.get(i).getHostAddress())))) {
        long formed = System.nanoTime();
        System.out.printf("%s: formed in %d ms%n", tag, ms(formed - t0));
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          for (int k = 0; k < CLIENTS_PER_NODE; k++) {
            int node = i;
            String process = "n" + (i + 1) + "-c" + k;
            long clientSeed = seed * 31 + i * 7L + k;
            clients.add(
                Thread.ofPlatform()
                    .name(process)
                    .start(() -> client(c.node(node), process, new Random(clientSeed), stop)));
          }
        }
        List<String> faults = new ArrayList<>();
        Partitions partitions = new Partitions(ips, proxies);
        try {
          awaitAcks(10, "writes flowing before the first fault");
          for (int round = 1; round <= rounds; round++) {
            faults.add(round + ": " + fault(c, partitions, rnd, n));
            System.out.printf("%s: round %s%n", tag, faults.get(faults.size() - 1));
            pause(Duration.ofMillis(300 + rnd.nextInt(1200)));
          }
          awaitAcks(10, "writes flowing after the last fault");
        } finally {
          partitions.heal();
          stop.set(true);
          for (Thread t : clients) {
            t.join(CLIENT_TIMEOUT.plusSeconds(10).toMillis());
          }
        }
        for (Thread t : clients) {
          assertThat(t.isAlive()).as("%s finished", t.getName()).isFalse();
        }
        long faultsEnd = System.nanoTime();
        for (int i = 0; i < n; i++) {
          if (!c.node(i).isRunning()) {
            c.node(i).start();
          }
        }
        c.awaitMembers(n);
        // Final reads on every node, part of the checked history.
        List<Set<String>> finals = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          RaftrayProcess node = c.node(i);
          String process = "final-n" + (i + 1);
          Set<String> seen =
              await("a final linearizable read on node " + (i + 1))
                  .atMost(Duration.ofSeconds(60))
                  .pollInterval(Duration.ofMillis(500))
                  .until(() -> read(node, process), s -> s != null);
          finals.add(seen);
        }
        c.awaitConverged(Duration.ofSeconds(60));
        for (int i = 0; i < n; i++) {
          Set<String> local = new HashSet<>();
          c.node(i).listAll("/users").forEach(u -> local.add(u.get("name").asText()));
          assertThat(local)
              .as("node %d: local list after convergence = its final linearizable read", i + 1)
              .isEqualTo(finals.get(i));
        }

        Path dump = tmp.resolve("history-" + n + "-nodes.txt");
        java.nio.file.Files.writeString(dump, history.dump());
        long checkStart = System.nanoTime();
        SetHistory.Report report = history.check();
        long checkMs = ms(System.nanoTime() - checkStart);
        Map<String, Long> counts = history.counts();
        String summary =
            String.format(
                "%s: %d rounds in %d ms (formed in %d ms, total %d ms); %d operations on %d names:"
                    + " %s; not sent (connection refused) %d, multi-page reads dropped %d,"
                    + " failed reads %d; final set %d names; check %d ms: %s%s%n  faults: %s",
                tag,
                rounds,
                ms(faultsEnd - formed),
                ms(formed - t0),
                ms(System.nanoTime() - t0),
                report.ops(),
                report.names(),
                counts,
                notSent.get(),
                multiPage.get(),
                failedReads.get(),
                finals.get(0).size(),
                checkMs,
                report.linearizable() ? "linearizable" : report.anomalies().size() + " anomalies",
                report.notes().isEmpty() ? "" : " (" + report.notes() + ")",
                String.join("; ", faults));
        System.out.println(summary);
        System.out.println(tag + ": history in " + dump + " (kept when the test fails)");
        assertThat(report.anomalies()).as("linearizability of the user set\n%s", summary).isEmpty();
        assertThat(unexpected).as("unexpected answers\n%s", summary).isEmpty();
        assertThat(counts.getOrDefault("ADD OK", 0L))
            .as("acknowledged adds\n%s", summary)
            .isGreaterThanOrEqualTo(rounds * 2L);
        for (int i = 1; i < n; i++) {
          assertThat(finals.get(i)).as("final read of node %d", i + 1).isEqualTo(finals.get(0));
        }
        for (RaftrayProcess node : c.nodes()) {
          node.stop();
        }
      }
    } finally {
      proxies.forEach(TcpProxy::close);
    }
  }

  // ---------------------------------------------------------------- faults

  /** Each node's proxy refuses the other side's source addresses (see TestCluster#partition). */
  private record Partitions(List<InetAddress> ips, List<TcpProxy> proxies) {
    void isolate(Set<Integer> side) {
      for (int i = 0; i < ips.size(); i++) {
        boolean mine = side.contains(i);
        Set<InetAddress> other = new HashSet<>();
        for (int j = 0; j < ips.size(); j++) {
          if (side.contains(j) != mine) {
            other.add(ips.get(j));
          }
        }
        proxies.get(i).block(other);
      }
    }

    void heal() {
      proxies.forEach(p -> p.block(Set.of()));
    }
  }

  /** One round: a random fault held for 1-4 s, then undone; returns what was done. */
  private String fault(ProcessCluster c, Partitions partitions, Random rnd, int n) {
    Duration hold = Duration.ofMillis(1000 + rnd.nextInt(3000));
    boolean atLeader = rnd.nextBoolean();
    int victim = atLeader ? leaderOrRandom(c, rnd, n) : rnd.nextInt(n);
    String who = "node " + (victim + 1) + (atLeader ? " (leader)" : "");
    int kind = rnd.nextInt(n == 5 ? 5 : 4);
    long start = System.nanoTime();
    if (kind == 0) {
      int exit = c.node(victim).kill9();
      assertThat(exit).as("exit code of a SIGKILLed run").isEqualTo(137);
      pause(hold);
      c.node(victim).start();
      return "kill -9 "
          + who
          + ", down "
          + hold.toMillis()
          + " ms, ready again after "
          + ms(System.nanoTime() - start)
          + " ms";
    } else if (kind == 1) {
      c.node(victim).signal("STOP");
      try {
        pause(hold);
      } finally {
        c.node(victim).signal("CONT");
      }
      return "SIGSTOP " + who + " for " + hold.toMillis() + " ms";
    } else if (kind == 2) {
      partitions.isolate(Set.of(victim));
      try {
        pause(hold);
      } finally {
        partitions.heal();
      }
      return "isolate " + who + " for " + hold.toMillis() + " ms";
    } else if (kind == 3) {
      Set<Integer> side = new HashSet<>(Set.of(victim));
      if (n == 5) {
        side.add((victim + 1 + rnd.nextInt(n - 1)) % n);
      }
      partitions.isolate(side);
      try {
        pause(hold);
      } finally {
        partitions.heal();
      }
      return "partition " + nodes(side) + " from the rest for " + hold.toMillis() + " ms";
    } else {
      int second = (victim + 1 + rnd.nextInt(n - 1)) % n;
      c.node(victim).kill9();
      c.node(second).kill9();
      pause(hold);
      c.node(victim).start();
      c.node(second).start();
      return "kill -9 "
          + who
          + " and node "
          + (second + 1)
          + ", down "
          + hold.toMillis()
          + " ms, ready again after "
          + ms(System.nanoTime() - start)
          + " ms";
    }
  }

  private static String nodes(Set<Integer> side) {
    return side.stream().sorted().map(i -> "node " + (i + 1)).toList().toString();
  }

  private static int leaderOrRandom(ProcessCluster c, Random rnd, int n) {
    for (int i = 0; i < n; i++) {
      JsonNode v = c.clusterView(i);
      if (v != null && !v.path("leader_id").isNull() && v.hasNonNull("leader_id")) {
        try {
          return c.indexOf(v.path("leader_id").asText());
        } catch (AssertionError unknown) {
          break;
        }
      }
    }
    return rnd.nextInt(n);
  }

  // ---------------------------------------------------------------- clients

  /**
   * A client of one node: adds fresh names, removes names it added (after their 201), and reads the
   * whole set linearizably, recording every operation with its outcome.
   */
  private void client(RaftrayProcess node, String process, Random rnd, AtomicBoolean stop) {
    List<String[]> mine = new ArrayList<>(); // {name, id} of acknowledged, not yet removed
    int counter = 0;
    while (!stop.get()) {
      double r = rnd.nextDouble();
      double removeShare = mine.size() >= 8 ? 0.45 : 0.15;
      boolean sent;
      if (!mine.isEmpty() && r < removeShare) {
        sent = remove(node, process, mine.remove(rnd.nextInt(mine.size())), mine);
      } else if (r < removeShare + 0.4) {
        sent = add(node, process, process + "-" + counter++, mine);
      } else {
        sent = read(node, process) != null;
      }
      if (!sent) {
        pause(Duration.ofMillis(200)); // node down or unreachable: do not spin
      }
    }
  }

  private boolean add(RaftrayProcess node, String process, String name, List<String[]> mine) {
    long call = System.nanoTime();
    try {
      RaftrayProcess.Response res =
          node.call(
              node.uri("/api/v1/users"), "POST", RaftrayProcess.obj("name", name), CLIENT_TIMEOUT);
      long ret = System.nanoTime();
      switch (res.status()) {
        case 201 -> {
          if (res.body() == null || !name.equals(res.body().path("name").asText())) {
            unexpected.add(process + " add " + name + ": 201 with " + res.raw());
          }
          history.add(process, name, Outcome.OK, call, ret, "201");
          mine.add(new String[] {name, res.body() == null ? "" : res.body().path("id").asText()});
        }
        case 409 -> history.add(process, name, Outcome.FAIL, call, ret, "409 " + res.raw());
        case 503 -> history.add(process, name, Outcome.UNKNOWN, call, ret, "503");
        default -> {
          unexpected.add(process + " add " + name + ": " + res.status() + " " + res.raw());
          history.add(process, name, Outcome.UNKNOWN, call, ret, "" + res.status());
        }
      }
      return true;
    } catch (ConnectException | HttpConnectTimeoutException e) {
      notSent.incrementAndGet(); // never reached the node: no effect, nothing observed
      return false;
    } catch (IOException e) {
      history.add(process, name, Outcome.UNKNOWN, call, System.nanoTime(), e.toString());
      return true;
    }
  }

  private boolean remove(RaftrayProcess node, String process, String[] user, List<String[]> mine) {
    long call = System.nanoTime();
    try {
      RaftrayProcess.Response res =
          node.call(
              node.uri("/api/v1/users/" + URLEncoder.encode(user[1], StandardCharsets.UTF_8)),
              "DELETE",
              null,
              CLIENT_TIMEOUT);
      long ret = System.nanoTime();
      switch (res.status()) {
        case 204 -> history.remove(process, user[0], Outcome.OK, call, ret, "204");
        case 404 -> history.remove(process, user[0], Outcome.FAIL, call, ret, "404 " + res.raw());
        case 503 -> history.remove(process, user[0], Outcome.UNKNOWN, call, ret, "503");
        default -> {
          unexpected.add(process + " remove " + user[0] + ": " + res.status() + " " + res.raw());
          history.remove(process, user[0], Outcome.UNKNOWN, call, ret, "" + res.status());
        }
      }
      return true;
    } catch (ConnectException | HttpConnectTimeoutException e) {
      notSent.incrementAndGet();
      mine.add(user); // not sent: it may be removed later
      return false;
    } catch (IOException e) {
      history.remove(process, user[0], Outcome.UNKNOWN, call, System.nanoTime(), e.toString());
      return true;
    }
  }

  /** A linearizable read of the whole set in one page; null (and nothing recorded) otherwise. */
  private Set<String> read(RaftrayProcess node, String process) {
    long call = System.nanoTime();
    try {
      RaftrayProcess.Response res =
          node.call(
              node.uri(
                  LOCAL_READS && !process.startsWith("final")
                      ? "/api/v1/users?limit=1000"
                      : "/api/v1/users?consistency=linearizable&limit=1000"),
              "GET",
              null,
              CLIENT_TIMEOUT);
      long ret = System.nanoTime();
      if (res.status() != 200) {
        if (res.status() != 503) {
          unexpected.add(process + " read: " + res.status() + " " + res.raw());
        }
        failedReads.incrementAndGet();
        return null;
      }
      if (!res.body().path("next_cursor").isNull() && res.body().has("next_cursor")) {
        multiPage.incrementAndGet(); // two pages are two reads at different times
        return null;
      }
      Set<String> seen = new HashSet<>();
      for (JsonNode u : res.body().path("items")) {
        seen.add(u.path("name").asText());
      }
      history.read(process, seen, call, ret, "200 @" + res.raw().length() + "B");
      return seen;
    } catch (IOException e) {
      failedReads.incrementAndGet();
      return null;
    }
  }

  // ---------------------------------------------------------------- helpers

  /** Waits until {@code count} more adds were acknowledged than when called. */
  private void awaitAcks(int count, String what) {
    long before = ackedAdds();
    await(what)
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> ackedAdds() >= before + count);
  }

  private long ackedAdds() {
    return history.ops().stream()
        .filter(o -> o.kind() == SetHistory.Kind.ADD && o.outcome() == Outcome.OK)
        .count();
  }

  /** Holds a fault (or paces a client) for {@code d}. */
  private static void pause(Duration d) {
    await().pollDelay(d).atMost(d.plusSeconds(5)).until(() -> true);
  }

  private static long ms(long nanos) {
    return nanos / 1_000_000;
  }
}
