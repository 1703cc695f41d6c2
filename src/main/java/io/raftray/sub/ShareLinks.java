package io.raftray.sub;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftray.model.Enums;
import io.raftray.model.Security;
import io.raftray.model.Transport;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntPredicate;

/**
 * Share links ({@code vless://}, {@code vmess://}, {@code trojan://}, {@code ss://}). Every query
 * value, the userinfo and the remark are percent-encoded per RFC 3986 (only unreserved characters
 * stay literal, space is {@code %20}); see docs/subscriptions.md "Per-format mapping".
 */
public final class ShareLinks {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ShareLinks() {}

  /**
   * The public, non-secret facts of a proxy for people (the HTML page): {@code protocol}, {@code
   * address}, {@code port}, {@code transport}, {@code security}, then whichever of {@code path},
   * {@code host}, {@code service_name}, {@code mode}, {@code sni}, {@code fingerprint}, {@code
   * public_key}, {@code short_id}, {@code spider_x}, {@code flow}, {@code method} apply, in that
   * order. The credential is never included.
   */
  public static Map<String, String> details(Proxy p) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("protocol", Enums.wire(p.protocol()));
    m.put("address", p.host());
    m.put("port", Integer.toString(p.port()));
    m.put("transport", Enums.wire(p.transport()));
    m.put("security", Enums.wire(p.security()));
    putIf(m, "path", p.path());
    putIf(m, "host", p.hostHeader());
    putIf(m, "service_name", p.serviceName());
    putIf(m, "mode", p.mode());
    putIf(m, "sni", p.sni());
    putIf(m, "fingerprint", p.fingerprint());
    putIf(m, "public_key", p.publicKey());
    putIf(m, "short_id", p.security() == Security.REALITY ? p.shortId() : null);
    putIf(m, "spider_x", p.spiderX());
    putIf(m, "flow", p.flow());
    putIf(m, "method", p.method());
    return m;
  }

  /** The share link of one proxy, with its remark as the fragment. */
  public static String link(Proxy p) {
    return switch (p.protocol()) {
      case VLESS -> vless(p);
      case VMESS -> vmess(p);
      case TROJAN -> trojan(p);
      case SHADOWSOCKS -> shadowsocks(p);
    };
  }

  private static String vless(Proxy p) {
    Query q = new Query();
    q.add("encryption", "none");
    q.add("flow", p.flow());
    security(q, p);
    transport(q, p);
    return "vless://" + pct(p.secret()) + "@" + authority(p) + "?" + q + "#" + pct(p.remark());
  }

  private static String trojan(Proxy p) {
    Query q = new Query();
    // Clients assume tls when security is absent, so it is always written.
    security(q, p);
    transport(q, p);
    return "trojan://" + pct(p.secret()) + "@" + authority(p) + "?" + q + "#" + pct(p.remark());
  }

  private static void security(Query q, Proxy p) {
    q.add("security", Enums.wire(p.security()));
    if (p.security() == Security.NONE) {
      return;
    }
    q.add("sni", p.sni());
    q.add("fp", p.fingerprint());
    if (p.security() == Security.REALITY) {
      q.add("pbk", p.publicKey());
      q.add("sid", p.shortId());
      q.add("spx", p.spiderX());
    }
  }

  private static void transport(Query q, Proxy p) {
    q.add("type", Enums.wire(p.transport()));
    switch (p.transport()) {
      case WS, HTTPUPGRADE, XHTTP -> {
        q.add("path", p.path());
        q.add("host", p.hostHeader());
        q.add("mode", p.mode());
      }
      case GRPC -> q.add("serviceName", p.serviceName());
      case TCP -> {}
    }
  }

  /** v2rayN "version 2" JSON: every key present, strings except {@code port}. */
  private static String vmess(Proxy p) {
    ObjectNode o = JSON.createObjectNode();
    o.put("v", "2");
    o.put("ps", p.remark());
    o.put("add", p.host());
    o.put("port", p.port());
    o.put("id", p.secret());
    o.put("aid", "0");
    o.put("scy", "auto");
    o.put("net", Enums.wire(p.transport()));
    String type =
        switch (p.transport()) {
          case GRPC -> "gun";
          case XHTTP -> p.mode();
          default -> "none";
        };
    o.put("type", type);
    o.put("host", p.hostHeader() == null ? "" : p.hostHeader());
    o.put("path", p.transport() == Transport.GRPC ? orEmpty(p.serviceName()) : orEmpty(p.path()));
    o.put("tls", p.security() == Security.TLS ? "tls" : "");
    o.put("sni", orEmpty(p.sni()));
    o.put("fp", orEmpty(p.fingerprint()));
    try {
      byte[] json = JSON.writeValueAsBytes(o);
      return "vmess://" + Base64.getEncoder().encodeToString(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write vmess json", e);
    }
  }

  /**
   * SIP002: classic AEAD methods as base64url (no padding) of {@code method:password}; SIP022
   * 2022-blake3 methods in the plain form, method and each key percent-encoded.
   */
  private static String shadowsocks(Proxy p) {
    String userinfo;
    if (p.ss2022()) {
      StringBuilder sb = new StringBuilder(pct(p.method()));
      for (String part : p.secret().split(":", -1)) {
        sb.append(':').append(pct(part));
      }
      userinfo = sb.toString();
    } else {
      userinfo =
          Base64.getUrlEncoder()
              .withoutPadding()
              .encodeToString((p.method() + ":" + p.secret()).getBytes(StandardCharsets.UTF_8));
    }
    return "ss://" + userinfo + "@" + authority(p) + "#" + pct(p.remark());
  }

  static String authority(Proxy p) {
    String h = p.host().indexOf(':') >= 0 ? "[" + p.host() + "]" : p.host();
    return h + ":" + p.port();
  }

  /** RFC 3986 percent-encoding of UTF-8: everything but {@code A-Z a-z 0-9 - . _ ~}. */
  static String pct(String s) {
    return percentEncode(s, c -> isAlphaNum(c) || c == '-' || c == '.' || c == '_' || c == '~');
  }

  /** The UTF-8 bytes of {@code s}, those {@code literal} refuses as {@code %XX} (upper case). */
  static String percentEncode(String s, IntPredicate literal) {
    StringBuilder sb = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (literal.test(c)) {
        sb.append((char) c);
      } else {
        sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
        sb.append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return sb.toString();
  }

  /** Whether the byte {@code c} is an ASCII letter or digit. */
  static boolean isAlphaNum(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  private static void putIf(Map<String, String> m, String k, String v) {
    if (v != null) {
      m.put(k, v);
    }
  }

  /** A query string in insertion order; null values are left out, never written as bare keys. */
  private static final class Query {
    private final StringBuilder sb = new StringBuilder();

    void add(String key, String value) {
      if (value == null) {
        return;
      }
      if (!sb.isEmpty()) {
        sb.append('&');
      }
      sb.append(key).append('=').append(pct(value));
    }

    @Override
    public String toString() {
      return sb.toString();
    }
  }
}
