package io.raftray.testing;

import io.raftray.model.Endpoint;
import io.raftray.model.Protocol;
import io.raftray.model.Security;
import io.raftray.model.Transport;
import java.util.List;
import java.util.Map;

/**
 * What a client knows about one proxy after reading a subscription: the result of {@link
 * ShareLinkParser} and of the document readers in the golden tests, and the input of {@link
 * V2RayClientConfig} and {@link SsLocal}. Absent facts are null.
 *
 * @param secret UUID (vless, vmess), password (trojan, shadowsocks; for Shadowsocks 2022 {@code
 *     server_key:user_key})
 */
public record ProxySpec(
    Protocol protocol,
    String remark,
    String address,
    int port,
    String secret,
    String method,
    String flow,
    Transport transport,
    Security security,
    String path,
    String host,
    String serviceName,
    String mode,
    String sni,
    String fingerprint,
    String publicKey,
    String shortId,
    String spiderX) {

  /**
   * What a client must end up with for a grant with {@code credential} on {@code e} served at
   * {@code host}, derived here from the endpoint settings independently of the renderers: the
   * defaults Xray applies (path {@code /}, xhttp mode {@code auto}, REALITY fingerprint {@code
   * chrome}, first server name and short id) and the Shadowsocks 2022 identity password.
   */
  public static ProxySpec of(String remark, String host, Endpoint e, String credential) {
    Map<String, Object> s = e.settings();
    Transport t = e.transport();
    boolean httpLike = t == Transport.WS || t == Transport.HTTPUPGRADE || t == Transport.XHTTP;
    String method = e.protocol() == Protocol.SHADOWSOCKS ? (String) s.get("method") : null;
    String secret =
        method != null && method.startsWith("2022-")
            ? s.get("server_key") + ":" + credential
            : credential;
    boolean reality = e.security() == Security.REALITY;
    String sni =
        switch (e.security()) {
          case TLS -> (String) s.get("server_name");
          case REALITY -> ((List<?>) s.get("server_names")).get(0).toString();
          case NONE -> null;
        };
    List<?> shortIds = reality ? (List<?>) s.get("short_ids") : null;
    return new ProxySpec(
        e.protocol(),
        remark,
        host,
        e.port(),
        secret,
        method,
        (String) s.get("flow"),
        t,
        e.security(),
        httpLike ? (String) s.getOrDefault("path", "/") : null,
        httpLike ? (String) s.get("host") : null,
        t == Transport.GRPC ? (String) s.get("service_name") : null,
        t == Transport.XHTTP ? (String) s.getOrDefault("mode", "auto") : null,
        sni,
        reality ? (String) s.getOrDefault("fingerprint", "chrome") : null,
        reality ? (String) s.get("public_key") : null,
        reality ? (shortIds == null || shortIds.isEmpty() ? "" : shortIds.get(0).toString()) : null,
        reality ? (String) s.get("spider_x") : null);
  }

  @Override
  public String toString() {
    return "ProxySpec["
        + protocol
        + " "
        + remark
        + " "
        + address
        + ":"
        + port
        + " "
        + transport
        + "/"
        + security
        + " path="
        + path
        + " host="
        + host
        + " serviceName="
        + serviceName
        + " mode="
        + mode
        + " sni="
        + sni
        + " fp="
        + fingerprint
        + " pbk="
        + publicKey
        + " sid="
        + shortId
        + " spx="
        + spiderX
        + " flow="
        + flow
        + " method="
        + method
        + " secret#"
        + (secret == null ? "null" : Integer.toHexString(secret.hashCode()))
        + "]";
  }
}
