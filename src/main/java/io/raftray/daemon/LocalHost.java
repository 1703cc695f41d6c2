package io.raftray.daemon;

import io.raftray.cluster.HostService;
import io.raftray.model.Endpoint;
import io.raftray.model.ErrorKind;
import io.raftray.model.Json;
import io.raftray.model.RaftrayException;
import io.raftray.pki.NodeIdentity;
import io.raftray.pki.PublicCertificates;
import io.raftray.state.State;
import io.raftray.xray.DataPlane;
import io.raftray.xray.XrayStatus;
import io.raftray.xray.XraySupervisor;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;

/**
 * This node's side of fleet visibility ({@link HostService.Host}): the host report ({@link
 * HostMetrics} plus the core and the throughput of this node's endpoints), the last lines of the
 * daemon's log ({@link RecentLog}) or the core's {@code xray.log}, redacted, and a restart of the
 * supervised core. Reads only; nothing is written through Raft.
 */
@NullMarked
final class LocalHost implements HostService.Host {
  /** Bounds of {@code tail}: the API answers 400 outside them. */
  static final int MAX_TAIL = RecentLog.CAPACITY;

  /** How much of the end of {@code xray.log} is read for a tail (lines beyond are not shown). */
  static final int CORE_LOG_WINDOW = 512 * 1024;

  private final String nodeId;
  private final HostMetrics metrics;
  private final Supplier<NodeIdentity> identity;
  private final Supplier<State> view;
  private final @Nullable XraySupervisor core;
  private final @Nullable DataPlane dataPlane;
  private final Optional<RecentLog> daemonLog;
  private final @Nullable PublicCertificates publicTls;
  private final Clock clock;

  LocalHost(
      String nodeId,
      HostMetrics metrics,
      Supplier<NodeIdentity> identity,
      Supplier<State> view,
      @Nullable XraySupervisor core,
      @Nullable DataPlane dataPlane,
      Optional<RecentLog> daemonLog,
      @Nullable PublicCertificates publicTls,
      Clock clock) {
    this.nodeId = nodeId;
    this.metrics = metrics;
    this.identity = identity;
    this.view = view;
    this.core = core;
    this.dataPlane = dataPlane;
    this.daemonLog = daemonLog;
    this.publicTls = publicTls;
    this.clock = clock;
  }

  @Override
  public byte[] report() {
    return json(reportMap());
  }

  Map<String, Object> reportMap() {
    Instant now = clock.instant();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("node_id", nodeId);
    m.put("collected_at", now.toString());
    metrics.addTo(m, now);
    m.put("core", coreView(now));
    m.put("throughput", throughput());
    NodeIdentity id = identity.get();
    Map<String, Object> certs = new LinkedHashMap<>();
    // One certificate serves the public API and the cluster routes (one port): both expire here.
    certs.put("node_not_after", id.nodeCert().getNotAfter().toInstant().toString());
    certs.put("ca_not_after", id.caCert().getNotAfter().toInstant().toString());
    // The operator certificates (public_tls) are read from this node's files: every node's own
    // report is how their expiry reaches GET /nodes on any node, without a Raft write.
    if (publicTls != null && !publicTls.isEmpty()) {
      certs.put(
          "public_not_after", publicTls.earliestNotAfter().map(Instant::toString).orElse(null));
      List<String> warnings = publicTls.warnings();
      certs.put("public_warning", warnings.isEmpty() ? null : String.join("; ", warnings));
    }
    m.put("certificates", certs);
    return m;
  }

  private Map<String, Object> coreView(Instant now) {
    Map<String, Object> c = new LinkedHashMap<>();
    XrayStatus s = core == null ? null : core.status();
    boolean supervised = core != null && core.settings().bin().isPresent();
    c.put("mode", core == null ? "none" : supervised ? "supervised" : "external");
    c.put("status", s == null ? "disabled" : s.state().name().toLowerCase(Locale.ROOT));
    c.put("flavor", s == null || s.flavor() == null ? null : s.flavor().wire());
    c.put("version", s == null ? null : s.version());
    c.put("pid", s == null || s.pid() < 0 ? null : s.pid());
    Instant started =
        s == null || s.pid() < 0
            ? null
            : ProcessHandle.of(s.pid()).flatMap(h -> h.info().startInstant()).orElse(null);
    c.put("started_at", started == null ? null : started.toString());
    c.put(
        "uptime_seconds",
        started == null ? null : Math.max(0, now.getEpochSecond() - started.getEpochSecond()));
    c.put("restarts", s == null ? 0 : s.restarts());
    c.put("detail", s == null ? "no core configured" : s.detail());
    return c;
  }

  /** This node's endpoints with their inbound's bytes/s between the last two samples. */
  private List<Object> throughput() {
    List<Object> out = new ArrayList<>();
    if (dataPlane == null) {
      return out;
    }
    Map<String, DataPlane.Throughput> rates = dataPlane.throughput();
    for (Endpoint e : view.get().endpoints().values()) {
      DataPlane.Throughput t = rates.get(e.tag());
      if (!nodeId.equals(e.nodeId()) || t == null) {
        continue;
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("endpoint_id", e.id());
      m.put("tag", e.tag());
      m.put("uplink_bytes_per_second", t.uplinkBytesPerSecond());
      m.put("downlink_bytes_per_second", t.downlinkBytesPerSecond());
      m.put("interval_ms", t.intervalMs());
      out.add(m);
    }
    return out;
  }

  @Override
  public byte[] logs(String source, int tail) {
    if (tail < 1 || tail > MAX_TAIL) {
      throw new RaftrayException(
          ErrorKind.INVALID, "tail must be an integer between 1 and " + MAX_TAIL);
    }
    List<String> lines =
        switch (source) {
          case "daemon" ->
              daemonLog
                  .orElseThrow(
                      () ->
                          new RaftrayException(
                              ErrorKind.CONFLICT,
                              "this daemon keeps no log lines (it was not started by raftray"
                                  + " run)"))
                  .tail(tail);
          case "core" -> coreLog(tail);
          default -> throw new RaftrayException(ErrorKind.INVALID, "source must be daemon or core");
        };
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("node_id", nodeId);
    m.put("source", source);
    m.put("lines", lines);
    return json(m);
  }

  private List<String> coreLog(int tail) {
    if (core == null || core.settings().bin().isEmpty()) {
      throw new RaftrayException(
          ErrorKind.CONFLICT, "this node has no supervised core, so no core log");
    }
    Path log = core.logFile();
    if (!Files.exists(log)) {
      return List.of();
    }
    String text;
    try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
      long from = Math.max(0, f.length() - CORE_LOG_WINDOW);
      byte[] buf = new byte[(int) (f.length() - from)];
      f.seek(from);
      f.readFully(buf);
      text = new String(buf, StandardCharsets.UTF_8);
      if (from > 0) {
        int nl = text.indexOf('\n');
        text = nl < 0 ? "" : text.substring(nl + 1); // a cut first line is dropped
      }
    } catch (IOException e) {
      throw new RaftrayException(ErrorKind.UNAVAILABLE, "cannot read the core log", e);
    }
    List<String> all = Arrays.asList(text.split("\\R"));
    List<String> out = new ArrayList<>();
    for (String l : all.subList(Math.max(0, all.size() - tail), all.size())) {
      if (!l.isEmpty()) {
        String red = Redaction.line(l);
        out.add(red.length() > RecentLog.MAX_LINE ? red.substring(0, RecentLog.MAX_LINE) : red);
      }
    }
    return out;
  }

  @Override
  public byte[] restartCore() {
    if (core == null) {
      throw new RaftrayException(ErrorKind.CONFLICT, "this node has no supervised core");
    }
    long pid;
    try {
      pid = core.restart();
    } catch (IllegalStateException e) {
      throw new RaftrayException(ErrorKind.CONFLICT, e.getMessage(), e);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("node_id", nodeId);
    m.put("stopped_pid", pid);
    m.put("status", "restarting");
    return json(m);
  }

  private static byte[] json(Object o) {
    try {
      return Json.mapper().writeValueAsBytes(o);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode a host answer", e);
    }
  }
}
