package io.raftray.state;

import static io.raftray.model.ErrorKind.INVALID;

import io.raftray.model.Node;
import io.raftray.model.XrayReport;
import java.time.Instant;
import java.util.Set;

/**
 * {@code node.report_xray}: a node's report of its own core's health. Node state, counted per node;
 * only reports logged before that rule (no {@code audit} field) are audit events.
 */
final class XrayRules {
  static final Set<String> STATUSES =
      Set.of("starting", "running", "restarting", "failed", "external", "disabled");
  static final int MAX_DETAIL = 512;

  private XrayRules() {}

  static Store.Changed report(State s, Command.ReportXray r, Instant now) {
    Node n = MembershipRules.live(s, r.nodeId(), "node_id");
    if (r.status() == null || !STATUSES.contains(r.status())) {
      throw new Store.Rejection(INVALID, "status", "status must be one of " + STATUSES);
    }
    if (r.flavor() != null && !r.flavor().equals("xray") && !r.flavor().equals("v2ray")) {
      throw new Store.Rejection(INVALID, "flavor", "flavor must be xray or v2ray");
    }
    if (r.version() != null && (r.version().isEmpty() || r.version().length() > 64)) {
      throw new Store.Rejection(INVALID, "version", "version must be 1-64 characters");
    }
    if (r.detail() != null && r.detail().length() > MAX_DETAIL) {
      throw new Store.Rejection(
          INVALID, "detail", "detail must be at most " + MAX_DETAIL + " characters");
    }
    if (r.audit() == null || r.audit()) {
      // Logged before reports became node state: replays as the audit event it was.
      XrayReport report = new XrayReport(r.status(), r.flavor(), r.version(), r.detail(), now);
      return new Store.Changed(
          s.withXrayReports(State.with(s.xrayReports(), n.id(), report)), n.id());
    }
    // A crash-looping core reports on every change: count it on the node, keep the audit list
    // for what admins and nodes decided.
    XrayReport last = s.xrayReports().get(n.id());
    long count = (last == null || last.reports() == null ? 0 : last.reports()) + 1;
    XrayReport report = new XrayReport(r.status(), r.flavor(), r.version(), r.detail(), now, count);
    return new Store.Changed(
        s.withXrayReports(State.with(s.xrayReports(), n.id(), report)), n.id(), false, null);
  }
}
