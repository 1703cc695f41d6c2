package io.raftray.api;

import io.raftray.model.ErrorKind;
import io.raftray.model.Node;
import io.raftray.model.RaftrayException;
import io.raftray.model.UsageHistory;
import io.raftray.model.UsageSeries;
import io.raftray.model.User;
import io.raftray.state.State;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/user/{username}/usage?start&end}: Marzban's {@code {"username", "usages":
 * [{"node_id", "node_name", "used_traffic"}]}} (dates as Python's {@code fromisoformat} reads them,
 * naive ones in UTC; default the last 30 days; 400 as Marzban for a bad or reversed range).
 *
 * <p>Decision: Raftray keeps per-node totals of each user and a daily fleet-wide series per user,
 * not Marzban's hourly rows per node. A range that starts at or before the user's creation answers
 * one row per node (its traffic on that node since creation, exact); a shorter range answers one
 * row, {@code node_name} {@code "all nodes"}, with the user's traffic in the days the range touches
 * (whole UTC days, as the history keeps them). {@code node_id} is null: Raftray node ids are not
 * Marzban's integers.
 */
final class MarzbanUsage {
  static final String ALL_NODES = "all nodes";

  private MarzbanUsage() {}

  static void answer(Call c, State s, User u) {
    Instant now = c.now();
    Instant start = date(c, "start", now.minus(Duration.ofDays(30)));
    Instant end = date(c, "end", now);
    if (end.isBefore(start)) {
      throw new RaftrayException(ErrorKind.INVALID, "Start date must be before end date");
    }
    List<Map<String, Object>> usages = new ArrayList<>();
    if (!start.isAfter(u.createdAt())) {
      s.nodeUsage(u.id())
          .forEach(
              (nodeId, usage) -> {
                Node n = s.nodes().get(nodeId);
                usages.add(row(n == null ? nodeId : n.name(), usage.lifetimeUsedBytes()));
              });
    } else {
      UsageSeries daily = s.usageHistory().users().get(u.id());
      long sum = 0;
      if (daily != null) {
        for (long d = UsageHistory.day(start); d <= UsageHistory.day(end); d++) {
          sum += daily.uplinkAt(d) + daily.downlinkAt(d);
        }
      }
      usages.add(row(ALL_NODES, sum));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("username", u.name());
    out.put("usages", usages);
    c.reply(200, out, s);
  }

  private static Map<String, Object> row(String nodeName, long bytes) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("node_id", null);
    m.put("node_name", nodeName);
    m.put("used_traffic", bytes);
    return m;
  }

  private static Instant date(Call c, String name, Instant fallback) {
    var q = c.request().query();
    String v = q.contains(name) ? q.get(name).trim() : "";
    if (v.isEmpty()) {
      return fallback;
    }
    try {
      return OffsetDateTime.parse(v).toInstant();
    } catch (DateTimeParseException notOffset) {
      try {
        return LocalDateTime.parse(v).toInstant(ZoneOffset.UTC);
      } catch (DateTimeParseException notLocal) {
        try {
          return LocalDate.parse(v).atStartOfDay().toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException bad) {
          throw new RaftrayException(ErrorKind.INVALID, "Invalid date range or format");
        }
      }
    }
  }
}
