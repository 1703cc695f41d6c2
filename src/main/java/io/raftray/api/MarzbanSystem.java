package io.raftray.api;

import io.raftray.api.Router.Access;
import io.raftray.model.UsageHistory;
import io.raftray.model.UsageSeries;
import io.raftray.model.User;
import io.raftray.model.UserStatus;
import io.raftray.state.State;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /api/system} (Marzban's {@code SystemStats}) and {@code GET /api/inbounds} (its
 * inbounds by protocol: the groups, {@link MarzbanInbounds}). Memory and CPU are the answering
 * host's; user counts from the local view; {@code incoming_bandwidth}/{@code outgoing_bandwidth}
 * are the fleet's uplink/downlink in the replicated daily history (the last 401 days); the two
 * {@code _speed} fields are 0: a rate is a per-node figure of {@code GET /api/v1/nodes}.
 */
final class MarzbanSystem {
  void routes(Router r) {
    r.get("/system", Access.READ, this::system);
    r.get("/inbounds", Access.READ, this::inbounds);
  }

  private void inbounds(Call c) {
    State s = MarzbanUsers.view(c);
    c.reply(200, new MarzbanInbounds(s).listing(), s);
  }

  private void system(Call c) {
    State s = MarzbanUsers.view(c);
    Map<UserStatus, Integer> counts = new EnumMap<>(UserStatus.class);
    Instant dayAgo = c.now().minus(StatsHandler.DAY);
    int online = 0;
    for (User u : s.users().values()) {
      counts.merge(u.status(), 1, Integer::sum);
      if (u.onlineAt() != null && u.onlineAt().isAfter(dayAgo)) {
        online++;
      }
    }
    long up = 0;
    long down = 0;
    for (UsageHistory.NodeSeries n : s.usageHistory().nodes().values()) {
      UsageSeries d = n.daily();
      for (long b = d.first(); b <= d.last(); b++) {
        up += d.uplinkAt(b);
        down += d.downlinkAt(b);
      }
    }
    long memTotal = 0;
    long memUsed = 0;
    double cpu = 0;
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      memTotal = os.getTotalMemorySize();
      memUsed = memTotal - os.getFreeMemorySize();
      double load = os.getCpuLoad();
      cpu = load < 0 ? 0 : Math.round(load * 1000) / 10.0;
    }
    String version = MarzbanSystem.class.getPackage().getImplementationVersion();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("version", version == null ? "dev" : version);
    m.put("mem_total", memTotal);
    m.put("mem_used", memUsed);
    m.put("cpu_cores", Runtime.getRuntime().availableProcessors());
    m.put("cpu_usage", cpu);
    m.put("total_user", s.users().size());
    m.put("online_users", online);
    m.put("users_active", counts.getOrDefault(UserStatus.ACTIVE, 0));
    m.put("users_on_hold", counts.getOrDefault(UserStatus.ON_HOLD, 0));
    m.put("users_disabled", counts.getOrDefault(UserStatus.DISABLED, 0));
    m.put("users_expired", counts.getOrDefault(UserStatus.EXPIRED, 0));
    m.put("users_limited", counts.getOrDefault(UserStatus.LIMITED, 0));
    m.put("incoming_bandwidth", up);
    m.put("outgoing_bandwidth", down);
    m.put("incoming_bandwidth_speed", 0);
    m.put("outgoing_bandwidth_speed", 0);
    c.reply(200, m, s);
  }
}
