package io.raftray.sub;

import io.raftray.model.Endpoint;
import io.raftray.model.Protocol;
import io.raftray.model.Security;
import io.raftray.model.Transport;
import java.util.List;
import java.util.Map;

/**
 * What a client needs to reach one proxy, resolved once from the endpoint settings so every format
 * emits the same values. Server-only settings (certificate and key files, REALITY dest and private
 * key) never get here.
 *
 * @param secret the client's password: the UUID (vless, vmess), the Trojan password, the
 *     Shadowsocks password; for Shadowsocks 2022 {@code server_key:user_key} (SIP023 identity)
 * @param path ws, httpupgrade, xhttp: the HTTP path, {@code /} when the endpoint sets none
 * @param hostHeader ws, httpupgrade, xhttp: the Host header, null when the endpoint sets none
 * @param serviceName grpc: the service name, null when the endpoint sets none
 * @param mode xhttp: the mode
 * @param sni tls: {@code server_name}; reality: the first of {@code server_names}
 * @param fingerprint reality: the uTLS fingerprint; null for tls (the endpoint has none)
 * @param shortId reality: the first short id, "" when the endpoint has none
 * @param spiderX reality: the spider path, null when unset
 */
record ClientProxy(
    String remark,
    String host,
    int port,
    Protocol protocol,
    Transport transport,
    Security security,
    String secret,
    String method,
    String flow,
    String path,
    String hostHeader,
    String serviceName,
    String mode,
    String sni,
    String fingerprint,
    String publicKey,
    String shortId,
    String spiderX) {

  /** Placeholder target of notice documents: nothing listens on port 1 of the loopback. */
  static final String NOTICE_HOST = "127.0.0.1";

  static final int NOTICE_PORT = 1;
  static final String NIL_UUID = "00000000-0000-0000-0000-000000000000";

  static ClientProxy of(ProxyEntry entry) {
    Endpoint e = entry.endpoint();
    Map<String, Object> s = e.settings();
    Transport t = e.transport();
    Security sec = e.security();
    boolean http = t == Transport.WS || t == Transport.HTTPUPGRADE || t == Transport.XHTTP;
    String method = e.protocol() == Protocol.SHADOWSOCKS ? str(s, "method") : null;
    String secret = entry.credential();
    if (method != null && method.startsWith("2022-")) {
      secret = str(s, "server_key") + ":" + secret;
    }
    String sni = null;
    String fingerprint = null;
    String publicKey = null;
    String shortId = null;
    String spiderX = null;
    if (sec == Security.TLS) {
      sni = str(s, "server_name");
    } else if (sec == Security.REALITY) {
      sni = first(s.get("server_names"));
      fingerprint = str(s, "fingerprint");
      fingerprint = fingerprint == null ? "chrome" : fingerprint;
      publicKey = str(s, "public_key");
      String sid = first(s.get("short_ids"));
      shortId = sid == null ? "" : sid;
      spiderX = str(s, "spider_x");
    }
    String path = http ? str(s, "path") : null;
    return new ClientProxy(
        entry.remark(),
        entry.host(),
        e.port(),
        e.protocol(),
        t,
        sec,
        secret,
        method,
        e.protocol() == Protocol.VLESS ? str(s, "flow") : null,
        http && path == null ? "/" : path,
        http ? str(s, "host") : null,
        t == Transport.GRPC ? str(s, "service_name") : null,
        t == Transport.XHTTP ? orDefault(str(s, "mode"), "auto") : null,
        sni,
        fingerprint,
        publicKey,
        shortId,
        spiderX);
  }

  /** The unusable proxy that carries a notice: VLESS over plain TCP to 127.0.0.1:1, nil UUID. */
  static ClientProxy notice(String text) {
    return new ClientProxy(
        text,
        NOTICE_HOST,
        NOTICE_PORT,
        Protocol.VLESS,
        Transport.TCP,
        Security.NONE,
        NIL_UUID,
        null,
        null,
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

  /**
   * Xray reads early data from the ws/httpupgrade path ({@code /ws?ed=2048}); Clash and sing-box
   * take it separately. The path without the {@code ed} parameter, other parameters kept.
   */
  String pathWithoutEarlyData() {
    int q = path == null ? -1 : path.indexOf('?');
    if (q < 0) {
      return path;
    }
    StringBuilder rest = new StringBuilder();
    for (String param : path.substring(q + 1).split("&", -1)) {
      if (!param.matches("ed=[0-9]{1,9}")) {
        rest.append(rest.isEmpty() ? "" : "&").append(param);
      }
    }
    return path.substring(0, q) + (rest.isEmpty() ? "" : "?" + rest);
  }

  /** The {@code ed} (early data bytes) parameter of the path, or null. */
  Integer earlyData() {
    int q = path == null ? -1 : path.indexOf('?');
    if (q < 0) {
      return null;
    }
    for (String param : path.substring(q + 1).split("&", -1)) {
      if (param.matches("ed=[0-9]{1,9}")) {
        return Integer.valueOf(param.substring(3));
      }
    }
    return null;
  }

  boolean ss2022() {
    return method != null && method.startsWith("2022-");
  }

  private static String str(Map<String, Object> s, String key) {
    Object v = s.get(key);
    return v == null || v.toString().isEmpty() ? null : v.toString();
  }

  private static String first(Object list) {
    return list instanceof List<?> l && !l.isEmpty() ? l.get(0).toString() : null;
  }

  private static String orDefault(String v, String d) {
    return v == null ? d : v;
  }
}
