package io.raftray.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.raftray.testing.AdminClient;
import io.raftray.testing.TestCluster;
import io.raftray.testing.Users;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Writes through every node, and a follower that missed a snapshot's worth of entries. */
class ClusterReplicationScenarioIT {

  @ParameterizedTest(name = "{0} nodes")
  @ValueSource(ints = {3, 5})
  @Timeout(90)
  void writesThroughEveryNode_areVisibleEverywhere_andReplicasConverge(int n) {
    try (TestCluster cluster = TestCluster.start(n)) {
      List<String> written = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        for (int k = 0; k < 2; k++) {
          String name = "u" + i + "-" + k;
          AdminClient.Response r = Users.create(cluster.adminClient(i), name);
          assertThat(r.status()).as("create %s on node %d: %s", name, i, r).isEqualTo(201);
          written.add(name);
        }
      }
      for (int i = 0; i < n; i++) {
        assertThat(Users.linearizable(cluster.adminClient(i)))
            .as("users on node %d", i)
            .containsExactlyInAnyOrderElementsOf(written);
      }
      cluster.awaitConverged();
    }
  }

  @Test
  @Timeout(120)
  void followerThatMissedSnapshotAndPurge_catchesUpAfterRestart() throws IOException {
    int snapshotEvery = 8;
    try (TestCluster cluster =
        TestCluster.builder().nodes(3).snapshotEvery(snapshotEvery).start()) {
      int leader = cluster.awaitLeader();
      int follower = cluster.followers().get(0);
      AdminClient toLeader = cluster.adminClient(leader);
      assertThat(Users.create(toLeader, "before").status()).isEqualTo(201);
      cluster.awaitConverged();
      long missedFrom = cluster.daemon(follower).replica().status().appliedIndex() + 1;
      cluster.kill(follower);

      List<String> written = new ArrayList<>(List.of("before"));
      for (int k = 0; k < 5 * snapshotEvery; k++) {
        String name = "missed-" + k;
        AdminClient.Response r = Users.create(toLeader, name);
        assertThat(r.status()).as("create %s: %s", name, r).isEqualTo(201);
        written.add(name);
      }
      Path leaderLog = raftLogDir(cluster.dataDir(leader));
      OptionalLong firstKept = firstLogIndex(leaderLog);
      boolean purged = firstKept.isPresent() && firstKept.getAsLong() > missedFrom;
      System.out.printf(
          "[scenario] follower missed entries from %d; leader log now starts at %s: %s%n",
          missedFrom,
          firstKept.isPresent() ? firstKept.getAsLong() : "?",
          purged ? "catch-up needs a snapshot install" : "log not purged, catch-up by append");

      cluster.restart(follower);
      AdminClient toFollower = cluster.adminClient(follower);
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .untilAsserted(
              () ->
                  assertThat(Users.local(toFollower)).containsExactlyInAnyOrderElementsOf(written));
      assertThat(Users.linearizable(toFollower)).containsExactlyInAnyOrderElementsOf(written);
      cluster.awaitConverged();
      if (purged) {
        // The missed entries no longer exist as log entries anywhere the follower could get them
        // from: its log must start after a snapshot it installed.
        long followerFirst =
            firstLogIndex(raftLogDir(cluster.dataDir(follower))).orElse(Long.MAX_VALUE);
        assertThat(followerFirst)
            .as("restarted follower's first log index")
            .isGreaterThan(missedFrom);
      }
    }
  }

  /** {@code <data>/raft/<group-uuid>/current}. */
  private static Path raftLogDir(Path dataDir) throws IOException {
    try (Stream<Path> groups = Files.list(dataDir.resolve("raft"))) {
      return groups.filter(Files::isDirectory).findFirst().orElseThrow().resolve("current");
    }
  }

  private static final Pattern SEGMENT = Pattern.compile("log_(?:inprogress_)?(\\d+)(?:-\\d+)?");

  /** Lowest index still held by a log segment ({@code log_<a>-<b>}, {@code log_inprogress_<a>}). */
  private static OptionalLong firstLogIndex(Path current) throws IOException {
    try (Stream<Path> files = Files.list(current)) {
      return files
          .map(p -> SEGMENT.matcher(p.getFileName().toString()))
          .filter(Matcher::matches)
          .mapToLong(m -> Long.parseLong(m.group(1)))
          .min();
    }
  }
}
