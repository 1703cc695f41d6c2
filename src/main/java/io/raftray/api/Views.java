package io.raftray.api;

import io.raftray.model.Admin;
import io.raftray.model.AdminToken;
import io.raftray.model.AuditEvent;
import io.raftray.model.Device;
import io.raftray.model.Endpoint;
import io.raftray.model.Enums;
import io.raftray.model.Grant;
import io.raftray.model.Group;
import io.raftray.model.GroupSelector;
import io.raftray.model.Node;
import io.raftray.model.PublicBases;
import io.raftray.model.User;
import io.raftray.model.UserCredentials;
import io.raftray.model.XrayReport;
import io.raftray.state.Access;
import io.raftray.state.State;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * JSON shapes of the resources. Written out field by field so that server-only material (endpoint
 * secrets, token hashes, node certificates) can never leak by adding a record field.
 */
final class Views {
  /** Endpoint settings that are a shared secret of its clients: the Shadowsocks 2022 server key. */
  static final Set<String> CLIENT_SECRET_SETTINGS = Set.of("server_key");

  private Views() {}

  /**
   * A user; {@code secrets} false (a viewer token) leaves out {@code subscription_url} and {@code
   * credentials}, which are the user's credentials to every server.
   */
  static Map<String, Object> user(User u, State s, ApiSettings settings, boolean secrets) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", u.id());
    m.put("name", u.name());
    m.put("note", u.note());
    m.put("status", Enums.wire(u.status()));
    m.put("data_limit_bytes", u.dataLimitBytes());
    m.put("expire_at", time(u.expireAt()));
    m.put("reset_strategy", Enums.wire(u.resetStrategy()));
    m.put("on_hold_expire_seconds", u.onHoldExpireSeconds());
    m.put("group_ids", u.groupIds());
    if (secrets) {
      m.put("credentials", credentials(u.credentials()));
    }
    m.put("used_bytes", u.usedBytes());
    m.put("uplink_bytes", u.uplinkBytes());
    m.put("downlink_bytes", u.downlinkBytes());
    m.put("lifetime_used_bytes", u.lifetimeUsedBytes());
    if (secrets) {
      List<String> urls = PublicBases.urls(settings.publicBases(s), u.subscriptionToken());
      m.put("subscription_url", urls.get(0));
      m.put("subscription_urls", urls);
    }
    m.put("period_started_at", time(u.periodStartedAt()));
    m.put("created_at", time(u.createdAt()));
    m.put("updated_at", time(u.updatedAt()));
    m.put("hwid_device_limit", u.hwidDeviceLimit());
    m.put("online_at", time(u.onlineAt()));
    m.put("sub_updated_at", time(u.subUpdatedAt()));
    m.put("sub_last_user_agent", u.subLastUserAgent());
    // Imported from Marzban (null otherwise): docs/api.md, "Import fields".
    m.put("sub_revoked_at", time(u.subRevokedAt()));
    m.put("on_hold_timeout", time(u.onHoldTimeout()));
    return m;
  }

  /** A registered device of a user. */
  static Map<String, Object> device(Device d) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("hwid", d.hwid());
    m.put("device_os", d.os());
    m.put("os_version", d.osVersion());
    m.put("device_model", d.model());
    m.put("user_agent", d.userAgent());
    m.put("node_id", d.nodeId());
    m.put("created_at", time(d.createdAt()));
    m.put("last_seen_at", time(d.lastSeenAt()));
    return m;
  }

  /**
   * A user with {@code node_usage}: its traffic per node (period uplink/downlink, lifetime), node
   * ids in order, names from the node records (removed nodes keep theirs).
   */
  static Map<String, Object> userDetail(User u, State s, ApiSettings settings, boolean secrets) {
    Map<String, Object> m = user(u, s, settings, secrets);
    List<Map<String, Object>> byNode = new ArrayList<>();
    s.nodeUsage(u.id())
        .forEach(
            (nodeId, usage) -> {
              Node n = s.nodes().get(nodeId);
              Map<String, Object> row = new LinkedHashMap<>();
              row.put("node_id", nodeId);
              row.put("node_name", n == null ? null : n.name());
              row.put("uplink_bytes", usage.uplinkBytes());
              row.put("downlink_bytes", usage.downlinkBytes());
              row.put("lifetime_used_bytes", usage.lifetimeUsedBytes());
              byNode.add(row);
            });
    m.put("node_usage", byNode);
    return m;
  }

  /**
   * An endpoint; {@code secrets} false (a viewer token) leaves out the settings every client of it
   * must keep secret ({@link #CLIENT_SECRET_SETTINGS}).
   */
  static Map<String, Object> endpoint(Endpoint e, boolean secrets) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", e.id());
    m.put("node_id", e.nodeId());
    m.put("tag", e.tag());
    m.put("protocol", Enums.wire(e.protocol()));
    m.put("port", e.port());
    m.put("transport", Enums.wire(e.transport()));
    m.put("security", Enums.wire(e.security()));
    Map<String, Object> settings = e.settings();
    if (!secrets) {
      settings = new LinkedHashMap<>(settings);
      settings.keySet().removeAll(CLIENT_SECRET_SETTINGS);
    }
    m.put("settings", settings);
    m.put("labels", e.labels());
    m.put("enabled", e.enabled());
    m.put("created_at", time(e.createdAt()));
    m.put("updated_at", time(e.updatedAt()));
    return m;
  }

  /**
   * A grant with the credential its user connects with: the grant's own, or (source {@code user})
   * the user's credential for the endpoint's protocol. {@code secrets} false (a viewer token)
   * leaves out the credential.
   */
  static Map<String, Object> grant(Grant g, State s, boolean secrets) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", g.id());
    m.put("user_id", g.userId());
    m.put("endpoint_id", g.endpointId());
    m.put("enabled", g.enabled());
    if (secrets) {
      User u = s.users().get(g.userId());
      Endpoint e = s.endpoints().get(g.endpointId());
      String effective =
          g.credential() != null || u == null || e == null
              ? g.credential()
              : Access.credential(u, g, e);
      m.put("credential", effective);
    }
    m.put("credential_source", g.credential() != null ? "grant" : "user");
    m.put("created_at", time(g.createdAt()));
    m.put("updated_at", time(g.updatedAt()));
    return m;
  }

  static Map<String, Object> token(AdminToken t, Instant lastUsed) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", t.id());
    m.put("name", t.name());
    m.put("role", Enums.wire(t.role()));
    m.put("created_at", time(t.createdAt()));
    m.put("revoked", t.revoked());
    m.put("last_used_at", time(lastUsed));
    return m;
  }

  /** An admin account: never its password hash, TOTP secret or sessions. */
  static Map<String, Object> admin(Admin a) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", a.id());
    m.put("username", a.username());
    m.put("role", Enums.wire(a.role()));
    m.put("disabled", a.disabled());
    m.put("totp_enabled", a.totpEnabled());
    m.put("created_at", time(a.createdAt()));
    m.put("updated_at", time(a.updatedAt()));
    m.put("last_login_at", time(a.lastLoginAt()));
    m.put("password_reset_required", a.passwordResetRequired());
    return m;
  }

  static Map<String, Object> node(Node n, XrayReport report) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", n.id());
    m.put("name", n.name());
    m.put("api_base_url", n.apiBaseUrl());
    m.put("access_host", n.accessHost());
    m.put("labels", n.labels());
    m.put("status", Enums.wire(n.status()));
    m.put("role", Enums.wire(n.role()));
    m.put("ca_holder", n.holdsCaKey());
    m.put("facts", n.facts());
    m.put("xray", xray(n, report));
    m.put("cert_serial", n.certSerial());
    m.put("cert_not_after", time(n.certNotAfter()));
    m.put("last_heartbeat_at", null);
    m.put("joined_at", time(n.joinedAt()));
    m.put("updated_at", time(n.updatedAt()));
    return m;
  }

  /**
   * The node's core as it last reported it ({@code node.report_xray}); before any report the status
   * is {@code unknown} and the version the one in the facts the node sent when it joined.
   */
  static Map<String, Object> xray(Node n, XrayReport r) {
    Map<String, Object> xray = new LinkedHashMap<>();
    xray.put("status", r == null ? "unknown" : r.status());
    xray.put("flavor", r == null ? null : r.flavor());
    xray.put("version", r == null ? n.facts().get("xray_version") : r.version());
    xray.put("detail", r == null ? null : r.detail());
    xray.put("updated_at", r == null ? null : time(r.updatedAt()));
    return xray;
  }

  static Map<String, Object> audit(AuditEvent e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("seq", e.seq());
    m.put("at", time(e.at()));
    m.put("actor", e.actor());
    m.put("action", e.action());
    m.put("target", e.target());
    m.put("summary", e.summary());
    return m;
  }

  /** A user's own credentials as the API shows them; null for a user from before they existed. */
  static Map<String, Object> credentials(UserCredentials c) {
    if (c == null) {
      return null;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("vless_uuid", c.vlessUuid());
    m.put("vmess_uuid", c.vmessUuid());
    m.put("trojan_password", c.trojanPassword());
    m.put("shadowsocks_password", c.shadowsocksPassword());
    return m;
  }

  static Map<String, Object> group(Group g, State s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", g.id());
    m.put("name", g.name());
    m.put("description", g.description());
    m.put("endpoint_ids", g.endpointIds());
    GroupSelector sel = g.selector();
    if (sel == null) {
      m.put("selector", null);
    } else {
      Map<String, Object> sm = new LinkedHashMap<>();
      sm.put("protocols", sel.protocols().stream().map(Enums::wire).toList());
      sm.put("node_labels", sel.nodeLabels());
      sm.put("endpoint_labels", sel.endpointLabels());
      m.put("selector", sm);
    }
    m.put("member_count", s.membersOf(g.id()).size());
    m.put("created_at", time(g.createdAt()));
    m.put("updated_at", time(g.updatedAt()));
    return m;
  }

  static String time(Instant t) {
    return t == null ? null : t.toString();
  }
}
