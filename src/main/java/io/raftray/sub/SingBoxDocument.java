package io.raftray.sub;

import io.raftray.model.Enums;
import io.raftray.model.Security;
import io.raftray.model.Transport;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * sing-box JSON for sing-box 1.11 and later: a {@code tun} inbound, one outbound per proxy, a
 * {@code selector} (default: the {@code urltest}), the {@code urltest}, {@code direct}, and a route
 * with rule actions ({@code sniff}, {@code hijack-dns}) whose final outbound is the selector.
 */
final class SingBoxDocument {
  static final String TEST_URL = ClashDocument.TEST_URL;
  static final String TEST_INTERVAL = "5m";

  private SingBoxDocument() {}

  /** Upstream sing-box has no xhttp transport. */
  static boolean supports(Proxy p) {
    return p.transport() != Transport.XHTTP;
  }

  static Doc render(Subscription.Listing listing) {
    List<String> tags = listing.remarks();
    Set<String> taken = new HashSet<>(tags);
    String select = Names.unique("proxy", taken);
    String auto = Names.unique("auto", taken);
    String direct = Names.unique("direct", taken);
    List<Doc> outbounds = new ArrayList<>();
    if (listing.isNotice()) {
      // The notice placeholder is the only member: nothing to test, nothing that works.
      outbounds.add(Doc.of().put("type", "selector").put("tag", select).put("outbounds", tags));
    } else {
      List<String> members = new ArrayList<>();
      members.add(auto);
      members.addAll(tags);
      outbounds.add(
          Doc.of()
              .put("type", "selector")
              .put("tag", select)
              .put("outbounds", members)
              .put("default", auto));
      outbounds.add(
          Doc.of()
              .put("type", "urltest")
              .put("tag", auto)
              .put("outbounds", tags)
              .put("url", TEST_URL)
              .put("interval", TEST_INTERVAL));
    }
    for (Proxy p : listing.proxies()) {
      outbounds.add(outbound(p));
    }
    outbounds.add(Doc.of().put("type", "direct").put("tag", direct));
    return Doc.of()
        .put("log", Doc.of().put("level", "warn"))
        .put(
            "inbounds",
            List.of(
                Doc.of()
                    .put("type", "tun")
                    .put("tag", "tun-in")
                    .put("address", List.of("172.19.0.1/30", "fdfe:dcba:9876::1/126"))
                    .put("auto_route", true)
                    .put("strict_route", true)))
        .put("outbounds", outbounds)
        .put(
            "route",
            Doc.of()
                .put(
                    "rules",
                    List.of(
                        Doc.of().put("action", "sniff"),
                        Doc.of().put("protocol", "dns").put("action", "hijack-dns")))
                .put("final", select)
                .put("auto_detect_interface", true));
  }

  private static Doc outbound(Proxy p) {
    Doc d =
        Doc.of()
            .put("type", Enums.wire(p.protocol()))
            .put("tag", p.remark())
            .put("server", p.host())
            .put("server_port", p.port());
    switch (p.protocol()) {
      case VLESS -> d.put("uuid", p.secret()).put("flow", p.flow());
      case VMESS -> d.put("uuid", p.secret()).put("security", "auto").put("alter_id", 0);
      case TROJAN -> d.put("password", p.secret());
      case SHADOWSOCKS -> {
        return d.put("method", p.method()).put("password", p.secret());
      }
    }
    if (p.security() != Security.NONE) {
      Doc tls = Doc.of().put("enabled", true).put("server_name", p.sni()).put("insecure", false);
      if (p.security() == Security.REALITY) {
        // sing-box refuses REALITY without uTLS.
        tls.put("utls", Doc.of().put("enabled", true).put("fingerprint", p.fingerprint()));
        tls.put(
            "reality",
            Doc.of()
                .put("enabled", true)
                .put("public_key", p.publicKey())
                .put("short_id", p.shortId()));
      }
      d.put("tls", tls);
    }
    switch (p.transport()) {
      case WS -> {
        Doc t = Doc.of().put("type", "ws").put("path", p.pathWithoutEarlyData());
        if (p.hostHeader() != null) {
          t.put("headers", Doc.of().put("Host", p.hostHeader()));
        }
        if (p.earlyData() != null) {
          // Xray's server expects early data in this header.
          t.put("max_early_data", p.earlyData());
          t.put("early_data_header_name", "Sec-WebSocket-Protocol");
        }
        d.put("transport", t);
      }
      case HTTPUPGRADE ->
          d.put(
              "transport",
              Doc.of()
                  .put("type", "httpupgrade")
                  .put("host", p.hostHeader())
                  .put("path", p.pathWithoutEarlyData()));
      case GRPC ->
          d.put("transport", Doc.of().put("type", "grpc").put("service_name", p.serviceName()));
      case TCP, XHTTP -> {}
    }
    return d;
  }
}
