package io.raftray.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.raftray.model.Enums;
import io.raftray.model.Protocol;
import io.raftray.model.Security;
import io.raftray.model.Transport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A strict parser for the share links Raftray emits: {@code vless://}, {@code vmess://}, {@code
 * trojan://}, {@code ss://}. Anything a lenient client would tolerate but Raftray must not emit
 * fails with {@link IllegalArgumentException}: an unknown, repeated, bare or missing parameter, a
 * parameter that does not belong to the link's transport/security, a character outside RFC 3986
 * unreserved that is not percent-encoded, a missing remark, bad base64, a malformed UUID, a vmess
 * JSON with missing or extra keys.
 */
public final class ShareLinkParser {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ENCODED = Pattern.compile("([A-Za-z0-9._~-]|%[0-9A-F]{2})*");
  private static final Pattern HOST =
      Pattern.compile("\\[[0-9A-Fa-f:.]{2,45}\\]|[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?");
  private static final Set<String> SS_AEAD =
      Set.of("aes-128-gcm", "aes-256-gcm", "chacha20-ietf-poly1305");
  private static final Set<String> SS_2022 =
      Set.of("2022-blake3-aes-128-gcm", "2022-blake3-aes-256-gcm", "2022-blake3-chacha20-poly1305");
  private static final List<String> VMESS_KEYS =
      List.of(
          "v", "ps", "add", "port", "id", "aid", "scy", "net", "type", "host", "path", "tls", "sni",
          "fp");

  private ShareLinkParser() {}

  /** Parses one link; see the class comment for what fails. */
  public static ProxySpec parse(String link) {
    int colon = link.indexOf("://");
    if (colon < 0) {
      throw bad("no scheme", link);
    }
    String scheme = link.substring(0, colon);
    return switch (scheme) {
      case "vless" -> urlLink(Protocol.VLESS, link);
      case "trojan" -> urlLink(Protocol.TROJAN, link);
      case "vmess" -> vmess(link);
      case "ss" -> shadowsocks(link);
      default -> throw bad("unknown scheme " + scheme, link);
    };
  }

  /** Every line of a {@code links} body (LF-separated, ending in LF); blank lines fail. */
  public static List<ProxySpec> parseLines(String body) {
    if (!body.endsWith("\n")) {
      throw new IllegalArgumentException("links body does not end with a newline");
    }
    List<ProxySpec> out = new ArrayList<>();
    for (String line : body.substring(0, body.length() - 1).split("\n", -1)) {
      if (line.isEmpty() || line.contains("\r")) {
        throw new IllegalArgumentException("blank line or CR in a links body");
      }
      out.add(parse(line));
    }
    return out;
  }

  // --- vless:// and trojan://

  private static ProxySpec urlLink(Protocol protocol, String link) {
    Parts parts = Parts.split(link);
    if (parts.query == null) {
      throw bad("no query", link);
    }
    Map<String, String> q = query(parts.query, link);
    String secret = decode(parts.userinfo, link);
    if (protocol == Protocol.VLESS) {
      uuid(secret, link);
      if (!"none".equals(q.remove("encryption"))) {
        throw bad("encryption must be none", link);
      }
    } else if (secret.isEmpty()) {
      throw bad("empty password", link);
    }
    Security security = required(Security.class, q.remove("security"), "security", link);
    Transport transport = required(Transport.class, q.remove("type"), "type", link);
    if (protocol == Protocol.TROJAN && security == Security.REALITY) {
      throw bad("trojan with reality is not accepted by the API", link);
    }
    String flow = protocol == Protocol.VLESS ? q.remove("flow") : null;
    if (flow != null) {
      if (!"xtls-rprx-vision".equals(flow)) {
        throw bad("unknown flow", link);
      }
      if (transport != Transport.TCP || security == Security.NONE) {
        throw bad("flow needs tcp with tls or reality", link);
      }
    }
    String sni = null;
    String fp = null;
    String pbk = null;
    String sid = null;
    String spx = null;
    if (security != Security.NONE) {
      sni = nonEmpty(q.remove("sni"), "sni", link);
      fp = q.remove("fp");
      if (security == Security.REALITY) {
        nonEmpty(fp, "fp", link);
        pbk = nonEmpty(q.remove("pbk"), "pbk", link);
        if (Base64.getUrlDecoder().decode(pbk).length != 32 || pbk.length() != 43) {
          throw bad("pbk is not a 32-byte base64url key", link);
        }
        sid = q.remove("sid");
        if (sid == null || !sid.matches("([0-9a-f]{2}){0,8}")) {
          throw bad("sid missing or not hex", link);
        }
        spx = q.remove("spx");
      } else if (fp != null) {
        throw bad("fp with tls is not emitted", link);
      }
    }
    String path = null;
    String host = null;
    String serviceName = null;
    String mode = null;
    switch (transport) {
      case WS, HTTPUPGRADE, XHTTP -> {
        path = nonEmpty(q.remove("path"), "path", link);
        if (!path.startsWith("/")) {
          throw bad("path must start with /", link);
        }
        host = q.remove("host");
        if (transport == Transport.XHTTP) {
          mode = nonEmpty(q.remove("mode"), "mode", link);
          if (!List.of("auto", "packet-up", "stream-up", "stream-one").contains(mode)) {
            throw bad("unknown xhttp mode", link);
          }
        }
      }
      case GRPC -> serviceName = q.remove("serviceName");
      case TCP -> {}
    }
    if (!q.isEmpty()) {
      throw bad("parameters " + q.keySet() + " do not belong to this link", link);
    }
    return new ProxySpec(
        protocol,
        parts.remark,
        parts.host,
        parts.port,
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
        spx);
  }

  // --- vmess://

  private static ProxySpec vmess(String link) {
    String b64 = link.substring("vmess://".length());
    if (b64.length() % 4 != 0 || !b64.matches("[A-Za-z0-9+/]+={0,2}")) {
      throw bad("not padded standard base64", link);
    }
    JsonNode o;
    try {
      o = JSON.readTree(utf8(Base64.getDecoder().decode(b64)));
    } catch (IllegalArgumentException | IOException e) {
      throw bad("not base64 of json: " + e.getMessage(), link);
    }
    if (o == null || !o.isObject()) {
      throw bad("not a json object", link);
    }
    Set<String> keys = new LinkedHashSet<>();
    o.fieldNames().forEachRemaining(keys::add);
    if (!keys.equals(new LinkedHashSet<>(VMESS_KEYS))) {
      throw bad("vmess keys " + keys + " are not exactly " + VMESS_KEYS, link);
    }
    for (String k : VMESS_KEYS) {
      if (k.equals("port") ? !o.get(k).isInt() : !o.get(k).isTextual()) {
        throw bad("vmess " + k + " has the wrong json type", link);
      }
    }
    expect(o, "v", "2", link);
    expect(o, "aid", "0", link);
    expect(o, "scy", "auto", link);
    String id = o.get("id").asText();
    uuid(id, link);
    int port = o.get("port").asInt();
    if (port < 1 || port > 65535) {
      throw bad("port out of range", link);
    }
    String add = o.get("add").asText();
    if (add.isEmpty() || add.startsWith("[")) {
      throw bad("add must be a bare host", link);
    }
    String remark = o.get("ps").asText();
    if (remark.isEmpty()) {
      throw bad("empty remark", link);
    }
    Transport t = required(Transport.class, o.get("net").asText(), "net", link);
    String type = o.get("type").asText();
    String host = emptyToNull(o.get("host").asText());
    String path = emptyToNull(o.get("path").asText());
    String mode = null;
    String serviceName = null;
    switch (t) {
      case TCP -> {
        expect(o, "type", "none", link);
        if (host != null || path != null) {
          throw bad("tcp takes no host or path", link);
        }
      }
      case WS, HTTPUPGRADE -> {
        expect(o, "type", "none", link);
        nonEmpty(path, "path", link);
      }
      case GRPC -> {
        expect(o, "type", "gun", link);
        if (host != null) {
          throw bad("grpc authority is not emitted", link);
        }
        serviceName = path;
        path = null;
      }
      case XHTTP -> {
        mode = type;
        if (!List.of("auto", "packet-up", "stream-up", "stream-one").contains(mode)) {
          throw bad("xhttp type must be the mode", link);
        }
        nonEmpty(path, "path", link);
      }
    }
    String tls = o.get("tls").asText();
    Security security =
        switch (tls) {
          case "" -> Security.NONE;
          case "tls" -> Security.TLS;
          default -> throw bad("tls must be empty or tls", link);
        };
    String sni = emptyToNull(o.get("sni").asText());
    if ((security == Security.TLS) != (sni != null)) {
      throw bad("sni must be set exactly when tls is", link);
    }
    if (!o.get("fp").asText().isEmpty()) {
      throw bad("fp is not emitted for vmess", link);
    }
    return new ProxySpec(
        Protocol.VMESS,
        remark,
        add,
        port,
        id,
        null,
        null,
        t,
        security,
        path,
        host,
        serviceName,
        mode,
        sni,
        null,
        null,
        null,
        null);
  }

  // --- ss://

  private static ProxySpec shadowsocks(String link) {
    Parts parts = Parts.split(link);
    if (parts.query != null) {
      throw bad("ss links take no query", link);
    }
    String method;
    String password;
    if (parts.userinfo.contains(":")) {
      // SIP022 plain form: percent-encoded method, server key and user key.
      String[] f = parts.userinfo.split(":", -1);
      if (f.length != 3) {
        throw bad("2022 userinfo must be method:server_key:user_key", link);
      }
      method = decode(f[0], link);
      if (!SS_2022.contains(method)) {
        throw bad("plain userinfo only for 2022 methods", link);
      }
      String server = decode(f[1], link);
      String user = decode(f[2], link);
      int bytes = method.equals("2022-blake3-aes-128-gcm") ? 16 : 32;
      for (String key : List.of(server, user)) {
        if (Base64.getDecoder().decode(key).length != bytes) {
          throw bad("2022 key is not " + bytes + " bytes of standard base64", link);
        }
      }
      password = server + ":" + user;
    } else {
      if (!parts.userinfo.matches("[A-Za-z0-9_-]+")) {
        throw bad("userinfo is not unpadded base64url", link);
      }
      String plain;
      try {
        plain = utf8(Base64.getUrlDecoder().decode(parts.userinfo));
      } catch (IllegalArgumentException e) {
        throw bad("userinfo is not base64url", link);
      }
      int c = plain.indexOf(':');
      if (c < 0) {
        throw bad("userinfo is not method:password", link);
      }
      method = plain.substring(0, c);
      password = plain.substring(c + 1);
      if (!SS_AEAD.contains(method) || password.isEmpty()) {
        throw bad("base64 userinfo only for AEAD methods, with a password", link);
      }
    }
    return new ProxySpec(
        Protocol.SHADOWSOCKS,
        parts.remark,
        parts.host,
        parts.port,
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

  // --- pieces

  /** scheme://userinfo@host:port[?query]#remark, all parts checked for encoding. */
  private record Parts(String userinfo, String host, int port, String query, String remark) {
    static Parts split(String link) {
      String rest = link.substring(link.indexOf("://") + 3);
      int hash = rest.indexOf('#');
      if (hash < 0) {
        throw bad("no #remark", link);
      }
      String remark = decode(rest.substring(hash + 1), link);
      if (remark.isEmpty()) {
        throw bad("empty remark", link);
      }
      rest = rest.substring(0, hash);
      String query = null;
      int qm = rest.indexOf('?');
      if (qm >= 0) {
        query = rest.substring(qm + 1);
        rest = rest.substring(0, qm);
      }
      int at = rest.lastIndexOf('@');
      if (at <= 0) {
        throw bad("no userinfo", link);
      }
      String userinfo = rest.substring(0, at);
      String authority = rest.substring(at + 1);
      int pc = authority.lastIndexOf(':');
      if (pc < 0) {
        throw bad("no port", link);
      }
      String host = authority.substring(0, pc);
      if (!HOST.matcher(host).matches() || (host.contains(":") && !host.startsWith("["))) {
        throw bad("bad host", link);
      }
      if (host.startsWith("[")) {
        host = host.substring(1, host.length() - 1);
      }
      String portText = authority.substring(pc + 1);
      if (!portText.matches("[1-9][0-9]{0,4}") || Integer.parseInt(portText) > 65535) {
        throw bad("bad port", link);
      }
      return new Parts(userinfo, host, Integer.parseInt(portText), query, remark);
    }
  }

  private static Map<String, String> query(String query, String link) {
    Map<String, String> out = new LinkedHashMap<>();
    if (query.isEmpty()) {
      throw bad("empty query", link);
    }
    for (String pair : query.split("&", -1)) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw bad("bare or empty parameter", link);
      }
      String key = pair.substring(0, eq);
      String value = decode(pair.substring(eq + 1), link);
      if (!key.equals("sid") && value.isEmpty()) {
        throw bad("empty value for " + key, link);
      }
      if (out.put(key, value) != null) {
        throw bad("repeated parameter " + key, link);
      }
    }
    return out;
  }

  /** Percent-decodes a component that must contain only unreserved characters and %XX. */
  static String decode(String s, String link) {
    if (!ENCODED.matcher(s).matches()) {
      throw bad("not strictly percent-encoded: a reserved character is literal", link);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        out.write(c);
      }
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(out.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw bad("percent-encoding is not UTF-8", link);
    }
  }

  private static String utf8(byte[] b) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(b))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("not UTF-8", e);
    }
  }

  private static void uuid(String s, String link) {
    try {
      if (!UUID.fromString(s).toString().equals(s)) {
        throw bad("uuid is not canonical", link);
      }
    } catch (IllegalArgumentException e) {
      throw bad("not a uuid", link);
    }
  }

  private static <E extends Enum<E>> E required(
      Class<E> type, String value, String name, String link) {
    E e = Enums.parse(type, value);
    if (e == null) {
      throw bad(name + " missing or unknown", link);
    }
    return e;
  }

  private static String nonEmpty(String v, String name, String link) {
    if (v == null || v.isEmpty()) {
      throw bad(name + " missing", link);
    }
    return v;
  }

  private static void expect(JsonNode o, String key, String value, String link) {
    if (!value.equals(o.get(key).asText())) {
      throw bad("vmess " + key + " must be " + value, link);
    }
  }

  private static String emptyToNull(String s) {
    return s.isEmpty() ? null : s;
  }

  /** The scheme only: links carry credentials, which stay out of messages. */
  private static IllegalArgumentException bad(String why, String link) {
    int c = link.indexOf("://");
    String scheme = c < 0 ? "?" : link.substring(0, c);
    return new IllegalArgumentException("strict " + scheme + " link: " + why);
  }
}
