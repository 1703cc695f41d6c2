package io.raftray.xray;

import io.raftray.model.Endpoint;
import io.raftray.model.Enums;
import io.raftray.model.Protocol;
import io.raftray.model.Security;
import io.raftray.model.Transport;
import io.raftray.xray.XrayApiException.Kind;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * An endpoint resolved into what both flavors' messages are built from: certificate files read,
 * REALITY keys decoded, Shadowsocks method checked. Flavor-neutral; {@link V2RayDialect} and {@link
 * XrayDialect} encode it. Holds key material: its records never print it.
 */
record InboundSpec(
    String tag, String listen, int port, Stream stream, Proxy proxy, List<InboundUser> users) {

  static final int SHORT_ID_BYTES = 8;

  /** Transport and security of the inbound's stream. Unused strings are empty. */
  record Stream(
      Transport transport,
      String path,
      String host,
      String serviceName,
      String mode,
      Security security,
      Tls tls,
      Reality reality) {}

  /** Server certificate chain and key as PEM bytes. */
  record Tls(byte[] certificatePem, byte[] keyPem, String serverName) {
    @Override
    public String toString() {
      return "Tls[" + serverName + "]";
    }
  }

  /** REALITY server side: raw 32-byte private key, short ids as 8-byte arrays. */
  record Reality(String dest, List<String> serverNames, byte[] privateKey, List<byte[]> shortIds) {
    @Override
    public String toString() {
      return "Reality[" + dest + " " + serverNames + "]";
    }
  }

  /**
   * The proxy side of an endpoint, enough to build a user's account: {@code flow} is the VLESS flow
   * or empty, {@code method} the Shadowsocks method, {@code serverKey} the Shadowsocks 2022 server
   * key (empty otherwise).
   */
  record Proxy(String tag, Protocol protocol, String flow, String method, String serverKey) {
    boolean ss2022() {
      return protocol == Protocol.SHADOWSOCKS && method.startsWith("2022-");
    }

    @Override
    public String toString() {
      return "Proxy[" + tag + " " + Enums.wire(protocol) + "]";
    }
  }

  @Override
  public String toString() {
    return "InboundSpec[" + tag + " " + listen + ":" + port + " " + stream + " " + proxy + "]";
  }

  /** Resolves {@code e}; {@link Kind#INVALID} when a file is unreadable or material malformed. */
  static InboundSpec of(Endpoint e, List<InboundUser> users, String listen) {
    if (e.port() < 1 || e.port() > 65535) {
      throw invalid(e, "port " + e.port() + " is out of range");
    }
    return new InboundSpec(e.tag(), listen, e.port(), stream(e), proxy(e), List.copyOf(users));
  }

  static Proxy proxy(Endpoint e) {
    Map<String, Object> s = e.settings();
    String method = "";
    String serverKey = "";
    if (e.protocol() == Protocol.SHADOWSOCKS) {
      method = string(s, "method");
      if (method.isEmpty()) {
        throw invalid(e, "shadowsocks endpoint has no method");
      }
      if (method.startsWith("2022-")) {
        serverKey = string(s, "server_key");
        if (serverKey.isEmpty()) {
          throw invalid(e, "shadowsocks 2022 endpoint has no server_key");
        }
      }
    }
    String flow = e.protocol() == Protocol.VLESS ? string(s, "flow") : "";
    return new Proxy(e.tag(), e.protocol(), flow, method, serverKey);
  }

  private static Stream stream(Endpoint e) {
    Map<String, Object> s = e.settings();
    Tls tls = null;
    Reality reality = null;
    switch (e.security()) {
      case TLS ->
          tls =
              new Tls(
                  read(e, string(s, "certificate_file"), "certificate_file"),
                  read(e, string(s, "key_file"), "key_file"),
                  string(s, "server_name"));
      case REALITY -> reality = reality(e);
      case NONE -> {}
    }
    return new Stream(
        e.transport(),
        string(s, "path"),
        string(s, "host"),
        string(s, "service_name"),
        string(s, "mode"),
        e.security(),
        tls,
        reality);
  }

  private static Reality reality(Endpoint e) {
    Map<String, Object> s = e.settings();
    String dest = string(s, "dest");
    List<String> names = strings(s, "server_names");
    if (dest.isEmpty() || names.isEmpty()) {
      throw invalid(e, "reality needs dest and server_names");
    }
    String encoded = e.secrets().get("private_key");
    if (encoded == null || encoded.isEmpty()) {
      throw invalid(e, "reality private key is missing");
    }
    byte[] key;
    try {
      key = Base64.getUrlDecoder().decode(encoded.replace("=", ""));
    } catch (IllegalArgumentException ex) {
      throw invalid(e, "reality private key is not base64url");
    }
    if (key.length != 32) {
      throw invalid(e, "reality private key is not 32 bytes");
    }
    List<String> ids = strings(s, "short_ids");
    if (ids.isEmpty()) {
      throw invalid(e, "reality needs at least one short id");
    }
    List<byte[]> shortIds = new ArrayList<>();
    for (String id : ids) {
      shortIds.add(shortId(e, id));
    }
    return new Reality(dest, names, key, shortIds);
  }

  /** Hex of at most 16 digits, zero padded on the right to 8 bytes, as the core keys them. */
  static byte[] shortId(Endpoint e, String hex) {
    if (hex.length() > 2 * SHORT_ID_BYTES || hex.length() % 2 != 0) {
      throw invalid(e, "reality short id " + hex + " is not hex of even length up to 16");
    }
    byte[] out = new byte[SHORT_ID_BYTES];
    try {
      byte[] b = HexFormat.of().parseHex(hex);
      System.arraycopy(b, 0, out, 0, b.length);
    } catch (IllegalArgumentException ex) {
      throw invalid(e, "reality short id " + hex + " is not hex");
    }
    return out;
  }

  private static byte[] read(Endpoint e, String file, String key) {
    if (file.isEmpty()) {
      throw invalid(e, "tls needs " + key);
    }
    try {
      return Files.readAllBytes(Path.of(file));
    } catch (IOException | RuntimeException ex) {
      // The path only: the content may be a private key.
      throw new XrayApiException(
          Kind.INVALID,
          "endpoint "
              + e.tag()
              + ": cannot read "
              + key
              + " "
              + file
              + ": "
              + ex.getClass().getSimpleName(),
          ex); // file exceptions carry the path and reason, never the content
    }
  }

  /** The address bytes of an IP literal, or null for a host name (never resolved here). */
  static byte[] ipLiteral(String address) {
    boolean v4 = address.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    boolean v6 = address.indexOf(':') >= 0 && address.matches("[0-9A-Fa-f:.]+");
    if (!v4 && !v6) {
      return null;
    }
    try {
      return InetAddress.getByName(address).getAddress(); // a literal: no lookup
    } catch (UnknownHostException ex) {
      return null;
    }
  }

  static String string(Map<String, Object> s, String key) {
    Object v = s.get(key);
    return v == null ? "" : v.toString();
  }

  private static List<String> strings(Map<String, Object> s, String key) {
    Object v = s.get(key);
    List<String> out = new ArrayList<>();
    if (v instanceof List<?> list) {
      for (Object o : list) {
        out.add(String.valueOf(o));
      }
    } else if (v != null) {
      out.add(v.toString());
    }
    return out;
  }

  static XrayApiException invalid(Endpoint e, String message) {
    return new XrayApiException(Kind.INVALID, "endpoint " + e.tag() + ": " + message);
  }
}
