package io.raftray.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes as separate OS processes, formed with join tokens, take continuous writes through all
 * three APIs while the leader is SIGKILLed (twice, restarted each time) and then frozen with
 * SIGSTOP for longer than the election timeout. Every acknowledged write must end up on every node
 * exactly once, the nodes must converge on the same state, and no write may hang: failures are 503
 * problem+json (or a connection error from a node that is down).
 */
class ClusterFailoverIT {
  private static final int WRITERS = 3;
  private static final int KILL_TRIALS = 2;

  /** A write must be answered within this (plus the time its target node was frozen). */
  private static final Duration MAX_ANSWER = Duration.ofSeconds(10);

  /** Hard client timeout, above MAX_ANSWER so that a slow answer is measured, not cut off. */
  private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(25);

  private static final Duration FREEZE = Duration.ofSeconds(5);

  /** Kept when the test fails: node logs are under {@code n<i>-logs/}. */
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path tmp;

  /** One POST /users: target node index, times (nanoTime), and what came back. */
  record Attempt(String name, int node, long start, long end, String outcome, String detail) {
    long millis() {
      return (end - start) / 1_000_000;
    }
  }

  /** [node, from, to] in nanoTime: a node that was down (killed) or frozen (SIGSTOP). */
  record Outage(int node, long from, long to, boolean frozen) {}

  private final List<Attempt> attempts = Collections.synchronizedList(new ArrayList<>());
  private final List<Outage> outages = Collections.synchronizedList(new ArrayList<>());

  @Test
  @Timeout(300)
  void writesThroughEveryNode_leaderKilledAndFrozen_allAcknowledgedWritesEverywhere()
      throws Exception {
    long formStart = System.nanoTime();
    try (ProcessCluster c = ProcessCluster.form(tmp, 3)) {
      System.out.printf(
          "ClusterFailoverIT: 3-node cluster formed with join tokens in %d ms%n",
          ms(System.nanoTime() - formStart));
      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger counter = new AtomicInteger();
      List<Thread> writers = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        int id = w;
        writers.add(
            Thread.ofPlatform().name("writer-" + w).start(() -> write(c, id, stop, counter)));
      }
      awaitAcks(System.nanoTime(), -1, 30, "writes flowing through all nodes");
      for (int n = 0; n < 3; n++) {
        int node = n;
        await("an acknowledged write through node " + (n + 1))
            .atMost(Duration.ofSeconds(30))
            .until(() -> acked(System.nanoTime() - Duration.ofMinutes(5).toNanos(), node) > 0);
      }

      List<String> report = new ArrayList<>();
      try {
        for (int trial = 1; trial <= KILL_TRIALS; trial++) {
          report.add(killLeader(c, trial));
        }
        report.add(freezeLeader(c));
      } catch (AssertionError | RuntimeException e) {
        stop.set(true);
        throw new AssertionError(e.getMessage() + "\n" + report + "\n" + diagnose(c), e);
      }

      awaitAcks(System.nanoTime(), -1, 20, "writes flowing after the freeze");
      stop.set(true);
      for (Thread t : writers) {
        t.join(CLIENT_TIMEOUT.plusSeconds(5).toMillis());
        assertThat(t.isAlive()).as("%s finished", t.getName()).isFalse();
      }
      c.awaitMembers(3);

      List<Attempt> all = List.copyOf(attempts);
      Set<String> acked =
          all.stream()
              .filter(a -> a.outcome().equals("201"))
              .map(Attempt::name)
              .collect(Collectors.toSet());
      Set<String> attempted = all.stream().map(Attempt::name).collect(Collectors.toSet());
      Map<String, Long> outcomes =
          all.stream()
              .collect(
                  Collectors.groupingBy(Attempt::outcome, TreeMap::new, Collectors.counting()));
      String summary =
          String.join("\n", report)
              + "\nattempts "
              + all.size()
              + ", outcomes "
              + outcomes
              + ", slowest "
              + all.stream().mapToLong(Attempt::millis).max().orElse(0)
              + " ms";
      System.out.println("ClusterFailoverIT:\n" + summary);

      assertThat(all.stream().filter(a -> !expected(a)).map(Attempt::toString).toList())
          .as(
              "only 201, 503 problem+json, or connection errors from a node that was down\n%s",
              summary)
          .isEmpty();
      assertThat(all.stream().filter(a -> a.millis() > allowedMillis(a)).toList())
          .as("writes answered within %s (plus any time their node was frozen)", MAX_ANSWER)
          .isEmpty();

      List<Set<String>> perNode = new ArrayList<>();
      for (int n = 0; n < 3; n++) {
        List<JsonNode> users = c.node(n).listAll("/users?consistency=linearizable");
        List<String> names = users.stream().map(u -> u.get("name").asText()).toList();
        assertThat(names).as("node %d: no duplicate names", n + 1).doesNotHaveDuplicates();
        assertThat(users.stream().map(u -> u.get("id").asText()).toList())
            .as("node %d: no duplicate ids", n + 1)
            .doesNotHaveDuplicates();
        assertThat(names)
            .as("node %d has every acknowledged write (%d)", n + 1, acked.size())
            .containsAll(acked);
        assertThat(attempted).as("node %d: nothing never sent", n + 1).containsAll(names);
        perNode.add(new HashSet<>(names));
      }
      assertThat(perNode.get(1)).isEqualTo(perNode.get(0));
      assertThat(perNode.get(2)).isEqualTo(perNode.get(0));
      c.awaitConverged(Duration.ofSeconds(30));
      // docs/cluster-auth.md: a restarted node replays its log before it knows members that
      // joined later; it asks a member it knows about them, and refuses them ("unknown node...")
      // while no such member answers (the other one may be down or frozen). Anything else is a
      // failure.
      List<String> rejected = c.rejectedClusterRequests();
      assertThat(rejected)
          .as("cluster requests rejected by ClusterAuth other than the documented restart case")
          .allMatch(l -> l.contains(": unknown node"));
      System.out.printf(
          "ClusterFailoverIT: %d 'unknown node' rejections while restarted nodes caught up%n",
          rejected.size());
      System.out.printf(
          "ClusterFailoverIT: %d users on every node (%d acknowledged, %d sent); converged: %s%n",
          perNode.get(0).size(), acked.size(), attempted.size(), c.describe());
      for (RaftrayProcess n : c.nodes()) {
        n.stop();
      }
    }
  }

  /** The last attempts through each node and each node's log tail, for failure messages. */
  private String diagnose(ProcessCluster c) {
    StringBuilder b = new StringBuilder();
    List<Attempt> all = List.copyOf(attempts);
    for (int n = 0; n < 3; n++) {
      int node = n;
      List<Attempt> mine = all.stream().filter(a -> a.node() == node).toList();
      b.append("=== node ").append(n + 1).append(" (").append(c.node(n).nodeId()).append(")\n");
      mine.subList(Math.max(0, mine.size() - 5), mine.size())
          .forEach(
              a -> b.append(a.toString(), 0, Math.min(400, a.toString().length())).append('\n'));
      b.append(c.node(n).logTail(40)).append('\n');
    }
    return b.toString();
  }

  /** SIGKILL the leader, measure until a new leader and the next acknowledged write, restart. */
  private String killLeader(ProcessCluster c, int trial) {
    String oldLeader = c.awaitAgreedLeader(Duration.ofSeconds(30), Set.of(0, 1, 2));
    int victim = c.indexOf(oldLeader);
    awaitAcks(System.nanoTime(), -1, 20, "writes flowing before kill " + trial);
    long t0 = System.nanoTime();
    int exit = c.node(victim).kill9();
    assertThat(exit).as("exit code of a SIGKILLed run").isEqualTo(137);
    Set<Integer> others = new HashSet<>(Set.of(0, 1, 2));
    others.remove(victim);
    String newLeader = c.awaitAgreedLeader(Duration.ofSeconds(30), others);
    long elected = System.nanoTime();
    long firstAck = awaitAcks(t0, -1, 1, "a write started after kill " + trial + " acknowledged");
    long restart = System.nanoTime();
    c.node(victim).start();
    outages.add(new Outage(victim, t0, System.nanoTime(), false));
    awaitAcks(System.nanoTime(), victim, 1, "a write through the restarted node " + (victim + 1));
    c.awaitMembers(3);
    return String.format(
        "kill -9 trial %d: leader node %d killed; new leader node %d agreed after %d ms;"
            + " first write started after the kill acknowledged after %d ms;"
            + " restarted node ready in %d ms",
        trial,
        victim + 1,
        c.indexOf(newLeader) + 1,
        ms(elected - t0),
        ms(firstAck - t0),
        ms(System.nanoTime() - restart));
  }

  /** SIGSTOP the leader for FREEZE, check the others elect a new one, SIGCONT. */
  private String freezeLeader(ProcessCluster c) {
    String oldLeader = c.awaitAgreedLeader(Duration.ofSeconds(30), Set.of(0, 1, 2));
    int victim = c.indexOf(oldLeader);
    awaitAcks(System.nanoTime(), -1, 20, "writes flowing before the freeze");
    Set<Integer> others = new HashSet<>(Set.of(0, 1, 2));
    others.remove(victim);
    long t0 = System.nanoTime();
    c.node(victim).signal("STOP");
    long cont;
    String newLeader;
    long elected;
    try {
      newLeader = c.awaitAgreedLeader(FREEZE.plusSeconds(20), others);
      elected = System.nanoTime();
      long left = FREEZE.toNanos() - (System.nanoTime() - t0);
      if (left > 0) {
        // Hold the freeze for its full length: the point is a leader gone longer than a timeout.
        await()
            .pollDelay(Duration.ofNanos(left))
            .atMost(Duration.ofNanos(left).plusSeconds(5))
            .until(() -> true);
      }
    } finally {
      cont = System.nanoTime();
      c.node(victim).signal("CONT");
      outages.add(new Outage(victim, t0, cont, true));
    }
    assertThat(others).contains(c.indexOf(newLeader));
    // Writers that hit the frozen node wait for it, so the first acknowledgement may come only
    // after CONT; the report says which.
    long firstAck = awaitAcks(t0, -1, 1, "a write started after the stop acknowledged");
    awaitAcks(cont, victim, 1, "a write through the thawed node " + (victim + 1));
    c.awaitMembers(3);
    return String.format(
        "kill -STOP for %d ms: leader node %d frozen; new leader node %d agreed after %d ms;"
            + " first write started after the stop acknowledged after %d ms (%s);"
            + " thawed node took writes again %d ms after CONT",
        ms(cont - t0),
        victim + 1,
        c.indexOf(newLeader) + 1,
        ms(elected - t0),
        ms(firstAck - t0),
        firstAck < cont ? "during the freeze" : "after CONT",
        ms(System.nanoTime() - cont));
  }

  /**
   * Waits until {@code count} writes that started at or after {@code since} (through {@code node},
   * or any node when -1) were acknowledged; returns when the first of them was answered.
   */
  private long awaitAcks(long since, int node, int count, String what) {
    await(what)
        .atMost(Duration.ofSeconds(45))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> acked(since, node) >= count);
    synchronized (attempts) {
      return attempts.stream()
          .filter(a -> a.outcome().equals("201") && a.start() >= since)
          .filter(a -> node < 0 || a.node() == node)
          .mapToLong(Attempt::end)
          .min()
          .orElseThrow();
    }
  }

  private long acked(long since, int node) {
    synchronized (attempts) {
      return attempts.stream()
          .filter(a -> a.outcome().equals("201") && a.start() >= since)
          .filter(a -> node < 0 || a.node() == node)
          .count();
    }
  }

  /** Writer {@code id}: POST /users with unique names, round-robin over the three nodes. */
  private void write(ProcessCluster c, int id, AtomicBoolean stop, AtomicInteger counter) {
    int turn = id;
    while (!stop.get()) {
      int node = turn++ % 3;
      RaftrayProcess target = c.node(node);
      String name = "w" + id + "-" + counter.incrementAndGet();
      long start = System.nanoTime();
      String outcome;
      String detail;
      try {
        RaftrayProcess.Response r =
            target.call(
                target.uri("/api/v1/users"),
                "POST",
                RaftrayProcess.obj("name", name),
                CLIENT_TIMEOUT);
        outcome = Integer.toString(r.status());
        detail = r.contentType() + " " + r.raw();
        if (r.status() == 201
            && (r.body() == null || !name.equals(r.body().path("name").asText()))) {
          outcome = "201-wrong-body";
        } else if (r.status() == 503 && !r.contentType().startsWith("application/problem+json")) {
          outcome = "503-not-problem";
        }
      } catch (HttpConnectTimeoutException e) {
        outcome = "io"; // no TCP/TLS connection within 2 s: a node that is down or starting
        detail = e.toString();
      } catch (HttpTimeoutException e) {
        outcome = "timeout";
        detail = e.toString();
      } catch (IOException e) {
        outcome = "io";
        detail = e.toString();
      }
      attempts.add(new Attempt(name, node, start, System.nanoTime(), outcome, detail));
    }
  }

  /** 201, 503 problem+json, or a connection error while the target node was down or frozen. */
  private boolean expected(Attempt a) {
    return switch (a.outcome()) {
      case "201", "503" -> true;
      case "io" -> overlapNanos(a, false) > 0 || overlapNanos(a, true) > 0;
      default -> false;
    };
  }

  private long allowedMillis(Attempt a) {
    return MAX_ANSWER.toMillis() + ms(overlapNanos(a, true));
  }

  /** How long the attempt's node was down (frozen=false) or frozen during the attempt. */
  private long overlapNanos(Attempt a, boolean frozen) {
    long total = 0;
    synchronized (outages) {
      for (Outage o : outages) {
        if (o.node() == a.node() && o.frozen() == frozen) {
          total += Math.max(0, Math.min(a.end(), o.to()) - Math.max(a.start(), o.from()));
        }
      }
    }
    return total;
  }

  private static long ms(long nanos) {
    return nanos / 1_000_000;
  }
}
