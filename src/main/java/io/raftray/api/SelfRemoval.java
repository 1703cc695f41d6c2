package io.raftray.api;

import io.raftray.model.Node;
import io.raftray.model.NodeStatus;
import io.raftray.state.Replica;
import io.raftray.state.State;
import java.util.Optional;

/**
 * A node removed from the cluster may keep running (its operator has not stopped it yet). It still
 * answers reads from the state it has, but refuses writes and reports not ready, with this reason.
 */
final class SelfRemoval {
  private SelfRemoval() {}

  /**
   * The reason to give when {@code nodeId}'s own record in {@code s} is {@code removed}, or when
   * {@code replica} learned from the members that it was removed while it was down.
   */
  static Optional<String> reason(Replica replica, State s, String nodeId) {
    Node n = s.nodes().get(nodeId);
    if (n == null || n.status() != NodeStatus.REMOVED) {
      return replica.removedNotice();
    }
    return Optional.of(
        "this node was removed from the cluster at "
            + n.updatedAt()
            + "; it no longer serves the cluster");
  }
}
