package io.raftray.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.raftray.testing.AdminClient;
import io.raftray.testing.TestCluster;
import io.raftray.testing.Users;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Real network partitions between in-process nodes: each node's proxy refuses and cuts the other
 * side's connections (see {@link TestCluster#partition}).
 */
class ClusterPartitionScenarioIT {
  /** A write without quorum answers 503 after raft.write_timeout_ms (5 s); never hangs. */
  private static final Duration FAIL_FAST = Duration.ofSeconds(10);

  @Test
  @Timeout(90)
  void isolatedFollower_refusesWritesFast_servesLocalReads_andCatchesUpAfterHeal() {
    try (TestCluster cluster = TestCluster.start(3)) {
      int leader = cluster.awaitLeader();
      int isolated = cluster.followers().get(0);
      int other = cluster.followers().get(1);
      assertThat(Users.create(cluster.adminClient(leader), "before").status()).isEqualTo(201);
      cluster.awaitConverged();

      cluster.partition(Set.of(isolated));
      assertThat(Users.create(cluster.adminClient(leader), "majority-1").status()).isEqualTo(201);
      assertThat(Users.create(cluster.adminClient(other), "majority-2").status()).isEqualTo(201);

      AdminClient toIsolated = cluster.adminClient(isolated);
      assertFailsFast(() -> Users.create(toIsolated, "from-minority"), "write on the minority");
      assertFailsFast(
          () -> toIsolated.get("/api/v1/users?consistency=linearizable"),
          "linearizable read on the minority");

      AdminClient.Response local = toIsolated.get("/api/v1/users?limit=1000");
      assertThat(local.status()).as("local read on the minority: %s", local).isEqualTo(200);
      assertThat(local.header("X-Raftray-Applied-Index")).isPresent();
      assertThat(Users.local(toIsolated)).contains("before").doesNotContain("majority-1");

      cluster.heal();
      cluster.awaitLeader();
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .untilAsserted(
              () ->
                  assertThat(Users.linearizable(toIsolated))
                      .contains("before", "majority-1", "majority-2"));
      cluster.awaitConverged();
    }
  }

  @Test
  @Timeout(120)
  void isolatedLeader_isReplaced_cannotCommit_andNoAcknowledgedWriteIsLost() {
    try (TestCluster cluster = TestCluster.start(3)) {
      int oldLeader = cluster.awaitLeader();
      List<String> acknowledged = new ArrayList<>();
      for (int i = 0; i < cluster.size(); i++) {
        write(cluster.adminClient(i), "before-" + i, acknowledged);
      }
      cluster.awaitConverged();

      long cut = System.nanoTime();
      cluster.partition(Set.of(oldLeader));
      int newLeader =
          await("a new leader in the majority")
              .atMost(Duration.ofSeconds(30))
              .pollInterval(Duration.ofMillis(20))
              .until(() -> cluster.findLeader().filter(l -> l != oldLeader), Optional::isPresent)
              .get();
      long electedMs = millisSince(cut);
      await("first write accepted by the majority")
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(20))
          .ignoreExceptions()
          .until(() -> write(cluster.adminClient(newLeader), "first-after-cut", acknowledged));
      long writableMs = millisSince(cut);
      System.out.printf(
          "[bench] leader isolated: new leader elected after %d ms, first write acknowledged"
              + " after %d ms (default election timeout 1-2 s)%n",
          electedMs, writableMs);

      for (int i = 0; i < cluster.size(); i++) {
        if (i != oldLeader) {
          assertThat(write(cluster.adminClient(i), "majority-" + i, acknowledged)).isTrue();
        }
      }
      assertFailsFast(
          () -> Users.create(cluster.adminClient(oldLeader), "old-leader"), "old leader write");

      cluster.heal();
      await("exactly one leader after heal")
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(() -> cluster.nodesInLeaderRole().size() == 1 && cluster.findLeader().isPresent());
      cluster.awaitConverged();
      for (int i = 0; i < cluster.size(); i++) {
        assertThat(Users.linearizable(cluster.adminClient(i)))
            .as("acknowledged users on node %d", i)
            .containsAll(acknowledged);
      }
      System.out.printf(
          "[scenario] %d acknowledged writes present on all nodes; the refused old-leader write"
              + " is %s%n",
          acknowledged.size(),
          Users.local(cluster.adminClient(0)).contains("old-leader") ? "present" : "absent");
    }
  }

  /** Creates a user; records and returns true only on a 2xx answer. */
  private static boolean write(AdminClient c, String name, List<String> acknowledged) {
    AdminClient.Response r = Users.create(c, name);
    if (r.ok()) {
      acknowledged.add(name);
    }
    return r.ok();
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }

  /** The call answers a 503 problem within {@link #FAIL_FAST}: it neither hangs nor succeeds. */
  private static void assertFailsFast(Supplier<AdminClient.Response> call, String what) {
    long started = System.nanoTime();
    AdminClient.Response r = call.get();
    long ms = millisSince(started);
    System.out.printf("[scenario] %s: %d after %d ms%n", what, r.status(), ms);
    assertThat(r.status()).as("%s: %s", what, r).isEqualTo(503);
    assertThat(r.contentType()).as(what).startsWith("application/problem+json");
    assertThat(ms).as("%s answered after %d ms", what, ms).isLessThan(FAIL_FAST.toMillis());
  }
}
