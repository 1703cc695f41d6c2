package io.raftray.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;

/**
 * A bounded, immutable series of traffic buckets of one fixed step (an hour or a day, counted from
 * the Unix epoch in UTC): the newest bucket is {@code last}, the arrays hold the buckets {@code
 * last - length + 1 .. last} oldest first. Adding to a newer bucket shifts the window; a bucket
 * older than the window is dropped. Every change returns a new series (arrays are never mutated
 * after construction), so a published {@code State} can share it.
 *
 * @param last the number of the newest bucket (buckets since the epoch)
 * @param uplink bytes per bucket, oldest first
 * @param downlink bytes per bucket, oldest first (same length as {@code uplink})
 */
public record UsageSeries(
    @JsonProperty("last") long last,
    @JsonProperty("uplink") long[] uplink,
    @JsonProperty("downlink") long[] downlink) {

  public UsageSeries {
    uplink = uplink == null ? new long[0] : uplink;
    downlink = downlink == null ? new long[0] : downlink;
    if (uplink.length != downlink.length) {
      throw new IllegalArgumentException("uplink and downlink buckets differ in number");
    }
  }

  /** A series with one bucket. */
  public static UsageSeries of(long bucket, long up, long down) {
    return new UsageSeries(bucket, new long[] {up}, new long[] {down});
  }

  /** The number of the oldest bucket held. */
  @JsonIgnore
  public long first() {
    return last - uplink.length + 1;
  }

  /**
   * This series with {@code up}/{@code down} added to {@code bucket}, keeping at most {@code
   * capacity} buckets ending at the newest one. A bucket older than the window changes nothing.
   */
  public UsageSeries plus(long bucket, long up, long down, int capacity) {
    long newLast = Math.max(last, bucket);
    long newFirst = Math.max(newLast - capacity + 1, Math.min(first(), bucket));
    if (bucket < newFirst) {
      return this;
    }
    int len = (int) (newLast - newFirst + 1);
    long[] u = new long[len];
    long[] d = new long[len];
    for (long b = Math.max(first(), newFirst); b <= last; b++) {
      int from = (int) (b - first());
      int to = (int) (b - newFirst);
      u[to] = uplink[from];
      d[to] = downlink[from];
    }
    int at = (int) (bucket - newFirst);
    u[at] = NodeUsage.add(u[at], up);
    d[at] = NodeUsage.add(d[at], down);
    return new UsageSeries(newLast, u, d);
  }

  /** Uplink bytes of a bucket, 0 outside the window. */
  public long uplinkAt(long bucket) {
    return bucket < first() || bucket > last ? 0 : uplink[(int) (bucket - first())];
  }

  /** Downlink bytes of a bucket, 0 outside the window. */
  public long downlinkAt(long bucket) {
    return bucket < first() || bucket > last ? 0 : downlink[(int) (bucket - first())];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof UsageSeries s
        && s.last == last
        && Arrays.equals(s.uplink, uplink)
        && Arrays.equals(s.downlink, downlink);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(last) * 31 + Arrays.hashCode(uplink) * 17 + Arrays.hashCode(downlink);
  }

  @Override
  public String toString() {
    return "UsageSeries[last=" + last + ", buckets=" + uplink.length + "]";
  }
}
