package io.raftray.http;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import org.jspecify.annotations.NullMarked;

/**
 * Counts failures per key (a client address, see {@link ClientAddress#limitKey}) in a fixed window
 * and says when a key is over its limit. The table holds at most {@code capacity} keys: the least
 * recently touched key is dropped first, so a flood of fresh addresses costs bounded memory (and
 * only forgets the quietest offenders).
 *
 * <p>Thread-safe; one lock, held for a map operation only.
 */
@NullMarked
public final class FailureLimiter {
  private final Clock clock;
  private final int limit;
  private final long windowMillis;
  private final int capacity;
  private final LinkedHashMap<String, long[]> windows;

  /**
   * @param limit failures allowed per key and window
   * @param windowMillis the window length
   * @param capacity the most keys tracked at once
   */
  public FailureLimiter(Clock clock, int limit, long windowMillis, int capacity) {
    if (limit < 1 || windowMillis < 1 || capacity < 1) {
      throw new IllegalArgumentException("limit, window and capacity must be positive");
    }
    this.clock = clock;
    this.limit = limit;
    this.windowMillis = windowMillis;
    this.capacity = capacity;
    // Access order: get and put move a key to the young end; the eldest is evicted past capacity.
    this.windows =
        new LinkedHashMap<>(16, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, long[]> eldest) {
            return size() > FailureLimiter.this.capacity;
          }
        };
  }

  /** Seconds until {@code key} may fail again when it is over the limit now; empty otherwise. */
  public OptionalLong blockedFor(String key) {
    long now = clock.millis();
    synchronized (windows) {
      long[] w = windows.get(key);
      if (w == null) {
        return OptionalLong.empty();
      }
      if (now - w[0] >= windowMillis) {
        windows.remove(key);
        return OptionalLong.empty();
      }
      if (w[1] < limit) {
        return OptionalLong.empty();
      }
      return OptionalLong.of(Math.max(1, (w[0] + windowMillis - now + 999) / 1000));
    }
  }

  /** Counts one failure of {@code key}. */
  public void fail(String key) {
    long now = clock.millis();
    synchronized (windows) {
      long[] w = windows.get(key);
      if (w == null || now - w[0] >= windowMillis) {
        windows.put(key, new long[] {now, 1});
      } else {
        w[1]++;
      }
    }
  }

  /** Keys tracked now (never more than the capacity). */
  public int size() {
    synchronized (windows) {
      return windows.size();
    }
  }
}
