package io.raftray.state;

import java.util.function.Function;

/**
 * The {@link SnapshotCodec#digest} of the latest view asked for, computed once per published view
 * (one per applied index) instead of once per call: encoding the whole state costs as much as a
 * snapshot, and {@code GET /api/v1/cluster} is polled. One per reader (no global state).
 */
public final class StateDigest {
  private record Cached(State state, String digest) {}

  private final Function<State, String> digester;
  private volatile Cached cached;

  public StateDigest() {
    this(SnapshotCodec::digest);
  }

  StateDigest(Function<State, String> digester) {
    this.digester = digester;
  }

  /** The digest of {@code s}; encodes only when {@code s} is not the view asked for last. */
  public String of(State s) {
    Cached c = cached;
    // Views are immutable and a new one is published for every applied index, so the same
    // instance means the same index and the same content.
    if (c != null && c.state() == s) {
      return c.digest();
    }
    String d = digester.apply(s);
    cached = new Cached(s, d);
    return d;
  }
}
