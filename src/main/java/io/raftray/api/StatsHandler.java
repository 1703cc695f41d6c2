package io.raftray.api;

import io.raftray.api.Router.Access;
import io.raftray.model.Enums;
import io.raftray.model.ErrorKind;
import io.raftray.model.FieldError;
import io.raftray.model.NodeUsage;
import io.raftray.model.RaftrayException;
import io.raftray.model.UsageHistory;
import io.raftray.model.UsageSeries;
import io.raftray.model.User;
import io.raftray.model.UserStatus;
import io.raftray.state.State;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /stats/users}: user counts by status and online in the last 5 minutes / 24 hours. Read
 * from the answering node's view (or a linearizable one with {@code ?consistency=linearizable});
 * "online" compares each user's {@code online_at} (the leader stamp of the usage report that
 * carried its last traffic) with the answering node's clock, which the answer returns as {@code
 * at}.
 */
final class StatsHandler {
  static final Duration RECENT = Duration.ofMinutes(5);
  static final Duration DAY = Duration.ofHours(24);

  void routes(Router r) {
    r.get("/stats/users", Access.READ, this::users);
    r.get("/stats/usage", Access.READ, this::usage);
  }

  // ---- /stats/usage

  /** The most points one answer holds (a year of days, or 41 days of hours). */
  static final int MAX_POINTS = 1000;

  private enum Step {
    HOUR(3600),
    DAY(86_400);

    final long seconds;

    Step(long seconds) {
      this.seconds = seconds;
    }
  }

  private void usage(Call c) {
    Query q = c.query("from", "to", "step", "node_id", "user_id");
    State s = c.read();
    c.reply(200, usage(s, q, c.now()), s);
  }

  /**
   * The fleet's, a node's or a user's traffic per hour or day from the replicated history: {@code
   * step} ({@code hour} default, {@code day}), {@code from}/{@code to} (RFC 3339; default the last
   * 24 hours, or 30 days for {@code day}), {@code node_id} or {@code user_id} (users have daily
   * history only). Points are whole buckets from the one holding {@code from} to the one holding
   * {@code to}, oldest first; {@code retained_from} is the oldest bucket the history keeps for that
   * step, and no point is older.
   */
  static Map<String, Object> usage(State s, Query q, Instant now) {
    List<FieldError> errors = new ArrayList<>();
    Step step = Step.HOUR;
    String st = q.filter("step");
    if (st != null) {
      switch (st) {
        case "hour" -> step = Step.HOUR;
        case "day" -> step = Step.DAY;
        default -> errors.add(new FieldError("step", "must be one of: hour, day"));
      }
    }
    Instant to = UserFilter.time(q, "to", errors);
    Instant from = UserFilter.time(q, "from", errors);
    String nodeId = q.filter("node_id");
    String userId = q.filter("user_id");
    if (nodeId != null && userId != null) {
      errors.add(new FieldError("user_id", "give node_id or user_id, not both"));
    }
    if (userId != null && step == Step.HOUR && st != null) {
      errors.add(new FieldError("step", "a user's history is daily: use step=day"));
    }
    if (userId != null) {
      step = Step.DAY;
    }
    if (!errors.isEmpty()) {
      throw new RaftrayException(ErrorKind.INVALID, "invalid query parameters", errors);
    }
    to = to == null ? now : to;
    from = from == null ? to.minus(step == Step.DAY ? Duration.ofDays(30) : DAY) : from;
    if (from.isAfter(to)) {
      throw new RaftrayException(
          ErrorKind.INVALID,
          "invalid query parameters",
          List.of(new FieldError("from", "must not be after to")));
    }
    long first = Math.floorDiv(from.getEpochSecond(), step.seconds);
    long last = Math.floorDiv(to.getEpochSecond(), step.seconds);
    if (last - first + 1 > MAX_POINTS) {
      throw new RaftrayException(
          ErrorKind.INVALID,
          "invalid query parameters",
          List.of(
              new FieldError("from", "at most " + MAX_POINTS + " " + wire(step) + "s at once")));
    }
    UsageHistory h = s.usageHistory();
    List<UsageSeries> series = new ArrayList<>();
    int keep;
    if (userId != null) {
      if (!s.users().containsKey(userId)) {
        throw Call.notFound("user", userId);
      }
      keep = UsageHistory.USER_DAYS - 1;
      UsageSeries u = h.users().get(userId);
      if (u != null) {
        series.add(u);
      }
    } else {
      if (nodeId != null && !s.nodes().containsKey(nodeId)) {
        throw Call.notFound("node", nodeId);
      }
      keep = (step == Step.DAY ? UsageHistory.NODE_DAYS : UsageHistory.NODE_HOURS) - 1;
      for (var e : h.nodes().entrySet()) {
        if (nodeId == null || nodeId.equals(e.getKey())) {
          series.add(step == Step.DAY ? e.getValue().daily() : e.getValue().hourly());
        }
      }
    }
    // The window every series keeps ends at the current bucket of the answering node's clock.
    long retained = Math.floorDiv(now.getEpochSecond(), step.seconds) - keep;
    List<Object> points = new ArrayList<>();
    long totalUp = 0;
    long totalDown = 0;
    for (long b = Math.max(first, retained); b <= last; b++) {
      long up = 0;
      long down = 0;
      for (UsageSeries x : series) {
        up = NodeUsage.add(up, x.uplinkAt(b));
        down = NodeUsage.add(down, x.downlinkAt(b));
      }
      totalUp = NodeUsage.add(totalUp, up);
      totalDown = NodeUsage.add(totalDown, down);
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("at", Views.time(Instant.ofEpochSecond(b * step.seconds)));
      p.put("uplink_bytes", up);
      p.put("downlink_bytes", down);
      p.put("total_bytes", NodeUsage.add(up, down));
      points.add(p);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("step", wire(step));
    out.put("from", Views.time(from));
    out.put("to", Views.time(to));
    out.put("node_id", nodeId);
    out.put("user_id", userId);
    out.put("retained_from", Views.time(Instant.ofEpochSecond(retained * step.seconds)));
    out.put("points", points);
    Map<String, Object> total = new LinkedHashMap<>();
    total.put("uplink_bytes", totalUp);
    total.put("downlink_bytes", totalDown);
    total.put("total_bytes", NodeUsage.add(totalUp, totalDown));
    out.put("total", total);
    return out;
  }

  private static String wire(Step step) {
    return step == Step.DAY ? "day" : "hour";
  }

  private void users(Call c) {
    c.query();
    State s = c.read();
    Instant now = c.now();
    c.reply(200, users(s, now), s);
  }

  static Map<String, Object> users(State s, Instant now) {
    EnumMap<UserStatus, Integer> byStatus = new EnumMap<>(UserStatus.class);
    for (UserStatus st : UserStatus.values()) {
      byStatus.put(st, 0);
    }
    Instant recent = now.minus(RECENT);
    Instant day = now.minus(DAY);
    int online5 = 0;
    int online24 = 0;
    int neverOnline = 0;
    for (User u : s.users().values()) {
      byStatus.merge(u.status(), 1, Integer::sum);
      Instant at = u.onlineAt();
      if (at == null) {
        neverOnline++;
        continue;
      }
      if (!at.isBefore(recent)) {
        online5++;
      }
      if (!at.isBefore(day)) {
        online24++;
      }
    }
    Map<String, Object> statuses = new LinkedHashMap<>();
    byStatus.forEach((st, n) -> statuses.put(Enums.wire(st), n));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("at", Views.time(now));
    out.put("total", s.users().size());
    out.put("by_status", statuses);
    out.put("online_5m", online5);
    out.put("online_24h", online24);
    out.put("never_online", neverOnline);
    return out;
  }
}
