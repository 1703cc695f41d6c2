package io.raftray.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The outbound of a V2Ray client process (V2Ray 4.x JSON), pointing at a server inbound with one
 * user's credentials. Start from a protocol, then add the transport and TLS:
 *
 * <pre>{@code
 * V2RayOutbound.trojan("127.0.0.1", port, password).tls("localhost")
 * V2RayOutbound.vmess("127.0.0.1", port, uuid).ws("/path", "example.com").tls("localhost")
 * }</pre>
 *
 * TLS clients accept any server certificate ({@code allowInsecure}): the test servers use
 * self-signed certificates.
 */
public final class V2RayOutbound {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ObjectNode json;

  private V2RayOutbound(ObjectNode json) {
    this.json = json;
    stream().put("network", "tcp").put("security", "none");
  }

  /** VMess with AEAD (alterId 0), as the server adds its users. */
  public static V2RayOutbound vmess(String host, int port, String uuid) {
    ObjectNode o = JSON.createObjectNode().put("protocol", "vmess");
    ObjectNode server = o.putObject("settings").putArray("vnext").addObject();
    server.put("address", host).put("port", port);
    server.putArray("users").addObject().put("id", uuid).put("alterId", 0).put("security", "auto");
    return new V2RayOutbound(o);
  }

  public static V2RayOutbound vless(String host, int port, String uuid) {
    ObjectNode o = JSON.createObjectNode().put("protocol", "vless");
    ObjectNode server = o.putObject("settings").putArray("vnext").addObject();
    server.put("address", host).put("port", port);
    server.putArray("users").addObject().put("id", uuid).put("encryption", "none");
    return new V2RayOutbound(o);
  }

  public static V2RayOutbound trojan(String host, int port, String password) {
    ObjectNode o = JSON.createObjectNode().put("protocol", "trojan");
    o.putObject("settings")
        .putArray("servers")
        .addObject()
        .put("address", host)
        .put("port", port)
        .put("password", password);
    return new V2RayOutbound(o);
  }

  /** Shadowsocks with an AEAD {@code method} such as {@code aes-128-gcm}. */
  public static V2RayOutbound shadowsocks(String host, int port, String method, String password) {
    ObjectNode o = JSON.createObjectNode().put("protocol", "shadowsocks");
    o.putObject("settings")
        .putArray("servers")
        .addObject()
        .put("address", host)
        .put("port", port)
        .put("method", method)
        .put("password", password);
    return new V2RayOutbound(o);
  }

  /** WebSocket transport on {@code path}; {@code host} (may be null) as the Host header. */
  public V2RayOutbound ws(String path, String host) {
    stream().put("network", "ws");
    ObjectNode ws = stream().putObject("wsSettings").put("path", path);
    if (host != null) {
      ws.putObject("headers").put("Host", host);
    }
    return this;
  }

  /** TLS with SNI {@code serverName}, any certificate accepted. */
  public V2RayOutbound tls(String serverName) {
    stream().put("security", "tls");
    stream().putObject("tlsSettings").put("serverName", serverName).put("allowInsecure", true);
    return this;
  }

  /** A copy of the outbound's JSON. */
  public ObjectNode json() {
    return json.deepCopy();
  }

  private ObjectNode stream() {
    return json.has("streamSettings")
        ? (ObjectNode) json.get("streamSettings")
        : json.putObject("streamSettings");
  }

  @Override
  public String toString() {
    return "V2RayOutbound[" + json.path("protocol").asText() + "]"; // never the credential
  }
}
