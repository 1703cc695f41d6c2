package io.raftray.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.raftray.cluster.RaftNode;
import io.raftray.config.NodeConfig;
import io.raftray.testing.InProcessNodes;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.apache.ratis.metrics.MetricRegistries;
import org.apache.ratis.metrics.MetricRegistryInfo;
import org.apache.ratis.metrics.RatisMetrics;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.server.metrics.LeaderElectionMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A clean stop of the leader ({@link Daemon#close}, what {@code raftray run} does on SIGTERM) hands
 * leadership over first, so the others need no election timeout to find a new leader.
 *
 * <p>The proof is structural, not a stopwatch: Ratis counts, per server, how often its election
 * timer fired ({@code timeoutCount} of its leader-election metrics). Without a handover the only
 * way to a new leader is a survivor's timer firing; with it the chosen follower is told to start
 * the election at once, and no survivor's timer fires. The election timeouts are long (5-10 s) so
 * that no timer fires by accident while the handover runs on a loaded machine.
 */
@Timeout(240)
class LeadershipHandoverIT {
  private static final NodeConfig.Raft SLOW_ELECTIONS =
      new NodeConfig.Raft(
          Duration.ofSeconds(5),
          Duration.ofSeconds(10),
          NodeConfig.Raft.DEFAULT_SNAPSHOT_EVERY_ENTRIES,
          NodeConfig.Raft.DEFAULT_WRITE_TIMEOUT);

  @TempDir Path tmp;
  private final List<Daemon> daemons = new ArrayList<>();
  private InProcessNodes.Api api;
  private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
  private final Logger daemonLog = Logger.getLogger(Daemon.class.getName());
  private Level previousLevel;
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          logged.add(r);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void captureDaemonLog() {
    previousLevel = daemonLog.getLevel();
    daemonLog.setLevel(Level.INFO);
    daemonLog.addHandler(capture);
  }

  @AfterEach
  void stop() {
    daemons.forEach(Daemon::close);
    daemonLog.removeHandler(capture);
    daemonLog.setLevel(previousLevel);
  }

  private void startCluster() throws Exception {
    Bootstrapper.Seed seed = InProcessNodes.prepare(tmp, 3);
    api =
        new InProcessNodes.Api(
            InProcessNodes.trustingCa(seed.configs().get(0).dataDir()),
            seed.owner().plaintext(),
            Duration.ofSeconds(40));
    for (NodeConfig c : seed.configs()) {
      daemons.add(Daemon.start(c.toBuilder().raft(SLOW_ELECTIONS).build()));
    }
    InProcessNodes.awaitBootstrapped(seed, daemons.get(0));
    InProcessNodes.awaitLeader(daemons);
  }

  /** The leader all of {@code among} agree on, one of them (not a leader they lost). */
  private Daemon agreedLeader(List<Daemon> among) {
    String id =
        await("a leader all of " + among.size() + " agree on")
            .atMost(Duration.ofSeconds(60))
            .until(
                () -> {
                  Set<Optional<String>> ids =
                      among.stream()
                          .map(d -> d.replica().status().leaderId())
                          .collect(Collectors.toSet());
                  return ids.size() == 1 ? ids.iterator().next().orElse("") : "";
                },
                leader -> among.stream().anyMatch(d -> d.config().nodeId().equals(leader)));
    return among.stream().filter(d -> d.config().nodeId().equals(id)).findFirst().orElseThrow();
  }

  /** How often {@code d}'s election timer has fired since its Raft server started. */
  private static long electionTimeouts(Daemon d) {
    RaftGroupMemberId member =
        RaftGroupMemberId.valueOf(
            RaftNode.peerId(d.config().nodeId()), RaftNode.groupId(d.config().clusterId()));
    MetricRegistryInfo info =
        new MetricRegistryInfo(
            member.toString(),
            RatisMetrics.RATIS_APPLICATION_NAME_METRICS,
            LeaderElectionMetrics.RATIS_LEADER_ELECTION_METRICS,
            LeaderElectionMetrics.RATIS_LEADER_ELECTION_METRICS_DESC);
    return MetricRegistries.global()
        .get(info)
        .orElseThrow(() -> new AssertionError("no leader-election metrics for " + member))
        .counter(LeaderElectionMetrics.LEADER_ELECTION_TIMEOUT_COUNT_METRIC)
        .getCount();
  }

  private static Map<String, Long> electionTimeouts(List<Daemon> ds) {
    Map<String, Long> m = new TreeMap<>();
    ds.forEach(d -> m.put(d.config().nodeId(), electionTimeouts(d)));
    return m;
  }

  private List<String> messages(Level level, String containing) {
    return logged.stream()
        .filter(r -> r.getLevel().equals(level) && r.getMessage().contains(containing))
        .map(LogRecord::getMessage)
        .toList();
  }

  @Test
  void cleanStopOfTheLeader_handsLeadershipOver_withoutAnElectionTimeout() throws Exception {
    startCluster();
    Daemon old = agreedLeader(daemons);
    List<Daemon> survivors = daemons.stream().filter(d -> d != old).toList();
    long termBefore = old.replica().status().term();
    Map<String, Long> timeoutsBefore = electionTimeouts(survivors);

    old.close();
    daemons.remove(old);

    Daemon next = agreedLeader(survivors);
    assertThat(electionTimeouts(survivors))
        .as("election timers fired on the survivors: the new leader came from an election timeout")
        .isEqualTo(timeoutsBefore);
    assertThat(next.replica().status().term()).isGreaterThan(termBefore);
    assertThat(messages(Level.INFO, "handed raft leadership over"))
        .as("the stopping leader's log")
        .containsExactly(
            "handed raft leadership over to "
                + next.config().nodeId()
                + " after term "
                + termBefore);
    assertThat(messages(Level.WARNING, "leadership")).isEmpty();
    for (Daemon d : survivors) {
      HttpResponse<String> r =
          api.call(d, "POST", "/api/v1/users", "{\"name\":\"after-" + d.config().name() + "\"}");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }
  }

  @Test
  void cleanStopOfTheLeader_withEveryFollowerDown_stillStops() throws Exception {
    startCluster();
    Daemon lead = agreedLeader(daemons);
    for (Daemon d : List.copyOf(daemons)) {
      if (d != lead) {
        d.close();
        daemons.remove(d);
      }
    }
    // Still the leader: it steps down only after an election timeout without a majority.
    assertThat(lead.replica().status().role()).isEqualTo("LEADER");

    lead.close();
    daemons.remove(lead);

    assertThat(messages(Level.WARNING, "stopping without handing raft leadership over"))
        .as("one warning line from the stopping leader")
        .hasSize(1);
    assertThat(messages(Level.INFO, "handed raft leadership over")).isEmpty();
    assertThat(messages(Level.INFO, " stopped").stream().filter(m -> m.startsWith("node ")))
        .as("every node stopped")
        .hasSize(3);
  }
}
