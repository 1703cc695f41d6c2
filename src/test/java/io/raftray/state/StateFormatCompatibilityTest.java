package io.raftray.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftray.model.ErrorKind;
import io.raftray.model.NodeStatus;
import io.raftray.model.Role;
import io.raftray.model.UserStatus;
import java.io.File;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.StateMachineLogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.MD5FileUtil;
import org.apache.ratis.util.SizeInBytes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The snapshot and log formats stay readable: a snapshot and a Raft log written by release v1 are
 * committed under {@code src/test/resources/fixtures/v1} and must load, replay to the recorded
 * state, and re-encode to the same bytes.
 *
 * <p>The fixture was produced by this class at commit 338bc2a ("state: add v1 snapshot and log
 * fixture with a format compatibility test", before the entity refactoring of issue 9), with {@code
 * ./mvnw test -Dtest=StateFormatCompatibilityTest -Draftray.regenerateFixtures=true}: it replays
 * {@link FormatFixtureLog#entries()} as {@link RaftrayStateMachine} does (client envelope encoded,
 * decoded and re-encoded with the leader's time), writes every logged entry as one base64 line of
 * {@code log.b64} (line {@code i} is log index {@code i}), the state at {@link
 * FormatFixtureLog#SNAPSHOT_INDEX} as the Ratis snapshot file {@code snapshot.1_<index>} with its
 * {@code .md5} (as {@code takeSnapshot} writes them) and the digest of the final state in {@code
 * state.sha256}. Never regenerate it to make a failing test pass: a failure means a format change
 * that needs a schema bump and a migration.
 */
@Timeout(30)
class StateFormatCompatibilityTest {
  static final Path DIR = Path.of("src/test/resources/fixtures/v1");
  static final boolean REGENERATE = Boolean.getBoolean("raftray.regenerateFixtures");
  static final long TERM = 1;
  static final String SNAPSHOT = "snapshot." + TERM + "_" + FormatFixtureLog.SNAPSHOT_INDEX;
  static final int AUDIT_RETENTION = 10_000;

  @TempDir Path tmp;

  @BeforeAll
  static void regenerateWhenAsked() throws IOException {
    if (!REGENERATE) {
      return;
    }
    FixtureWriter.write(DIR, SNAPSHOT, FormatFixtureLog.SNAPSHOT_INDEX, FormatFixtureLog.entries());
  }

  @Test
  void snapshot_loadsThroughRatisStorage_andReencodesToTheSameBytes() throws IOException {
    byte[] bytes = Files.readAllBytes(DIR.resolve(SNAPSHOT));
    File file = DIR.resolve(SNAPSHOT).toFile();
    assertThat(MD5FileUtil.computeMd5ForFile(file))
        .isEqualTo(MD5FileUtil.readStoredMd5ForFile(file));

    State s = restored().view();

    assertThat(s.appliedIndex()).isEqualTo(FormatFixtureLog.SNAPSHOT_INDEX);
    assertThat(SnapshotCodec.encode(s)).isEqualTo(bytes);
    assertThat(s.audit().size()).isEqualTo(FormatFixtureLog.SNAPSHOT_INDEX - 3);
    assertThat(s.users().get("usr_carol").status()).isEqualTo(UserStatus.EXPIRED);
    assertThat(s.users().get("usr_bob").usedBytes()).isZero();
    assertThat(s.endpoints()).containsKeys("ep_ss", "ep_vless", "ep_trojan", "ep_c");
  }

  @Test
  void log_replayedOnTheSnapshot_reachesTheRecordedState() throws IOException {
    RaftrayStateMachine sm = restored();
    List<byte[]> log = log();
    for (int i = FormatFixtureLog.SNAPSHOT_INDEX + 1; i <= log.size(); i++) {
      apply(sm, i, log.get(i - 1));
    }
    assertRecordedState(sm.view());
  }

  @Test
  void log_replayedFromEmpty_passesTheSnapshotAndReachesTheRecordedState() throws IOException {
    RaftrayStateMachine sm = new RaftrayStateMachine(Clock.systemUTC(), AUDIT_RETENTION);
    byte[] snapshot = Files.readAllBytes(DIR.resolve(SNAPSHOT));
    List<byte[]> log = log();
    List<Result> results = new ArrayList<>();
    for (int i = 1; i <= log.size(); i++) {
      results.add(apply(sm, i, log.get(i - 1)));
      if (i == FormatFixtureLog.SNAPSHOT_INDEX) {
        assertThat(SnapshotCodec.encode(sm.view())).isEqualTo(snapshot);
      }
    }
    assertRecordedState(sm.view());
    List<Integer> rejected = new ArrayList<>();
    for (int i = 0; i < results.size(); i++) {
      assertThat(results.get(i).index()).isEqualTo(i + 1);
      if (!results.get(i).ok()) {
        rejected.add(i + 1);
      }
    }
    // Only the second user named alice2 is refused; every other entry applies.
    assertThat(rejected).containsExactly(FormatFixtureLog.SNAPSHOT_INDEX + 2);
    assertThat(results.get(FormatFixtureLog.SNAPSHOT_INDEX + 1).error())
        .isEqualTo(ErrorKind.CONFLICT);
  }

  @Test
  void logEntries_decodeAndReencodeToTheSameBytes() throws IOException {
    List<String> types = new ArrayList<>();
    for (byte[] entry : log()) {
      CommandEnvelope env = CommandCodec.decode(entry);
      assertThat(CommandCodec.encode(env)).isEqualTo(entry);
      types.add(env.command().action());
    }
    assertThat(types)
        .contains(
            "bootstrap",
            "user.create",
            "user.update",
            "user.delete",
            "user.reset_usage",
            "user.rotate_subscription",
            "endpoint.create",
            "endpoint.update",
            "endpoint.delete",
            "grant.create",
            "grant.update",
            "grant.delete",
            "admin_token.create",
            "admin_token.revoke",
            "node.update",
            "node.add",
            "node.activate",
            "node.remove",
            "node.renew_certificate",
            "node.report_xray",
            "join_token.create",
            "join_token.revoke",
            "join_request.create",
            "join_request.approve",
            "join_request.reject",
            "subscription_settings.update",
            "usage.report",
            "users.tick");
  }

  private static void assertRecordedState(State s) throws IOException {
    assertThat(s.appliedIndex()).isEqualTo(log().size());
    assertThat(SnapshotCodec.digest(s))
        .isEqualTo(Files.readString(DIR.resolve("state.sha256")).strip());
    assertThat(s.clusterId()).isEqualTo("cluster-fx");
    assertThat(s.nodes()).containsOnlyKeys("node_a", "node_b", "node_c");
    assertThat(s.nodes().get("node_a").name()).isEqualTo("alpha");
    assertThat(s.nodes().get("node_b").certSerial()).isEqualTo("1b");
    assertThat(s.nodes().get("node_c").status()).isEqualTo(NodeStatus.REMOVED);
    assertThat(s.revokedSerials()).containsExactly("0b", "0c");
    assertThat(s.users()).containsOnlyKeys("usr_alice", "usr_bob", "usr_carol");
    assertThat(s.userIdByName()).containsOnlyKeys("alice2", "bob", "carol");
    assertThat(s.userIdBySubscriptionToken().get("sub-alice-rotated")).isEqualTo("usr_alice");
    assertThat(s.users().get("usr_alice").uplinkBytes()).isEqualTo(1100);
    assertThat(s.users().get("usr_alice").lifetimeUsedBytes()).isEqualTo(3300);
    assertThat(s.users().get("usr_bob").status()).isEqualTo(UserStatus.ACTIVE);
    assertThat(s.users().get("usr_bob").usedBytes()).isEqualTo(16_000);
    assertThat(s.users().get("usr_bob").onHoldExpireSeconds()).isEqualTo(3600);
    assertThat(s.users().get("usr_carol").status()).isEqualTo(UserStatus.EXPIRED);
    assertThat(s.endpoints()).containsOnlyKeys("ep_vless", "ep_trojan", "ep_c");
    assertThat(s.endpoints().get("ep_c").enabled()).isFalse();
    assertThat(s.endpoints().get("ep_trojan").port()).isEqualTo(8444);
    assertThat(s.endpoints().get("ep_vless").secrets()).containsKey("private_key");
    assertThat(s.grants()).containsOnlyKeys("grt_1", "grt_2", "grt_3");
    assertThat(s.grants().get("grt_2").enabled()).isTrue();
    assertThat(s.adminTokens()).hasSize(3);
    assertThat(s.adminTokens().get("tok_admin").revoked()).isTrue();
    assertThat(s.adminTokens().get("tok_owner").role()).isEqualTo(Role.OWNER);
    assertThat(s.joinTokens().get("jtk_multi").usedCount()).isEqualTo(2);
    assertThat(s.joinRequests()).hasSize(3);
    assertThat(s.subscriptionSettings().updateIntervalHours()).isEqualTo(6);
    assertThat(s.subscriptionSettings().uaRules()).hasSize(2);
    assertThat(s.nodeUsage("usr_alice")).containsOnlyKeys("node_a", "node_b");
    assertThat(s.usageSeq("node_a")).isEqualTo(1);
    assertThat(s.usageSeq("node_b")).isEqualTo(2);
    assertThat(s.xrayReports().get("node_b").status()).isEqualTo("failed");
    assertThat(s.audit().size()).isEqualTo(log().size() - 5);
  }

  /** A state machine started on a Ratis storage directory that holds the committed snapshot. */
  private RaftrayStateMachine restored() throws IOException {
    RaftStorage storage =
        RaftStorage.newBuilder()
            .setDirectory(tmp.toFile())
            .setOption(RaftStorage.StartupOption.FORMAT)
            .setStorageFreeSpaceMin(SizeInBytes.valueOf(0))
            .build();
    storage.initialize();
    File smDir = storage.getStorageDir().getStateMachineDir();
    for (String name : List.of(SNAPSHOT, SNAPSHOT + MD5FileUtil.MD5_SUFFIX)) {
      Files.copy(DIR.resolve(name), smDir.toPath().resolve(name));
    }
    RaftrayStateMachine sm = new RaftrayStateMachine(Clock.systemUTC(), AUDIT_RETENTION);
    sm.initialize(server(), RaftGroupId.valueOf(UUID.nameUUIDFromBytes(new byte[] {1})), storage);
    return sm;
  }

  /** Ratis only asks the server for its id while initializing a state machine. */
  private static RaftServer server() {
    RaftPeerId id = RaftPeerId.valueOf("fixture");
    return (RaftServer)
        Proxy.newProxyInstance(
            RaftServer.class.getClassLoader(),
            new Class<?>[] {RaftServer.class},
            (proxy, method, args) -> {
              if (method.getName().equals("getId")) {
                return id;
              }
              throw new UnsupportedOperationException(method.getName());
            });
  }

  /** Applies one logged entry as a follower does and returns its result. */
  private static Result apply(RaftrayStateMachine sm, long index, byte[] data) throws IOException {
    LogEntryProto entry =
        LogEntryProto.newBuilder()
            .setTerm(TERM)
            .setIndex(index)
            .setStateMachineLogEntry(
                StateMachineLogEntryProto.newBuilder().setLogData(ByteString.copyFrom(data)))
            .build();
    TransactionContext trx =
        TransactionContext.newBuilder()
            .setServerRole(RaftPeerRole.FOLLOWER)
            .setStateMachine(sm)
            .setLogEntry(entry)
            .build();
    Message m = sm.applyTransaction(trx).join();
    return CommandCodec.decodeResult(m.getContent().toByteArray());
  }

  private static List<byte[]> log() throws IOException {
    List<byte[]> out = new ArrayList<>();
    for (String line : Files.readAllLines(DIR.resolve("log.b64"), StandardCharsets.US_ASCII)) {
      if (!line.isBlank()) {
        out.add(Base64.getDecoder().decode(line));
      }
    }
    return out;
  }
}
