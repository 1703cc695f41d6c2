package io.raftray.cluster;

import java.util.HashMap;
import java.util.Map;

/**
 * Nonces seen within the clock-skew window, each kept until its request's timestamp leaves the
 * window (after that the timestamp check alone rejects a replay). Bounded: when full of live
 * entries it refuses new ones rather than forgetting old ones, since forgetting would reopen
 * replays. Only requests with a valid signature reach it, so only members can fill it.
 */
final class NonceCache {
  enum Result {
    FRESH,
    REPLAYED,
    FULL
  }

  private static final long PURGE_INTERVAL_MILLIS = 1_000;

  private final int capacity;
  private final Map<String, Long> expiries = new HashMap<>();
  private long nextPurge = Long.MIN_VALUE;

  NonceCache(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("nonce cache capacity must be >= 1");
    }
    this.capacity = capacity;
  }

  /** Records {@code key} until {@code expiresAt}; says whether it was already there. */
  synchronized Result remember(String key, long expiresAt, long now) {
    if (now >= nextPurge || expiries.size() >= capacity) {
      expiries.values().removeIf(e -> e < now);
      nextPurge = now + PURGE_INTERVAL_MILLIS;
    }
    Long previous = expiries.get(key);
    if (previous != null && previous >= now) {
      return Result.REPLAYED;
    }
    if (expiries.size() >= capacity) {
      return Result.FULL;
    }
    expiries.put(key, expiresAt);
    return Result.FRESH;
  }

  synchronized int size() {
    return expiries.size();
  }
}
