package io.raftray.cluster;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.client.retry.RequestTypeDependentRetryPolicy;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.proto.RaftProtos.RaftClientRequestProto.TypeCase;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.apache.ratis.retry.ExponentialBackoffRetry;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/** Translates a {@link RaftNodeConfig} into Ratis properties and the client's retry policy. */
final class RatisSettings {
  private static final long MIN_SEGMENT = 8 * 1024;

  /**
   * Largest log segment. Ratis keeps every entry of the open segment in the heap until it closes
   * (and the entries of the newest {@link #CACHED_SEGMENTS} closed ones): with 32 MiB segments a
   * node held its whole recent log, 10,000 users' worth, as a second copy beside the state.
   */
  private static final long MAX_SEGMENT = 1024 * 1024;

  /** Closed segments whose entries Ratis keeps in the heap (its default 6). */
  private static final int CACHED_SEGMENTS = 2;

  /** Bytes of log entries Ratis keeps in the heap at most, open segment included (its 200 MB). */
  private static final long SEGMENT_CACHE_MAX = 4L * 1024 * 1024;

  private static final long MAX_PREALLOCATED = 4L * 1024 * 1024;

  /**
   * Largest snapshot chunk the leader sends in one InstallSnapshot request (Ratis' default is 16
   * MB); the Raft route's body cap ({@link #MAX_RAFT_BODY}) is derived from it.
   */
  static final int SNAPSHOT_CHUNK_MAX = 4 * 1024 * 1024;

  /** Bytes of log entries the leader batches into one AppendEntries (Ratis' default, 4 MB). */
  static final int APPEND_BUFFER_MAX = 4 * 1024 * 1024;

  /** Room in the log's write buffer beyond one full append batch (Ratis needs 8 bytes). */
  private static final int WRITE_BUFFER_SLACK = 64 * 1024;

  /** The largest body {@code /cluster/v1/raft} accepts: a chunk or a batch, plus the envelope. */
  static final int MAX_RAFT_BODY = Math.max(SNAPSHOT_CHUNK_MAX, APPEND_BUFFER_MAX) + 1024 * 1024;

  /**
   * The client's first retry sleeps about {@link #RETRY_FIRST}, each further one twice as long, up
   * to {@link #RETRY_MAX}. Ratis' {@link ExponentialBackoffRetry} sleeps base x 2^attempt (the
   * first failure is attempt 1) with +-50 % jitter, so its base is half the first sleep.
   */
  static final Duration RETRY_FIRST = Duration.ofMillis(10);

  /**
   * The longest sleep between two retries: below the LAN preset's election timeout, so a client
   * finds a new leader soon after it is elected; on WAN about ten tries per election.
   */
  static final Duration RETRY_MAX = Duration.ofMillis(200);

  /** Ratis property (ours) that selects {@link PipelinedLogAppender}; see {@link #of}. */
  static final String PIPELINED_REPLICATION_KEY = "raftray.replication.pipelined";

  private RatisSettings() {}

  /** Whether {@link HttpsRpcFactory} gives leaders the pipelined appender. */
  static boolean pipelinedReplication(RaftProperties p) {
    return Boolean.TRUE.equals(p.getBoolean(PIPELINED_REPLICATION_KEY, false));
  }

  static RaftProperties of(RaftNodeConfig cfg) {
    var p = new RaftProperties();
    RaftConfigKeys.Rpc.setType(p, new HttpsRpcType());
    RaftServerConfigKeys.setStorageDir(p, List.of(cfg.storageDir().toFile()));
    RaftServerConfigKeys.Rpc.setTimeoutMin(p, ratis(cfg.electionTimeoutMin()));
    RaftServerConfigKeys.Rpc.setTimeoutMax(p, ratis(cfg.electionTimeoutMax()));
    RaftServerConfigKeys.Rpc.setRequestTimeout(p, ratis(cfg.requestTimeout()));
    RaftClientConfigKeys.Rpc.setRequestTimeout(p, ratis(cfg.requestTimeout()));
    RaftServerConfigKeys.Log.Appender.setSnapshotChunkSizeMax(
        p, SizeInBytes.valueOf(SNAPSHOT_CHUNK_MAX));
    RaftServerConfigKeys.Log.Appender.setBufferByteLimit(p, SizeInBytes.valueOf(APPEND_BUFFER_MAX));
    // Memory (docs/operations.md, "Memory"): the log worker's direct write buffer must hold the
    // largest entry (at most the append batch, plus 8 bytes of framing); Ratis' default is 8 MiB,
    // all of it zeroed and so resident.
    RaftServerConfigKeys.Log.setWriteBufferSize(
        p, SizeInBytes.valueOf(APPEND_BUFFER_MAX + WRITE_BUFFER_SLACK));
    RaftServerConfigKeys.Log.setSegmentCacheNumMax(p, CACHED_SEGMENTS);
    RaftServerConfigKeys.Log.setSegmentCacheSizeMax(p, SizeInBytes.valueOf(SEGMENT_CACHE_MAX));
    // Followers answer linearizable reads themselves after a ReadIndex round trip to the leader.
    RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
    if (cfg.pipelinedReplication()) {
      p.setBoolean(PIPELINED_REPLICATION_KEY, true);
      // Ratis' log-metadata entries stay ON even here, although the pipelined appender tells
      // followers of a commit at once: without them a restarted node applies nothing from its log
      // until a leader tells it the commit index, and it cannot accept that leader's appends while
      // its (unapplied) state does not know the leader (ClusterAuth: "unknown node"). The fault
      // run caught this (docs/ARCHITECTURE.md, "Replication"; docs/operations.md, "Replication
      // mode").
    }
    if (cfg.snapshotThreshold() > 0) {
      RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
      RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, cfg.snapshotThreshold());
      RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
      // Keep the newest two snapshots (one spare if the newest is damaged), not all of them.
      RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, 2);
      // Ratis purges only closed segments and at least purge-gap entries at a time: keep both
      // within about one snapshot interval, so the log really shrinks to the snapshot and a node
      // that is far behind (or new) is caught up by installing the snapshot.
      RaftServerConfigKeys.Log.setPurgeGap(p, (int) Math.min(1024, cfg.snapshotThreshold()));
      long segment = Math.clamp(cfg.snapshotThreshold() * 1024, MIN_SEGMENT, MAX_SEGMENT);
      RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf(segment));
      RaftServerConfigKeys.Log.setPreallocatedSize(
          p, SizeInBytes.valueOf(Math.min(segment, MAX_PREALLOCATED)));
    }
    return p;
  }

  /**
   * Retries every request type with exponential backoff ({@link #RETRY_FIRST} doubling to {@link
   * #RETRY_MAX}, jittered) until {@code deadline} has passed since the request was first sent; the
   * last sleep may end up to {@link #RETRY_MAX} after it. Ratis' default retries forever, which
   * would hang writes in a minority. Leaders that point the client at the new leader (a {@code
   * NotLeaderException} naming it) are retried at once: Ratis skips the sleep for them.
   */
  static RetryPolicy boundedRetry(Duration deadline) {
    RetryPolicy backoff =
        ExponentialBackoffRetry.newBuilder()
            .setBaseSleepTime(ratis(RETRY_FIRST.dividedBy(2)))
            .setMaxSleepTime(ratis(RETRY_MAX))
            .build();
    RequestTypeDependentRetryPolicy.Builder b = RequestTypeDependentRetryPolicy.newBuilder();
    for (TypeCase type : TypeCase.values()) {
      if (type != TypeCase.TYPE_NOT_SET) {
        // The leader's state machine refused a write before logging it (who may submit what,
        // state/Authority): the same submission is refused again, so answer at once.
        b.setRetryPolicy(type, type == TypeCase.WRITE ? new RefusalEndsRetries(backoff) : backoff);
        b.setTimeout(type, ratis(deadline));
      }
    }
    return b.build();
  }

  /**
   * No retry after a {@link StateMachineException}, else {@code backoff} with the request's attempt
   * count. (Ratis' {@code ExceptionDependentRetry} would hand {@code backoff} the count of failures
   * of the same exception class instead, restarting the backoff whenever the cause changes.)
   */
  private record RefusalEndsRetries(RetryPolicy backoff) implements RetryPolicy {
    @Override
    public Action handleAttemptFailure(Event event) {
      return event.getCause() instanceof StateMachineException
          ? NO_RETRY_ACTION
          : backoff.handleAttemptFailure(event);
    }
  }

  private static TimeDuration ratis(Duration d) {
    return TimeDuration.valueOf(d.toMillis(), TimeUnit.MILLISECONDS);
  }
}
