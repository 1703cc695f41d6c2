package io.raftray.xray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftray.config.HostPort;
import io.raftray.config.XraySettings;
import io.raftray.model.AdminToken;
import io.raftray.model.Endpoint;
import io.raftray.model.ErrorKind;
import io.raftray.model.Json;
import io.raftray.model.Node;
import io.raftray.model.NodeRole;
import io.raftray.model.NodeStatus;
import io.raftray.model.NodeUsage;
import io.raftray.model.RaftrayException;
import io.raftray.model.Role;
import io.raftray.model.User;
import io.raftray.state.Command;
import io.raftray.state.LocalReplica;
import io.raftray.state.Replica;
import io.raftray.state.Result;
import io.raftray.state.State;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The collector's delta and journal logic against a scripted core (the {@link XrayApi} interface)
 * and the real state machine through {@link LocalReplica}. Real cores are driven by the data-plane
 * integration tests.
 */
@Timeout(30)
class TrafficCollectorTest {
  static final String NODE = "node_01JTESTNODE0000000000000000";
  static final String ALICE = "usr_01JALICE000000000000000000";
  static final String BOB = "usr_01JBOB00000000000000000000";
  static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  @TempDir Path dataDir;
  final ScriptedCore core = new ScriptedCore();
  LocalReplica local;

  /** What the collector submits through: the local state machine, or a scripted failure. */
  final AtomicReference<Mode> mode = new AtomicReference<>(Mode.OK);

  final List<Long> submittedSeqs = new ArrayList<>();

  /** When set, what the node's local view says (a restarted follower still replaying its log). */
  final AtomicReference<State> staleView = new AtomicReference<>();

  /** When true, a linearizable read finds no leader. */
  volatile boolean noReadIndex;

  enum Mode {
    OK,
    /** No leader: fails without committing. */
    NO_LEADER,
    /** The daemon dies after the journal write, before anything reaches the cluster. */
    CRASH_BEFORE_SUBMIT,
    /** The entry commits but the answer is lost. */
    LOST_ANSWER
  }

  @BeforeEach
  void setUp() {
    local = new LocalReplica(Clock.fixed(T0, ZoneOffset.UTC), NODE, State.empty());
    Node node =
        new Node(
            NODE,
            "node-a",
            "https://a.example:8443",
            "a.example",
            Map.of(),
            NodeRole.VOTER,
            NodeStatus.ACTIVE,
            Map.of(),
            "01",
            T0.plusSeconds(86400),
            "PEM",
            T0,
            T0);
    ok(
        local.submit(
            NODE,
            new Command.Bootstrap(
                "c", "CA", node, new AdminToken("tok_o", "o", Role.OWNER, "h", T0, false))));
    ok(local.submit(NODE, new Command.CreateUser(user(ALICE, "alice"))));
    ok(local.submit(NODE, new Command.CreateUser(user(BOB, "bob"))));
  }

  private static void ok(Result r) {
    assertThat(r.ok()).as(r.message()).isTrue();
  }

  private static User user(String id, String name) {
    return User.builder().id(id).name(name).subscriptionToken("sub-" + name).build();
  }

  private final Replica replica =
      new Replica() {
        @Override
        public State view() {
          State stale = staleView.get();
          return stale != null ? stale : local.view();
        }

        @Override
        public Result submit(String actor, Command command) {
          assertThat(actor).isEqualTo(NODE);
          if (command instanceof Command.UsageReport r) {
            submittedSeqs.add(r.seq());
          }
          return switch (mode.get()) {
            case NO_LEADER ->
                throw new RaftrayException(ErrorKind.UNAVAILABLE, "no raft leader reachable");
            case CRASH_BEFORE_SUBMIT -> throw new IllegalStateException("daemon died");
            case LOST_ANSWER -> {
              local.submit(actor, command);
              throw new RaftrayException(ErrorKind.UNAVAILABLE, "write deadline passed");
            }
            default -> local.submit(actor, command);
          };
        }

        @Override
        public State linearizableView() {
          if (noReadIndex) {
            throw new RaftrayException(ErrorKind.UNAVAILABLE, "no raft leader reachable");
          }
          return local.view();
        }

        @Override
        public RaftStatus status() {
          return local.status();
        }
      };

  private TrafficCollector collector() {
    return new TrafficCollector(NODE, dataDir, replica, core::api, Duration.ofHours(1));
  }

  private static String up(String user, String grant) {
    return "user>>>" + Emails.of(user, grant) + ">>>traffic>>>uplink";
  }

  private static String down(String user, String grant) {
    return "user>>>" + Emails.of(user, grant) + ">>>traffic>>>downlink";
  }

  private User alice() {
    return local.view().users().get(ALICE);
  }

  private JsonNode journal() throws Exception {
    return Json.mapper().readTree(Files.readAllBytes(dataDir.resolve("xray/traffic-journal.json")));
  }

  @Test
  void round_countsDeltasAgainstLastSeenValues_perUserAndDirection() throws Exception {
    TrafficCollector c = collector();
    core.set(up(ALICE, "grt_1"), 100).set(down(ALICE, "grt_1"), 1000).set(up(ALICE, "grt_2"), 5);
    core.set("inbound>>>vless-443>>>traffic>>>uplink", 99999);
    c.round();
    assertThat(alice().uplinkBytes()).isEqualTo(105);
    assertThat(alice().downlinkBytes()).isEqualTo(1000);
    core.set(up(ALICE, "grt_1"), 150).set(down(ALICE, "grt_1"), 1500).set(down(BOB, "grt_3"), 7);
    c.round();
    assertThat(alice().usedBytes()).isEqualTo(1655);
    assertThat(local.view().users().get(BOB).downlinkBytes()).isEqualTo(7);
    assertThat(local.view().nodeUsage(ALICE)).containsEntry(NODE, new NodeUsage(155, 1500, 1655));
    long index = local.view().appliedIndex();
    c.round();
    assertThat(local.view().appliedIndex()).as("no traffic, no report").isEqualTo(index);
    assertThat(submittedSeqs).containsExactly(1L, 2L);
    assertThat(c.pendingBatches()).isZero();
    assertThat(c.batchesCommitted()).isEqualTo(2);
    assertThat(journal().get("last_seen").get(up(ALICE, "grt_1")).asLong()).isEqualTo(150);
    assertThat(journal().get("pending")).isEmpty();
    assertThat(core.patterns).containsOnly("user>>>");
    assertThat(core.resets).containsOnly(false);
  }

  @Test
  void counterThatWentDown_isARestartedCore_itsValueIsTheDelta() {
    TrafficCollector c = collector();
    core.set(up(ALICE, "grt_1"), 1000);
    c.round();
    core.set(up(ALICE, "grt_1"), 300);
    c.round();
    assertThat(alice().uplinkBytes()).isEqualTo(1300);
  }

  @Test
  void coreReady_newGenerationForgetsLastSeen_sameGenerationKeepsThem() {
    TrafficCollector c = collector();
    c.coreReady("pid-1");
    core.set(up(ALICE, "grt_1"), 1000);
    c.round();
    // Daemon restarted and adopted the same core: counters continue.
    c.coreReady("pid-1");
    core.set(up(ALICE, "grt_1"), 1200);
    c.round();
    assertThat(alice().uplinkBytes()).isEqualTo(1200);
    // A new core that already counted more than the old one's last value: only the generation
    // tells, the decrease rule would see +300 instead of 1500.
    c.coreReady("pid-2");
    core.set(up(ALICE, "grt_1"), 1500);
    c.round();
    assertThat(alice().uplinkBytes()).isEqualTo(2700);
  }

  @Test
  void coreRestarted_forgetsLastSeen_andAValueReadBeforeTheHookIsDiscarded() {
    TrafficCollector c = collector();
    core.set(up(ALICE, "grt_1"), 1000);
    c.round();
    // A poll that read the old core races with the hook: its values must not be compared later.
    core.set(up(ALICE, "grt_1"), 1100);
    core.beforeAnswer = c::coreRestarted;
    c.round();
    core.beforeAnswer = null;
    assertThat(alice().uplinkBytes()).isEqualTo(1000);
    core.set(up(ALICE, "grt_1"), 2000); // the fresh core's counter
    c.round();
    assertThat(alice().uplinkBytes()).isEqualTo(3000);
  }

  @Test
  void coreUnavailable_skipsTheRound_andCountsLaterWithoutLoss() {
    TrafficCollector c = collector();
    core.set(up(ALICE, "grt_1"), 10);
    c.round();
    core.down = true;
    core.set(up(ALICE, "grt_1"), 50);
    c.round();
    core.absent = true;
    c.round();
    assertThat(alice().uplinkBytes()).isEqualTo(10);
    core.down = false;
    core.absent = false;
    c.round();
    assertThat(alice().uplinkBytes()).isEqualTo(50);
  }

  @Test
  void noLeader_keepsBatchPending_mergesLaterPollsIntoOne_thenFlushesInOrder() throws Exception {
    TrafficCollector c = collector();
    mode.set(Mode.NO_LEADER);
    core.set(up(ALICE, "grt_1"), 100);
    c.round();
    core.set(up(ALICE, "grt_1"), 300).set(down(BOB, "grt_9"), 5);
    c.round();
    core.set(up(ALICE, "grt_1"), 600);
    c.round();
    c.round();
    assertThat(c.pendingBatches()).as("one attempted batch + one merged").isEqualTo(2);
    JsonNode pending = journal().get("pending");
    assertThat(pending.get(0).get("seq").asLong()).isEqualTo(1);
    assertThat(pending.get(0).get("attempted").asBoolean()).isTrue();
    assertThat(pending.get(1).get("seq").asLong()).isEqualTo(2);
    assertThat(pending.get(1).get("attempted").asBoolean()).isFalse();
    assertThat(submittedSeqs).as("only the head is retried").containsOnly(1L);
    assertThat(alice().uplinkBytes()).isZero();

    mode.set(Mode.OK);
    c.round();
    assertThat(alice().uplinkBytes()).isEqualTo(600);
    assertThat(local.view().users().get(BOB).downlinkBytes()).isEqualTo(5);
    assertThat(local.view().usageSeq(NODE)).isEqualTo(2);
    assertThat(c.pendingBatches()).isZero();
    assertThat(journal().get("next_seq").asLong()).isEqualTo(3);
  }

  @Test
  void crashAfterJournalWriteBeforeSubmit_restartResubmitsTheSameSeqOnce() throws Exception {
    TrafficCollector first = collector();
    mode.set(Mode.CRASH_BEFORE_SUBMIT);
    core.set(up(ALICE, "grt_1"), 700);
    first.round();
    assertThat(journal().get("pending").get(0).get("attempted").asBoolean()).isTrue();
    // The process is gone; a new one starts from the journal with the core still counting.
    mode.set(Mode.OK);
    core.set(up(ALICE, "grt_1"), 750);
    TrafficCollector second = collector();
    second.round();
    assertThat(alice().uplinkBytes()).isEqualTo(750);
    assertThat(submittedSeqs).containsExactly(1L, 1L, 2L);
    assertThat(local.view().usageSeq(NODE)).isEqualTo(2);
  }

  @Test
  void lostAnswer_batchCommittedButKept_resubmissionIsDroppedByTheStateMachine() throws Exception {
    TrafficCollector first = collector();
    mode.set(Mode.LOST_ANSWER);
    core.set(up(ALICE, "grt_1"), 400);
    first.round();
    assertThat(alice().uplinkBytes()).as("committed").isEqualTo(400);
    assertThat(first.pendingBatches()).as("but not known to be").isEqualTo(1);
    mode.set(Mode.OK);
    TrafficCollector restarted = collector();
    restarted.round();
    assertThat(alice().uplinkBytes()).as("counted once").isEqualTo(400);
    assertThat(submittedSeqs).containsExactly(1L, 1L);
    assertThat(restarted.pendingBatches()).isZero();
    assertThat(journal().get("pending")).isEmpty();
  }

  @Test
  void restartFromJournal_adoptedCore_countsOnlyWhatIsNew() {
    try (TrafficCollector first = collector()) {
      core.set(up(ALICE, "grt_1"), 1000);
      first.round();
    }
    core.set(up(ALICE, "grt_1"), 1200);
    TrafficCollector second = collector();
    second.round();
    assertThat(alice().uplinkBytes()).isEqualTo(1200);
  }

  @Test
  void close_doesOneFinalPollAndFlush() {
    TrafficCollector c = collector();
    core.set(up(ALICE, "grt_1"), 10);
    c.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> alice().uplinkBytes() == 10);
    core.set(up(ALICE, "grt_1"), 25);
    c.close();
    assertThat(alice().uplinkBytes()).isEqualTo(25);
    c.close();
    assertThat(submittedSeqs).hasSize(2);
  }

  @Test
  void deletedUsersAndForeignCounters_areIgnored() {
    TrafficCollector c = collector();
    ok(local.submit(NODE, new Command.DeleteUser(BOB)));
    core.set(up(BOB, "grt_3"), 100).set("user>>>not-an-email>>>traffic>>>uplink", 5);
    core.set(up(ALICE, "grt_1"), 1);
    c.round();
    assertThat(local.view().users()).containsOnlyKeys(ALICE);
    assertThat(alice().uplinkBytes()).isEqualTo(1);
    assertThat(local.view().nodeUsage()).containsOnlyKeys(ALICE);
  }

  @Test
  void damagedJournal_isMovedAside_firstPollOnlyRecordsTheCounters() throws Exception {
    Files.createDirectories(dataDir.resolve("xray"));
    Files.writeString(dataDir.resolve("xray/traffic-journal.json"), "{\"version\":1,");
    core.set(up(ALICE, "grt_1"), 5000);
    TrafficCollector c = collector();
    c.round();
    assertThat(alice().uplinkBytes()).as("the core's old total is not charged again").isZero();
    assertThat(dataDir.resolve("xray/traffic-journal.json.damaged")).exists();
    core.set(up(ALICE, "grt_1"), 5100);
    c.round();
    assertThat(alice().uplinkBytes()).isEqualTo(100);
  }

  @Test
  void lostJournal_newBatchesAreNumberedAboveWhatTheClusterApplied() throws Exception {
    TrafficCollector first = collector();
    for (int i = 1; i <= 3; i++) {
      core.set(up(ALICE, "grt_1"), i * 10L);
      first.round();
    }
    assertThat(local.view().usageSeq(NODE)).isEqualTo(3);
    Files.delete(dataDir.resolve("xray/traffic-journal.json"));
    core.coreRestart(); // a fresh core too, so counting from zero is right
    core.set(up(ALICE, "grt_1"), 8);
    TrafficCollector second = collector();
    second.round();
    assertThat(alice().uplinkBytes()).isEqualTo(38);
    assertThat(local.view().usageSeq(NODE)).isEqualTo(4);
  }

  // ---- issue 10, item 4: restarts told from lost connections, crashes

  /** A data plane for an external core whose API is this test's scripted core. */
  private DataPlane externalDataPlane() {
    XraySettings settings =
        new XraySettings(
            Optional.empty(),
            Optional.of(new HostPort("127.0.0.1", 10085)),
            Optional.of(Flavor.V2RAY),
            0,
            Duration.ofHours(1));
    XraySupervisor supervisor = XraySupervisor.create(settings, dataDir.resolve("xray"));
    return new DataPlane(
        NODE,
        dataDir,
        supervisor,
        local::view,
        replica,
        Duration.ofHours(1),
        Clock.systemUTC(),
        (flavor, host, port) -> core);
  }

  @Test
  void externalCoreBlip_throughTheDataPlane_doesNotChargeTheCumulativeCountersAgain() {
    core.uptime = 1000L;
    DataPlane dp = externalDataPlane(); // not started: the test runs the collector's rounds
    try (TrafficCollector collector = dp.collector()) {
      dp.coreReady(1, Flavor.V2RAY, "127.0.0.1", 10085);
      core.set(up(ALICE, "grt_1"), 10_000);
      collector.round();
      assertThat(alice().uplinkBytes()).isEqualTo(10_000);
      // One failed probe of the external core's port: the supervisor says down, then up again.
      // The core never went away (its uptime kept growing), so its counters continue.
      dp.coreDown(1);
      core.uptime = 1004L;
      core.set(up(ALICE, "grt_1"), 10_500);
      dp.coreReady(2, Flavor.V2RAY, "127.0.0.1", 10085);
      collector.round();
      assertThat(alice().uplinkBytes()).as("only the 500 new bytes").isEqualTo(10_500);
    }
  }

  @Test
  void externalCoreRestartedDuringABlip_isToldByItsUptime_andCountsFromZero() {
    core.uptime = 1000L;
    DataPlane dp = externalDataPlane();
    try (TrafficCollector collector = dp.collector()) {
      dp.coreReady(1, Flavor.V2RAY, "127.0.0.1", 10085);
      core.set(up(ALICE, "grt_1"), 1000);
      collector.round();
      dp.coreDown(1);
      // The operator restarted the core; it counted more than the old one before we saw it.
      core.restartProcess();
      core.uptime = 3L;
      core.set(up(ALICE, "grt_1"), 1500);
      dp.coreReady(2, Flavor.V2RAY, "127.0.0.1", 10085);
      collector.round();
      assertThat(alice().uplinkBytes()).as("1000 from the old core + 1500 new").isEqualTo(2500);
    }
  }

  @Test
  void uptimeThatRestarted_forgetsLastSeen_evenWhenTheCountersGrewPastTheOldValues() {
    TrafficCollector c = collector();
    core.uptime = 50L;
    core.set(up(ALICE, "grt_1"), 1000);
    c.round();
    // No hook at all (nobody saw the core go): only its uptime tells.
    core.restartProcess();
    core.uptime = 1L;
    core.set(up(ALICE, "grt_1"), 1200);
    c.round();
    assertThat(alice().uplinkBytes()).isEqualTo(2200);
    // And it is the same core from then on.
    core.uptime = 2L;
    core.set(up(ALICE, "grt_1"), 1300);
    c.round();
    assertThat(alice().uplinkBytes()).isEqualTo(2300);
  }

  @Test
  void uptimeThatRestarted_isSeenAcrossADaemonRestart_sameUptimeKeepsTheCounters() {
    core.uptime = 500L;
    try (TrafficCollector first = collector()) {
      core.set(up(ALICE, "grt_1"), 1000);
      first.round();
    }
    // The daemon restarts; the same core is still up (uptime went on).
    core.uptime = 530L;
    core.set(up(ALICE, "grt_1"), 1100);
    try (TrafficCollector second = collector()) {
      second.round();
      assertThat(alice().uplinkBytes()).isEqualTo(1100);
    }
    // It restarts again; meanwhile the core was replaced and has counted 4000 bytes.
    core.restartProcess();
    core.uptime = 20L;
    core.set(up(ALICE, "grt_1"), 4000);
    TrafficCollector third = collector();
    third.round();
    assertThat(alice().uplinkBytes()).isEqualTo(5100);
  }

  @Test
  void aPollThatSpansACoreRestart_isDiscarded() {
    TrafficCollector c = collector();
    core.uptime = 100L;
    core.set(up(ALICE, "grt_1"), 1000);
    c.round();
    core.set(up(ALICE, "grt_1"), 1100);
    // The core is replaced while the counters are being read: uptime before and after disagree.
    core.beforeAnswer =
        () -> {
          core.uptime = 0L;
        };
    c.round();
    core.beforeAnswer = null;
    assertThat(alice().uplinkBytes()).as("nothing from the torn read").isEqualTo(1000);
    core.restartProcess();
    core.uptime = 1L;
    core.set(up(ALICE, "grt_1"), 70);
    c.round();
    assertThat(alice().uplinkBytes()).isEqualTo(1070);
  }

  @Test
  void restartedDaemonWithAStaleView_chargesAUserItsViewDoesNotKnowYet() {
    // The daemon restarts with its log not yet replayed: the local view lacks alice.
    State before = local.view();
    ok(local.submit(NODE, new Command.CreateUser(user("usr_01JCAROL00000000000000000", "carol"))));
    String carol = "usr_01JCAROL00000000000000000";
    staleView.set(before);
    core.set(up(carol, "grt_7"), 4000);
    TrafficCollector c = collector();
    c.round();
    staleView.set(null);
    c.round();
    assertThat(local.view().users().get(carol).uplinkBytes())
        .as("counted once the cluster confirms the user exists")
        .isEqualTo(4000);
  }

  @Test
  void unknownUserWhileNoLeaderCanConfirm_isKeptForALaterPoll() {
    State before = local.view();
    String carol = "usr_01JCAROL00000000000000000";
    ok(local.submit(NODE, new Command.CreateUser(user(carol, "carol"))));
    staleView.set(before);
    noReadIndex = true;
    core.set(up(carol, "grt_7"), 4000);
    TrafficCollector c = collector();
    c.round();
    assertThat(local.view().users().get(carol).uplinkBytes()).isZero();
    noReadIndex = false;
    staleView.set(null);
    core.set(up(carol, "grt_7"), 4100);
    c.round();
    assertThat(local.view().users().get(carol).uplinkBytes()).isEqualTo(4100);
  }

  @Test
  void countersAreReadEverySecond_evenWhenReportsAreSentEveryFiveSeconds() throws Exception {
    TrafficCollector c =
        new TrafficCollector(NODE, dataDir, replica, core::api, Duration.ofSeconds(30));
    try {
      c.start();
      await().atMost(Duration.ofSeconds(5)).until(() -> !core.patterns.isEmpty());
      core.set(up(ALICE, "grt_1"), 777);
      // Within about a second the value is read and durable in the journal; the first batch of
      // a run is submitted at once.
      await()
          .atMost(Duration.ofMillis(2500))
          .until(
              () ->
                  Files.exists(dataDir.resolve("xray/traffic-journal.json"))
                      && journal().path("last_seen").path(up(ALICE, "grt_1")).asLong() == 777);
      await().atMost(Duration.ofSeconds(5)).until(() -> alice().uplinkBytes() == 777);
      // Later traffic is still read every second and journaled, long before the 30 s report
      // interval has passed: a core killed now loses nothing of it.
      core.set(up(ALICE, "grt_1"), 888);
      await()
          .atMost(Duration.ofMillis(2500))
          .until(() -> journal().path("last_seen").path(up(ALICE, "grt_1")).asLong() == 888);
      assertThat(journal().get("pending")).as("reported at the next interval").hasSize(1);
      assertThat(alice().uplinkBytes()).isEqualTo(777);
    } finally {
      c.close();
    }
    assertThat(alice().uplinkBytes()).as("close() commits it").isEqualTo(888);
  }

  /** A core whose counters the test sets; only QueryStats is used by the collector. */
  static final class ScriptedCore implements XrayApi {
    final Map<String, Long> counters = new ConcurrentHashMap<>();
    final List<String> patterns = new ArrayList<>();
    final List<Boolean> resets = new ArrayList<>();
    volatile boolean down;
    volatile boolean absent;
    volatile Runnable beforeAnswer;

    /** GetSysStats' uptime in seconds; null = a core without the call. */
    volatile Long uptime;

    ScriptedCore set(String name, long value) {
      counters.put(name, value);
      return this;
    }

    void coreRestart() {
      counters.clear();
    }

    /** The process was replaced: counters from zero, uptime from zero. */
    void restartProcess() {
      counters.clear();
      uptime = 0L;
    }

    @Override
    public OptionalLong uptimeSeconds() {
      if (down) {
        throw new XrayApiException(XrayApiException.Kind.UNAVAILABLE, "connection refused");
      }
      Long u = uptime;
      return u == null ? OptionalLong.empty() : OptionalLong.of(u);
    }

    Optional<XrayApi> api() {
      return absent ? Optional.empty() : Optional.of(this);
    }

    @Override
    public Flavor flavor() {
      return Flavor.V2RAY;
    }

    @Override
    public Map<String, Long> queryStats(String pattern, boolean reset) {
      if (down) {
        throw new XrayApiException(XrayApiException.Kind.UNAVAILABLE, "connection refused");
      }
      patterns.add(pattern);
      resets.add(reset);
      Map<String, Long> out = Map.copyOf(counters);
      Runnable r = beforeAnswer;
      if (r != null) {
        r.run();
      }
      return out;
    }

    @Override
    public void addInbound(Endpoint endpoint, List<InboundUser> users) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void removeInbound(String tag) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void addUser(Endpoint endpoint, InboundUser user) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void removeUser(String tag, String email) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void close() {}
  }
}
