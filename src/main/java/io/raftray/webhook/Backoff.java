package io.raftray.webhook;

import java.time.Duration;

/**
 * Retry delays of one webhook: {@code base} doubled per failed attempt, at most {@code cap}
 * (defaults 1 s and 5 min: a receiver down for an hour is asked about every 5 minutes). The {@code
 * jitter} fraction (0-1) spreads retries of many webhooks; tests pass 0.
 */
record Backoff(Duration base, Duration cap, double jitter) {
  static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5), 0.2);

  Backoff {
    if (base.isNegative() || base.isZero() || cap.compareTo(base) < 0) {
      throw new IllegalArgumentException("backoff needs 0 < base <= cap");
    }
    if (jitter < 0 || jitter > 1) {
      throw new IllegalArgumentException("jitter must be 0-1");
    }
  }

  /**
   * The delay after failed attempt {@code attempt} (1 = the first), before jitter; {@code random}
   * in [0, 1) takes up to {@code jitter} of it off.
   */
  Duration after(int attempt, double random) {
    long baseMs = base.toMillis();
    int shift = Math.min(Math.max(attempt - 1, 0), 30);
    long ms = baseMs << shift;
    if (ms <= 0 || ms > cap.toMillis() || (ms >> shift) != baseMs) {
      ms = cap.toMillis();
    }
    return Duration.ofMillis(Math.round(ms * (1 - jitter * random)));
  }
}
