package io.raftray.state;

import io.raftray.model.AdminToken;
import io.raftray.model.Endpoint;
import io.raftray.model.Grant;
import io.raftray.model.Node;
import io.raftray.model.NodeRole;
import io.raftray.model.NodeStatus;
import io.raftray.model.Protocol;
import io.raftray.model.ResetStrategy;
import io.raftray.model.Role;
import io.raftray.model.Security;
import io.raftray.model.SubscriptionSettings;
import io.raftray.model.SubscriptionSettings.UaRule;
import io.raftray.model.Transport;
import io.raftray.model.User;
import io.raftray.model.UserStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The command sequence behind the committed fixture {@code src/test/resources/fixtures/v1}: every
 * entity, most command types, one rejected command and one duplicate usage report, at fixed
 * leader-stamped times. Only used to (re)generate the fixture (see {@link
 * StateFormatCompatibilityTest}); the test itself reads the committed bytes, never this list.
 *
 * <p>Maps inside commands hold at most one entry: the log encoding does not sort map keys, and
 * {@code Map.copyOf} iterates in a per-JVM order, so more entries would make the entries' bytes
 * differ between runs (the snapshot sorts them).
 */
final class FormatFixtureLog {
  static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  /** Entries up to and including this index are in the committed snapshot. */
  static final int SNAPSHOT_INDEX = 46;

  private FormatFixtureLog() {}

  /** The stamped envelopes, entry {@code i} (1-based) at list position {@code i - 1}. */
  static List<CommandEnvelope> entries() {
    List<CommandEnvelope> out = new ArrayList<>();
    Log log = new Log(out);
    log.add(
        "bootstrap",
        new Command.Bootstrap(
            "cluster-fx",
            "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n",
            node("node_a", "a", NodeStatus.ACTIVE, "0a"),
            new AdminToken("tok_owner", "owner", Role.OWNER, "aa11", T0, false)));
    log.add(new Command.CreateAdminToken(token("tok_admin", "ops", Role.ADMIN)));
    log.add(new Command.CreateAdminToken(token("tok_viewer", "grafana", Role.VIEWER)));
    log.add(new Command.RevokeAdminToken("tok_viewer"));
    log.add(
        new Command.CreateUser(
            user("usr_alice", "alice", UserStatus.ACTIVE, 1L << 30, null, ResetStrategy.MONTH, 0)));
    log.add(
        new Command.CreateUser(
            user(
                "usr_bob",
                "bob",
                UserStatus.ACTIVE,
                0,
                T0.plusSeconds(3600),
                ResetStrategy.NO_RESET,
                0)));
    log.add(
        new Command.CreateUser(
            user("usr_carol", "carol", UserStatus.ON_HOLD, 0, null, ResetStrategy.DAY, 86_400L)));
    log.add(
        new Command.CreateUser(
            user("usr_dave", "dave", UserStatus.DISABLED, 5, null, ResetStrategy.NO_RESET, 0)));
    log.add(
        Command.UpdateUser.of("usr_alice")
            .name("alice2")
            .note("vip \"quoted\" ünïcode")
            .dataLimitBytes(2L << 30)
            .expireAt(T0.plus(Duration.ofDays(30)))
            .resetStrategy(ResetStrategy.WEEK)
            .build());
    log.add(new Command.RotateSubscription("usr_alice", "sub-alice-rotated"));
    Map<String, Object> reality = new LinkedHashMap<>();
    reality.put("sni", "www.example.com");
    reality.put("public_key", "pubkey");
    reality.put("short_ids", List.of("0123", "ab"));
    reality.put("flow", "xtls-rprx-vision");
    log.add(
        new Command.CreateEndpoint(
            endpoint(
                "ep_vless",
                "node_a",
                "vless-reality",
                Protocol.VLESS,
                443,
                Transport.TCP,
                Security.REALITY,
                reality,
                Map.of("private_key", "privkey"))));
    log.add(
        new Command.CreateEndpoint(
            endpoint(
                "ep_trojan",
                "node_a",
                "trojan-ws",
                Protocol.TROJAN,
                8443,
                Transport.WS,
                Security.TLS,
                Map.of("path", "/ws"),
                Map.of())));
    log.add(
        new Command.CreateEndpoint(
            endpoint(
                "ep_ss",
                "node_a",
                "ss",
                Protocol.SHADOWSOCKS,
                8388,
                Transport.TCP,
                Security.NONE,
                Map.of("method", "2022-blake3-aes-128-gcm"),
                Map.of())));
    log.add(
        new Command.UpdateEndpoint("ep_trojan", "trojan-ws2", 8444, Map.of("path", "/ws2"), false));
    log.add(new Command.CreateGrant(grant("grt_1", "usr_alice", "ep_vless")));
    log.add(new Command.CreateGrant(grant("grt_2", "usr_bob", "ep_vless")));
    log.add(new Command.CreateGrant(grant("grt_3", "usr_carol", "ep_trojan")));
    log.add(new Command.CreateGrant(grant("grt_4", "usr_dave", "ep_ss")));
    log.add(new Command.CreateGrant(grant("grt_5", "usr_alice", "ep_ss")));
    log.add(new Command.UpdateGrant("grt_2", false));
    log.add(new Command.DeleteGrant("grt_5"));
    log.add(new Command.DeleteUser("usr_dave"));
    log.add(new Command.UpdateNode("node_a", "alpha", "alpha.example", Map.of("tier", "gold")));
    log.add(
        new Command.UpdateSubscriptionSettings(
            new SubscriptionSettings(
                6,
                "{user} @ fx",
                "{node}-{protocol}",
                "https://support.example/",
                "https://www.example/",
                List.of(
                    new UaRule("(?i)clash", "clash", null),
                    new UaRule("(?i)sing-box", "singbox", "application/json")))));
    log.add("node_a", new Command.ReportXray("node_a", "running", "xray", "25.1.1", null));
    // Joining: a single-use token approves at once, a multi-use one waits for an admin.
    log.add(
        new Command.CreateJoinToken("jtk_single", "bb22", 3600, 1, NodeRole.VOTER, "tok_owner"));
    log.add("join", joinRequest("jrq_b", "jtk_single", "node_b", "b"));
    log.add("node_a", new Command.AddNode(node("node_b", "b", NodeStatus.JOINING, "0b")));
    log.add("node_a", new Command.ActivateNode("node_b"));
    log.add(
        new Command.CreateJoinToken("jtk_multi", "cc33", 7200, 3, NodeRole.NON_VOTER, "tok_admin"));
    log.add("join", joinRequest("jrq_c", "jtk_multi", "node_c", "c"));
    log.add(new Command.ApproveJoinRequest("jrq_c", "tok_owner"));
    log.add("join", joinRequest("jrq_d", "jtk_multi", "node_d", "d"));
    log.add(new Command.RejectJoinRequest("jrq_d", "tok_owner", "unknown host"));
    log.add(new Command.RevokeJoinToken("jtk_multi"));
    log.add("node_a", new Command.AddNode(node("node_c", "c", NodeStatus.JOINING, "0c")));
    log.add("node_a", new Command.ActivateNode("node_c"));
    log.add(
        new Command.CreateEndpoint(
            endpoint(
                "ep_c",
                "node_c",
                "vmess-grpc",
                Protocol.VMESS,
                443,
                Transport.GRPC,
                Security.TLS,
                Map.of("service_name", "grpc"),
                Map.of())));
    log.add(
        "node_b",
        new Command.RenewNodeCertificate(
            "node_b", "0b", "1b", "NEW-PEM-B", T0.plus(Duration.ofDays(90))));
    log.add(new Command.RemoveNode("node_c"));
    log.add(
        "node_b",
        new Command.ReportXray("node_b", "failed", "v2ray", "5.16.1", "exit status 1: bad config"));
    // Traffic: carol's first bytes take her off hold; the second report is a duplicate (no-op).
    List<Command.UsageDelta> first =
        List.of(
            new Command.UsageDelta("usr_alice", 1000, 2000),
            new Command.UsageDelta("usr_carol", 10, 20),
            new Command.UsageDelta("usr_bob", 5, 5),
            new Command.UsageDelta("usr_gone", 1, 1));
    log.add("node_a", new Command.UsageReport("node_a", 1, first));
    log.add("node_a", new Command.UsageReport("node_a", 1, first));
    log.add(
        "node_b",
        new Command.UsageReport(
            "node_b", 1, List.of(new Command.UsageDelta("usr_alice", 100, 200))));
    log.add(new Command.ResetUsage("usr_bob"));
    // Two days later: bob and carol expire, carol's daily period would reset.
    log.at(T0.plus(Duration.ofDays(2)));
    log.add("node_a", new Command.UsersTick());
    // ---- after the snapshot (index SNAPSHOT_INDEX): replayed on top of it
    log.add(Command.UpdateUser.of("usr_bob").expireAt(null).onHoldExpireSeconds(3600L).build());
    log.add(
        new Command.CreateUser(
            user("usr_dup", "alice2", UserStatus.ACTIVE, 0, null, ResetStrategy.NO_RESET, 0)));
    log.add(new Command.DeleteEndpoint("ep_ss"));
    log.add(
        "node_b",
        new Command.UsageReport(
            "node_b", 2, List.of(new Command.UsageDelta("usr_bob", 7_000, 9_000))));
    log.add(new Command.UpdateGrant("grt_2", true));
    log.add(new Command.RevokeAdminToken("tok_admin"));
    log.add(new Command.UpdateEndpoint("ep_vless", null, null, null, false));
    return out;
  }

  /** Appends stamped envelopes one minute apart (or at a set time). */
  private static final class Log {
    private final List<CommandEnvelope> out;
    private Instant next = T0;

    Log(List<CommandEnvelope> out) {
      this.out = out;
    }

    void at(Instant t) {
      next = t;
    }

    void add(Command c) {
      add("tok_owner", c);
    }

    void add(String actor, Command c) {
      out.add(CommandEnvelope.of(actor, c).stampedAt(next));
      next = next.plusSeconds(60);
    }
  }

  private static Node node(String id, String name, NodeStatus status, String serial) {
    return new Node(
        id,
        name,
        "https://" + name + ".example:8443",
        name + ".example",
        Map.of("region", "eu-" + name),
        NodeRole.VOTER,
        status,
        Map.of("os", "linux"),
        serial,
        T0.plus(Duration.ofDays(30)),
        "PEM-" + name,
        T0,
        T0);
  }

  private static AdminToken token(String id, String name, Role role) {
    return new AdminToken(id, name, role, "hash-" + id, T0, false);
  }

  private static User user(
      String id,
      String name,
      UserStatus status,
      long limit,
      Instant expireAt,
      ResetStrategy reset,
      long onHoldSeconds) {
    return User.builder()
        .id(id)
        .name(name)
        .note("note of " + name)
        .status(status)
        .dataLimitBytes(limit)
        .expireAt(expireAt)
        .resetStrategy(reset)
        .subscriptionToken("sub-" + name)
        .onHoldExpireSeconds(onHoldSeconds)
        .build();
  }

  private static Endpoint endpoint(
      String id,
      String nodeId,
      String tag,
      Protocol protocol,
      int port,
      Transport transport,
      Security security,
      Map<String, Object> settings,
      Map<String, String> secrets) {
    return new Endpoint(
        id, nodeId, tag, protocol, port, transport, security, settings, secrets, true, T0, T0);
  }

  private static Grant grant(String id, String user, String endpoint) {
    return new Grant(id, user, endpoint, "cred-" + id, true, T0, T0);
  }

  private static Command.CreateJoinRequest joinRequest(
      String id, String token, String nodeId, String name) {
    return new Command.CreateJoinRequest(
        id,
        token,
        nodeId,
        name,
        "https://" + name + ".example:8443",
        name + ".example",
        Map.of("os", "linux"),
        "CSR-" + name);
  }
}
