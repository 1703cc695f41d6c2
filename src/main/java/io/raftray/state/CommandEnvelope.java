package io.raftray.state;

import java.time.Instant;

/**
 * What goes into the Raft log: a schema version, the leader-stamped time, who asked (admin token id
 * or node id) and the command. The leader overwrites {@code at} just before the entry is logged, so
 * every replica sees the same time.
 */
public record CommandEnvelope(int schema, Instant at, String actor, Command command) {
  /** Current log entry schema. Bump it and keep reading old versions when commands change. */
  public static final int SCHEMA = 1;

  public static CommandEnvelope of(String actor, Command command) {
    return new CommandEnvelope(SCHEMA, null, actor, command);
  }

  public CommandEnvelope stampedAt(Instant leaderTime) {
    return new CommandEnvelope(schema, leaderTime, actor, command);
  }
}
