package io.raftray.sub;

import io.raftray.model.Enums;
import io.raftray.model.Protocol;
import io.raftray.model.Security;
import io.raftray.model.Transport;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Clash Meta (mihomo) YAML: {@code proxies}, a {@code select} group listing the {@code url-test}
 * group and every proxy, the {@code url-test} group, and {@code MATCH} to the select group.
 */
final class ClashDocument {
  static final String TEST_URL = "http://www.gstatic.com/generate_204";
  static final int TEST_INTERVAL_SECONDS = 300;

  private ClashDocument() {}

  /**
   * mihomo has no xhttp for VMess or Trojan, and its Trojan always speaks TLS (so Trojan without
   * security cannot be expressed).
   */
  static boolean supports(Proxy p) {
    if (p.protocol() != Protocol.VLESS && p.transport() == Transport.XHTTP) {
      return false;
    }
    return !(p.protocol() == Protocol.TROJAN && p.security() == Security.NONE);
  }

  static Doc render(Subscription.Listing listing) {
    Doc doc = Doc.of().put("mixed-port", 7890).put("mode", "rule");
    if (listing.isNotice()) {
      // No proxy at all: one select group named by the notice that rejects everything. Commas
      // would split the MATCH rule, so they become semicolons in the group name.
      String group = listing.notice().replace(',', ';');
      return doc.put("proxies", List.of())
          .put(
              "proxy-groups",
              List.of(
                  Doc.of()
                      .put("name", group)
                      .put("type", "select")
                      .put("proxies", List.of("REJECT"))))
          .put("rules", List.of("MATCH," + group));
    }
    List<Doc> proxies = listing.proxies().stream().map(ClashDocument::proxy).toList();
    List<String> names = listing.remarks();
    Set<String> taken = new HashSet<>(names);
    taken.addAll(Set.of("DIRECT", "REJECT", "GLOBAL"));
    String select = Names.unique("Proxy", taken);
    String auto = Names.unique("Auto", taken);
    List<String> selectMembers = new ArrayList<>();
    selectMembers.add(auto);
    selectMembers.addAll(names);
    return doc.put("proxies", proxies)
        .put(
            "proxy-groups",
            List.of(
                Doc.of().put("name", select).put("type", "select").put("proxies", selectMembers),
                Doc.of()
                    .put("name", auto)
                    .put("type", "url-test")
                    .put("proxies", names)
                    .put("url", TEST_URL)
                    .put("interval", TEST_INTERVAL_SECONDS)))
        .put("rules", List.of("MATCH," + select));
  }

  private static Doc proxy(Proxy p) {
    Doc d =
        Doc.of()
            .put("name", p.remark())
            .put("type", p.protocol() == Protocol.SHADOWSOCKS ? "ss" : Enums.wire(p.protocol()))
            .put("server", p.host())
            .put("port", p.port())
            .put("udp", true);
    switch (p.protocol()) {
      case VLESS -> d.put("uuid", p.secret()).put("flow", p.flow());
      case VMESS -> d.put("uuid", p.secret()).put("alterId", 0).put("cipher", "auto");
      case TROJAN -> d.put("password", p.secret());
      case SHADOWSOCKS -> {
        return d.put("cipher", p.method()).put("password", p.secret());
      }
    }
    boolean secure = p.security() != Security.NONE;
    if (p.protocol() == Protocol.TROJAN) {
      d.put("sni", p.sni());
    } else {
      d.put("tls", secure);
      d.put("servername", p.sni());
    }
    if (secure) {
      d.put("skip-cert-verify", false);
      d.put("client-fingerprint", p.fingerprint());
    }
    if (p.security() == Security.REALITY) {
      d.put("reality-opts", Doc.of().put("public-key", p.publicKey()).put("short-id", p.shortId()));
    }
    switch (p.transport()) {
      case TCP -> d.put("network", "tcp");
      case WS, HTTPUPGRADE -> {
        Doc ws = Doc.of().put("path", p.pathWithoutEarlyData());
        if (p.hostHeader() != null) {
          ws.put("headers", Doc.of().put("Host", p.hostHeader()));
        }
        if (p.transport() == Transport.HTTPUPGRADE) {
          // mihomo has no early data over httpupgrade; the ed parameter is dropped.
          ws.put("v2ray-http-upgrade", true);
        } else if (p.earlyData() != null) {
          ws.put("max-early-data", p.earlyData());
          ws.put("early-data-header-name", "Sec-WebSocket-Protocol");
        }
        d.put("network", "ws").put("ws-opts", ws);
      }
      case GRPC ->
          d.put("network", "grpc")
              .put("grpc-opts", Doc.of().put("grpc-service-name", p.serviceName()));
      case XHTTP ->
          d.put("network", "xhttp")
              .put(
                  "xhttp-opts",
                  Doc.of().put("path", p.path()).put("host", p.hostHeader()).put("mode", p.mode()));
    }
    return d;
  }
}
