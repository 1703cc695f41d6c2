package io.raftray.sub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.raftray.model.Enums;
import io.raftray.model.Protocol;
import io.raftray.model.Security;
import io.raftray.model.Transport;
import io.raftray.testing.ProxySpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * Parses rendered Clash, sing-box and Xray documents back into {@link ProxySpec}s, strictly: every
 * required field per type must be there with the right JSON/YAML type, and unknown fields fail (see
 * {@link Strict}). The document skeleton (groups, selector, inbounds, routing) is checked too.
 */
final class DocumentReaders {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final YAMLMapper YAML = new YAMLMapper();

  private DocumentReaders() {}

  /** A parsed document: its proxies, and the notice group/tag name when it is a notice document. */
  record Parsed(List<ProxySpec> proxies, String noticeName) {}

  // --- Clash

  static Parsed clash(String yaml) {
    Strict doc = new Strict(read(YAML, yaml), "clash");
    doc.expect("mixed-port", 7890);
    doc.expect("mode", "rule");
    List<ProxySpec> proxies = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (JsonNode n : doc.array("proxies")) {
      ProxySpec p = clashProxy(new Strict(n, "clash proxy"));
      proxies.add(p);
      names.add(p.remark());
    }
    unique(names, "clash proxy names");
    List<JsonNode> groups = doc.array("proxy-groups");
    List<String> rules = doc.texts("rules");
    doc.done();
    if (proxies.isEmpty()) {
      check(groups.size() == 1, "a notice document has one group");
      Strict g = new Strict(groups.get(0), "clash notice group");
      String name = g.text("name");
      g.expect("type", "select");
      check(g.texts("proxies").equals(List.of("REJECT")), "notice group rejects");
      g.done();
      check(rules.equals(List.of("MATCH," + name)), "rules match the notice group");
      check(!name.contains(","), "no comma in a group name used by a rule");
      return new Parsed(proxies, name);
    }
    check(groups.size() == 2, "select and url-test groups");
    Strict select = new Strict(groups.get(0), "clash select");
    String selectName = select.text("name");
    select.expect("type", "select");
    List<String> selectMembers = select.texts("proxies");
    select.done();
    Strict auto = new Strict(groups.get(1), "clash url-test");
    String autoName = auto.text("name");
    auto.expect("type", "url-test");
    check(auto.texts("proxies").equals(names), "url-test lists every proxy");
    auto.expect("url", "http://www.gstatic.com/generate_204");
    auto.expect("interval", 300);
    auto.done();
    List<String> expectedSelect = new ArrayList<>(List.of(autoName));
    expectedSelect.addAll(names);
    check(
        selectMembers.equals(expectedSelect), "select lists the url-test group, then every proxy");
    List<String> all = new ArrayList<>(names);
    all.addAll(List.of(selectName, autoName, "DIRECT", "REJECT"));
    unique(all, "clash proxy and group names");
    check(rules.equals(List.of("MATCH," + selectName)), "MATCH to the select group");
    return new Parsed(proxies, null);
  }

  private static ProxySpec clashProxy(Strict o) {
    String name = o.text("name");
    String type = o.text("type");
    String server = o.text("server");
    int port = o.integer("port");
    o.expect("udp", true);
    if (type.equals("ss")) {
      String method = o.text("cipher");
      String password = o.text("password");
      o.done();
      return new ProxySpec(
          Protocol.SHADOWSOCKS,
          name,
          server,
          port,
          password,
          method,
          null,
          Transport.TCP,
          Security.NONE,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null);
    }
    Protocol protocol = Enums.parse(Protocol.class, type);
    check(protocol != null && protocol != Protocol.SHADOWSOCKS, "clash type " + type);
    String secret;
    String flow = null;
    boolean tls;
    String sni;
    switch (protocol) {
      case VLESS -> {
        secret = o.text("uuid");
        flow = o.optText("flow");
        tls = o.bool("tls");
        sni = o.optText("servername");
      }
      case VMESS -> {
        secret = o.text("uuid");
        o.expect("alterId", 0);
        o.expect("cipher", "auto");
        tls = o.bool("tls");
        sni = o.optText("servername");
      }
      default -> {
        secret = o.text("password");
        tls = true; // mihomo's Trojan always speaks TLS
        sni = o.text("sni");
      }
    }
    Security security = Security.NONE;
    String fp = null;
    String pbk = null;
    String sid = null;
    if (tls) {
      check(sni != null, "servername with tls");
      o.expect("skip-cert-verify", false);
      fp = o.optText("client-fingerprint");
      Strict reality = o.optObj("reality-opts");
      security = reality == null ? Security.TLS : Security.REALITY;
      if (reality != null) {
        check(fp != null, "client-fingerprint is required for REALITY");
        pbk = reality.text("public-key");
        sid = reality.text("short-id");
        reality.done();
      } else {
        check(fp == null, "no uTLS fingerprint with plain tls");
      }
    } else {
      check(sni == null, "no servername without tls");
    }
    String network = o.text("network");
    Transport transport;
    String path = null;
    String host = null;
    String serviceName = null;
    String mode = null;
    switch (network) {
      case "tcp" -> transport = Transport.TCP;
      case "ws" -> {
        Strict ws = o.obj("ws-opts");
        path = ws.text("path");
        Strict headers = ws.optObj("headers");
        if (headers != null) {
          host = headers.text("Host");
          headers.done();
        }
        transport = ws.has("v2ray-http-upgrade") ? Transport.HTTPUPGRADE : Transport.WS;
        if (transport == Transport.HTTPUPGRADE) {
          ws.expect("v2ray-http-upgrade", true);
        } else if (ws.has("max-early-data")) {
          path = withEarlyData(path, ws.integer("max-early-data"));
          ws.expect("early-data-header-name", "Sec-WebSocket-Protocol");
        }
        ws.done();
      }
      case "grpc" -> {
        transport = Transport.GRPC;
        Strict g = o.obj("grpc-opts");
        serviceName = g.optText("grpc-service-name");
        g.done();
      }
      case "xhttp" -> {
        transport = Transport.XHTTP;
        check(protocol == Protocol.VLESS, "xhttp only for vless in mihomo");
        Strict x = o.obj("xhttp-opts");
        path = x.text("path");
        host = x.optText("host");
        mode = x.text("mode");
        x.done();
      }
      default -> throw new AssertionError("clash network " + network);
    }
    o.done();
    return new ProxySpec(
        protocol,
        name,
        server,
        port,
        secret,
        null,
        flow,
        transport,
        security,
        path,
        host,
        serviceName,
        mode,
        sni,
        fp,
        pbk,
        sid,
        null);
  }

  // --- sing-box

  static Parsed singbox(String json) {
    Strict doc = new Strict(read(JSON, json), "sing-box");
    Strict log = doc.obj("log");
    log.expect("level", "warn");
    log.done();
    List<JsonNode> inbounds = doc.array("inbounds");
    check(inbounds.size() == 1, "one tun inbound");
    Strict tun = new Strict(inbounds.get(0), "sing-box tun");
    tun.expect("type", "tun");
    tun.expect("tag", "tun-in");
    check(tun.texts("address").size() == 2, "tun addresses");
    tun.expect("auto_route", true);
    tun.expect("strict_route", true);
    tun.done();
    List<JsonNode> outbounds = doc.array("outbounds");
    Strict route = doc.obj("route");
    doc.done();
    List<String> ruleActions = new ArrayList<>();
    route.array("rules").forEach(r -> ruleActions.add(r.get("action").asText()));
    check(ruleActions.equals(List.of("sniff", "hijack-dns")), "sniff and hijack-dns rules");
    String fin = route.text("final");
    route.expect("auto_detect_interface", true);
    route.done();

    Strict selector = new Strict(outbounds.get(0), "sing-box selector");
    selector.expect("type", "selector");
    String selectorTag = selector.text("tag");
    List<String> selectorMembers = selector.texts("outbounds");
    check(fin.equals(selectorTag), "route.final is the selector");
    int first = 1;
    String urltestTag = null;
    List<String> urltestMembers = null;
    if (selector.has("default")) {
      urltestTag = selector.text("default");
      Strict urltest = new Strict(outbounds.get(1), "sing-box urltest");
      urltest.expect("type", "urltest");
      urltest.expect("tag", urltestTag);
      urltestMembers = urltest.texts("outbounds");
      urltest.expect("url", "http://www.gstatic.com/generate_204");
      urltest.expect("interval", "5m");
      urltest.done();
      first = 2;
    }
    selector.done();
    List<ProxySpec> proxies = new ArrayList<>();
    List<String> tags = new ArrayList<>();
    for (JsonNode n : outbounds.subList(first, outbounds.size() - 1)) {
      ProxySpec p = singboxOutbound(new Strict(n, "sing-box outbound"));
      proxies.add(p);
      tags.add(p.remark());
    }
    Strict direct = new Strict(outbounds.get(outbounds.size() - 1), "sing-box direct");
    direct.expect("type", "direct");
    String directTag = direct.text("tag");
    direct.done();
    List<String> all = new ArrayList<>(tags);
    all.add(selectorTag);
    all.add(directTag);
    if (urltestTag == null) {
      unique(all, "sing-box tags");
      check(
          selectorMembers.equals(tags) && tags.size() == 1, "notice selector has the placeholder");
      return new Parsed(proxies, tags.get(0));
    }
    all.add(urltestTag);
    unique(all, "sing-box tags");
    check(urltestMembers.equals(tags), "urltest lists every proxy");
    List<String> expected = new ArrayList<>(List.of(urltestTag));
    expected.addAll(tags);
    check(selectorMembers.equals(expected), "selector lists urltest, then every proxy");
    return new Parsed(proxies, null);
  }

  private static ProxySpec singboxOutbound(Strict o) {
    Protocol protocol = Enums.parse(Protocol.class, o.text("type"));
    check(protocol != null, "sing-box outbound type");
    String tag = o.text("tag");
    String server = o.text("server");
    int port = o.integer("server_port");
    String secret;
    String method = null;
    String flow = null;
    switch (protocol) {
      case VLESS -> {
        secret = o.text("uuid");
        flow = o.optText("flow");
      }
      case VMESS -> {
        secret = o.text("uuid");
        o.expect("security", "auto");
        o.expect("alter_id", 0);
      }
      case TROJAN -> secret = o.text("password");
      default -> {
        method = o.text("method");
        secret = o.text("password");
      }
    }
    Security security = Security.NONE;
    String sni = null;
    String fp = null;
    String pbk = null;
    String sid = null;
    Strict tls = o.optObj("tls");
    if (tls != null) {
      tls.expect("enabled", true);
      sni = tls.text("server_name");
      tls.expect("insecure", false);
      Strict utls = tls.optObj("utls");
      Strict reality = tls.optObj("reality");
      check((utls == null) == (reality == null), "utls exactly with reality");
      security = Security.TLS;
      if (reality != null) {
        security = Security.REALITY;
        utls.expect("enabled", true);
        fp = utls.text("fingerprint");
        utls.done();
        reality.expect("enabled", true);
        pbk = reality.text("public_key");
        sid = reality.text("short_id");
        reality.done();
      }
      tls.done();
    }
    Transport transport = Transport.TCP;
    String path = null;
    String host = null;
    String serviceName = null;
    Strict t = o.optObj("transport");
    if (t != null) {
      String type = t.text("type");
      switch (type) {
        case "ws" -> {
          transport = Transport.WS;
          path = t.text("path");
          Strict headers = t.optObj("headers");
          if (headers != null) {
            host = headers.text("Host");
            headers.done();
          }
          if (t.has("max_early_data")) {
            path = withEarlyData(path, t.integer("max_early_data"));
            t.expect("early_data_header_name", "Sec-WebSocket-Protocol");
          }
        }
        case "httpupgrade" -> {
          transport = Transport.HTTPUPGRADE;
          host = t.optText("host");
          path = t.text("path");
        }
        case "grpc" -> {
          transport = Transport.GRPC;
          serviceName = t.optText("service_name");
        }
        default -> throw new AssertionError("sing-box transport " + type);
      }
      t.done();
    }
    o.done();
    return new ProxySpec(
        protocol,
        tag,
        server,
        port,
        secret,
        method,
        flow,
        transport,
        security,
        path,
        host,
        serviceName,
        null,
        sni,
        fp,
        pbk,
        sid,
        null);
  }

  // --- Xray

  static Parsed xray(String json) {
    JsonNode root = read(JSON, json);
    check(root.isArray() && !root.isEmpty(), "xray: a non-empty array");
    List<ProxySpec> proxies = new ArrayList<>();
    for (JsonNode n : root) {
      Strict c = new Strict(n, "xray config");
      String remarks = c.text("remarks");
      Strict log = c.obj("log");
      log.expect("loglevel", "warning");
      log.done();
      List<JsonNode> inbounds = c.array("inbounds");
      check(inbounds.size() == 2, "socks and http inbounds");
      List<String> inboundProtocols = new ArrayList<>();
      for (JsonNode in : inbounds) {
        check(in.get("listen").asText().equals("127.0.0.1"), "inbounds on loopback");
        inboundProtocols.add(in.get("protocol").asText());
      }
      check(inboundProtocols.equals(List.of("socks", "http")), "socks then http inbound");
      List<JsonNode> outbounds = c.array("outbounds");
      check(outbounds.size() == 3, "proxy, direct, block");
      check(outbounds.get(1).get("protocol").asText().equals("freedom"), "freedom second");
      check(outbounds.get(2).get("protocol").asText().equals("blackhole"), "blackhole third");
      Strict routing = c.obj("routing");
      routing.expect("domainStrategy", "AsIs");
      check(routing.array("rules").size() == 1, "one routing rule");
      routing.done();
      c.done();
      proxies.add(xrayOutbound(new Strict(outbounds.get(0), "xray proxy"), remarks));
    }
    return new Parsed(proxies, null);
  }

  private static ProxySpec xrayOutbound(Strict o, String remark) {
    o.expect("tag", "proxy");
    Protocol protocol = Enums.parse(Protocol.class, o.text("protocol"));
    check(protocol != null, "xray outbound protocol");
    Strict settings = o.obj("settings");
    String address;
    int port;
    String secret;
    String method = null;
    String flow = null;
    if (protocol == Protocol.VLESS || protocol == Protocol.VMESS) {
      List<JsonNode> vnext = settings.array("vnext");
      check(vnext.size() == 1, "one vnext");
      Strict server = new Strict(vnext.get(0), "xray vnext");
      address = server.text("address");
      port = server.integer("port");
      List<JsonNode> users = server.array("users");
      check(users.size() == 1, "one user");
      server.done();
      Strict user = new Strict(users.get(0), "xray user");
      secret = user.text("id");
      if (protocol == Protocol.VLESS) {
        user.expect("encryption", "none");
        flow = user.optText("flow");
      } else {
        user.expect("alterId", 0);
        user.expect("security", "auto");
      }
      user.done();
    } else {
      List<JsonNode> servers = settings.array("servers");
      check(servers.size() == 1, "one server");
      Strict server = new Strict(servers.get(0), "xray server");
      address = server.text("address");
      port = server.integer("port");
      if (protocol == Protocol.SHADOWSOCKS) {
        method = server.text("method");
      }
      secret = server.text("password");
      server.done();
    }
    settings.done();
    Strict s = o.obj("streamSettings");
    Transport transport = Enums.parse(Transport.class, s.text("network"));
    Security security = Enums.parse(Security.class, s.text("security"));
    check(transport != null && security != null, "xray network and security");
    String sni = null;
    String fp = null;
    String pbk = null;
    String sid = null;
    String spx = null;
    if (security == Security.TLS) {
      Strict tls = s.obj("tlsSettings");
      sni = tls.text("serverName");
      tls.done();
    } else if (security == Security.REALITY) {
      Strict r = s.obj("realitySettings");
      sni = r.text("serverName");
      fp = r.text("fingerprint");
      pbk = r.text("publicKey");
      sid = r.text("shortId");
      spx = r.optText("spiderX");
      r.done();
    }
    String path = null;
    String host = null;
    String serviceName = null;
    String mode = null;
    switch (transport) {
      case WS, HTTPUPGRADE, XHTTP -> {
        Strict t =
            s.obj(
                switch (transport) {
                  case WS -> "wsSettings";
                  case HTTPUPGRADE -> "httpupgradeSettings";
                  default -> "xhttpSettings";
                });
        path = t.text("path");
        host = t.optText("host");
        if (transport == Transport.XHTTP) {
          mode = t.text("mode");
        }
        t.done();
      }
      case GRPC -> {
        Strict g = s.obj("grpcSettings");
        serviceName = g.text("serviceName");
        serviceName = serviceName.isEmpty() ? null : serviceName;
        g.expect("multiMode", false);
        g.done();
      }
      case TCP -> {}
    }
    s.done();
    o.done();
    return new ProxySpec(
        protocol,
        remark,
        address,
        port,
        secret,
        method,
        flow,
        transport,
        security,
        path,
        host,
        serviceName,
        mode,
        sni,
        fp,
        pbk,
        sid,
        spx);
  }

  // --- helpers

  /** The canonical form the golden test compares: {@code ed=N} as the last path parameter. */
  static String withEarlyData(String path, int bytes) {
    return path + (path.contains("?") ? "&" : "?") + "ed=" + bytes;
  }

  private static JsonNode read(ObjectMapper mapper, String text) {
    try {
      return mapper.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException("document does not parse", e);
    }
  }

  private static void unique(List<String> names, String what) {
    check(new HashSet<>(names).size() == names.size(), what + " are unique: " + names);
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new AssertionError(what);
    }
  }
}
