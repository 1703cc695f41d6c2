package io.raftray.api;

import io.raftray.state.Command;
import io.raftray.state.Replica;
import io.raftray.state.Result;
import io.raftray.state.State;

/** A replica whose pre-check view can be frozen while writes still apply underneath. */
final class StaleView implements Replica {
  private final Replica real;
  private volatile State frozen;
  private volatile boolean afterSubmit;

  StaleView(Replica real) {
    this.real = real;
  }

  void freeze() {
    frozen = real.view();
  }

  @Override
  public State view() {
    // Reads right after a submit see the real state, as the Replica contract promises.
    if (afterSubmit) {
      afterSubmit = false;
      return real.view();
    }
    return frozen == null ? real.view() : frozen;
  }

  @Override
  public Result submit(String actor, Command command) {
    Result r = real.submit(actor, command);
    afterSubmit = true;
    return r;
  }

  @Override
  public State linearizableView() {
    return real.linearizableView();
  }

  @Override
  public RaftStatus status() {
    return real.status();
  }
}
