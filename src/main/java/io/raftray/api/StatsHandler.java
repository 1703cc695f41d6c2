package io.raftray.api;

import io.raftray.api.Router.Access;
import io.raftray.model.Enums;
import io.raftray.model.User;
import io.raftray.model.UserStatus;
import io.raftray.state.State;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
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
