package io.raftray.xray;

import io.raftray.model.Endpoint;
import io.raftray.model.Grant;
import io.raftray.model.Node;
import io.raftray.model.NodeRole;
import io.raftray.model.NodeStatus;
import io.raftray.model.Protocol;
import io.raftray.model.ResetStrategy;
import io.raftray.model.Security;
import io.raftray.model.Transport;
import io.raftray.model.User;
import io.raftray.model.UserStatus;
import io.raftray.state.State;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * A representative replicated state for the reconciler's tests and goldens, with fixed values
 * (secrets included: they are test values). {@code node_a} runs endpoints of every protocol and
 * several transports and securities, one of them disabled and one without grants; {@code node_b}
 * runs one; {@code node_c} was removed. Users are active, on hold, limited, disabled and expired;
 * grants are enabled and disabled, and one points at a user that does not exist.
 */
final class XrayFixtures {
  static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  static final String CERT = "src/test/resources/xray/tls/test-cert.pem";
  static final String KEY = "src/test/resources/xray/tls/test-key.pem";

  /** 32 bytes 0x01..0x20 in base64url, as the API stores a REALITY private key. */
  static final String REALITY_KEY = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA";

  private XrayFixtures() {}

  static State state() {
    return state(e -> true);
  }

  /** The state with only the endpoints {@code keep} accepts (and their grants). */
  static State state(Predicate<Endpoint> keep) {
    List<Node> nodes =
        List.of(
            node("node_a", NodeStatus.ACTIVE),
            node("node_b", NodeStatus.ACTIVE),
            node("node_c", NodeStatus.REMOVED));
    List<User> users =
        List.of(
            user("usr_ALICE", UserStatus.ACTIVE),
            user("usr_BOB", UserStatus.LIMITED),
            user("usr_CAROL", UserStatus.DISABLED),
            user("usr_DAVE", UserStatus.ON_HOLD),
            user("usr_ERIN", UserStatus.EXPIRED),
            user("usr_FRANK", UserStatus.ACTIVE));
    Map<String, Object> tls = Map.of("certificate_file", CERT, "key_file", KEY);
    List<Endpoint> endpoints =
        List.of(
            endpoint(
                "ep_01",
                "node_a",
                "vless-reality",
                Protocol.VLESS,
                443,
                Transport.TCP,
                Security.REALITY,
                Map.of(
                    "flow", "xtls-rprx-vision",
                    "dest", "www.example.com:443",
                    "server_names", List.of("www.example.com", "example.com"),
                    "short_ids", List.of("6ba85179e30d4fc2", "a1"),
                    "public_key", "public-key-of-the-test",
                    "fingerprint", "firefox"),
                Map.of("private_key", REALITY_KEY),
                true),
            endpoint(
                "ep_02",
                "node_a",
                "vmess-ws-tls",
                Protocol.VMESS,
                8443,
                Transport.WS,
                Security.TLS,
                with(tls, "path", "/ws", "host", "cdn.example.com", "server_name", "a.example"),
                Map.of(),
                true),
            endpoint(
                "ep_03",
                "node_a",
                "trojan-grpc-tls",
                Protocol.TROJAN,
                8444,
                Transport.GRPC,
                Security.TLS,
                with(tls, "service_name", "raftray.Tun", "server_name", "a.example"),
                Map.of(),
                true),
            endpoint(
                "ep_04",
                "node_a",
                "ss-2022",
                Protocol.SHADOWSOCKS,
                8388,
                Transport.TCP,
                Security.NONE,
                Map.of(
                    "method", "2022-blake3-aes-128-gcm", "server_key", "c2VydmVyLWtleS0xNmJ5dA=="),
                Map.of(),
                true),
            endpoint(
                "ep_05",
                "node_a",
                "ss-aes",
                Protocol.SHADOWSOCKS,
                8389,
                Transport.TCP,
                Security.NONE,
                Map.of("method", "aes-128-gcm"),
                Map.of(),
                true),
            endpoint(
                "ep_06",
                "node_a",
                "vless-xhttp-off",
                Protocol.VLESS,
                8090,
                Transport.XHTTP,
                Security.NONE,
                Map.of("path", "/xh", "mode", "packet-up"),
                Map.of(),
                false),
            endpoint(
                "ep_07",
                "node_b",
                "vmess-tcp-b",
                Protocol.VMESS,
                10086,
                Transport.TCP,
                Security.NONE,
                Map.of(),
                Map.of(),
                true),
            endpoint(
                "ep_08",
                "node_c",
                "trojan-c",
                Protocol.TROJAN,
                443,
                Transport.TCP,
                Security.TLS,
                tls,
                Map.of(),
                true),
            endpoint(
                "ep_09",
                "node_a",
                "vless-httpupgrade",
                Protocol.VLESS,
                8080,
                Transport.HTTPUPGRADE,
                Security.NONE,
                Map.of("path", "/up", "host", "cdn.example.com"),
                Map.of(),
                true));
    List<Grant> grants =
        List.of(
            grant("grt_01", "usr_ALICE", "ep_01", "11111111-1111-4111-8111-111111111111", true),
            grant("grt_02", "usr_BOB", "ep_01", "22222222-2222-4222-8222-222222222222", true),
            grant("grt_03", "usr_DAVE", "ep_01", "33333333-3333-4333-8333-333333333333", true),
            grant("grt_04", "usr_ALICE", "ep_02", "44444444-4444-4444-8444-444444444444", true),
            grant("grt_05", "usr_CAROL", "ep_02", "55555555-5555-4555-8555-555555555555", true),
            grant("grt_06", "usr_FRANK", "ep_02", "66666666-6666-4666-8666-666666666666", false),
            grant("grt_07", "usr_ALICE", "ep_03", "trojan-password-alice", true),
            grant("grt_08", "usr_ERIN", "ep_03", "trojan-password-erin", true),
            grant("grt_09", "usr_ALICE", "ep_04", "dXNlci1rZXktYWxpY2UtMTY=", true),
            grant("grt_10", "usr_FRANK", "ep_05", "ss-password-frank", true),
            grant("grt_11", "usr_ALICE", "ep_07", "77777777-7777-4777-8777-777777777777", true),
            grant("grt_12", "usr_FRANK", "ep_08", "trojan-password-frank", true),
            grant("grt_13", "usr_GHOST", "ep_01", "88888888-8888-4888-8888-888888888888", true),
            grant("grt_14", "usr_FRANK", "ep_06", "99999999-9999-4999-8999-999999999999", true));
    TreeMap<String, Endpoint> kept = new TreeMap<>();
    endpoints.stream().filter(keep).forEach(e -> kept.put(e.id(), e));
    TreeMap<String, Grant> keptGrants = new TreeMap<>();
    grants.stream()
        .filter(g -> kept.containsKey(g.endpointId()))
        .forEach(g -> keptGrants.put(g.id(), g));
    TreeMap<String, Node> nodeMap = new TreeMap<>();
    nodes.forEach(n -> nodeMap.put(n.id(), n));
    TreeMap<String, User> userMap = new TreeMap<>();
    users.forEach(u -> userMap.put(u.id(), u));
    return State.builder()
        .appliedIndex(1)
        .clusterId("cluster-1")
        .caCertPem("CA-PEM")
        .nodes(Collections.unmodifiableNavigableMap(nodeMap))
        .users(Collections.unmodifiableNavigableMap(userMap))
        .endpoints(Collections.unmodifiableNavigableMap(kept))
        .grants(Collections.unmodifiableNavigableMap(keptGrants))
        .build();
  }

  private static Map<String, Object> with(Map<String, Object> base, String... keyValues) {
    Map<String, Object> out = new TreeMap<>(base);
    for (int i = 0; i < keyValues.length; i += 2) {
      out.put(keyValues[i], keyValues[i + 1]);
    }
    return out;
  }

  private static Node node(String id, NodeStatus status) {
    return new Node(
        id,
        id.replace("node_", ""),
        "https://" + id + ".example:8443",
        id + ".example",
        Map.of(),
        NodeRole.VOTER,
        status,
        Map.of(),
        "01",
        T0.plusSeconds(86400),
        "PEM",
        T0,
        T0);
  }

  private static User user(String id, UserStatus status) {
    return User.builder()
        .id(id)
        .name(id.replace("usr_", "").toLowerCase(Locale.ROOT))
        .note("")
        .status(status)
        .dataLimitBytes(0)
        .resetStrategy(ResetStrategy.NO_RESET)
        .subscriptionToken("sub-" + id)
        .periodStartedAt(T0)
        .createdAt(T0)
        .updatedAt(T0)
        .build();
  }

  private static Endpoint endpoint(
      String id,
      String nodeId,
      String tag,
      Protocol p,
      int port,
      Transport t,
      Security s,
      Map<String, Object> settings,
      Map<String, String> secrets,
      boolean enabled) {
    return new Endpoint(id, nodeId, tag, p, port, t, s, settings, secrets, enabled, T0, T0);
  }

  private static Grant grant(
      String id, String userId, String endpointId, String credential, boolean enabled) {
    return new Grant(id, userId, endpointId, credential, enabled, T0, T0);
  }
}
