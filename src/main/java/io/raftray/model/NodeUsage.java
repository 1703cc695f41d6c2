package io.raftray.model;

/**
 * One user's traffic through one node: {@code uplinkBytes}/{@code downlinkBytes} in the user's
 * current period (zeroed with the user's period usage), {@code lifetimeUsedBytes} never goes back.
 * The sum over all nodes of the period fields equals the user's period usage for traffic counted
 * since the breakdown existed.
 */
public record NodeUsage(long uplinkBytes, long downlinkBytes, long lifetimeUsedBytes) {
  public static final NodeUsage ZERO = new NodeUsage(0, 0, 0);

  public NodeUsage plus(long up, long down) {
    return new NodeUsage(
        add(uplinkBytes, up), add(downlinkBytes, down), add(lifetimeUsedBytes, add(up, down)));
  }

  /** The same lifetime usage with the period usage set back to zero. */
  public NodeUsage periodReset() {
    return new NodeUsage(0, 0, lifetimeUsedBytes);
  }

  /** Saturating addition of non-negative byte counts: never wraps to a negative value. */
  public static long add(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
  }
}
