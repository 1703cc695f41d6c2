package io.raftray.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.raftray.http.Mount;
import io.raftray.http.RouteLabel;
import io.raftray.model.Enums;
import io.raftray.model.Json;
import io.raftray.model.UserStatus;
import io.raftray.pki.PublicCertificates;
import io.raftray.state.Replica;
import io.raftray.state.Replica.RaftStatus;
import io.raftray.state.State;
import io.raftray.xray.CoreState;
import io.raftray.xray.DataPlane;
import io.raftray.xray.XrayStatus;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code /healthz}, {@code /readyz} and {@code /metrics}, each at its exact path ({@link #mount}),
 * so {@code /} stays free for the console. No authentication, so nothing here may reveal a secret,
 * an id of a user or a path with a token.
 */
public final class ProbeService {
  /** A follower this far behind its commit index is still replaying its log: not ready. */
  static final long MAX_APPLY_LAG = 1000;

  private static final List<String> RAFT_ROLES =
      List.of("leader", "follower", "candidate", "listener");

  private final Replica replica;
  private final HttpMetrics metrics;
  private final Supplier<XrayStatus> core;
  private final DataPlane dataPlane;
  private final PublicCertificates publicTls;

  public ProbeService(Replica replica, HttpMetrics metrics) {
    this(replica, metrics, () -> null, null);
  }

  public ProbeService(
      Replica replica, HttpMetrics metrics, Supplier<XrayStatus> core, DataPlane dataPlane) {
    this(replica, metrics, core, dataPlane, null);
  }

  /**
   * With the node's core: {@code /readyz} is 503 while a configured core is not up, and {@code
   * /metrics} reports it. {@code core} returns null when the node has no supervisor; {@code
   * dataPlane} (the reconciler's and collector's health) is null then too. {@code publicTls} (the
   * operator certificates, null without any) adds their expiry and warnings to {@code /readyz} and
   * {@code /metrics}; an expiring or unloadable one never makes the node unready.
   */
  public ProbeService(
      Replica replica,
      HttpMetrics metrics,
      Supplier<XrayStatus> core,
      DataPlane dataPlane,
      PublicCertificates publicTls) {
    this.replica = Objects.requireNonNull(replica, "replica");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.core = Objects.requireNonNull(core, "core");
    this.dataPlane = dataPlane;
    this.publicTls = publicTls;
  }

  /** Registers the three probes at their exact paths, so {@code /} stays free. */
  public void mount(HttpRouting.Builder routing) {
    routing
        .get(Mount.HEALTHZ.path(), this::health)
        .get(Mount.READYZ.path(), this::ready)
        .get(Mount.METRICS.path(), this::metrics);
  }

  private void health(ServerRequest req, ServerResponse res) {
    RouteLabel.set(Mount.HEALTHZ.path());
    json(res, 200, "{\"status\":\"ok\"}");
  }

  private void ready(ServerRequest req, ServerResponse res) {
    RouteLabel.set(Mount.READYZ.path());
    String halted = replica.halted().orElse(null);
    if (halted != null) {
      // Checked first: a halted node's Raft server is closed, so its status means little.
      json(res, 503, readiness(halted, 0, core.get()));
      return;
    }
    RaftStatus st = replica.status();
    State s = replica.view();
    String reason = SelfRemoval.reason(replica, s, st.localId()).orElse(null);
    if (reason != null) {
      // reported as is below
    } else if (!s.bootstrapped()) {
      reason = "the node has not applied the cluster bootstrap yet";
    } else if (st.leaderId().isEmpty()) {
      reason = "no raft leader is known";
    } else if (st.commitIndex() - s.appliedIndex() > MAX_APPLY_LAG) {
      reason = "applying the log: " + (st.commitIndex() - s.appliedIndex()) + " entries behind";
    }
    XrayStatus x = core.get();
    if (reason == null && x != null && x.state() != CoreState.DISABLED && !x.up()) {
      reason = "the core is " + x.state().wire() + ": " + x.detail();
    }
    json(res, reason == null ? 200 : 503, readiness(reason, s.appliedIndex(), x));
  }

  private String readiness(String reason, long appliedIndex, XrayStatus x) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", reason == null ? "ready" : "not_ready");
    if (reason == null) {
      body.put("applied_index", appliedIndex);
    } else {
      body.put("reason", reason);
    }
    if (x != null) {
      Map<String, Object> xray = new LinkedHashMap<>();
      xray.put("status", x.state().wire());
      xray.put("flavor", x.flavor() == null ? null : x.flavor().wire());
      xray.put("version", x.version());
      xray.put("generation", x.generation());
      xray.put("restarts", x.restarts());
      xray.put("detail", x.detail());
      xray.put("since", x.since().toString());
      DataPlane dp = dataPlane;
      if (dp != null) {
        xray.put("reconcile", dp.describe());
      }
      body.put("xray", xray);
    }
    Map<String, Object> tls = PublicTlsView.of(publicTls);
    if (tls != null) {
      body.put("public_tls", tls);
    }
    try {
      return Json.mapper().writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode the readiness answer", e);
    }
  }

  private void metrics(ServerRequest req, ServerResponse res) {
    RouteLabel.set(Mount.METRICS.path());
    StringBuilder out = new StringBuilder(4096);
    boolean halted = replica.halted().isPresent();
    gauge(
        out,
        "raftray_state_halted",
        "1 when this replica stopped at a log entry it cannot decode or apply (see /readyz).",
        halted ? 1 : 0);
    if (!halted) {
      raftMetrics(out);
    }
    XrayStatus x = core.get();
    if (x != null) {
      xrayMetrics(out, x);
    }
    DataPlane dp = dataPlane;
    if (dp != null) {
      dp.appendMetrics(out);
    }
    PublicTlsView.appendMetrics(out, publicTls);
    metrics.writeTo(out);
    res.header("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    res.header("Cache-Control", "no-store");
    res.send(out.toString().getBytes(StandardCharsets.UTF_8));
  }

  private void raftMetrics(StringBuilder out) {
    RaftStatus st = replica.status();
    State s = replica.view();
    gauge(out, "raftray_raft_term", "Current Raft term.", st.term());
    gauge(out, "raftray_raft_commit_index", "Raft commit index.", st.commitIndex());
    gauge(out, "raftray_raft_applied_index", "Index of the last applied entry.", s.appliedIndex());
    gauge(
        out,
        "raftray_raft_is_leader",
        "1 when this node is the Raft leader.",
        isLeader(st) ? 1 : 0);
    out.append("# HELP raftray_raft_role Raft role of this node (1 for the current role).\n");
    out.append("# TYPE raftray_raft_role gauge\n");
    String role = st.role().toLowerCase(Locale.ROOT);
    Set<String> roles = new LinkedHashSet<>(RAFT_ROLES);
    roles.add(role);
    for (String r : roles) {
      out.append("raftray_raft_role{role=\"")
          .append(HttpMetrics.escape(r))
          .append("\"} ")
          .append(r.equals(role) ? 1 : 0)
          .append('\n');
    }
    Map<UserStatus, Integer> users = new EnumMap<>(UserStatus.class);
    for (UserStatus u : UserStatus.values()) {
      users.put(u, 0);
    }
    s.users().values().forEach(u -> users.merge(u.status(), 1, Integer::sum));
    out.append("# HELP raftray_users Users by status.\n# TYPE raftray_users gauge\n");
    users.forEach(
        (k, v) ->
            out.append("raftray_users{status=\"")
                .append(Enums.wire(k))
                .append("\"} ")
                .append(v)
                .append('\n'));
    gauge(out, "raftray_endpoints", "Endpoints in the cluster.", s.endpoints().size());
    gauge(out, "raftray_grants", "Grants in the cluster.", s.grants().size());
    gauge(out, "raftray_nodes", "Nodes in the cluster state.", s.nodes().size());
  }

  private static void xrayMetrics(StringBuilder out, XrayStatus x) {
    gauge(
        out, "raftray_xray_up", "1 when this node's core accepts API connections.", x.up() ? 1 : 0);
    out.append("# HELP raftray_xray_restarts_total Times the core was started again after an exit")
        .append(" or a failed start.\n# TYPE raftray_xray_restarts_total counter\n")
        .append("raftray_xray_restarts_total ")
        .append(x.restarts())
        .append('\n');
    gauge(
        out,
        "raftray_xray_generation",
        "Increases each time the core becomes ready (start, restart, adoption, reconnection).",
        x.generation());
    out.append("# HELP raftray_xray_state State of this node's core (1 for the current state).\n");
    out.append("# TYPE raftray_xray_state gauge\n");
    for (CoreState st : CoreState.values()) {
      out.append("raftray_xray_state{state=\"")
          .append(st.wire())
          .append("\"} ")
          .append(st == x.state() ? 1 : 0)
          .append('\n');
    }
  }

  private static boolean isLeader(RaftStatus st) {
    return st.leaderId().map(st.localId()::equals).orElse(false);
  }

  private static void gauge(StringBuilder out, String name, String help, long value) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(" gauge\n");
    out.append(name).append(' ').append(value).append('\n');
  }

  private static void json(ServerResponse res, int status, String body) {
    res.status(status);
    res.header("Content-Type", "application/json");
    res.header("Cache-Control", "no-store");
    res.send(body.getBytes(StandardCharsets.UTF_8));
  }
}
