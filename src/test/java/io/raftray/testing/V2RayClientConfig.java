package io.raftray.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftray.model.Enums;
import io.raftray.model.Security;
import io.raftray.model.Transport;
import io.raftray.xray.Capabilities;
import io.raftray.xray.Flavor;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A V2Ray 4.34 client config (the JSON {@code v2ray -config FILE} reads) for one proxy from a
 * subscription: a SOCKS5 inbound on {@code 127.0.0.1:socksPort} and the proxy as the only outbound
 * (tag {@code proxy}), with its stream settings. Combinations V2Ray 4.34 cannot run are refused
 * with the reason {@link Capabilities} gives.
 */
public final class V2RayClientConfig {
  public static final String VERSION = "4.34.0";
  private static final ObjectMapper JSON = new ObjectMapper();

  private V2RayClientConfig() {}

  /** Why V2Ray 4.34 cannot run this proxy as a client, or empty when it can. */
  public static Optional<String> unsupported(ProxySpec p) {
    Map<String, Object> settings = new HashMap<>();
    if (p.method() != null) {
      settings.put("method", p.method());
    }
    if (p.flow() != null) {
      settings.put("flow", p.flow());
    }
    return Capabilities.unsupported(
        Flavor.V2RAY, VERSION, p.protocol(), p.transport(), p.security(), settings);
  }

  /** The config, verifying TLS against the system roots. */
  public static ObjectNode build(ProxySpec p, int socksPort) {
    return build(p, socksPort, null);
  }

  /**
   * The config; with {@code caCertificate} (a PEM file) TLS servers are verified against that CA
   * instead of the system roots, and never skipped.
   *
   * @throws IllegalArgumentException when V2Ray 4.34 cannot run the proxy
   */
  public static ObjectNode build(ProxySpec p, int socksPort, Path caCertificate) {
    unsupported(p)
        .ifPresent(
            why -> {
              throw new IllegalArgumentException(why);
            });
    ObjectNode root = JSON.createObjectNode();
    root.putObject("log").put("loglevel", "warning");
    ObjectNode in = root.putArray("inbounds").addObject();
    in.put("tag", "socks-in");
    in.put("listen", "127.0.0.1");
    in.put("port", socksPort);
    in.put("protocol", "socks");
    in.putObject("settings").put("auth", "noauth").put("udp", false);
    ObjectNode out = root.putArray("outbounds").addObject();
    out.put("tag", "proxy");
    out.put("protocol", Enums.wire(p.protocol()));
    ObjectNode settings = out.putObject("settings");
    switch (p.protocol()) {
      case VLESS -> user(settings, p).put("encryption", "none");
      case VMESS -> user(settings, p).put("alterId", 0).put("security", "auto");
      case TROJAN -> server(settings, p).put("password", p.secret());
      case SHADOWSOCKS ->
          server(settings, p).put("method", v2rayMethod(p.method())).put("password", p.secret());
    }
    ObjectNode stream = out.putObject("streamSettings");
    stream.put("network", Enums.wire(p.transport()));
    stream.put("security", Enums.wire(p.security()));
    if (p.security() == Security.TLS) {
      ObjectNode tls = stream.putObject("tlsSettings");
      tls.put("serverName", p.sni());
      tls.put("allowInsecure", false);
      if (caCertificate != null) {
        tls.put("disableSystemRoot", true);
        ArrayNode certs = tls.putArray("certificates");
        certs
            .addObject()
            .put("usage", "verify")
            .put("certificateFile", caCertificate.toAbsolutePath().toString());
      }
    }
    if (p.transport() == Transport.WS) {
      ObjectNode ws = stream.putObject("wsSettings");
      ws.put("path", p.path());
      if (p.host() != null) {
        ws.putObject("headers").put("Host", p.host());
      }
    }
    return root;
  }

  /** {@link #build(ProxySpec, int, Path)} as pretty JSON. */
  public static String json(ProxySpec p, int socksPort, Path caCertificate) {
    return build(p, socksPort, caCertificate).toPrettyString();
  }

  private static ObjectNode user(ObjectNode settings, ProxySpec p) {
    ObjectNode server = settings.putArray("vnext").addObject();
    server.put("address", p.address());
    server.put("port", p.port());
    return server.putArray("users").addObject().put("id", p.secret());
  }

  private static ObjectNode server(ObjectNode settings, ProxySpec p) {
    return settings
        .putArray("servers")
        .addObject()
        .put("address", p.address())
        .put("port", p.port());
  }

  /** V2Ray 4 names the IETF ChaCha20 AEAD {@code chacha20-poly1305}. */
  static String v2rayMethod(String method) {
    return "chacha20-ietf-poly1305".equals(method) ? "chacha20-poly1305" : method;
  }
}
