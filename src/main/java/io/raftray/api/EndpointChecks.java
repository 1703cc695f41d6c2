package io.raftray.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftray.model.Endpoint;
import io.raftray.model.Enums;
import io.raftray.model.Protocol;
import io.raftray.model.Security;
import io.raftray.model.Transport;
import io.raftray.model.XrayReport;
import io.raftray.state.State;
import io.raftray.xray.Capabilities;
import io.raftray.xray.Flavor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which protocol x transport x security combinations Xray accepts, the settings keys of each, and
 * the material generated for them (REALITY keys and short ids, Shadowsocks 2022 server key). The
 * API checks these before it logs a command; the replicated rules of endpoints (unique port and tag
 * per node) are in {@code state/EndpointRules}.
 */
final class EndpointChecks {
  static final String FLOW_VISION = "xtls-rprx-vision";
  static final String DEFAULT_SS_METHOD = "2022-blake3-aes-128-gcm";

  /** The default on a node whose core reported V2Ray, which has no Shadowsocks 2022. */
  static final String V2RAY_SS_METHOD = "aes-128-gcm";

  static final List<String> SS_METHODS =
      List.of(
          "aes-128-gcm",
          "aes-256-gcm",
          "chacha20-ietf-poly1305",
          "2022-blake3-aes-128-gcm",
          "2022-blake3-aes-256-gcm",
          "2022-blake3-chacha20-poly1305");
  static final List<String> FINGERPRINTS =
      List.of(
          "chrome",
          "firefox",
          "safari",
          "ios",
          "android",
          "edge",
          "360",
          "qq",
          "random",
          "randomized");
  static final List<String> XHTTP_MODES = List.of("auto", "packet-up", "stream-up", "stream-one");

  /** Keys the server generates; clients may not set them. */
  static final Set<String> GENERATED = Set.of("public_key", "server_key");

  static final Pattern HOST =
      Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|[0-9A-Fa-f:.]{2,45}");
  static final String HOST_RULE = "must be a host name or IP address";
  private static final Pattern PATH = Pattern.compile("/[\\x21-\\x7e]{0,255}");
  private static final String PATH_RULE = "must start with / and be at most 256 visible characters";
  private static final Pattern SERVICE = Pattern.compile("[A-Za-z0-9._/-]{1,128}");
  private static final Pattern FILE = Pattern.compile("/[^\\x00-\\x1f\\x7f]{0,4095}");
  private static final Pattern DEST =
      Pattern.compile(
          "([A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\\[[0-9A-Fa-f:.]{2,45}\\]):"
              + "([1-9][0-9]{0,4})");
  private static final Pattern SHORT_ID = Pattern.compile("([0-9a-f]{2}){0,8}");

  private EndpointChecks() {}

  /** Key length of a Shadowsocks 2022 method in bytes; 0 for the classic AEAD methods. */
  static int ss2022KeyBytes(String method) {
    return switch (method) {
      case "2022-blake3-aes-128-gcm" -> 16;
      case "2022-blake3-aes-256-gcm", "2022-blake3-chacha20-poly1305" -> 32;
      default -> 0;
    };
  }

  /** Reports combinations Xray cannot run. */
  static void checkCombination(Validator v, Protocol p, Transport t, Security s) {
    if (p == Protocol.SHADOWSOCKS) {
      if (t != Transport.TCP) {
        v.error("transport", "must be tcp for protocol shadowsocks");
      }
      if (s != Security.NONE) {
        v.error("security", "must be none for protocol shadowsocks");
      }
    }
    if (s == Security.REALITY) {
      if (p != Protocol.VLESS) {
        v.error("security", "reality requires protocol vless");
      } else if (t != Transport.TCP && t != Transport.GRPC && t != Transport.XHTTP) {
        v.error("security", "reality requires transport tcp, grpc or xhttp");
      }
    }
  }

  /** What the node's core last reported, when it named a flavor; empty accepts everything. */
  static Optional<XrayReport> core(State s, String nodeId) {
    return Optional.ofNullable(s.xrayReports().get(nodeId))
        .filter(r -> Flavor.parse(r.flavor()).isPresent());
  }

  static String defaultSsMethod(Optional<XrayReport> core) {
    return core.flatMap(r -> Flavor.parse(r.flavor())).orElse(Flavor.XRAY) == Flavor.V2RAY
        ? V2RAY_SS_METHOD
        : DEFAULT_SS_METHOD;
  }

  /**
   * Reports a combination the node's core (by its reported flavor and version) cannot run, on the
   * field that has to change.
   */
  static void checkCore(
      Validator v,
      Optional<XrayReport> core,
      Protocol p,
      Transport t,
      Security s,
      Map<String, Object> settings) {
    if (core.isEmpty()) {
      return;
    }
    Flavor flavor = Flavor.parse(core.get().flavor()).orElseThrow();
    Capabilities.unsupported(flavor, core.get().version(), p, t, s, settings)
        .ifPresent(reason -> v.error(capabilityField(reason), reason));
  }

  private static String capabilityField(String reason) {
    if (reason.startsWith("security")) {
      return "security";
    }
    if (reason.startsWith("transport")) {
      return "transport";
    }
    if (reason.startsWith("Shadowsocks")) {
      return "settings.method";
    }
    if (reason.startsWith("VLESS flow")) {
      return "settings.flow";
    }
    return "node_id";
  }

  /** Public settings and server-only secrets of an endpoint. */
  record Resolved(Map<String, Object> settings, Map<String, String> secrets) {}

  /**
   * Validates {@code in} (the full settings; for PATCH the merge of old and new) and returns them
   * with defaults and generated material. {@code existing} is the endpoint being updated, whose
   * generated material is kept, or null on create.
   */
  static Resolved settings(
      Validator parent, Protocol p, Transport t, Security s, ObjectNode in, Endpoint existing) {
    Validator v = parent.child("settings", in);
    Set<String> allowed = keys(p, t, s);
    for (String g : GENERATED) {
      if (in.has(g)) {
        v.error(g, "is generated by the server and cannot be set");
      }
    }
    Set<String> known = new LinkedHashSet<>(allowed);
    known.addAll(GENERATED);
    v.rejectUnknown(
        known,
        "is not a setting of a "
            + Enums.wire(p)
            + " endpoint over "
            + Enums.wire(t)
            + " with security "
            + Enums.wire(s)
            + (allowed.isEmpty() ? "; it takes none" : "; allowed: " + String.join(", ", allowed)));
    Map<String, Object> out = new LinkedHashMap<>();
    Map<String, String> secrets = new HashMap<>(existing == null ? Map.of() : existing.secrets());
    switch (t) {
      case WS, HTTPUPGRADE -> {
        put(out, "path", v.matching("path", false, PATH, PATH_RULE));
        put(out, "host", v.matching("host", false, HOST, HOST_RULE));
      }
      case GRPC ->
          put(
              out,
              "service_name",
              v.matching("service_name", false, SERVICE, "must be 1-128 of A-Z a-z 0-9 . _ / -"));
      case XHTTP -> {
        put(out, "path", v.matching("path", false, PATH, PATH_RULE));
        put(out, "host", v.matching("host", false, HOST, HOST_RULE));
        String mode = v.oneOf("mode", false, XHTTP_MODES);
        put(out, "mode", mode == null ? "auto" : mode);
      }
      case TCP -> {}
    }
    switch (s) {
      case TLS -> {
        put(out, "server_name", v.matching("server_name", true, HOST, HOST_RULE));
        String fileRule = "must be an absolute file path on the node";
        put(out, "certificate_file", v.matching("certificate_file", true, FILE, fileRule));
        put(out, "key_file", v.matching("key_file", true, FILE, fileRule));
      }
      case REALITY -> reality(v, out, secrets, existing);
      case NONE -> {}
    }
    if (p == Protocol.VLESS) {
      String flow = v.oneOf("flow", false, List.of("", FLOW_VISION));
      if (FLOW_VISION.equals(flow)
          && (t != Transport.TCP || (s != Security.TLS && s != Security.REALITY))) {
        v.error("flow", FLOW_VISION + " requires transport tcp with security tls or reality");
      }
      put(out, "flow", flow == null || flow.isEmpty() ? null : flow);
    }
    if (p == Protocol.SHADOWSOCKS) {
      String method = v.oneOf("method", false, SS_METHODS);
      method = method == null ? DEFAULT_SS_METHOD : method;
      Object old = existing == null ? null : existing.settings().get("method");
      if (old != null && !old.equals(method)) {
        v.error("method", "cannot be changed; create a new endpoint instead");
      }
      out.put("method", method);
      int keyBytes = ss2022KeyBytes(method);
      if (keyBytes > 0) {
        Object key = existing == null ? null : existing.settings().get("server_key");
        out.put("server_key", key != null ? key : Material.ssKey(keyBytes));
      }
    }
    return new Resolved(out, secrets);
  }

  private static void reality(
      Validator v, Map<String, Object> out, Map<String, String> secrets, Endpoint existing) {
    put(
        out,
        "server_names",
        v.strings("server_names", true, 16, HOST, "must be a host name or IP address"));
    if (v.node().has("server_names") && v.node().get("server_names").isEmpty()) {
      v.error("server_names", "must name at least one server");
    }
    String destRule = "must be host:port, e.g. example.com:443";
    String dest = v.matching("dest", true, DEST, destRule);
    if (dest != null && Integer.parseInt(dest.substring(dest.lastIndexOf(':') + 1)) > 65535) {
      v.error("dest", destRule);
    }
    put(out, "dest", dest);
    String fp = v.oneOf("fingerprint", false, FINGERPRINTS);
    out.put("fingerprint", fp == null ? "chrome" : fp);
    put(out, "spider_x", v.matching("spider_x", false, PATH, PATH_RULE));
    List<String> shortIds =
        v.strings("short_ids", false, 16, SHORT_ID, "must be hex of even length, at most 16");
    if (shortIds == null && !v.node().has("short_ids")) {
      shortIds = new ArrayList<>(List.of(Material.shortId(), Material.shortId()));
    }
    put(out, "short_ids", shortIds);
    Object pub = existing == null ? null : existing.settings().get("public_key");
    if (pub == null) {
      Material.X25519 keys = Material.x25519();
      pub = keys.publicKey();
      secrets.put("private_key", keys.privateKey());
    }
    out.put("public_key", pub);
  }

  /** Settings keys a client may set for a combination. */
  static Set<String> keys(Protocol p, Transport t, Security s) {
    Set<String> k = new LinkedHashSet<>();
    switch (t) {
      case WS, HTTPUPGRADE -> k.addAll(List.of("path", "host"));
      case GRPC -> k.add("service_name");
      case XHTTP -> k.addAll(List.of("path", "host", "mode"));
      case TCP -> {}
    }
    switch (s) {
      case TLS -> k.addAll(List.of("server_name", "certificate_file", "key_file"));
      case REALITY ->
          k.addAll(List.of("server_names", "dest", "fingerprint", "spider_x", "short_ids"));
      case NONE -> {}
    }
    if (p == Protocol.VLESS) {
      k.add("flow");
    }
    if (p == Protocol.SHADOWSOCKS) {
      k.add("method");
    }
    return k;
  }

  private static void put(Map<String, Object> out, String key, Object value) {
    if (value != null) {
      out.put(key, value);
    }
  }
}
