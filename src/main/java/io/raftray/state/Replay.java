package io.raftray.state;

import java.io.IOException;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;

/**
 * Applies log entries to a state offline, as {@link RaftrayStateMachine} does online: a
 * state-machine entry through {@link Store#apply}, any other entry (configuration, leader no-op,
 * commit metadata) only advances the applied index. Used by {@code raftray recover} on a stopped
 * node's own committed log.
 */
public final class Replay {
  private State state;

  public Replay(State from) {
    this.state = from;
  }

  /** The state after every entry so far. */
  public State state() {
    return state;
  }

  /**
   * Applies {@code e} when it follows the applied index; entries at or below it are skipped. An
   * entry that cannot be decoded or applied, or a gap, is an IOException naming its index.
   */
  public void apply(LogEntryProto e) throws IOException {
    long index = e.getIndex();
    if (index <= state.appliedIndex()) {
      return;
    }
    if (index != state.appliedIndex() + 1) {
      throw new IOException(
          "the log has no entry " + (state.appliedIndex() + 1) + " (next is " + index + ")");
    }
    if (!e.hasStateMachineLogEntry()) {
      state = state.withIndex(index);
      return;
    }
    CommandEnvelope env;
    try {
      env = CommandCodec.decode(e.getStateMachineLogEntry().getLogData().toByteArray());
    } catch (IOException ex) {
      throw new IOException("cannot decode log entry " + index + " (written by a newer release?)");
    }
    try {
      state = Store.apply(state, env, index).state();
    } catch (RuntimeException ex) {
      throw new IOException(
          "applying log entry " + index + " (" + env.command().action() + ") failed", ex);
    }
  }
}
