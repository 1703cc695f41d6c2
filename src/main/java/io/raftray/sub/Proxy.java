package io.raftray.sub;

import io.raftray.model.Endpoint;
import io.raftray.model.Protocol;
import io.raftray.model.Security;
import io.raftray.model.Transport;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One proxy of a subscription, as a client must reach it: what every format renders, resolved once
 * from the endpoint settings ({@link #of}) so every format emits the same values. Server-only
 * settings (certificate and key files, REALITY dest and private key) never get here.
 *
 * @param remark the proxy's name, unique within its subscription
 * @param host the hosting node's {@code access_host}
 * @param secret the client's password: the UUID (vless, vmess), the Trojan password, the
 *     Shadowsocks password; for Shadowsocks 2022 {@code server_key:user_key} (SIP023 identity)
 * @param method shadowsocks: the cipher
 * @param flow vless: the flow, null when the endpoint sets none
 * @param path ws, httpupgrade, xhttp: the HTTP path, {@code /} when the endpoint sets none
 * @param hostHeader ws, httpupgrade, xhttp: the Host header, null when the endpoint sets none
 * @param serviceName grpc: the service name, null when the endpoint sets none
 * @param mode xhttp: the mode, {@code auto} when the endpoint sets none
 * @param sni tls: {@code server_name}; reality: the first of {@code server_names}
 * @param fingerprint reality: the uTLS fingerprint, {@code chrome} by default; null for tls (the
 *     endpoint has none)
 * @param publicKey reality: the server's public key
 * @param shortId reality: the first short id, "" when the endpoint has none
 * @param spiderX reality: the spider path, null when unset
 */
public record Proxy(
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

  static final String NIL_UUID = "00000000-0000-0000-0000-000000000000";

  /** What the notice placeholder is resolved from: VLESS over plain TCP, no settings. */
  private static final Endpoint NOTICE_ENDPOINT =
      new Endpoint(
          "notice",
          "notice",
          "notice",
          Protocol.VLESS,
          1,
          Transport.TCP,
          Security.NONE,
          Map.of(),
          Map.of(),
          false,
          Instant.EPOCH,
          Instant.EPOCH);

  public Proxy {
    Objects.requireNonNull(remark, "remark");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(security, "security");
    Objects.requireNonNull(secret, "secret");
  }

  /**
   * The proxy a grant with {@code credential} (exactly as stored) gives on {@code endpoint}, served
   * at {@code host}.
   */
  public static Proxy of(String remark, String host, Endpoint endpoint, String credential) {
    Map<String, Object> s = endpoint.settings();
    Protocol protocol = endpoint.protocol();
    Transport t = endpoint.transport();
    Security sec = endpoint.security();
    boolean http = t == Transport.WS || t == Transport.HTTPUPGRADE || t == Transport.XHTTP;
    boolean reality = sec == Security.REALITY;
    String method = protocol == Protocol.SHADOWSOCKS ? str(s, "method") : null;
    String secret = isSs2022(method) ? str(s, "server_key") + ":" + credential : credential;
    String sni =
        switch (sec) {
          case TLS -> str(s, "server_name");
          case REALITY -> first(s.get("server_names"));
          case NONE -> null;
        };
    return new Proxy(
        remark,
        host,
        endpoint.port(),
        protocol,
        t,
        sec,
        secret,
        method,
        protocol == Protocol.VLESS ? str(s, "flow") : null,
        http ? orDefault(str(s, "path"), "/") : null,
        http ? str(s, "host") : null,
        t == Transport.GRPC ? str(s, "service_name") : null,
        t == Transport.XHTTP ? orDefault(str(s, "mode"), "auto") : null,
        sni,
        reality ? orDefault(str(s, "fingerprint"), "chrome") : null,
        reality ? str(s, "public_key") : null,
        reality ? orDefault(first(s.get("short_ids")), "") : null,
        reality ? str(s, "spider_x") : null);
  }

  /**
   * The unusable proxy a document lists instead of real ones, named by {@code text} (see {@link
   * Subscription#listing}): VLESS over plain TCP to 127.0.0.1:1 with the nil UUID.
   */
  static Proxy notice(String text) {
    return of(text, NOTICE_HOST, NOTICE_ENDPOINT, NIL_UUID);
  }

  /**
   * Xray reads early data from the ws/httpupgrade path ({@code /ws?ed=2048}); Clash and sing-box
   * take it separately. The path without the {@code ed} parameter, other parameters kept.
   */
  String pathWithoutEarlyData() {
    List<String> params = queryParams();
    if (params.isEmpty()) {
      return path;
    }
    StringBuilder rest = new StringBuilder();
    for (String param : params) {
      if (!isEarlyData(param)) {
        rest.append(rest.isEmpty() ? "" : "&").append(param);
      }
    }
    return path.substring(0, path.indexOf('?')) + (rest.isEmpty() ? "" : "?" + rest);
  }

  /** The {@code ed} (early data bytes) parameter of the path, or null. */
  Integer earlyData() {
    for (String param : queryParams()) {
      if (isEarlyData(param)) {
        return Integer.valueOf(param.substring(3));
      }
    }
    return null;
  }

  /** The parameters after the {@code ?} of the path; none without one. */
  private List<String> queryParams() {
    int q = path == null ? -1 : path.indexOf('?');
    return q < 0 ? List.of() : List.of(path.substring(q + 1).split("&", -1));
  }

  boolean ss2022() {
    return isSs2022(method);
  }

  @Override
  public String toString() {
    return "Proxy[" + remark + " " + host + ":" + port + "]"; // no secret
  }

  private static boolean isEarlyData(String param) {
    return param.matches("ed=[0-9]{1,9}");
  }

  private static boolean isSs2022(String method) {
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
