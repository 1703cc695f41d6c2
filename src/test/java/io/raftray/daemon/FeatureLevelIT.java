package io.raftray.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.raftray.config.NodeConfig;
import io.raftray.config.Tunables;
import io.raftray.state.Command;
import io.raftray.state.Features;
import io.raftray.state.Result;
import io.raftray.state.SnapshotCodec;
import io.raftray.testing.InProcessNodes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A mixed-version cluster: two nodes of a "newer" release (the test-only feature level above this
 * release's) and one of this release. The newer kind is refused while the older voter is there,
 * switches on once it is upgraded, and every replica ends with the same state; a node that is
 * downgraded afterwards halts at the first entry it cannot read instead of skipping it.
 */
@Timeout(180)
class FeatureLevelIT {
  static final int NEWER = Command.FeatureProbe.LEVEL;

  @TempDir Path tmp;
  private final List<Daemon> daemons = new ArrayList<>();

  @AfterEach
  void stop() {
    daemons.forEach(Daemon::close);
  }

  private static HttpResponse<String> joinRequest(HttpClient http, Daemon to, String level)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(to.config().apiBaseUrl() + "/cluster/v1/join"))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{}"));
    if (level != null) {
      b.header(Features.HEADER, level);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static Tunables level(int l) {
    return Tunables.DEFAULT.withFeatureLevel(l);
  }

  @Test
  void newerKind_onlyOnceEveryVoterReadsIt_noDivergence_downgradeHalts() throws Exception {
    Bootstrapper.Seed seed = InProcessNodes.prepare(tmp, 3);
    List<NodeConfig> configs = seed.configs();
    daemons.add(Daemon.start(configs.get(0), Clock.systemUTC(), level(NEWER)));
    daemons.add(Daemon.start(configs.get(1), Clock.systemUTC(), level(NEWER)));
    daemons.add(Daemon.start(configs.get(2), Clock.systemUTC(), level(Features.CURRENT)));
    InProcessNodes.awaitBootstrapped(seed, daemons.get(0));
    Daemon leader = InProcessNodes.awaitLeader(daemons);
    String leaderId = leader.config().nodeId();

    // The older voter keeps the cluster at this release's level: the newer kind is refused before
    // it is logged, and nothing is raised.
    long before = leader.replica().view().appliedIndex();
    assertThatThrownBy(
            () -> leader.replica().submit(leaderId, new Command.FeatureProbe("too early")))
        .hasMessageContaining("needs cluster feature level " + NEWER);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                daemons.stream()
                    .allMatch(d -> d.replica().view().featureLevel() == Features.CURRENT));
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                daemons.stream()
                    .allMatch(d -> d.replica().view().featureLevel() == Features.CURRENT));
    assertThat(daemons.get(2).stateMachine().halted()).isEmpty();
    assertThat(leader.replica().view().audit().all())
        .noneMatch(e -> e.summary().contains("too early"));
    assertThat(leader.replica().view().appliedIndex()).isGreaterThanOrEqualTo(before);

    // Upgrade the older node (same data directory, the newer "release"): the leader hears it and
    // raises the level; then the newer kind commits and every replica applies it.
    daemons.get(2).close();
    daemons.set(2, Daemon.start(configs.get(2), Clock.systemUTC(), level(NEWER)));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> daemons.stream().allMatch(d -> d.replica().view().featureLevel() == NEWER));
    Daemon now = InProcessNodes.awaitLeader(daemons);
    Result r = now.replica().submit(now.config().nodeId(), new Command.FeatureProbe("switched on"));
    assertThat(r.ok()).as(r.message()).isTrue();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              Set<String> digests = new HashSet<>();
              for (Daemon d : daemons) {
                assertThat(d.stateMachine().halted()).isEmpty();
                assertThat(d.replica().view().audit().all())
                    .anyMatch(e -> e.summary().equals("feature probe: switched on"));
                digests.add(
                    d.replica().view().appliedIndex()
                        + "/"
                        + SnapshotCodec.digest(d.replica().view()));
              }
              assertThat(digests).as("applied index/digest per node").hasSize(1);
            });

    // A host of a release that reads less is refused at the door: a join without the header (a
    // release before feature levels) or with a lower level gets 409 before its request is read.
    try (HttpClient http = InProcessNodes.trustingCa(configs.get(0).dataDir())) {
      for (String header : new String[] {null, "1"}) {
        HttpResponse<String> refused = joinRequest(http, now, header);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
        assertThat(refused.body())
            .contains("this cluster is at feature level " + NEWER)
            .contains("reads up to 1");
      }
      // The same (invalid) request from a release that reads the level goes on to validation.
      HttpResponse<String> read = joinRequest(http, now, String.valueOf(NEWER));
      assertThat(read.statusCode()).as(read.body()).isEqualTo(400);
    }

    // Downgraded again, a node refuses what it cannot read: the snapshot it wrote when it stopped
    // (startup fails, naming it), or else the first log entry above its level (it halts).
    int back = daemons.indexOf(now) == 0 ? 1 : 0;
    daemons.get(back).close();
    String why;
    try {
      Daemon old = Daemon.start(configs.get(back), Clock.systemUTC(), level(Features.CURRENT));
      daemons.set(back, old);
      await().atMost(Duration.ofSeconds(30)).until(() -> old.stateMachine().halted().isPresent());
      why = old.stateMachine().halted().orElseThrow();
      assertThat(old.replica().view().featureLevel()).isEqualTo(Features.CURRENT);
    } catch (StartupException e) {
      daemons.remove(back);
      why = e.getMessage();
    }
    assertThat(why)
        .contains("needs feature level " + NEWER)
        .contains("reads up to " + Features.CURRENT);
  }
}
