package io.raftray.daemon;

import io.raftray.model.ErrorKind;
import io.raftray.model.RaftrayException;
import io.raftray.state.Command;
import io.raftray.state.Replica;
import io.raftray.state.Result;
import io.raftray.state.State;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;

/**
 * Lets the listener come up before Raft (peers must reach this node while it starts): until the
 * Raft replica is set, reads see an empty state and writes answer 503.
 */
@NullMarked
final class StartingReplica implements Replica {
  private volatile @Nullable Replica delegate;
  private final String nodeId;

  StartingReplica(String nodeId) {
    this.nodeId = nodeId;
  }

  void set(Replica replica) {
    this.delegate = replica;
  }

  @Override
  public State view() {
    Replica d = delegate;
    return d == null ? State.empty() : d.view();
  }

  @Override
  public Result submit(String actor, Command command) {
    return ready().submit(actor, command);
  }

  @Override
  public Result submit(String actor, String credential, Command command) {
    return ready().submit(actor, credential, command);
  }

  @Override
  public State linearizableView() {
    return ready().linearizableView();
  }

  @Override
  public RaftStatus status() {
    Replica d = delegate;
    return d != null
        ? d.status()
        : new RaftStatus(nodeId, Optional.empty(), 0, "STARTING", 0, 0, List.of());
  }

  @Override
  public void removeVoter(String nodeId) {
    ready().removeVoter(nodeId);
  }

  @Override
  public void transferLeadership(String nodeId, Duration timeout) {
    ready().transferLeadership(nodeId, timeout);
  }

  @Override
  public Optional<Progress> progress() {
    Replica d = delegate;
    return d == null ? Optional.empty() : d.progress();
  }

  @Override
  public Optional<String> halted() {
    Replica d = delegate;
    return d == null ? Optional.empty() : d.halted();
  }

  @Override
  public Optional<String> removedNotice() {
    Replica d = delegate;
    return d == null ? Optional.empty() : d.removedNotice();
  }

  private Replica ready() {
    Replica d = delegate;
    if (d == null) {
      throw new RaftrayException(ErrorKind.UNAVAILABLE, "node is starting");
    }
    return d;
  }
}
