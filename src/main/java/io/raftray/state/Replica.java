package io.raftray.state;

import io.raftray.model.ErrorKind;
import io.raftray.model.RaftrayException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * This node's replica of the cluster state: the one handle every service uses to read the local
 * view, write through Raft and read linearizably. Implemented over Ratis by the daemon ({@code
 * RaftReplica}, behind {@code StartingReplica} while Raft starts) and directly over {@link Store}
 * for unit tests ({@link LocalReplica}). Fields and parameters of this type are named {@code
 * replica}.
 */
public interface Replica {

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

  /**
   * Commits an admin's command: {@code credential} is the bearer token the admin presented, which
   * the leader verifies against the replicated token hashes and the role the command needs before
   * it logs the command (without the credential). A command the leader refuses commits nothing and
   * throws a FORBIDDEN {@link io.raftray.model.RaftrayException}. Without Raft (unit tests) the
   * credential is not checked.
   */
  default Result submit(String actor, String credential, Command command) {
    return submit(actor, command);
  }

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
    throw new RaftrayException(
        ErrorKind.UNAVAILABLE, "raft membership changes are not available here");
  }

  /**
   * Moves Raft leadership to {@code nodeId} and returns once it leads.
   *
   * @throws io.raftray.model.RaftrayException UNAVAILABLE when it did not happen within {@code
   *     timeout}
   */
  default void transferLeadership(String nodeId, Duration timeout) {
    throw new RaftrayException(ErrorKind.UNAVAILABLE, "leadership transfer is not available here");
  }

  /**
   * Why this replica stopped applying the log (it met an entry it cannot decode or apply), or empty
   * while it applies normally. A halted replica serves no cluster data: the API answers 503 and
   * {@code /readyz} reports this reason.
   */
  default Optional<String> halted() {
    return Optional.empty();
  }

  /**
   * Why this node no longer serves the cluster although its own view does not say it was removed:
   * it was removed while it was down, and the members it knows told it so when it came back (they
   * refuse its requests as those of a removed node). Empty otherwise. Like a removal in the view,
   * writes answer 409 and {@code /readyz} 503 with this reason; reads still answer.
   */
  default Optional<String> removedNotice() {
    return Optional.empty();
  }

  /** Replication progress as this node sees it; empty without Raft. */
  default Optional<Progress> progress() {
    return Optional.empty();
  }

  /**
   * Peers' replication progress from {@code viewFrom}'s point of view: on the leader every follower
   * (match index, milliseconds since its last answer), on a follower only the leader.
   */
  record Progress(String viewFrom, long commitIndex, Map<String, Peer> peers) {}

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
