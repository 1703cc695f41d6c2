package io.raftray.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.pcollections.TreePMap;

/**
 * Replicated, bounded traffic history (what {@code GET /api/v1/stats/usage} reads): per node an
 * hourly series of {@link #NODE_HOURS} hours and a daily one of {@link #NODE_DAYS} days, per user a
 * daily one of {@link #USER_DAYS} days. The fleet's history is the sum of the nodes'. Buckets are
 * UTC hours/days of the leader's stamp of the {@code usage.report} that carried the traffic (a
 * report covers the last few seconds of a node's counters, so traffic lands in the bucket it was
 * reported in). A user's series goes with the user; a node's stays after the node is removed.
 *
 * @param nodes node id to its hourly and daily series
 * @param users user id to its daily series
 */
public record UsageHistory(
    @JsonProperty("nodes") NavigableMap<String, NodeSeries> nodes,
    @JsonProperty("users") NavigableMap<String, UsageSeries> users) {

  /** Hourly buckets kept per node: 15 days, so the last 14 whole days are always there. */
  public static final int NODE_HOURS = 15 * 24;

  /** Daily buckets kept per node: 401, so the last 400 whole days are always there. */
  public static final int NODE_DAYS = 401;

  /** Daily buckets kept per user: 32, so the last 31 whole days are always there. */
  public static final int USER_DAYS = 32;

  private static final UsageHistory EMPTY =
      new UsageHistory(Collections.emptyNavigableMap(), Collections.emptyNavigableMap());

  /** One node's series. */
  public record NodeSeries(
      @JsonProperty("hourly") UsageSeries hourly, @JsonProperty("daily") UsageSeries daily) {}

  public UsageHistory {
    nodes = nodes == null ? Collections.emptyNavigableMap() : nodes;
    users = users == null ? Collections.emptyNavigableMap() : users;
  }

  public static UsageHistory empty() {
    return EMPTY;
  }

  @JsonIgnore
  public boolean isEmpty() {
    return nodes.isEmpty() && users.isEmpty();
  }

  /** The hour bucket of an instant (hours since the epoch, UTC). */
  public static long hour(Instant at) {
    return Math.floorDiv(at.getEpochSecond(), 3600);
  }

  /** The day bucket of an instant (days since the epoch, UTC). */
  public static long day(Instant at) {
    return Math.floorDiv(at.getEpochSecond(), 86_400);
  }

  /**
   * This history with one node's report added at {@code now}: {@code byUser} maps a user id to its
   * {uplink, downlink} bytes; the node's series get the sum. Copies the user map once per report.
   */
  public UsageHistory plus(String nodeId, Map<String, long[]> byUser, Instant now) {
    long up = 0;
    long down = 0;
    for (long[] v : byUser.values()) {
      up = NodeUsage.add(up, v[0]);
      down = NodeUsage.add(down, v[1]);
    }
    if (up == 0 && down == 0) {
      return this;
    }
    long h = hour(now);
    long d = day(now);
    NodeSeries old = nodes.get(nodeId);
    NodeSeries mine =
        old == null
            ? new NodeSeries(UsageSeries.of(h, up, down), UsageSeries.of(d, up, down))
            : new NodeSeries(
                old.hourly().plus(h, up, down, NODE_HOURS),
                old.daily().plus(d, up, down, NODE_DAYS));
    TreePMap<String, NodeSeries> n = tree(nodes).plus(nodeId, mine);
    TreePMap<String, UsageSeries> u = tree(users);
    for (Map.Entry<String, long[]> e : byUser.entrySet()) {
      long[] v = e.getValue();
      if (v[0] != 0 || v[1] != 0) {
        UsageSeries s = u.get(e.getKey());
        u =
            u.plus(
                e.getKey(),
                s == null ? UsageSeries.of(d, v[0], v[1]) : s.plus(d, v[0], v[1], USER_DAYS));
      }
    }
    return new UsageHistory(n, u);
  }

  /** This history without the series of the given users. */
  public UsageHistory withoutUsers(Collection<String> ids) {
    if (ids.stream().noneMatch(users::containsKey)) {
      return this;
    }
    return new UsageHistory(nodes, tree(users).minusAll(ids));
  }

  /**
   * {@code m} as a persistent tree (a report costs O(k log n) for k users): itself when it is one,
   * a one-time copy otherwise (a history read from a snapshot).
   */
  private static <V> TreePMap<String, V> tree(NavigableMap<String, V> m) {
    return m instanceof TreePMap<String, V> t ? t : TreePMap.fromSortedMap(new TreeMap<>(m));
  }
}
