package io.raftray.state;

import org.jspecify.annotations.Nullable;

/**
 * What a node sends to the Raft leader for a write, in the Raft client request: the envelope to
 * log, the id of the submitting node and, for admin commands, the admin token that authorized it.
 * The leader checks the envelope against both ({@link Authority}) and logs the envelope alone: the
 * credential never reaches the log. The node is checked at the network edge against the node that
 * signed the request (a member cannot submit in another node's name); a submission from the
 * leader's own client never crosses the network.
 *
 * @param version {@link #VERSION}; a message without it (an envelope of an older release) is
 *     refused
 * @param credential the admin's bearer token, or null for node commands; last, so that the short
 *     prefix of the message Ratis prints in some exceptions never reaches it
 */
public record Submission(
    int version, String node, CommandEnvelope envelope, @Nullable String credential) {
  public static final int VERSION = 1;

  public static Submission of(String node, @Nullable String credential, CommandEnvelope envelope) {
    return new Submission(VERSION, node, envelope, credential);
  }

  @Override
  public String toString() {
    return "Submission[node="
        + node
        + ", credential="
        + (credential == null ? "none" : "<redacted>")
        + ", action="
        + (envelope == null || envelope.command() == null ? "?" : envelope.command().action())
        + "]";
  }
}
