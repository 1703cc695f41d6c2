package io.raftray.api;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftray.model.Enums;
import io.raftray.model.Protocol;
import io.raftray.model.Security;
import io.raftray.model.Transport;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every protocol x transport x security combination (with each VLESS flow and Shadowsocks method)
 * that the API accepts, found by asking {@link EndpointChecks} about all of them, with settings as
 * the API stores them. Generated material (REALITY public key, Shadowsocks server key) is replaced
 * by fixed values so documents rendered from them are stable.
 */
public final class EndpointCombinations {
  /** A fixed X25519 public key: base64url of 32 bytes, 43 characters. */
  public static final String PUBLIC_KEY = key(32, 7, false);

  private EndpointCombinations() {}

  /** One accepted combination; {@code name} is e.g. {@code vless-tcp-reality-vision}. */
  public record Combination(
      String name,
      Protocol protocol,
      Transport transport,
      Security security,
      Map<String, Object> settings) {}

  public static List<Combination> accepted() {
    List<Combination> out = new ArrayList<>();
    for (Protocol p : Protocol.values()) {
      for (Transport t : Transport.values()) {
        for (Security s : Security.values()) {
          for (String variant : variants(p)) {
            ObjectNode in = input(p, t, s, variant);
            Validator v = Validator.of(JsonNodeFactory.instance.objectNode(), Set.of());
            EndpointChecks.checkCombination(v, p, t, s);
            EndpointChecks.Resolved r = EndpointChecks.settings(v, p, t, s, in, null);
            if (!v.ok()) {
              continue;
            }
            Map<String, Object> settings = new LinkedHashMap<>(r.settings());
            if (settings.containsKey("public_key")) {
              settings.put("public_key", PUBLIC_KEY);
            }
            if (settings.containsKey("server_key")) {
              int bytes = EndpointChecks.ss2022KeyBytes((String) settings.get("method"));
              settings.put("server_key", key(bytes, 11, true));
            }
            String name = Enums.wire(p) + "-" + Enums.wire(t) + "-" + Enums.wire(s);
            if (p == Protocol.SHADOWSOCKS) {
              name = Enums.wire(p) + "-" + variant;
            } else if (!variant.isEmpty()) {
              name += "-vision";
            }
            out.add(new Combination(name, p, t, s, settings));
          }
        }
      }
    }
    return out;
  }

  /** {@code bytes} deterministic bytes in standard (with + and /) or url-safe base64. */
  public static String key(int bytes, int seed, boolean standard) {
    byte[] b = new byte[bytes];
    for (int i = 0; i < bytes; i++) {
      b[i] = (byte) (seed * 31 + i * 73 + 250);
    }
    return standard
        ? Base64.getEncoder().encodeToString(b)
        : Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private static List<String> variants(Protocol p) {
    return switch (p) {
      case VLESS -> List.of("", EndpointChecks.FLOW_VISION);
      case SHADOWSOCKS -> EndpointChecks.SS_METHODS;
      default -> List.of("");
    };
  }

  /** Typical client input: every optional setting of the combination set, so all are rendered. */
  private static ObjectNode input(Protocol p, Transport t, Security s, String variant) {
    ObjectNode in = JsonNodeFactory.instance.objectNode();
    switch (t) {
      case WS, HTTPUPGRADE -> in.put("path", "/" + Enums.wire(t)).put("host", "cdn.example.com");
      case GRPC -> in.put("service_name", "raftray.Tun");
      case XHTTP -> in.put("path", "/xh").put("host", "cdn.example.com").put("mode", "packet-up");
      case TCP -> {}
    }
    switch (s) {
      case TLS ->
          in.put("server_name", "proxy.example.com")
              .put("certificate_file", "/etc/raftray/proxy.crt")
              .put("key_file", "/etc/raftray/proxy.key");
      case REALITY -> {
        in.putArray("server_names").add("www.example.com").add("example.com");
        in.put("dest", "www.example.com:443");
        in.put("fingerprint", "firefox");
        in.put("spider_x", "/search?q=1");
        in.putArray("short_ids").add("6ba85179e30d4fc2").add("a1");
      }
      case NONE -> {}
    }
    if (p == Protocol.VLESS && !variant.isEmpty()) {
      in.put("flow", variant);
    }
    if (p == Protocol.SHADOWSOCKS) {
      in.put("method", variant);
    }
    return in;
  }
}
