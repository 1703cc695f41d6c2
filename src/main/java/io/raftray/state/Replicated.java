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

  /**
   * Drops a voter from the Raft group (one membership change at a time) and returns once the new
   * configuration is committed.
   *
   * @throws io.raftray.model.RaftrayException UNAVAILABLE when the change could not be committed
   */
  default void removeVoter(String nodeId) {
    throw new io.raftray.model.RaftrayException(
        io.raftray.model.ErrorKind.UNAVAILABLE, "raft membership changes are not available here");
  }

  /**
   * Moves Raft leadership to {@code nodeId} and returns once it leads.
   *
   * @throws io.raftray.model.RaftrayException UNAVAILABLE when it did not happen within {@code
   *     timeout}
   */
  default void transferLeadership(String nodeId, java.time.Duration timeout) {
    throw new io.raftray.model.RaftrayException(
        io.raftray.model.ErrorKind.UNAVAILABLE, "leadership transfer is not available here");
  }

  /** Replication progress as this node sees it; empty without Raft. */
  default Optional<Progress> progress() {
    return Optional.empty();
  }

  /**
   * Peers' replication progress from {@code viewFrom}'s point of view: on the leader every follower
   * (match index, milliseconds since its last answer), on a follower only the leader.
   */
  record Progress(String viewFrom, long commitIndex, java.util.Map<String, Peer> peers) {}

  /** {@code matchIndex} is null when the viewing node is not the leader. */
  record Peer(Long matchIndex, long lastContactMs) {}

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
