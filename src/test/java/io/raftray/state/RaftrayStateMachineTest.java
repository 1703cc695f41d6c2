package io.raftray.state;

import static io.raftray.state.Fixtures.T0;
import static io.raftray.state.Fixtures.bootstrap;
import static io.raftray.state.Fixtures.env;
import static io.raftray.state.Fixtures.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.raftray.model.AdminToken;
import io.raftray.model.Role;
import io.raftray.testing.MutableClock;
import java.io.File;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executor;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.StateMachineLogEntryProto;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.MD5FileUtil;
import org.apache.ratis.util.SizeInBytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Ratis adapter as Ratis drives it: entries fed as a follower applies them, transactions
 * started as the leader stamps them, snapshots taken on a real Ratis storage directory.
 */
@Timeout(30)
class RaftrayStateMachineTest {
  static final long TERM = 1;

  @TempDir Path tmp;

  private final MutableClock clock = new MutableClock(T0);
  private final List<Path> synced = new ArrayList<>();
  private final List<List<String>> filesAtSync = new ArrayList<>();

  /** What a newer release could write: a command type this release does not know. */
  static byte[] unknownCommandType() {
    return ("{\"schema\":1,\"at\":\"2026-01-01T00:00:05Z\",\"actor\":\"tok_owner\","
            + "\"command\":{\"type\":\"squad.create\",\"squad\":{\"id\":\"sqd_1\"}}}")
        .getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void undecodableEntry_haltsTheReplica_andNothingAfterItIsApplied() throws IOException {
    RaftrayStateMachine sm = started();
    assertThat(apply(sm, 1, CommandCodec.encode(env(bootstrap(), T0))).ok()).isTrue();

    Throwable failed = catchThrowable(() -> apply(sm, 2, unknownCommandType()));

    assertThat(failed).isNotNull();
    assertThat(sm.halted()).isPresent();
    assertThat(sm.halted().orElseThrow()).contains("log entry 2").contains("squad.create");
    assertThat(sm.view().appliedIndex()).isEqualTo(1);

    // A later, perfectly readable entry must not be applied past the one that could not be.
    byte[] later =
        CommandCodec.encode(
            env(new Command.CreateUser(user("usr_1", "alice", 0)), T0.plusSeconds(6)));
    assertThat(catchThrowable(() -> apply(sm, 3, later))).isNotNull();
    sm.notifyTermIndexUpdated(TERM, 4);

    assertThat(sm.view().appliedIndex()).isEqualTo(1);
    assertThat(sm.view().users()).isEmpty();
    assertThat(sm.getLastAppliedTermIndex().getIndex()).isEqualTo(1);
    // No snapshot past the hole either: the log stays for a release that can read it.
    assertThat(sm.takeSnapshot()).isEqualTo(RaftLog.INVALID_LOG_INDEX);
  }

  @Test
  void entryWhoseApplyThrows_haltsTheReplica() throws IOException {
    RaftrayStateMachine sm = started();
    apply(sm, 1, CommandCodec.encode(env(bootstrap(), T0)));

    // Decodes, but the rules cannot handle it: not a business rejection, a bug or a format gap.
    byte[] broken = CommandCodec.encode(env(new Command.CreateUser(null), T0.plusSeconds(1)));
    assertThat(catchThrowable(() -> apply(sm, 2, broken))).isNotNull();

    assertThat(sm.halted()).isPresent();
    assertThat(sm.halted().orElseThrow()).contains("log entry 2").contains("user.create");
    assertThat(sm.view().appliedIndex()).isEqualTo(1);
  }

  @Test
  void rejectedCommand_isAResult_notAHalt() throws IOException {
    RaftrayStateMachine sm = started();
    apply(sm, 1, CommandCodec.encode(env(bootstrap(), T0)));

    Result r = apply(sm, 2, CommandCodec.encode(env(bootstrap(), T0.plusSeconds(1))));

    assertThat(r.ok()).isFalse();
    assertThat(sm.halted()).isEmpty();
    assertThat(sm.view().appliedIndex()).isEqualTo(2);
  }

  @Test
  void newLeaderWithASlowClock_neverStampsBelowTheLastAppliedTime() throws IOException {
    RaftrayStateMachine sm = started();
    // The previous leader's clock was ahead: its last entry says 10:00:30.
    Instant previous = T0.plusSeconds(30);
    apply(sm, 1, CommandCodec.encode(env(bootstrap(), previous)));

    // This node's clock says 10:00:00 when it leads.
    Instant stamped = stamp(sm, new Command.UsersTick());
    assertThat(stamped).isEqualTo(previous);

    clock.advance(java.time.Duration.ofSeconds(45));
    assertThat(stamp(sm, new Command.UsersTick())).isEqualTo(T0.plusSeconds(45));
  }

  @Test
  void stampsOfOneLeader_neverGoBackwards_whenItsClockDoes() throws IOException {
    RaftrayStateMachine sm = started();
    apply(sm, 1, CommandCodec.encode(env(bootstrap(), T0)));
    clock.advance(java.time.Duration.ofSeconds(10));
    Instant first = stamp(sm, new Command.UsersTick());
    clock.advance(java.time.Duration.ofSeconds(-5));

    assertThat(stamp(sm, new Command.UsersTick())).isEqualTo(first);
  }

  @Test
  void takeSnapshot_syncsTheDirectoryAfterTheRename_beforeReturning() throws IOException {
    RaftrayStateMachine sm = started();
    apply(sm, 1, CommandCodec.encode(env(bootstrap(), T0)));

    long index = sm.takeSnapshot();

    assertThat(index).isEqualTo(1);
    File snap = sm.getStateMachineStorage().getSnapshotFile(TERM, 1);
    assertThat(synced).containsExactly(snap.getParentFile().toPath());
    // When the directory was synced, the snapshot had its final name and its checksum file.
    assertThat(filesAtSync.get(0))
        .contains(snap.getName(), snap.getName() + MD5FileUtil.MD5_SUFFIX)
        .noneMatch(n -> n.endsWith(".tmp"));
  }

  @Test
  void backgroundSnapshot_isReturnedToRatisOnlyOnceItsFileIsDurable() throws IOException {
    ArrayDeque<Runnable> writer = new ArrayDeque<>();
    RaftrayStateMachine sm = started(writer::add);
    apply(sm, 1, CommandCodec.encode(env(bootstrap(), T0)));
    File snap1 = sm.getStateMachineStorage().getSnapshotFile(TERM, 1);

    // Started, not written: nothing durable yet, so no index for Ratis to purge up to.
    assertThat(sm.takeSnapshot()).isEqualTo(RaftLog.INVALID_LOG_INDEX);
    assertThat(writer).hasSize(1);
    assertThat(snap1).doesNotExist();

    // The log goes on being applied meanwhile; asking again starts no second write.
    apply(
        sm,
        2,
        CommandCodec.encode(
            env(new Command.CreateUser(user("usr_1", "alice", 0)), T0.plusSeconds(1))));
    assertThat(sm.takeSnapshot()).isEqualTo(RaftLog.INVALID_LOG_INDEX);
    assertThat(writer).hasSize(1);

    writer.poll().run();
    // The file holds the view it was started from (index 1), complete, checksummed, synced.
    assertThat(snap1).exists();
    assertThat(synced).containsExactly(snap1.getParentFile().toPath());
    assertThat(filesAtSync.get(0)).contains(snap1.getName() + MD5FileUtil.MD5_SUFFIX);
    assertThat(SnapshotCodec.decode(Files.readAllBytes(snap1.toPath())).users()).isEmpty();
    assertThat(sm.getLatestSnapshot().getIndex()).isEqualTo(1);

    // Now index 1 is returned, and the newer view (index 2) is started in the same call.
    assertThat(sm.takeSnapshot()).isEqualTo(1);
    assertThat(writer).hasSize(1);
    writer.poll().run();
    assertThat(sm.takeSnapshot()).isEqualTo(2);
    // Nothing newer: no write, no index returned twice.
    assertThat(sm.takeSnapshot()).isEqualTo(RaftLog.INVALID_LOG_INDEX);
    assertThat(writer).isEmpty();
    File snap2 = sm.getStateMachineStorage().getSnapshotFile(TERM, 2);
    assertThat(SnapshotCodec.decode(Files.readAllBytes(snap2.toPath())).users())
        .containsKey("usr_1");
  }

  @Test
  void failedBackgroundSnapshot_returnsNoIndex_andTheNextCallTriesAgain() throws IOException {
    ArrayDeque<Runnable> writer = new ArrayDeque<>();
    failSyncs = 1;
    RaftrayStateMachine sm = started(writer::add);
    apply(sm, 1, CommandCodec.encode(env(bootstrap(), T0)));

    assertThat(sm.takeSnapshot()).isEqualTo(RaftLog.INVALID_LOG_INDEX);
    writer.poll().run(); // the directory sync fails: index 1 is not durable
    assertThat(sm.takeSnapshot()).isEqualTo(RaftLog.INVALID_LOG_INDEX);
    assertThat(writer).hasSize(1); // retried
    writer.poll().run();
    assertThat(sm.takeSnapshot()).isEqualTo(1);
  }

  @Test
  void result_isEncodedOnlyWhenItsContentIsRead() throws IOException {
    RaftrayStateMachine sm = started();
    Message m = applyMessage(sm, 1, CommandCodec.encode(env(bootstrap(), T0)));

    assertThat(m).isInstanceOf(RaftrayStateMachine.ResultMessage.class);
    assertThat(((RaftrayStateMachine.ResultMessage) m).encoded()).isFalse();
    assertThat(m.toString()).contains("index 1");
    assertThat(((RaftrayStateMachine.ResultMessage) m).encoded()).isFalse();

    Result r = CommandCodec.decodeResult(m.getContent().toByteArray());
    assertThat(((RaftrayStateMachine.ResultMessage) m).encoded()).isTrue();
    assertThat(r.ok()).isTrue();
    assertThat(r.index()).isEqualTo(1);
    assertThat(m.getContent()).isSameAs(m.getContent());
  }

  @Test
  void fsyncDirectory_worksOnARealDirectory() throws IOException {
    Files.writeString(tmp.resolve("f"), "x");
    RaftrayStateMachine.fsyncDirectory(tmp);
    assertThat(tmp.resolve("f")).exists();
  }

  // ---- helpers

  private int failSyncs;

  private RaftrayStateMachine started() throws IOException {
    return started(Runnable::run);
  }

  private RaftrayStateMachine started(Executor snapshotWriter) throws IOException {
    RaftStorage storage =
        RaftStorage.newBuilder()
            .setDirectory(tmp.resolve("raft").toFile())
            .setOption(RaftStorage.StartupOption.FORMAT)
            .setStorageFreeSpaceMin(SizeInBytes.valueOf(0))
            .build();
    storage.initialize();
    RaftrayStateMachine sm =
        new RaftrayStateMachine(
            clock,
            10_000,
            dir -> {
              if (failSyncs > 0) {
                failSyncs--;
                throw new IOException("injected directory sync failure");
              }
              synced.add(dir);
              try (var files = Files.list(dir)) {
                filesAtSync.add(files.map(p -> p.getFileName().toString()).toList());
              }
            },
            snapshotWriter);
    sm.initialize(server(), RaftGroupId.valueOf(UUID.nameUUIDFromBytes(new byte[] {2})), storage);
    return sm;
  }

  private static RaftServer server() {
    RaftPeerId id = RaftPeerId.valueOf("unit");
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

  /** Applies one logged entry as a follower does; throws when the state machine fails it. */
  static Result apply(RaftrayStateMachine sm, long index, byte[] data) throws IOException {
    Message m = applyMessage(sm, index, data);
    return CommandCodec.decodeResult(m.getContent().toByteArray());
  }

  /** Applies one logged entry as a follower does and returns the reply Ratis would keep. */
  static Message applyMessage(RaftrayStateMachine sm, long index, byte[] data) {
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
    return sm.applyTransaction(trx).join();
  }

  /** The time the leader puts into the log entry for node {@code node_a}'s command. */
  private static Instant stamp(RaftrayStateMachine sm, Command c) throws IOException {
    return logged(sm, Submission.of("node_a", null, CommandEnvelope.of("node_a", c))).at();
  }

  @Test
  void startTransaction_logsTheVerifiedEnvelope_withoutTheCredential() throws IOException {
    RaftrayStateMachine sm = started();
    apply(sm, 1, CommandCodec.encode(env(bootstrap(), T0)));
    AdminToken admin =
        new AdminToken("tok_adm", "adm", Role.ADMIN, Authority.tokenHash("the-secret"), T0, false);
    apply(sm, 2, CommandCodec.encode(env(new Command.CreateAdminToken(admin), T0)));
    Command create = new Command.CreateUser(user("usr_1", "alice", 0));

    byte[] log =
        logData(
            sm,
            Submission.of(
                "node_a", "rrt_tok_adm.the-secret", CommandEnvelope.of("tok_adm", create)));
    assertThat(new String(log, StandardCharsets.UTF_8)).doesNotContain("the-secret");
    CommandEnvelope env = CommandCodec.decode(log);
    assertThat(env.actor()).isEqualTo("tok_adm");
    assertThat(env.command()).isEqualTo(create);
    assertThat(env.at()).isNotNull();

    // A plain envelope (the previous release's write), no token, a forged actor: nothing logged.
    assertThat(
            catchThrowable(
                () ->
                    logData(
                        startTransaction(
                            sm, CommandCodec.encode(CommandEnvelope.of("tok_adm", create))))))
        .isInstanceOf(Authority.Refused.class)
        .hasMessageContaining("not a submission of this release");
    assertThat(
            catchThrowable(
                () ->
                    logged(
                        sm, Submission.of("node_a", null, CommandEnvelope.of("tok_adm", create)))))
        .isInstanceOf(Authority.Refused.class)
        .hasMessageContaining("needs an admin token");
    assertThat(
            catchThrowable(
                () ->
                    logged(
                        sm,
                        Submission.of(
                            "node_a",
                            "rrt_tok_adm.the-secret",
                            CommandEnvelope.of("tok_owner", create)))))
        .isInstanceOf(Authority.Refused.class)
        .hasMessageContaining("another actor")
        .hasMessageNotContaining("the-secret");
  }

  private static CommandEnvelope logged(RaftrayStateMachine sm, Submission s) throws IOException {
    return CommandCodec.decode(logData(sm, s));
  }

  /** What the leader logs for {@code s}; throws the refusal the transaction carries instead. */
  private static byte[] logData(RaftrayStateMachine sm, Submission s) throws IOException {
    return logData(startTransaction(sm, CommandCodec.encodeSubmission(s)));
  }

  private static byte[] logData(TransactionContext trx) throws IOException {
    if (trx.getException() != null) {
      // What the client gets back: the reason behind the marker, as a plain IOException.
      assertThat(trx.getException()).isExactlyInstanceOf(IOException.class);
      assertThat(trx.getException().getMessage()).startsWith(Authority.Refused.MARKER);
      throw new Authority.Refused(
          trx.getException().getMessage().substring(Authority.Refused.MARKER.length()));
    }
    return trx.getStateMachineLogEntry().getLogData().toByteArray();
  }

  private static TransactionContext startTransaction(RaftrayStateMachine sm, byte[] message)
      throws IOException {
    RaftClientRequest request =
        RaftClientRequest.newBuilder()
            .setClientId(ClientId.randomId())
            .setServerId(RaftPeerId.valueOf("unit"))
            .setGroupId(RaftGroupId.valueOf(UUID.nameUUIDFromBytes(new byte[] {2})))
            .setCallId(1)
            .setMessage(Message.valueOf(ByteString.copyFrom(message)))
            .setType(RaftClientRequest.writeRequestType())
            .build();
    return sm.startTransaction(request);
  }
}
