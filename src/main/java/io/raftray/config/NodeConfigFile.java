package io.raftray.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftray.model.Json;
import io.raftray.model.PublicBases;
import io.raftray.xray.Flavor;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;

/** Reads and writes {@code node.json}; all validation problems are reported together. */
@NullMarked
public final class NodeConfigFile {
  public static final String FILE_NAME = "node.json";
  static final int SCHEMA = 1;
  private static final Set<String> TOP_KEYS =
      Set.of(
          "schema",
          "cluster_id",
          "node_id",
          "name",
          "bind",
          "api_base_url",
          "access_host",
          "initial_peers",
          "raft",
          "audit_retention",
          "cluster_source_address",
          "xray",
          "trusted_proxies",
          "client_address_header",
          "public_tls",
          "public_base_url",
          "backup");
  private static final Set<String> RAFT_KEYS =
      Set.of(
          "preset",
          "election_timeout_min_ms",
          "election_timeout_max_ms",
          "snapshot_every_entries",
          "write_timeout_ms");

  private static final Set<String> XRAY_KEYS =
      Set.of("bin", "api", "flavor", "api_port", "stats_interval_seconds");

  private NodeConfigFile() {}

  public static void write(NodeConfig c) throws IOException {
    ObjectNode root = Json.mapper().createObjectNode();
    root.put("schema", SCHEMA);
    root.put("cluster_id", c.clusterId());
    root.put("node_id", c.nodeId());
    root.put("name", c.name());
    root.put("bind", formatBind(c.bindHost(), c.bindPort()));
    root.put("api_base_url", c.apiBaseUrl());
    root.put("access_host", c.accessHost());
    ArrayNode peers = root.putArray("initial_peers");
    for (NodeConfig.Peer p : c.initialPeers()) {
      peers.addObject().put("node_id", p.nodeId()).put("api_base_url", p.apiBaseUrl());
    }
    ObjectNode raft = root.putObject("raft");
    raft.put("preset", c.raft().preset().wire());
    // Only timeouts that differ from the preset's: otherwise they would pin the preset's values
    // and a later change of the preset would silently do nothing.
    if (!c.raft().electionTimeoutsFromPreset()) {
      raft.put("election_timeout_min_ms", c.raft().electionTimeoutMin().toMillis());
      raft.put("election_timeout_max_ms", c.raft().electionTimeoutMax().toMillis());
    }
    raft.put("snapshot_every_entries", c.raft().snapshotEveryEntries());
    raft.put("write_timeout_ms", c.raft().writeTimeout().toMillis());
    root.put("audit_retention", c.auditRetention());
    c.clusterSourceAddress().ifPresent(a -> root.put("cluster_source_address", a.getHostAddress()));
    c.trustedProxies().write(root);
    c.publicTls().write(root);
    c.publicBaseUrl().ifPresent(u -> root.put("public_base_url", u));
    c.backup().write(root);
    if (!c.xray().isDefault()) {
      writeXray(root.putObject("xray"), c.xray());
    }
    Path tmp = c.dataDir().resolve(FILE_NAME + ".tmp");
    Files.write(tmp, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
    Files.move(tmp, c.configFile(), StandardCopyOption.ATOMIC_MOVE);
  }

  public static NodeConfig read(Path dataDir) throws ConfigException {
    Path file = dataDir.resolve(FILE_NAME);
    JsonNode root;
    try {
      root = Json.mapper().readTree(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      throw new ConfigException(
          file.toString(), List.of("missing: is " + dataDir + " a raftray data directory?"));
    } catch (IOException e) {
      throw new ConfigException(file.toString(), List.of("unreadable JSON: " + e.getMessage()));
    }
    if (root == null || !root.isObject()) {
      throw new ConfigException(file.toString(), List.of("not a JSON object"));
    }
    List<String> problems = new ArrayList<>();
    unknownKeys(root, TOP_KEYS, "", problems);
    if (root.path("schema").asInt(-1) != SCHEMA) {
      problems.add("schema must be " + SCHEMA);
    }
    String clusterId = required(root, "cluster_id", problems);
    String nodeId = required(root, "node_id", problems);
    String name = required(root, "name", problems);
    String bind = required(root, "bind", problems);
    String apiBaseUrl = required(root, "api_base_url", problems);
    String accessHost = required(root, "access_host", problems);
    String host = null;
    int port = 0;
    if (bind != null) {
      try {
        HostPort hp = HostPort.parse(bind);
        host = hp.host();
        port = hp.port();
      } catch (IllegalArgumentException e) {
        problems.add("bind: " + e.getMessage());
      }
    }
    if (apiBaseUrl != null) {
      String why = checkBaseUrl(apiBaseUrl);
      if (why != null) {
        problems.add("api_base_url: " + why);
      }
    }
    List<NodeConfig.Peer> peers = new ArrayList<>();
    for (JsonNode p : root.path("initial_peers")) {
      peers.add(new NodeConfig.Peer(p.path("node_id").asText(), p.path("api_base_url").asText()));
    }
    JsonNode r = root.path("raft");
    unknownKeys(r, RAFT_KEYS, "raft.", problems);
    RaftPreset preset = preset(r, problems);
    NodeConfig.Raft d = NodeConfig.Raft.of(preset);
    NodeConfig.Raft raft =
        new NodeConfig.Raft(
            preset,
            millis(r, "election_timeout_min_ms", d.electionTimeoutMin(), problems),
            millis(r, "election_timeout_max_ms", d.electionTimeoutMax(), problems),
            r.path("snapshot_every_entries").asLong(d.snapshotEveryEntries()),
            millis(r, "write_timeout_ms", d.writeTimeout(), problems));
    if (raft.electionTimeoutMax().compareTo(raft.electionTimeoutMin()) <= 0) {
      problems.add("raft.election_timeout_max_ms must be greater than the min");
    }
    if (raft.snapshotEveryEntries() < 1) {
      problems.add("raft.snapshot_every_entries must be >= 1");
    }
    int auditRetention = root.path("audit_retention").asInt(NodeConfig.DEFAULT_AUDIT_RETENTION);
    if (auditRetention < 100) {
      problems.add("audit_retention must be >= 100");
    }
    Optional<InetAddress> sourceAddress = Optional.empty();
    if (root.has("cluster_source_address")) {
      String v = root.get("cluster_source_address").asText("");
      sourceAddress = ipLiteral(v);
      if (sourceAddress.isEmpty()) {
        problems.add("cluster_source_address must be an IPv4 or IPv6 address, got '" + v + "'");
      }
    }
    XraySettings xray = readXray(root.path("xray"), problems);
    TrustedProxies proxies = TrustedProxies.read(root, problems);
    PublicTlsFiles publicTls = PublicTlsFiles.read(root, problems);
    Optional<String> publicBaseUrl = Optional.empty();
    if (root.has("public_base_url")) {
      JsonNode v = root.get("public_base_url");
      String problem =
          v.isTextual() ? PublicBases.problem(v.textValue()).orElse(null) : PublicBases.RULE;
      if (problem != null) {
        problems.add("public_base_url " + problem);
      } else {
        publicBaseUrl = Optional.of(PublicBases.trim(v.textValue()));
      }
    }
    BackupSchedule backup = BackupSchedule.read(root, problems);
    if (!problems.isEmpty()) {
      throw new ConfigException(file.toString(), problems);
    }
    return NodeConfig.builder()
        .dataDir(dataDir)
        .clusterId(clusterId)
        .nodeId(nodeId)
        .name(name)
        .bind(host, port)
        .apiBaseUrl(apiBaseUrl)
        .accessHost(accessHost)
        .initialPeers(peers)
        .raft(raft)
        .auditRetention(auditRetention)
        .clusterSourceAddress(sourceAddress)
        .xray(xray)
        .trustedProxies(proxies)
        .publicTls(publicTls)
        .publicBaseUrl(publicBaseUrl)
        .backup(backup)
        .build();
  }

  private static void writeXray(ObjectNode x, XraySettings s) {
    s.bin().ifPresent(b -> x.put("bin", b.toString()));
    s.api().ifPresent(a -> x.put("api", formatBind(a.host(), a.port())));
    s.flavor().ifPresent(f -> x.put("flavor", f.wire()));
    if (s.apiPort() != 0) {
      x.put("api_port", s.apiPort());
    }
    if (!s.statsInterval().equals(XraySettings.DEFAULT_STATS_INTERVAL)) {
      x.put("stats_interval_seconds", s.statsInterval().toMillis() / 1000.0);
    }
  }

  /** The optional {@code "xray"} object; absent means no core. */
  private static XraySettings readXray(JsonNode x, List<String> problems) {
    if (x.isMissingNode() || x.isNull()) {
      return XraySettings.none();
    }
    if (!x.isObject()) {
      problems.add("xray must be an object");
      return XraySettings.none();
    }
    unknownKeys(x, XRAY_KEYS, "xray.", problems);
    Optional<Path> bin = Optional.empty();
    if (x.has("bin")) {
      String b = x.get("bin").asText("");
      if (!x.get("bin").isTextual() || b.isBlank()) {
        problems.add("xray.bin must be a path");
      } else {
        bin = Optional.of(Path.of(b));
      }
    }
    Optional<HostPort> api = Optional.empty();
    if (x.has("api")) {
      try {
        api = Optional.of(HostPort.parse(x.get("api").asText("")));
      } catch (IllegalArgumentException e) {
        problems.add("xray.api: " + e.getMessage());
      }
    }
    Optional<Flavor> flavor = Optional.empty();
    if (x.has("flavor")) {
      flavor = Flavor.parse(x.get("flavor").asText(""));
      if (flavor.isEmpty()) {
        problems.add("xray.flavor must be xray or v2ray");
      }
    }
    int apiPort = 0;
    if (x.has("api_port")) {
      JsonNode p = x.get("api_port");
      apiPort = p.canConvertToInt() && p.isIntegralNumber() ? p.asInt() : -1;
    }
    Duration interval = XraySettings.DEFAULT_STATS_INTERVAL;
    if (x.has("stats_interval_seconds")) {
      JsonNode n = x.get("stats_interval_seconds");
      interval = n.isNumber() ? Duration.ofMillis(Math.round(n.asDouble() * 1000)) : Duration.ZERO;
    }
    XraySettings s = new XraySettings(bin, api, flavor, apiPort, interval);
    s.problems(k -> "xray." + (k.equals("stats_interval") ? "stats_interval_seconds" : k))
        .forEach(problems::add);
    return s;
  }

  /** The address an IP literal names, without any name lookup; empty for anything else. */
  static Optional<InetAddress> ipLiteral(String s) {
    boolean v4 =
        s.matches("\\d{1,3}(\\.\\d{1,3}){3}")
            && Arrays.stream(s.split("\\.")).allMatch(o -> Integer.parseInt(o) < 256);
    boolean v6 = s.contains(":") && s.matches("[0-9A-Fa-f:.]+");
    if (!v4 && !v6) {
      return Optional.empty();
    }
    try {
      // A literal is parsed, never resolved.
      return Optional.of(InetAddress.getByName(s));
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  /** Null when the URL is a usable https base URL, else the reason. */
  public static @Nullable String checkBaseUrl(String url) {
    try {
      URI u = new URI(url);
      if (!"https".equals(u.getScheme())) {
        return "must be an https:// URL";
      }
      if (u.getHost() == null) {
        return "has no host";
      }
      if (u.getQuery() != null || u.getFragment() != null) {
        return "must not have a query or fragment";
      }
      return null;
    } catch (URISyntaxException e) {
      return "not a URL";
    }
  }

  static String formatBind(String host, int port) {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  /** {@code raft.preset}; {@link RaftPreset#DEFAULT} when absent (and after a problem). */
  private static RaftPreset preset(JsonNode r, List<String> problems) {
    JsonNode n = r.path("preset");
    if (n.isMissingNode()) {
      return RaftPreset.DEFAULT;
    }
    Optional<RaftPreset> p = n.isTextual() ? RaftPreset.parse(n.asText()) : Optional.empty();
    if (p.isEmpty()) {
      problems.add("raft.preset must be one of " + RaftPreset.allowed() + ", got " + n.toString());
      return RaftPreset.DEFAULT;
    }
    return p.get();
  }

  private static Duration millis(JsonNode r, String key, Duration dflt, List<String> problems) {
    if (!r.has(key)) {
      return dflt;
    }
    long v = r.get(key).asLong(-1);
    if (v <= 0) {
      problems.add("raft." + key + " must be a positive number of milliseconds");
      return dflt;
    }
    return Duration.ofMillis(v);
  }

  private static @Nullable String required(JsonNode root, String key, List<String> problems) {
    JsonNode n = root.get(key);
    if (n == null || !n.isTextual() || n.asText().isBlank()) {
      problems.add(key + " is required");
      return null;
    }
    return n.asText();
  }

  private static void unknownKeys(
      JsonNode node, Set<String> allowed, String prefix, List<String> problems) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!allowed.contains(k)) {
        problems.add("unknown key " + prefix + k);
      }
    }
  }
}
