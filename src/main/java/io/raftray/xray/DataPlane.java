package io.raftray.xray;

import io.raftray.state.Replica;
import io.raftray.state.State;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Connects one node's core to the cluster: the supervisor's ready/down events open a {@link
 * GrpcXrayApi} for the core and hand it to the {@link Reconciler} (inbounds and users from the
 * state) and the {@link TrafficCollector} (counters into {@code usage.report} batches).
 *
 * <p>Order matters for counting: a core that went down makes the collector forget its last seen
 * counters before a new core's API is handed out; a core identified by the same process (adopted
 * after a daemon crash) keeps them, so its counters continue without double counting.
 */
public final class DataPlane implements CoreListener, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(DataPlane.class.getName());

  private final XraySupervisor supervisor;
  private final Reconciler reconciler;
  private final TrafficCollector collector;
  private final ApiFactory apis;
  private final InboundRates rates = new InboundRates();
  private volatile XrayApi api;
  private volatile String apiTarget;
  private volatile boolean up;

  /** Opens the API client of a core (tests hand in a scripted core). */
  interface ApiFactory {
    XrayApi open(Flavor flavor, String host, int port);
  }

  public DataPlane(
      String nodeId,
      Path dataDir,
      XraySupervisor supervisor,
      Supplier<State> view,
      Replica replica,
      Duration resync,
      Clock clock) {
    this(nodeId, dataDir, supervisor, view, replica, resync, clock, GrpcXrayApi::new);
  }

  DataPlane(
      String nodeId,
      Path dataDir,
      XraySupervisor supervisor,
      Supplier<State> view,
      Replica replica,
      Duration resync,
      Clock clock,
      ApiFactory apis) {
    this.supervisor = supervisor;
    this.apis = apis;
    this.reconciler = new Reconciler(nodeId, view, resync, clock);
    this.collector =
        new TrafficCollector(
            nodeId,
            dataDir,
            replica,
            () -> up ? Optional.ofNullable(api) : Optional.empty(),
            supervisor.settings().statsInterval());
  }

  /** Starts the reconciler and the collector, then listens to the supervisor. */
  public void start() {
    reconciler.start();
    collector.start();
    supervisor.addListener(this);
  }

  /** The replicated view changed. */
  public void stateChanged() {
    reconciler.stateChanged();
  }

  @Override
  public void coreReady(long generation, Flavor flavor, String host, int apiPort) {
    XrayApi old = api;
    String target = host + ":" + apiPort;
    if (old == null || old.flavor() != flavor || !target.equals(apiTarget)) {
      api = apis.open(flavor, host, apiPort);
      apiTarget = target;
      if (old != null) {
        old.close();
      }
    }
    XrayStatus st = supervisor.status();
    // The process identifies the counters: the same pid is the same core (adopted), whose
    // counters continue; an external core has no pid we know, so only the decrease rule applies.
    collector.coreReady(st.pid() > 0 ? "pid-" + st.pid() : "external");
    up = true;
    reconciler.coreReady(generation, api);
  }

  /**
   * A supervised child that went down exited: its counters are gone, so the collector forgets its
   * last seen values. An external core that went down is only unreachable from here (one failed
   * probe): it may well be running and counting, so its last seen values are kept; if it did
   * restart, its uptime (or counters that went down) tells the collector at the next read.
   */
  @Override
  public void coreDown(long generation) {
    up = false;
    if (supervisor.settings().api().isEmpty()) {
      collector.coreRestarted();
    }
    reconciler.coreDown(generation);
  }

  /**
   * Reads the core's inbound counters for {@link #throughput()} (the daemon calls it every few
   * seconds); nothing while the core is down.
   */
  public void sampleThroughput() {
    XrayApi a = api;
    if (!up || a == null) {
      rates.clear();
      return;
    }
    try {
      rates.sample(a.queryStats(InboundRates.PATTERN, false), System.nanoTime());
    } catch (RuntimeException e) {
      rates.clear();
    }
  }

  /** One inbound's bytes per second between two samples {@code intervalMs} apart. */
  public record Throughput(
      long uplinkBytesPerSecond, long downlinkBytesPerSecond, long intervalMs) {}

  /** Per inbound tag, between the last two samples; empty before two samples of the same core. */
  public Map<String, Throughput> throughput() {
    return rates.current();
  }

  /** The traffic collector (tests drive its rounds). */
  TrafficCollector collector() {
    return collector;
  }

  public Reconciler.Status reconcileStatus() {
    return reconciler.status();
  }

  /** For {@code /readyz}: the reconciler's health. */
  public Map<String, Object> describe() {
    Reconciler.Status r = reconciler.status();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("state", r.state().wire());
    m.put("inbounds", r.inbounds());
    m.put("users", r.users());
    m.put("failing_inbounds", r.failingInbounds());
    m.put("last_error", r.lastError());
    m.put("last_success_at", r.lastSuccessAt() == null ? null : r.lastSuccessAt().toString());
    m.put("pending_usage_batches", collector.pendingBatches());
    return m;
  }

  /** Prometheus lines of the reconciler and the collector. */
  public void appendMetrics(StringBuilder out) {
    Reconciler.Status r = reconciler.status();
    gauge(
        out, "raftray_xray_inbounds", "Inbounds the reconciler applied to the core.", r.inbounds());
    gauge(out, "raftray_xray_users", "Users the reconciler applied to the core.", r.users());
    gauge(
        out,
        "raftray_xray_failing_inbounds",
        "Inbounds whose last apply failed (retried with backoff).",
        r.failingInbounds());
    out.append("# HELP raftray_xray_reconcile_failures_total Failed core API applies.\n")
        .append("# TYPE raftray_xray_reconcile_failures_total counter\n")
        .append("raftray_xray_reconcile_failures_total ")
        .append(r.failures())
        .append('\n');
    collector.appendMetrics(out);
  }

  private static void gauge(StringBuilder out, String name, String help, long value) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(" gauge\n");
    out.append(name).append(' ').append(value).append('\n');
  }

  /** Stops listening, flushes the traffic counted so far, then stops the reconciler. */
  @Override
  public void close() {
    supervisor.removeListener(this);
    collector.close();
    reconciler.close();
    XrayApi a = api;
    if (a != null) {
      a.close();
    }
    LOG.fine("data plane stopped");
  }
}
