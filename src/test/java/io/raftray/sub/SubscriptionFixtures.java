package io.raftray.sub;

import io.raftray.api.EndpointCombinations;
import io.raftray.api.EndpointCombinations.Combination;
import io.raftray.model.Endpoint;
import io.raftray.model.Protocol;
import io.raftray.model.Security;
import io.raftray.model.Transport;
import io.raftray.testing.ProxySpec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Deterministic subscriptions for the golden tests. */
final class SubscriptionFixtures {
  static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

  private SubscriptionFixtures() {}

  /**
   * What the builder reads for one proxy: the golden test derives what a client must see from it
   * ({@link ProxySpec#of}) independently of {@link Proxy#of}.
   */
  record Source(String remark, String host, Endpoint endpoint, String credential) {
    Proxy proxy() {
      return Proxy.of(remark, host, endpoint, credential);
    }

    ProxySpec spec() {
      return ProxySpec.of(remark, host, endpoint, credential);
    }
  }

  /** The proxies of a subscription for {@code alice}, or none and a notice. */
  record Fixture(List<Source> sources, String notice) {
    Subscription subscription() {
      return new Subscription("alice", sources.stream().map(Source::proxy).toList(), notice);
    }
  }

  /** name -> fixture, in golden-file order. */
  static Map<String, Fixture> all() {
    Map<String, Fixture> m = new LinkedHashMap<>();
    m.put("combinations", combinations());
    m.put("edge", edge());
    m.put("notice", new Fixture(List.of(), "Subscription expired, renew it"));
    // A notice without a comma; its text is the one renderers chose for an empty subscription
    // before the notice was decided in Subscription alone, so the golden files stay as they were.
    m.put("empty", new Fixture(List.of(), "No proxies in this subscription"));
    m.put("unsupported", unsupported());
    return m;
  }

  /** One proxy per combination the API accepts, remark = combination name. */
  static Fixture combinations() {
    List<Source> out = new ArrayList<>();
    int i = 0;
    for (Combination c : EndpointCombinations.accepted()) {
      Endpoint e = endpoint(c.protocol(), 20000 + i, c.transport(), c.security(), c.settings());
      String host = i % 2 == 0 ? "203.0.113.7" : "node-b.example.net";
      out.add(new Source(c.name(), host, e, credential(c.name(), e)));
      i++;
    }
    return new Fixture(out, null);
  }

  /**
   * Characters that need escaping, IPv6, names equal to the documents' own group and tag names,
   * defaults (no spider path, no short ids, no gRPC service name).
   */
  static Fixture edge() {
    List<Source> out = new ArrayList<>();
    out.add(
        entry(
            "Proxy",
            "2001:db8::7",
            endpoint(
                Protocol.VLESS,
                443,
                Transport.WS,
                Security.TLS,
                Map.of(
                    "path", "/ws?ed=2048&x=a+b",
                    "host", "cdn.example.com",
                    "server_name", "proxy.example.com",
                    "certificate_file", "/c",
                    "key_file", "/k"))));
    out.add(
        new Source(
            "DE Frankfurt 🇩🇪 #1 & more=yes?, 100%",
            "node-a.example.com",
            endpoint(
                Protocol.TROJAN,
                8443,
                Transport.TCP,
                Security.TLS,
                Map.of(
                    "server_name",
                    "node-a.example.com",
                    "certificate_file",
                    "/c",
                    "key_file",
                    "/k")),
            "p@ss:w/rd #1?&=+%é"));
    out.add(
        entry(
            "auto",
            "203.0.113.9",
            endpoint(
                Protocol.VLESS,
                443,
                Transport.TCP,
                Security.REALITY,
                Map.of(
                    "server_names",
                    List.of("www.example.org"),
                    "dest",
                    "www.example.org:443",
                    "fingerprint",
                    "chrome",
                    "short_ids",
                    List.of(),
                    "public_key",
                    EndpointCombinations.PUBLIC_KEY))));
    out.add(
        entry(
            "direct",
            "203.0.113.9",
            endpoint(Protocol.VMESS, 2053, Transport.GRPC, Security.NONE, Map.of())));
    out.add(
        entry(
            "Auto",
            "2001:db8::8",
            endpoint(
                Protocol.SHADOWSOCKS,
                8388,
                Transport.TCP,
                Security.NONE,
                Map.of(
                    "method",
                    "2022-blake3-aes-256-gcm",
                    "server_key",
                    EndpointCombinations.key(32, 3, true)))));
    out.add(
        entry(
            "proxy",
            "203.0.113.9",
            endpoint(Protocol.VLESS, 80, Transport.HTTPUPGRADE, Security.NONE, Map.of())));
    return new Fixture(out, null);
  }

  /** Only proxies Clash cannot express (and one sing-box cannot). */
  static Fixture unsupported() {
    return new Fixture(
        List.of(
            entry(
                "vmess xhttp",
                "203.0.113.7",
                endpoint(
                    Protocol.VMESS,
                    443,
                    Transport.XHTTP,
                    Security.TLS,
                    Map.of(
                        "path", "/x",
                        "mode", "auto",
                        "server_name", "x.example.com",
                        "certificate_file", "/c",
                        "key_file", "/k"))),
            entry(
                "trojan plain",
                "203.0.113.7",
                endpoint(Protocol.TROJAN, 8080, Transport.TCP, Security.NONE, Map.of()))),
        null);
  }

  static Endpoint endpoint(
      Protocol p, int port, Transport t, Security s, Map<String, Object> settings) {
    return new Endpoint(
        "ep_" + port,
        "nd_1",
        "in-" + port,
        p,
        port,
        t,
        s,
        settings,
        Map.of("private_key", "x"),
        true,
        T,
        T);
  }

  private static Source entry(String remark, String host, Endpoint e) {
    return new Source(remark, host, e, credential(remark + e.port(), e));
  }

  /** What Material.credential would make, derived from {@code seed} instead of randomness. */
  static String credential(String seed, Endpoint e) {
    int n = seed.hashCode() & 0xff;
    return switch (e.protocol()) {
      case VLESS, VMESS -> UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)).toString();
      case TROJAN -> EndpointCombinations.key(24, n, false);
      case SHADOWSOCKS -> {
        String method = (String) e.settings().get("method");
        if (method.startsWith("2022-")) {
          yield EndpointCombinations.key(method.contains("128") ? 16 : 32, n, true);
        }
        yield EndpointCombinations.key(24, n, false);
      }
    };
  }
}
