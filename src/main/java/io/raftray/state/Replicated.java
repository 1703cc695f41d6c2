package io.raftray.state;

import java.util.List;
import java.util.Optional;

/**
 * What the REST layer needs from the replicated state: the local view, writes through Raft, and
 * linearizable reads. Implemented over Ratis by the daemon and directly over {@link Store} for unit
 * tests.
 */
public interface Replicated {

  /** The locally applied view (stale by at most the replication lag). Never blocks. */
  State view();

  /**
   * Commits the command through the Raft leader and returns its result once the LOCAL view has
   * applied it, so a read right after sees the write.
   *
   * @throws io.raftray.model.RaftrayException of kind UNAVAILABLE when no leader commits it within
   *     the write deadline
   */
  Result submit(String actor, Command command);

  /** A view that includes every write committed before this call (Raft ReadIndex). */
  State linearizableView();

  /** Raft status for probes, metrics and {@code GET /api/v1/cluster}. */
  RaftStatus status();

  /** Snapshot of the local Raft server's status. */
  record RaftStatus(
      String localId,
      Optional<String> leaderId,
      long term,
      String role,
      long commitIndex,
      long appliedIndex,
      List<String> memberIds) {}
}
