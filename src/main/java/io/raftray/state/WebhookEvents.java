package io.raftray.state;

import io.raftray.model.BulkAction;
import io.raftray.model.Enums;
import io.raftray.model.JoinRequest;
import io.raftray.model.User;
import io.raftray.model.UserStatus;
import io.raftray.model.XrayReport;
import io.raftray.state.Command.*;
import io.raftray.state.WebhookRules.Pending;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The events an applied command makes (docs/webhooks.md, "Events"): a pure function of the state
 * before, the state after and the command, called by {@link Store#apply} for every command that
 * changed something, so every replica makes the same events at the same index. Nothing is made
 * while no webhook is enabled (and nothing is scanned: the check is over at most {@link
 * Webhooks#MAX_HOOKS} webhooks).
 */
final class WebhookEvents {
  private WebhookEvents() {}

  static State derive(State before, State after, Command cmd, Instant at) {
    if (!after.webhooks().anyEnabled()) {
      return after;
    }
    List<Pending> out = new ArrayList<>();
    switch (cmd) {
      case CreateUser c -> user(out, before, after, c.user().id(), "user.created");
      case UpdateUser u -> user(out, before, after, u.id(), "user.updated");
      case DeleteUser d -> user(out, before, after, d.id(), "user.deleted");
      case ResetUsage r -> user(out, before, after, r.id(), "user.reset");
      case RotateSubscription r -> user(out, before, after, r.id(), "user.rotated");
      case RotateCredentials r -> user(out, before, after, r.id(), "user.rotated");
      case CreateUsers c ->
          c.users().forEach(u -> user(out, before, after, u.id(), "user.created"));
      case BulkUsers b -> {
        String type = bulkType(b.operation());
        b.ids().forEach(id -> user(out, before, after, id, type));
      }
      case UsageReport r -> {
        var seen = new java.util.HashSet<String>();
        for (UsageDelta d : r.deltas()) {
          if (seen.add(d.userId())) {
            user(out, before, after, d.userId(), null);
            limitNear(out, before, after, d.userId());
          }
        }
      }
      case UsersTick t -> {
        // The tick is about every user already (rule 4): compare by identity, cheap per user.
        for (User u : after.users().values()) {
          User old = before.users().get(u.id());
          if (old != u && old != null) {
            user(out, before, after, u.id(), periodicReset(old, u) ? "user.reset" : null);
          }
        }
      }
      case ReportXray r -> core(out, before, after, r.nodeId());
      case CreateJoinRequest c -> {
        JoinRequest jr = after.joinRequests().get(c.id());
        if (jr != null) {
          Map<String, Object> d = new LinkedHashMap<>();
          d.put("join_request_id", c.id());
          d.put("node_id", c.nodeId());
          d.put("node_name", c.nodeName());
          d.put("api_base_url", c.apiBaseUrl());
          d.put("status", Enums.wire(jr.status()));
          out.add(new Pending("join_request.created", d));
        }
      }
      default -> {}
    }
    return WebhookRules.append(after, out, at);
  }

  private static String bulkType(BulkAction a) {
    return switch (a) {
      case DELETE -> "user.deleted";
      case RESET_USAGE -> "user.reset";
      case ROTATE_SUBSCRIPTION -> "user.rotated";
      default -> "user.updated";
    };
  }

  private static boolean periodicReset(User old, User now) {
    return now.usedBytes() < old.usedBytes() && now.usedBytes() == 0;
  }

  /**
   * {@code type} (when not null) for user {@code id}, then what its status change means: {@code
   * user.enabled} (disabled → active), {@code user.disabled}, {@code user.limited}, {@code
   * user.expired}. A deleted user is described as it was.
   */
  private static void user(List<Pending> out, State before, State after, String id, String type) {
    User old = before.users().get(id);
    User now = after.users().get(id);
    if (now == null && old == null) {
      return;
    }
    if (now == null) {
      if ("user.deleted".equals(type)) {
        out.add(new Pending(type, WebhookData.user(old)));
      }
      return;
    }
    if (now == old && !"user.created".equals(type)) {
      return; // nothing changed (e.g. a bulk action that did not apply to this user)
    }
    if (type != null && !"user.deleted".equals(type)) {
      out.add(new Pending(type, WebhookData.user(now)));
    }
    if (old == null || old.status() == now.status()) {
      return;
    }
    String change =
        switch (now.status()) {
          case DISABLED -> "user.disabled";
          case LIMITED -> "user.limited";
          case EXPIRED -> "user.expired";
          case ACTIVE -> old.status() == UserStatus.DISABLED ? "user.enabled" : null;
          case ON_HOLD -> null;
        };
    if (change != null) {
      Map<String, Object> d = WebhookData.user(now);
      d.put("previous_status", Enums.wire(old.status()));
      out.add(new Pending(change, d));
    }
  }

  /** {@code user.limit_near} when this entry's usage crossed the threshold percent of the limit. */
  private static void limitNear(List<Pending> out, State before, State after, String id) {
    User old = before.users().get(id);
    User now = after.users().get(id);
    if (old == null || now == null || now.dataLimitBytes() <= 0) {
      return;
    }
    int percent = after.webhooks().effectiveLimitNearPercent();
    double threshold = now.dataLimitBytes() * (percent / 100.0);
    if (old.usedBytes() < threshold && now.usedBytes() >= threshold) {
      Map<String, Object> d = WebhookData.user(now);
      d.put("percent", percent);
      out.add(new Pending("user.limit_near", d));
    }
  }

  private static void core(List<Pending> out, State before, State after, String nodeId) {
    XrayReport old = before.xrayReports().get(nodeId);
    XrayReport now = after.xrayReports().get(nodeId);
    if (old == null || now == null) {
      return;
    }
    boolean wasUp = "running".equals(old.status());
    boolean isUp = "running".equals(now.status());
    if (wasUp != isUp) {
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("node_id", nodeId);
      var node = after.nodes().get(nodeId);
      d.put("node_name", node == null ? null : node.name());
      d.put("status", now.status());
      d.put("previous_status", old.status());
      if (now.detail() != null) {
        d.put("detail", now.detail());
      }
      out.add(new Pending(isUp ? "core.up" : "core.down", d));
    }
  }
}
