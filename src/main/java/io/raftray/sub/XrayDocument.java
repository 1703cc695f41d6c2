package io.raftray.sub;

import io.raftray.model.Enums;
import io.raftray.model.Security;
import java.util.ArrayList;
import java.util.List;

/**
 * Xray JSON as v2rayNG and v2rayN import it: an array of complete client configs, one per proxy,
 * each named by {@code remarks}, with local {@code socks} (10808) and {@code http} (10809) inbounds
 * on 127.0.0.1, the proxy outbound first (tag {@code proxy}), {@code freedom} and {@code
 * blackhole}, and a routing section (clients detect the format by {@code inbounds}, {@code
 * outbounds} and {@code routing}).
 */
final class XrayDocument {
  static final int SOCKS_PORT = 10808;
  static final int HTTP_PORT = 10809;

  /** Private and loopback ranges go direct; written out so no geoip.dat is needed. */
  static final List<String> PRIVATE =
      List.of(
          "10.0.0.0/8",
          "100.64.0.0/10",
          "127.0.0.0/8",
          "169.254.0.0/16",
          "172.16.0.0/12",
          "192.168.0.0/16",
          "::1/128",
          "fc00::/7",
          "fe80::/10");

  private XrayDocument() {}

  static List<Doc> render(Subscription.Listing listing) {
    List<Doc> configs = new ArrayList<>();
    for (Proxy p : listing.proxies()) {
      configs.add(config(p));
    }
    return configs;
  }

  private static Doc config(Proxy p) {
    return Doc.of()
        .put("remarks", p.remark())
        .put("log", Doc.of().put("loglevel", "warning"))
        .put(
            "inbounds",
            List.of(
                Doc.of()
                    .put("tag", "socks")
                    .put("listen", "127.0.0.1")
                    .put("port", SOCKS_PORT)
                    .put("protocol", "socks")
                    .put("settings", Doc.of().put("auth", "noauth").put("udp", true))
                    .put(
                        "sniffing",
                        Doc.of().put("enabled", true).put("destOverride", List.of("http", "tls"))),
                Doc.of()
                    .put("tag", "http")
                    .put("listen", "127.0.0.1")
                    .put("port", HTTP_PORT)
                    .put("protocol", "http")
                    .put("settings", Doc.of())))
        .put(
            "outbounds",
            List.of(
                outbound(p),
                Doc.of().put("tag", "direct").put("protocol", "freedom").put("settings", Doc.of()),
                Doc.of()
                    .put("tag", "block")
                    .put("protocol", "blackhole")
                    .put("settings", Doc.of())))
        .put(
            "routing",
            Doc.of()
                .put("domainStrategy", "AsIs")
                .put(
                    "rules",
                    List.of(
                        Doc.of()
                            .put("type", "field")
                            .put("ip", PRIVATE)
                            .put("outboundTag", "direct"))));
  }

  /** The proxy outbound in the classic vnext/servers layout that older embedded cores read. */
  static Doc outbound(Proxy p) {
    Doc settings =
        switch (p.protocol()) {
          case VLESS ->
              vnext(
                  p,
                  Doc.of().put("id", p.secret()).put("encryption", "none").put("flow", p.flow()));
          case VMESS ->
              vnext(p, Doc.of().put("id", p.secret()).put("alterId", 0).put("security", "auto"));
          case TROJAN -> servers(server(p).put("password", p.secret()));
          case SHADOWSOCKS ->
              servers(server(p).put("method", p.method()).put("password", p.secret()));
        };
    return Doc.of()
        .put("tag", "proxy")
        .put("protocol", Enums.wire(p.protocol()))
        .put("settings", settings)
        .put("streamSettings", stream(p));
  }

  private static Doc vnext(Proxy p, Doc user) {
    return Doc.of().put("vnext", List.of(server(p).put("users", List.of(user))));
  }

  private static Doc servers(Doc server) {
    return Doc.of().put("servers", List.of(server));
  }

  /** The address and port of a {@code vnext} or {@code servers} entry. */
  private static Doc server(Proxy p) {
    return Doc.of().put("address", p.host()).put("port", p.port());
  }

  private static Doc stream(Proxy p) {
    Doc s =
        Doc.of()
            .put("network", Enums.wire(p.transport()))
            .put("security", Enums.wire(p.security()));
    if (p.security() == Security.TLS) {
      s.put("tlsSettings", Doc.of().put("serverName", p.sni()));
    } else if (p.security() == Security.REALITY) {
      s.put(
          "realitySettings",
          Doc.of()
              .put("serverName", p.sni())
              .put("fingerprint", p.fingerprint())
              .put("publicKey", p.publicKey())
              .put("shortId", p.shortId())
              .put("spiderX", p.spiderX()));
    }
    switch (p.transport()) {
      case WS -> s.put("wsSettings", Doc.of().put("path", p.path()).put("host", p.hostHeader()));
      case HTTPUPGRADE ->
          s.put("httpupgradeSettings", Doc.of().put("path", p.path()).put("host", p.hostHeader()));
      case GRPC ->
          s.put(
              "grpcSettings",
              Doc.of()
                  .put("serviceName", p.serviceName() == null ? "" : p.serviceName())
                  .put("multiMode", false));
      case XHTTP ->
          s.put(
              "xhttpSettings",
              Doc.of().put("path", p.path()).put("host", p.hostHeader()).put("mode", p.mode()));
      case TCP -> {}
    }
    return s;
  }
}
