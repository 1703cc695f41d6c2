package io.raftray.xray;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Bytes per second of each inbound between the last two readings of the core's inbound counters
 * ({@code inbound>>>TAG>>>traffic>>>uplink|downlink}, read without reset, so the user counters the
 * traffic collector reads are untouched). A counter that went down belongs to a restarted core: its
 * rate is unknown until the next reading. Thread-safe.
 */
final class InboundRates {
  static final String PATTERN = "inbound>>>";
  private static final String UPLINK = ">>>traffic>>>uplink";
  private static final String DOWNLINK = ">>>traffic>>>downlink";

  private Map<String, Long> last = Map.of();
  private long lastNanos;
  private Map<String, DataPlane.Throughput> rates = Map.of();

  /** Records one reading taken at {@code nanos} ({@code System.nanoTime()}). */
  synchronized void sample(Map<String, Long> counters, long nanos) {
    Map<String, Long> now = new HashMap<>();
    counters.forEach(
        (name, value) -> {
          if (name.startsWith(PATTERN) && (name.endsWith(UPLINK) || name.endsWith(DOWNLINK))) {
            now.put(name, value);
          }
        });
    long interval = (nanos - lastNanos) / 1_000_000;
    Map<String, DataPlane.Throughput> next = new TreeMap<>();
    if (!last.isEmpty() && interval > 0) {
      Map<String, long[]> byTag = new TreeMap<>();
      now.forEach(
          (name, value) -> {
            Long before = last.get(name);
            if (before == null || value < before) {
              return;
            }
            boolean up = name.endsWith(UPLINK);
            String tag =
                name.substring(PATTERN.length(), name.length() - (up ? UPLINK : DOWNLINK).length());
            byTag.computeIfAbsent(tag, t -> new long[2])[up ? 0 : 1] =
                (value - before) * 1000 / interval;
          });
      byTag.forEach((tag, r) -> next.put(tag, new DataPlane.Throughput(r[0], r[1], interval)));
    }
    last = now;
    lastNanos = nanos;
    rates = Collections.unmodifiableMap(next);
  }

  /** Forgets the readings (the core is down). */
  synchronized void clear() {
    last = Map.of();
    rates = Map.of();
  }

  /** The rate per inbound tag between the last two readings; empty before two. */
  synchronized Map<String, DataPlane.Throughput> current() {
    return rates;
  }
}
