package io.raftray.state;

import static io.raftray.state.SnapshotSection.Presence.OPTIONAL;
import static io.raftray.state.SnapshotSection.Presence.REQUIRED;
import static io.raftray.state.SnapshotSection.entities;
import static io.raftray.state.SnapshotSection.number;
import static io.raftray.state.SnapshotSection.readList;
import static io.raftray.state.SnapshotSection.readOptionalMap;
import static io.raftray.state.SnapshotSection.text;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftray.model.Admin;
import io.raftray.model.AdminToken;
import io.raftray.model.AuditEvent;
import io.raftray.model.ClusterSettings;
import io.raftray.model.Device;
import io.raftray.model.Digests;
import io.raftray.model.Endpoint;
import io.raftray.model.Grant;
import io.raftray.model.Group;
import io.raftray.model.JoinRequest;
import io.raftray.model.JoinToken;
import io.raftray.model.Json;
import io.raftray.model.Node;
import io.raftray.model.NodeUsage;
import io.raftray.model.SubscriptionSettings;
import io.raftray.model.UsageHistory;
import io.raftray.model.User;
import io.raftray.model.UserTemplate;
import io.raftray.model.XrayReport;
import io.raftray.state.SnapshotSection.Decoding;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Snapshot file format: a header line {@code RAFTRAY-SNAPSHOT <schema> sha256=<hex>} followed by
 * the JSON body, one field per {@link SnapshotSection} in the order of {@link #SECTIONS}. The
 * checksum covers the body; a mismatch or unknown schema refuses the load. The bytes are part of
 * the format (replicas compare {@link #digest}s): {@code StateFormatCompatibilityTest} holds a
 * snapshot written by release v1.
 */
public final class SnapshotCodec {
  static final int SCHEMA = 1;
  private static final String MAGIC = "RAFTRAY-SNAPSHOT ";
  // Map entries sorted by key: records hold maps (node facts and labels, endpoint settings) built
  // with Map.copyOf, whose iteration order is randomised per JVM. Without sorting, replicas with
  // equal states wrote different bytes, so state_digest differed between nodes.
  private static final ObjectMapper JSON =
      Json.mapper().copy().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  /** The body's fields in file order. A new entity appends its section (OPTIONAL) at the end. */
  static final List<SnapshotSection> SECTIONS =
      List.of(
          number("applied_index", State::appliedIndex, State.Builder::appliedIndex),
          text("cluster_id", State::clusterId, State.Builder::clusterId),
          text("ca_cert_pem", State::caCertPem, State.Builder::caCertPem),
          entities(
              "nodes",
              new TypeReference<List<Node>>() {},
              State::nodes,
              Node::id,
              State.Builder::nodes,
              REQUIRED),
          entities(
              "users",
              new TypeReference<List<User>>() {},
              State::users,
              User::id,
              State.Builder::users,
              REQUIRED),
          entities(
              "endpoints",
              new TypeReference<List<Endpoint>>() {},
              State::endpoints,
              Endpoint::id,
              State.Builder::endpoints,
              REQUIRED),
          entities(
              "grants",
              new TypeReference<List<Grant>>() {},
              State::grants,
              Grant::id,
              State.Builder::grants,
              REQUIRED),
          entities(
              "admin_tokens",
              new TypeReference<List<AdminToken>>() {},
              State::adminTokens,
              AdminToken::id,
              State.Builder::adminTokens,
              REQUIRED),
          // Added after schema 1 was first written: snapshots from before joining existed lack
          // them.
          entities(
              "join_tokens",
              new TypeReference<List<JoinToken>>() {},
              State::joinTokens,
              JoinToken::id,
              State.Builder::joinTokens,
              OPTIONAL),
          entities(
              "join_requests",
              new TypeReference<List<JoinRequest>>() {},
              State::joinRequests,
              JoinRequest::id,
              State.Builder::joinRequests,
              OPTIONAL),
          new SnapshotSection(
              "audit",
              (s, json) -> json.valueToTree(s.audit().all()),
              (n, b, ctx) -> {
                List<AuditEvent> events =
                    readList(n, "audit", new TypeReference<>() {}, REQUIRED, ctx);
                b.audit(AuditLog.of(events, ctx.auditRetention()));
              }),
          // Added with node removal and certificate renewal; older snapshots have an empty list.
          new SnapshotSection(
              "revoked_serials",
              (s, json) -> json.valueToTree(s.revokedSerials()),
              (n, b, ctx) -> {
                List<String> serials =
                    readList(n, "revoked_serials", new TypeReference<>() {}, OPTIONAL, ctx);
                b.revokedSerials(Collections.unmodifiableNavigableSet(new TreeSet<>(serials)));
              }),
          // Added with subscription settings; older snapshots have the defaults.
          new SnapshotSection(
              "subscription_settings",
              (s, json) -> json.valueToTree(s.subscriptionSettings()),
              (n, b, ctx) ->
                  b.subscriptionSettings(
                      n == null || n.isNull()
                          ? null
                          : ctx.json().treeToValue(n, SubscriptionSettings.class))),
          // Added with traffic collection; older snapshots have no usage bookkeeping yet.
          new SnapshotSection(
              "node_usage",
              (s, json) -> json.valueToTree(s.nodeUsage()),
              (n, b, ctx) -> {
                Map<String, Map<String, NodeUsage>> byUser =
                    readOptionalMap(n, "node_usage", new TypeReference<>() {}, ctx);
                TreeMap<String, NavigableMap<String, NodeUsage>> usage = new TreeMap<>();
                byUser.forEach((user, byNode) -> usage.put(user, State.sorted(byNode)));
                b.nodeUsage(Collections.unmodifiableNavigableMap(usage));
              }),
          new SnapshotSection(
              "usage_seqs",
              (s, json) -> json.valueToTree(s.usageSeqs()),
              (n, b, ctx) -> {
                Map<String, Long> seqs =
                    readOptionalMap(n, "usage_seqs", new TypeReference<>() {}, ctx);
                b.usageSeqs(State.sorted(seqs));
              }),
          // Added with node.report_xray; written only when a node has reported.
          new SnapshotSection(
              "xray_reports",
              (s, json) -> s.xrayReports().isEmpty() ? null : json.valueToTree(s.xrayReports()),
              (n, b, ctx) -> {
                Map<String, XrayReport> reports =
                    n == null
                        ? Map.of()
                        : ctx.json()
                            .readerFor(new TypeReference<Map<String, XrayReport>>() {})
                            .readValue(n);
                b.xrayReports(State.sorted(reports));
              }),
          // Added with groups (issue 11); written only when a group exists, so snapshots without
          // groups keep their bytes.
          new SnapshotSection(
              "groups",
              (s, json) -> s.groups().isEmpty() ? null : json.valueToTree(s.groups().values()),
              (n, b, ctx) -> {
                List<Group> groups = readList(n, "groups", new TypeReference<>() {}, OPTIONAL, ctx);
                TreeMap<String, Group> byId = new TreeMap<>();
                groups.forEach(g -> byId.put(g.id(), g));
                b.groups(Collections.unmodifiableNavigableMap(byId));
              }),
          // Added with replicated audit retention; written only when not the defaults, so states
          // that never changed a setting encode as before.
          new SnapshotSection(
              "settings",
              (s, json) -> s.settings().isDefault() ? null : json.valueToTree(s.settings()),
              (n, b, ctx) ->
                  b.settings(
                      n == null || n.isNull()
                          ? null
                          : ctx.json().treeToValue(n, ClusterSettings.class))),
          // Added with user templates; written only when there is one, so the digest of a state
          // without templates is what it was.
          new SnapshotSection(
              "user_templates",
              (s, json) ->
                  s.userTemplates().isEmpty()
                      ? null
                      : json.valueToTree(List.copyOf(s.userTemplates().values())),
              (n, b, ctx) -> {
                List<UserTemplate> templates =
                    readList(n, "user_templates", new TypeReference<>() {}, OPTIONAL, ctx);
                TreeMap<String, UserTemplate> byId = new TreeMap<>();
                templates.forEach(t -> byId.put(t.id(), t));
                b.userTemplates(Collections.unmodifiableNavigableMap(byId));
              }),
          // Added with device (HWID) limits: user id -> devices in hwid order; written only when a
          // device is registered, so states without devices keep their bytes.
          new SnapshotSection(
              "devices",
              (s, json) -> {
                if (s.devices().isEmpty()) {
                  return null;
                }
                TreeMap<String, List<Device>> out = new TreeMap<>();
                s.devices().forEach((user, byHwid) -> out.put(user, List.copyOf(byHwid.values())));
                return json.valueToTree(out);
              },
              (n, b, ctx) -> {
                Map<String, List<Device>> byUser =
                    readOptionalMap(n, "devices", new TypeReference<>() {}, ctx);
                TreeMap<String, NavigableMap<String, Device>> devices = new TreeMap<>();
                byUser.forEach(
                    (user, list) -> {
                      TreeMap<String, Device> byHwid = new TreeMap<>();
                      list.forEach(d -> byHwid.put(d.hwid(), d));
                      devices.put(user, Collections.unmodifiableNavigableMap(byHwid));
                    });
                b.devices(Collections.unmodifiableNavigableMap(devices));
              }),
          // Added with usage history (the console's charts): written only when traffic was
          // reported, so states without any keep their bytes.
          new SnapshotSection(
              "usage_history",
              (s, json) -> s.usageHistory().isEmpty() ? null : json.valueToTree(s.usageHistory()),
              (n, b, ctx) ->
                  b.usageHistory(
                      n == null || n.isNull()
                          ? UsageHistory.empty()
                          : sortedHistory(ctx.json().treeToValue(n, UsageHistory.class)))),
          // Added with admin accounts (console login); written only when one exists, so states
          // without admins keep their bytes.
          new SnapshotSection(
              "admins",
              (s, json) ->
                  s.admins().isEmpty() ? null : json.valueToTree(List.copyOf(s.admins().values())),
              (n, b, ctx) -> {
                List<Admin> admins = readList(n, "admins", new TypeReference<>() {}, OPTIONAL, ctx);
                TreeMap<String, Admin> byId = new TreeMap<>();
                admins.forEach(a -> byId.put(a.id(), a));
                b.admins(Collections.unmodifiableNavigableMap(byId));
              }),
          // Added with feature levels; written only above the base level, so a cluster that never
          // raised it encodes as before and nodes of the release before can install its snapshots.
          new SnapshotSection(
              "feature_level",
              (s, json) ->
                  s.featureLevel() <= Features.BASE ? null : json.valueToTree(s.featureLevel()),
              (n, b, ctx) -> b.featureLevel(n == null || n.isNull() ? Features.BASE : n.asInt())),
          // Added with webhooks (feature level 2): written only when something is in it, which
          // needs a webhook.* entry, so only at that level; states without webhooks keep their
          // bytes.
          new SnapshotSection(
              "webhooks",
              (s, json) ->
                  s.webhooks().isEmpty() ? null : json.valueToTree(WebhooksForm.of(s.webhooks())),
              (n, b, ctx) ->
                  b.webhooks(
                      n == null || n.isNull()
                          ? Webhooks.empty()
                          : ctx.json().treeToValue(n, WebhooksForm.class).toWebhooks())));

  /** The history as read, with its maps sorted (snapshot bytes and digest are in id order). */
  private static UsageHistory sortedHistory(UsageHistory h) {
    return new UsageHistory(State.sorted(h.nodes()), State.sorted(h.users()));
  }

  private SnapshotCodec() {}

  public static byte[] encode(State s) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    for (SnapshotSection section : SECTIONS) {
      JsonNode value = section.writer().write(s, JSON);
      if (value != null) {
        root.set(section.field(), value);
      }
    }
    byte[] body = JSON.writeValueAsBytes(root);
    byte[] header =
        (MAGIC + SCHEMA + " sha256=" + sha256(body) + "\n").getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[header.length + body.length];
    System.arraycopy(header, 0, out, 0, header.length);
    System.arraycopy(body, 0, out, header.length, body.length);
    return out;
  }

  /**
   * SHA-256 over the canonical encoding of a state: replicas that applied the same log prefix have
   * the same digest, so tests and operators can compare nodes.
   */
  public static String digest(State s) {
    try {
      byte[] encoded = encode(s);
      return sha256(encoded);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode state", e);
    }
  }

  /**
   * Decodes and verifies a snapshot; any damage is an IOException naming what is wrong. The audit
   * list is trimmed by the replicated {@code audit_retention} setting held in the snapshot itself;
   * {@code localAuditRetention} (node.json, a per-node value) no longer takes part, or replicas
   * would disagree.
   */
  public static State decode(byte[] data, int localAuditRetention) throws IOException {
    return decode(data);
  }

  /** Decodes and verifies a snapshot; any damage is an IOException naming what is wrong. */
  public static State decode(byte[] data) throws IOException {
    int nl = 0;
    while (nl < data.length && nl < 200 && data[nl] != '\n') {
      nl++;
    }
    String header = new String(data, 0, nl, StandardCharsets.US_ASCII);
    if (nl >= data.length || !header.startsWith(MAGIC)) {
      throw new IOException("not a raftray snapshot (bad header)");
    }
    String[] parts = header.substring(MAGIC.length()).split(" ");
    if (parts.length != 2 || !parts[1].startsWith("sha256=")) {
      throw new IOException("not a raftray snapshot (bad header)");
    }
    if (!String.valueOf(SCHEMA).equals(parts[0])) {
      throw new IOException("unsupported snapshot schema " + parts[0]);
    }
    byte[] body = Arrays.copyOfRange(data, nl + 1, data.length);
    if (!sha256(body).equals(parts[1].substring("sha256=".length()))) {
      throw new IOException("snapshot checksum mismatch: the file is corrupt");
    }
    JsonNode root = JSON.readTree(body);
    // The audit section comes before the settings: read it untrimmed, trim once both are known.
    Decoding ctx = new Decoding(JSON, Integer.MAX_VALUE);
    State.Builder b = State.builder();
    for (SnapshotSection section : SECTIONS) {
      section.reader().read(root.get(section.field()), b, ctx);
    }
    State s = b.build();
    int retention = s.settings().effectiveAuditRetention();
    return s.toBuilder().audit(AuditLog.of(s.audit().all(), retention)).build();
  }

  static String sha256(byte[] data) {
    return Digests.sha256Hex(data);
  }
}
