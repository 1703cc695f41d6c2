package io.raftray.state;

import java.io.IOException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * {@link Replica} without Raft: applies commands straight to {@link Store} under a lock. For unit
 * tests of the layers above the state machine; the daemon always uses Raft.
 */
public final class LocalReplica implements Replica {
  private final Clock clock;
  private final String nodeId;
  private volatile State view;

  public LocalReplica(Clock clock, String nodeId, State initial) {
    this.clock = clock;
    this.nodeId = nodeId;
    this.view = initial;
  }

  @Override
  public State view() {
    return view;
  }

  @Override
  public synchronized Result submit(String actor, Command command) {
    CommandEnvelope env =
        CommandEnvelope.of(actor, command)
            .stampedAt(clock.instant().truncatedTo(ChronoUnit.MILLIS));
    // Round-trip through the log encoding so tests catch commands that do not serialize.
    try {
      env = CommandCodec.decode(CommandCodec.encode(env));
    } catch (IOException e) {
      throw new IllegalStateException("command does not survive encoding", e);
    }
    Store.Applied a = Store.apply(view, env, view.appliedIndex() + 1);
    view = a.state();
    return a.result();
  }

  @Override
  public State linearizableView() {
    return view;
  }

  @Override
  public RaftStatus status() {
    return new RaftStatus(
        nodeId,
        Optional.of(nodeId),
        1,
        "LEADER",
        view.appliedIndex(),
        view.appliedIndex(),
        List.of(nodeId));
  }
}
