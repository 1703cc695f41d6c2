package io.raftray.migrate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftray.model.Json;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * What a Marzban database (0.8 schema, {@code app/db/models.py}) becomes in Raftray, as request
 * bodies of its API: one group per inbound tag, templates, users (with their proxies as
 * credentials, usage, history and groups), admins, the JWT secret; and every record that could not
 * be mapped, with why. Pure: reads {@link Table}s, writes nothing (the admin CLI sends the plan).
 */
public record MarzbanPlan(
    List<GroupSpec> groups,
    List<TemplateSpec> templates,
    List<UserSpec> users,
    List<AdminSpec> admins,
    String jwtSecret,
    List<Problem> problems,
    List<String> notes) {

  /** A group for Marzban inbound {@code tag}: endpoints labelled {@code marzban_inbound=<tag>}. */
  public record GroupSpec(String name, String tag) {}

  /** A user template; {@code groupNames} resolved to ids by the importer. */
  public record TemplateSpec(String name, ObjectNode body, List<String> groupNames) {}

  /** A user's {@code POST /users/batch} item (import fields included) and its groups by name. */
  public record UserSpec(
      String name, ObjectNode body, List<String> groupNames, String marzbanStatus) {}

  /** An admin account: sudo admins become {@code admin}, the others {@code viewer}. */
  public record AdminSpec(String username, String role) {}

  /** A record that was not (fully) mapped. */
  public record Problem(String record, String reason) {}

  /** The endpoint label that ties a Raftray endpoint to a Marzban inbound tag. */
  public static final String LABEL = "marzban_inbound";

  /** Tables of Marzban 0.8 (and Alembic's): every other table is reported as ignored. */
  static final Set<String> KNOWN_TABLES =
      Set.of(
          "admins",
          "admin_usage_logs",
          "users",
          "next_plans",
          "user_templates",
          "user_usage_logs",
          "proxies",
          "inbounds",
          "hosts",
          "system",
          "jwt",
          "tls",
          "nodes",
          "node_user_usages",
          "node_usages",
          "notification_reminders",
          "exclude_inbounds_association",
          "template_inbounds_association",
          "alembic_version");

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");
  private static final Pattern ADMIN_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{2,31}");
  private static final Pattern UUID =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  private static final Pattern PASSWORD = Pattern.compile("[\\x21-\\x7e]{8,128}");
  private static final Set<String> STRATEGIES = Set.of("no_reset", "day", "week", "month", "year");
  private static final long MAX_ON_HOLD_SECONDS = 10L * 366 * 86_400;
  private static final long MAX_DATA_LIMIT = 1L << 60;

  /** Marzban's naive UTC datetimes: {@code 2024-05-01 10:20:30[.123456]} (or with {@code T}). */
  private static final DateTimeFormatter DATETIME =
      new DateTimeFormatterBuilder()
          .appendPattern("yyyy-MM-dd")
          .optionalStart()
          .appendLiteral(' ')
          .optionalEnd()
          .optionalStart()
          .appendLiteral('T')
          .optionalEnd()
          .appendPattern("HH:mm:ss")
          .optionalStart()
          .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
          .optionalEnd()
          .toFormatter(Locale.ROOT);

  /**
   * The plan for {@code tables}.
   *
   * @param inboundProtocols Marzban inbound tag to its protocol ({@code vless}, {@code vmess},
   *     {@code trojan}, {@code shadowsocks}) from its {@code xray_config.json}; empty when unknown
   *     (then inferred from the excluded inbounds, see docs/migrating-from-marzban.md)
   */
  public static MarzbanPlan of(Map<String, Table> tables, Map<String, String> inboundProtocols) {
    return new Mapper(tables, inboundProtocols).map();
  }

  /** Inbound tag to protocol from Marzban's {@code xray_config.json} text. */
  public static Map<String, String> inboundProtocols(String xrayConfigJson) throws IOException {
    JsonNode root = Json.mapper().readTree(xrayConfigJson);
    Map<String, String> out = new LinkedHashMap<>();
    for (JsonNode in : root.path("inbounds")) {
      String tag = in.path("tag").asText("");
      String protocol = in.path("protocol").asText("").toLowerCase(Locale.ROOT);
      if (!tag.isEmpty() && !protocol.isEmpty()) {
        out.put(tag, protocol);
      }
    }
    return out;
  }

  /** Marzban's naive UTC datetime text as an instant; null for null or blank. */
  static Instant datetime(String v) {
    if (v == null || v.isBlank()) {
      return null;
    }
    return LocalDateTime.parse(v.strip(), DATETIME).toInstant(ZoneOffset.UTC);
  }

  /** A group name for {@code tag}: {@code marzban-} and the tag with other characters as '-'. */
  static String groupName(String tag) {
    String clean = tag.replaceAll("[^A-Za-z0-9._@-]", "-");
    String name = "marzban-" + clean;
    return name.length() > 64 ? name.substring(0, 64) : name;
  }

  private static final class Mapper {
    private final Map<String, Table> tables;
    private final Map<String, String> protocols;
    private final ObjectMapper json = Json.mapper();
    private final List<Problem> problems = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final Map<String, String> groupByTag = new LinkedHashMap<>();

    Mapper(Map<String, Table> tables, Map<String, String> protocols) {
      this.tables = tables;
      this.protocols = new HashMap<>(protocols);
    }

    private List<Table.Row> rows(String table) {
      Table t = tables.get(table);
      return t == null ? List.of() : t.rows();
    }

    MarzbanPlan map() {
      if (!tables.containsKey("users")) {
        problems.add(new Problem("database", "no users table: is this a Marzban database?"));
      }
      for (String name : new TreeSet<>(tables.keySet())) {
        if (!KNOWN_TABLES.contains(name)) {
          problems.add(
              new Problem(
                  "table " + name,
                  "not a Marzban 0.8 table; ignored (" + tables.get(name).size() + " rows)"));
        }
      }
      List<GroupSpec> groups = groups();
      Map<Long, List<Table.Row>> proxies = byLong("proxies", "user_id");
      Map<Long, Set<String>> excluded = new HashMap<>();
      for (Table.Row r : rows("exclude_inbounds_association")) {
        Long proxy = r.getLong("proxy_id");
        if (proxy != null && r.get("inbound_tag") != null) {
          excluded.computeIfAbsent(proxy, k -> new LinkedHashSet<>()).add(r.get("inbound_tag"));
        }
      }
      inferProtocols(proxies, excluded);
      List<UserSpec> users = users(proxies, excluded);
      List<TemplateSpec> templates = templates();
      List<AdminSpec> admins = admins();
      String secret = null;
      for (Table.Row r : rows("jwt")) {
        secret = r.get("secret_key");
      }
      if (secret == null) {
        problems.add(new Problem("jwt", "no secret_key: old subscription links will not work"));
      }
      return new MarzbanPlan(groups, templates, users, admins, secret, problems, notes);
    }

    private Map<Long, List<Table.Row>> byLong(String table, String column) {
      Map<Long, List<Table.Row>> out = new HashMap<>();
      for (Table.Row r : rows(table)) {
        Long k = r.getLong(column);
        if (k != null) {
          out.computeIfAbsent(k, x -> new ArrayList<>()).add(r);
        }
      }
      return out;
    }

    private List<GroupSpec> groups() {
      Set<String> tags = new LinkedHashSet<>();
      for (Table.Row r : rows("inbounds")) {
        if (r.get("tag") != null) {
          tags.add(r.get("tag"));
        }
      }
      tags.addAll(protocols.keySet());
      List<GroupSpec> out = new ArrayList<>();
      Set<String> names = new java.util.HashSet<>();
      for (String tag : tags) {
        String name = groupName(tag);
        if (!names.add(name)) {
          problems.add(
              new Problem(
                  "inbound " + tag,
                  "its group name " + name + " is another tag's too; not imported"));
          continue;
        }
        groupByTag.put(tag, name);
        out.add(new GroupSpec(name, tag));
      }
      return out;
    }

    /** Without xray_config.json: a tag excluded from a proxy is of that proxy's protocol. */
    private void inferProtocols(
        Map<Long, List<Table.Row>> proxies, Map<Long, Set<String>> excluded) {
      Set<String> unknown = new TreeSet<>();
      for (List<Table.Row> list : proxies.values()) {
        for (Table.Row p : list) {
          String protocol = protocol(p.get("type"));
          Set<String> tags = excluded.getOrDefault(p.getLong("id"), Set.of());
          for (String tag : tags) {
            if (protocol != null) {
              protocols.putIfAbsent(tag, protocol);
            }
          }
        }
      }
      for (String tag : groupByTag.keySet()) {
        if (!protocols.containsKey(tag)) {
          unknown.add(tag);
        }
      }
      if (!unknown.isEmpty()) {
        notes.add(
            "protocol unknown for inbound(s) "
                + String.join(", ", unknown)
                + ": every user with a proxy joins their groups; pass --xray-config for exact"
                + " groups");
      }
    }

    private static String protocol(String type) {
      if (type == null) {
        return null;
      }
      return switch (type.toLowerCase(Locale.ROOT)) {
        case "vmess" -> "vmess";
        case "vless" -> "vless";
        case "trojan" -> "trojan";
        case "shadowsocks" -> "shadowsocks";
        default -> null;
      };
    }

    private List<UserSpec> users(
        Map<Long, List<Table.Row>> proxies, Map<Long, Set<String>> excluded) {
      Map<Long, long[]> resets = new HashMap<>(); // user id -> {sum, last reset epoch ms}
      Map<Long, Instant> lastReset = new HashMap<>();
      for (Table.Row r : rows("user_usage_logs")) {
        Long user = r.getLong("user_id");
        if (user == null) {
          continue;
        }
        Long used = r.getLong("used_traffic_at_reset");
        resets.computeIfAbsent(user, k -> new long[1])[0] += used == null ? 0 : used;
        Instant at = safeTime(r.get("reset_at"));
        if (at != null) {
          lastReset.merge(user, at, (a, b) -> a.isAfter(b) ? a : b);
        }
      }
      Set<String> flows = new TreeSet<>();
      Set<String> methods = new TreeSet<>();
      List<UserSpec> out = new ArrayList<>();
      Set<String> seen = new java.util.HashSet<>();
      for (Table.Row r : rows("users")) {
        String name = r.get("username");
        String record = "user " + r.get("id") + " '" + name + "'";
        if (name == null || !NAME.matcher(name).matches()) {
          problems.add(
              new Problem(record, "username is not 1-64 of A-Z a-z 0-9 . _ @ -; not imported"));
          continue;
        }
        if (!seen.add(name.toLowerCase(Locale.ROOT))) {
          problems.add(
              new Problem(record, "username given twice (Marzban ignores case); not imported"));
          continue;
        }
        try {
          out.add(user(r, record, proxies, excluded, resets, lastReset, flows, methods));
        } catch (IllegalArgumentException | DateTimeParseException e) {
          problems.add(new Problem(record, e.getMessage() + "; not imported"));
        }
      }
      flows.remove("");
      if (!flows.isEmpty()) {
        notes.add(
            "VLESS flow(s) "
                + String.join(", ", flows)
                + " are set per user in Marzban and per endpoint in Raftray: set them on the"
                + " VLESS endpoints");
      }
      if (!methods.isEmpty()) {
        notes.add(
            "Shadowsocks method(s) "
                + String.join(", ", methods)
                + " are set per user in Marzban and per endpoint in Raftray: set them on the"
                + " Shadowsocks endpoints");
      }
      return out;
    }

    private Instant safeTime(String v) {
      try {
        return datetime(v);
      } catch (DateTimeParseException e) {
        return null;
      }
    }

    private Instant time(String column, String v) {
      try {
        return datetime(v);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(column + " '" + v + "' is not a datetime");
      }
    }

    private UserSpec user(
        Table.Row r,
        String record,
        Map<Long, List<Table.Row>> proxies,
        Map<Long, Set<String>> excluded,
        Map<Long, long[]> resets,
        Map<Long, Instant> lastReset,
        Set<String> flows,
        Set<String> methods) {
      Long id = r.getLong("id");
      ObjectNode b = json.createObjectNode();
      b.put("name", r.get("username"));
      String status = r.get("status") == null ? "active" : r.get("status").toLowerCase(Locale.ROOT);
      switch (status) {
        case "active", "limited", "expired" ->
            b.put("status", "active"); // derived again from usage and expiry
        case "disabled" -> b.put("status", "disabled");
        case "on_hold" -> b.put("status", "on_hold");
        default -> throw new IllegalArgumentException("unknown status '" + status + "'");
      }
      Long limit = r.getLong("data_limit");
      if (limit != null && (limit < 0 || limit > MAX_DATA_LIMIT)) {
        throw new IllegalArgumentException("data_limit " + limit + " is out of range");
      }
      b.put("data_limit_bytes", limit == null ? 0 : limit);
      String strategy = r.get("data_limit_reset_strategy");
      strategy = strategy == null ? "no_reset" : strategy.toLowerCase(Locale.ROOT);
      if (!STRATEGIES.contains(strategy)) {
        throw new IllegalArgumentException("unknown data_limit_reset_strategy '" + strategy + "'");
      }
      b.put("reset_strategy", strategy);
      Long expire = r.getLong("expire");
      if (expire == null || expire <= 0) {
        b.putNull("expire_at");
      } else {
        b.put("expire_at", Instant.ofEpochSecond(expire).toString());
      }
      String note = r.get("note");
      if (note != null && !note.isEmpty()) {
        String clean = note.replaceAll("\\p{Cntrl}", " ");
        if (!clean.equals(note)) {
          problems.add(
              new Problem(record, "note: line breaks and control characters became spaces"));
        }
        b.put("note", clean.length() > 1000 ? clean.substring(0, 1000) : clean);
      }
      Long hold = r.getLong("on_hold_expire_duration");
      if (hold != null && hold > 0) {
        if (hold > MAX_ON_HOLD_SECONDS) {
          throw new IllegalArgumentException(
              "on_hold_expire_duration " + hold + " is over 10 years");
        }
        b.put("on_hold_expire_seconds", hold);
      }
      Instant timeout = time("on_hold_timeout", r.get("on_hold_timeout"));
      if (timeout != null && "on_hold".equals(status)) {
        b.put("on_hold_timeout", timeout.toString());
      }
      Instant created = time("created_at", r.get("created_at"));
      Instant now = Instant.now();
      if (created != null && !created.isAfter(now)) {
        b.put("created_at", created.toString());
      }
      Instant period = lastReset.get(id);
      if (period != null
          && (created == null || !period.isBefore(created))
          && !period.isAfter(now)) {
        b.put("period_started_at", period.toString());
      }
      Instant revoked = time("sub_revoked_at", r.get("sub_revoked_at"));
      if (revoked != null && !revoked.isAfter(now)) {
        b.put("sub_revoked_at", revoked.toString());
      }
      long used = r.getLong("used_traffic") == null ? 0 : Math.max(0, r.getLong("used_traffic"));
      long before = resets.containsKey(id) ? Math.max(0, resets.get(id)[0]) : 0;
      b.put("used_bytes", used);
      b.put("lifetime_used_bytes", used + before);
      ObjectNode creds = json.createObjectNode();
      Set<String> groups = new LinkedHashSet<>();
      Set<String> allExcluded = new java.util.HashSet<>();
      Set<String> ownProtocols = new java.util.HashSet<>();
      for (Table.Row p : proxies.getOrDefault(id, List.of())) {
        String proxyRecord = record + " proxy " + p.get("id");
        String protocol = protocol(p.get("type"));
        if (protocol == null) {
          problems.add(
              new Problem(proxyRecord, "unknown proxy type '" + p.get("type") + "'; skipped"));
          continue;
        }
        JsonNode settings;
        try {
          settings = json.readTree(p.get("settings") == null ? "{}" : p.get("settings"));
        } catch (IOException e) {
          problems.add(new Problem(proxyRecord, "settings are not JSON; skipped"));
          continue;
        }
        if (!credential(protocol, settings, creds, proxyRecord, flows, methods)) {
          continue;
        }
        ownProtocols.add(protocol);
        Set<String> ex = excluded.getOrDefault(p.getLong("id"), Set.of());
        allExcluded.addAll(ex);
        for (Map.Entry<String, String> g : groupByTag.entrySet()) {
          String tagProtocol = protocols.get(g.getKey());
          if ((tagProtocol == null || tagProtocol.equals(protocol)) && !ex.contains(g.getKey())) {
            groups.add(g.getValue());
          }
        }
      }
      // A tag of unknown protocol: joined unless one of the user's proxies excludes it.
      for (Map.Entry<String, String> g : groupByTag.entrySet()) {
        if (protocols.get(g.getKey()) == null && allExcluded.contains(g.getKey())) {
          groups.remove(g.getValue());
        }
      }
      if (ownProtocols.isEmpty()) {
        problems.add(
            new Problem(record, "no usable proxy: imported without access (new credentials)"));
      }
      if (!creds.isEmpty()) {
        b.set("credentials", creds);
      }
      return new UserSpec(r.get("username"), b, List.copyOf(groups), status);
    }

    /** Puts the proxy's credential into {@code creds}; false (reported) when it is unusable. */
    private boolean credential(
        String protocol,
        JsonNode s,
        ObjectNode creds,
        String record,
        Set<String> flows,
        Set<String> methods) {
      if (protocol.equals("vmess") || protocol.equals("vless")) {
        String id = s.path("id").asText("");
        if (!UUID.matcher(id).matches()) {
          problems.add(new Problem(record, protocol + " id '" + id + "' is not a UUID; skipped"));
          return false;
        }
        creds.put(protocol + "_uuid", id.toLowerCase(Locale.ROOT));
        if (protocol.equals("vless")) {
          flows.add(s.path("flow").asText(""));
        }
        return true;
      }
      String password = s.path("password").asText("");
      if (!PASSWORD.matcher(password).matches()) {
        problems.add(
            new Problem(record, protocol + " password is not 8-128 printable characters; skipped"));
        return false;
      }
      creds.put(protocol + "_password", password);
      if (protocol.equals("shadowsocks") && s.hasNonNull("method")) {
        methods.add(s.path("method").asText());
      }
      return true;
    }

    private List<TemplateSpec> templates() {
      Map<Long, List<String>> tags = new HashMap<>();
      for (Table.Row r : rows("template_inbounds_association")) {
        Long t = r.getLong("user_template_id");
        if (t != null && r.get("inbound_tag") != null) {
          tags.computeIfAbsent(t, k -> new ArrayList<>()).add(r.get("inbound_tag"));
        }
      }
      List<TemplateSpec> out = new ArrayList<>();
      for (Table.Row r : rows("user_templates")) {
        String name = r.get("name");
        String record = "user template " + r.get("id") + " '" + name + "'";
        if (name == null || !NAME.matcher(name).matches()) {
          problems.add(
              new Problem(record, "name is not 1-64 of A-Z a-z 0-9 . _ @ -; not imported"));
          continue;
        }
        ObjectNode b = json.createObjectNode();
        b.put("name", name);
        Long limit = r.getLong("data_limit");
        b.put("data_limit_bytes", limit == null || limit < 0 ? 0 : limit);
        Long expire = r.getLong("expire_duration");
        b.put("expire_seconds", expire == null || expire < 0 ? 0 : expire);
        if (!blank(r.get("username_prefix")) || !blank(r.get("username_suffix"))) {
          problems.add(
              new Problem(record, "username_prefix/suffix have no Raftray equivalent; dropped"));
        }
        List<String> groups = new ArrayList<>();
        for (String tag : tags.getOrDefault(r.getLong("id"), List.of())) {
          String g = groupByTag.get(tag);
          if (g != null) {
            groups.add(g);
          }
        }
        out.add(new TemplateSpec(name, b, groups));
      }
      return out;
    }

    private static boolean blank(String v) {
      return v == null || v.isEmpty();
    }

    private List<AdminSpec> admins() {
      List<AdminSpec> out = new ArrayList<>();
      for (Table.Row r : rows("admins")) {
        String name = r.get("username");
        String lower = name == null ? "" : name.toLowerCase(Locale.ROOT);
        if (!ADMIN_NAME.matcher(lower).matches()) {
          problems.add(
              new Problem(
                  "admin " + r.get("id") + " '" + name + "'",
                  "username is not 3-32 of a-z 0-9 . _ - (starting with a letter or digit); not"
                      + " imported"));
          continue;
        }
        out.add(new AdminSpec(lower, r.getBool("is_sudo") ? "admin" : "viewer"));
      }
      return out;
    }
  }
}
