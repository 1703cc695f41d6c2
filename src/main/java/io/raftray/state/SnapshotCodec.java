package io.raftray.state;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftray.model.AdminToken;
import io.raftray.model.AuditEvent;
import io.raftray.model.Endpoint;
import io.raftray.model.Grant;
import io.raftray.model.JoinRequest;
import io.raftray.model.JoinToken;
import io.raftray.model.Json;
import io.raftray.model.Node;
import io.raftray.model.SubscriptionSettings;
import io.raftray.model.User;
import io.raftray.model.XrayReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Snapshot file format: a header line {@code RAFTRAY-SNAPSHOT <schema> sha256=<hex>} followed by
 * the JSON body. The checksum covers the body; a mismatch or unknown schema refuses the load.
 */
public final class SnapshotCodec {
  static final int SCHEMA = 1;
  private static final String MAGIC = "RAFTRAY-SNAPSHOT ";
  // Map entries sorted by key: records hold maps (node facts and labels, endpoint settings) built
  // with Map.copyOf, whose iteration order is randomised per JVM. Without sorting, replicas with
  // equal states wrote different bytes, so state_digest differed between nodes.
  private static final ObjectMapper JSON =
      Json.mapper().copy().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  private SnapshotCodec() {}

  public static byte[] encode(State s) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("applied_index", s.appliedIndex());
    root.put("cluster_id", s.clusterId());
    root.put("ca_cert_pem", s.caCertPem());
    root.set("nodes", JSON.valueToTree(s.nodes().values()));
    root.set("users", JSON.valueToTree(s.users().values()));
    root.set("endpoints", JSON.valueToTree(s.endpoints().values()));
    root.set("grants", JSON.valueToTree(s.grants().values()));
    root.set("admin_tokens", JSON.valueToTree(s.adminTokens().values()));
    root.set("join_tokens", JSON.valueToTree(s.joinTokens().values()));
    root.set("join_requests", JSON.valueToTree(s.joinRequests().values()));
    root.set("audit", JSON.valueToTree(s.audit().all()));
    root.set("revoked_serials", JSON.valueToTree(s.revokedSerials()));
    root.set("subscription_settings", JSON.valueToTree(s.subscriptionSettings()));
    root.set("node_usage", JSON.valueToTree(s.nodeUsage()));
    root.set("usage_seqs", JSON.valueToTree(s.usageSeqs()));
    if (!s.xrayReports().isEmpty()) {
      root.set("xray_reports", JSON.valueToTree(s.xrayReports()));
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

  /** Decodes and verifies a snapshot; any damage is an IOException naming what is wrong. */
  public static State decode(byte[] data, int auditRetention) throws IOException {
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
    byte[] body = java.util.Arrays.copyOfRange(data, nl + 1, data.length);
    if (!sha256(body).equals(parts[1].substring("sha256=".length()))) {
      throw new IOException("snapshot checksum mismatch: the file is corrupt");
    }
    JsonNode root = JSON.readTree(body);
    List<Node> nodes = list(root, "nodes", new TypeReference<>() {});
    List<User> users = list(root, "users", new TypeReference<>() {});
    List<Endpoint> endpoints = list(root, "endpoints", new TypeReference<>() {});
    List<Grant> grants = list(root, "grants", new TypeReference<>() {});
    List<AdminToken> tokens = list(root, "admin_tokens", new TypeReference<>() {});
    // Added after schema 1 was first written: snapshots from before joining existed lack them.
    List<JoinToken> joinTokens = optionalList(root, "join_tokens", new TypeReference<>() {});
    List<JoinRequest> joinRequests = optionalList(root, "join_requests", new TypeReference<>() {});
    List<AuditEvent> audit = list(root, "audit", new TypeReference<>() {});
    // Added with node removal and certificate renewal; older snapshots have an empty deny list.
    List<String> revoked = optionalList(root, "revoked_serials", new TypeReference<>() {});
    // Added with subscription settings; older snapshots have the defaults.
    JsonNode subSettings = root.get("subscription_settings");
    SubscriptionSettings subscriptionSettings =
        subSettings == null || subSettings.isNull()
            ? null
            : JSON.treeToValue(subSettings, SubscriptionSettings.class);
    // Added with traffic collection; older snapshots have no usage bookkeeping yet.
    Map<String, Map<String, io.raftray.model.NodeUsage>> nodeUsage =
        optionalMap(root, "node_usage", new TypeReference<>() {});
    Map<String, Long> usageSeqs = optionalMap(root, "usage_seqs", new TypeReference<>() {});
    java.util.TreeMap<String, java.util.NavigableMap<String, io.raftray.model.NodeUsage>> usage =
        new java.util.TreeMap<>();
    nodeUsage.forEach((user, byNode) -> usage.put(user, State.sorted(byNode)));
    // Added with node.report_xray; written only when a node has reported.
    Map<String, XrayReport> xrayReports =
        root.has("xray_reports")
            ? JSON.readerFor(new TypeReference<Map<String, XrayReport>>() {})
                .readValue(root.get("xray_reports"))
            : Map.of();
    Map<String, String> byName = new HashMap<>();
    Map<String, String> byToken = new HashMap<>();
    for (User u : users) {
      byName.put(u.name(), u.id());
      byToken.put(u.subscriptionToken(), u.id());
    }
    return new State(
        root.path("applied_index").asLong(),
        text(root, "cluster_id"),
        text(root, "ca_cert_pem"),
        State.sorted(byId(nodes, Node::id)),
        State.sorted(byId(users, User::id)),
        State.sorted(byId(endpoints, Endpoint::id)),
        State.sorted(byId(grants, Grant::id)),
        State.sorted(byId(tokens, AdminToken::id)),
        State.sorted(byId(joinTokens, JoinToken::id)),
        State.sorted(byId(joinRequests, JoinRequest::id)),
        AuditLog.of(audit, auditRetention),
        byName,
        byToken,
        java.util.Collections.unmodifiableNavigableSet(new java.util.TreeSet<>(revoked)),
        subscriptionSettings,
        java.util.Collections.unmodifiableNavigableMap(usage),
        State.sorted(usageSeqs),
        State.sorted(xrayReports));
  }

  private static <T> Map<String, T> optionalMap(
      JsonNode root, String field, TypeReference<Map<String, T>> type) throws IOException {
    JsonNode n = root.get(field);
    if (n == null) {
      return Map.of();
    }
    if (!n.isObject()) {
      throw new IOException("snapshot field '" + field + "' is not an object");
    }
    return JSON.readerFor(type).readValue(n);
  }

  private static String text(JsonNode root, String field) {
    JsonNode n = root.get(field);
    return n == null || n.isNull() ? null : n.asText();
  }

  private static <T> List<T> list(JsonNode root, String field, TypeReference<List<T>> type)
      throws IOException {
    JsonNode n = root.get(field);
    if (n == null || !n.isArray()) {
      throw new IOException("snapshot lacks '" + field + "'");
    }
    return JSON.readerFor(type).readValue(n);
  }

  private static <T> List<T> optionalList(JsonNode root, String field, TypeReference<List<T>> type)
      throws IOException {
    return root.has(field) ? list(root, field, type) : List.of();
  }

  private static <T> Map<String, T> byId(List<T> items, Function<T, String> id) {
    Map<String, T> m = new LinkedHashMap<>();
    items.forEach(i -> m.put(id.apply(i), i));
    return m;
  }

  static String sha256(byte[] data) {
    return io.raftray.model.Digests.sha256Hex(data);
  }
}
