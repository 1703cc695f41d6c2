package io.raftray.xray;

import io.raftray.model.Node;
import io.raftray.model.NodeStatus;
import io.raftray.model.RaftrayException;
import io.raftray.model.XrayReport;
import io.raftray.state.Command;
import io.raftray.state.Replica;
import io.raftray.state.Result;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Puts this node's core health into the replicated state ({@code node.report_xray}) so every node's
 * API shows every node's core. Called periodically; submits only when the status, flavor or version
 * differs from what the state already holds for this node (the detail rides along but does not
 * trigger a report), so polling writes nothing while the core is steady. A failed submission (no
 * leader) is simply tried again at the next call.
 */
public final class XrayReporter {
  private static final Logger LOG = Logger.getLogger(XrayReporter.class.getName());
  private static final int MAX_DETAIL = 512;

  private final String nodeId;
  private final Replica replica;
  private final Supplier<XrayStatus> core;

  public XrayReporter(String nodeId, Replica replica, Supplier<XrayStatus> core) {
    this.nodeId = nodeId;
    this.replica = replica;
    this.core = core;
  }

  /** Submits a report when one is due; true when it submitted one that was accepted. */
  public boolean check() {
    Command.ReportXray due = due();
    if (due == null) {
      return false;
    }
    try {
      Result r = replica.submit(nodeId, due);
      if (!r.ok()) {
        LOG.warning("core health report rejected: " + r.message());
      }
      return r.ok();
    } catch (RaftrayException e) {
      LOG.fine("core health report not committed yet (" + e.getMessage() + "); will retry");
      return false;
    }
  }

  /** The report to submit, or null when the state already says the same. */
  Command.ReportXray due() {
    XrayStatus s = core.get();
    var state = replica.view();
    Node me = state.nodes().get(nodeId);
    if (s == null || me == null || me.status() == NodeStatus.REMOVED) {
      return null;
    }
    XrayReport last = state.xrayReports().get(nodeId);
    if (last == null && s.state() == CoreState.DISABLED) {
      return null; // a node that never had a core has nothing to say
    }
    String status = s.state().wire();
    String flavor = s.flavor() == null ? null : s.flavor().wire();
    if (last != null
        && last.status().equals(status)
        && Objects.equals(last.flavor(), flavor)
        && Objects.equals(last.version(), s.version())) {
      return null;
    }
    String detail = s.detail();
    if (detail != null && detail.length() > MAX_DETAIL) {
      detail = detail.substring(0, MAX_DETAIL - 3) + "...";
    }
    return new Command.ReportXray(nodeId, status, flavor, s.version(), detail);
  }
}
