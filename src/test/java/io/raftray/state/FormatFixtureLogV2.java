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
import io.raftray.model.Transport;
import io.raftray.model.User;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The command sequence behind the committed fixture {@code src/test/resources/fixtures/v2}: the
 * format as it was right before per-user credentials and groups (issue 11), with one grant per
 * protocol whose credentials look like the real ones (UUIDs, a Trojan password, Shadowsocks 2022
 * keys of both lengths, a classic Shadowsocks password). Only used to (re)generate the fixture (see
 * {@link StateFormatV2Test}); the test reads the committed bytes.
 *
 * <p>Maps inside commands hold at most one entry (see {@link FormatFixtureLog}).
 */
final class FormatFixtureLogV2 {
  static final Instant T0 = Instant.parse("2026-06-01T08:00:00Z");

  /** Entries up to and including this index are in the committed snapshot. */
  static final int SNAPSHOT_INDEX = 14;

  static final String VLESS_UUID = "6f1c1d43-6b0c-4e8a-9d55-2b0d7e0b1a01";
  static final String VMESS_UUID = "0c3d0f5e-3f5b-4c9a-8a5e-7c1f5e4e2b02";
  static final String TROJAN_PASSWORD = "trojan-pass-3q9Vb7";
  static final String SS128_KEY = "MTIzNDU2Nzg5MGFiY2RlZg==";
  static final String SS256_KEY = "MTIzNDU2Nzg5MGFiY2RlZjEyMzQ1Njc4OTBhYmNkZWY=";
  static final String SS128_SERVER_KEY = "c2VydmVyLWtleS0xMjgtYQ==";
  static final String SS256_SERVER_KEY = "c2VydmVyLWtleS0yNTYtYWJjZGVmZ2hpamtsbW5vcHE=";
  static final String SS_CLASSIC_PASSWORD = "classic-ss-pass";
  static final String VMESS_UUID_AFTER = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c03";

  private FormatFixtureLogV2() {}

  /** The stamped envelopes, entry {@code i} (1-based) at list position {@code i - 1}. */
  static List<CommandEnvelope> entries() {
    List<CommandEnvelope> out = new ArrayList<>();
    Instant[] next = {T0};
    BiConsumer<String, Command> add =
        (actor, c) -> {
          out.add(CommandEnvelope.of(actor, c).stampedAt(next[0]));
          next[0] = next[0].plusSeconds(60);
        };
    add.accept(
        "bootstrap",
        new Command.Bootstrap(
            "cluster-v2",
            "-----BEGIN CERTIFICATE-----\nCA2\n-----END CERTIFICATE-----\n",
            node("node_a", "a"),
            new AdminToken("tok_owner", "owner", Role.OWNER, "dd44", T0, false)));
    add.accept("tok_owner", new Command.CreateUser(user("usr_erin", "erin", ResetStrategy.MONTH)));
    add.accept(
        "tok_owner", new Command.CreateUser(user("usr_finn", "finn", ResetStrategy.NO_RESET)));
    add.accept(
        "tok_owner",
        new Command.CreateEndpoint(
            endpoint(
                "ep_vless", "vless", Protocol.VLESS, 443, Map.of("flow", "xtls-rprx-vision"))));
    add.accept(
        "tok_owner",
        new Command.CreateEndpoint(
            endpoint("ep_vmess", "vmess", Protocol.VMESS, 10001, Map.of("path", "/vm"))));
    add.accept(
        "tok_owner",
        new Command.CreateEndpoint(
            endpoint("ep_trojan", "trojan", Protocol.TROJAN, 10002, Map.of("sni", "t.example"))));
    add.accept(
        "tok_owner",
        new Command.CreateEndpoint(
            endpoint(
                "ep_ss128",
                "ss128",
                Protocol.SHADOWSOCKS,
                10003,
                Map.of("method", "2022-blake3-aes-128-gcm"))));
    add.accept(
        "tok_owner",
        new Command.CreateEndpoint(
            endpoint(
                "ep_ss256",
                "ss256",
                Protocol.SHADOWSOCKS,
                10004,
                Map.of("method", "2022-blake3-aes-256-gcm"))));
    add.accept(
        "tok_owner",
        new Command.CreateEndpoint(
            endpoint(
                "ep_ssc", "ssc", Protocol.SHADOWSOCKS, 10005, Map.of("method", "aes-128-gcm"))));
    add.accept(
        "tok_owner",
        new Command.CreateGrant(grant("grt_vless", "usr_erin", "ep_vless", VLESS_UUID)));
    add.accept(
        "tok_owner",
        new Command.CreateGrant(grant("grt_vmess", "usr_erin", "ep_vmess", VMESS_UUID)));
    add.accept(
        "tok_owner",
        new Command.CreateGrant(grant("grt_trojan", "usr_erin", "ep_trojan", TROJAN_PASSWORD)));
    add.accept(
        "tok_owner",
        new Command.CreateGrant(grant("grt_ss128", "usr_finn", "ep_ss128", SS128_KEY)));
    add.accept(
        "tok_owner",
        new Command.CreateGrant(grant("grt_ss256", "usr_finn", "ep_ss256", SS256_KEY)));
    // ---- after the snapshot (index SNAPSHOT_INDEX): replayed on top of it
    add.accept(
        "tok_owner",
        new Command.CreateGrant(grant("grt_ssc", "usr_finn", "ep_ssc", SS_CLASSIC_PASSWORD)));
    add.accept(
        "tok_owner",
        new Command.CreateGrant(grant("grt_vmess_f", "usr_finn", "ep_vmess", VMESS_UUID_AFTER)));
    add.accept("tok_owner", new Command.UpdateGrant("grt_trojan", false));
    add.accept("tok_owner", new Command.UpdateNode("node_a", null, null, Map.of("region", "eu")));
    add.accept(
        "tok_owner",
        new Command.UpdateEndpoint("ep_vmess", null, null, Map.of("path", "/vm2"), null));
    add.accept("tok_owner", Command.UpdateUser.of("usr_finn").note("moved").build());
    return out;
  }

  private static Node node(String id, String name) {
    return new Node(
        id,
        name,
        "https://" + name + ".example:8443",
        name + ".example",
        Map.of("region", "eu-" + name),
        NodeRole.VOTER,
        NodeStatus.ACTIVE,
        Map.of("os", "linux"),
        "0a",
        T0.plusSeconds(30L * 86_400),
        "PEM-" + name,
        T0,
        T0);
  }

  private static User user(String id, String name, ResetStrategy reset) {
    return User.builder()
        .id(id)
        .name(name)
        .note("note of " + name)
        .resetStrategy(reset)
        .subscriptionToken("sub-" + name)
        .created(T0)
        .build();
  }

  private static Endpoint endpoint(
      String id, String tag, Protocol protocol, int port, Map<String, Object> settings) {
    Map<String, Object> s = settings;
    if (protocol == Protocol.SHADOWSOCKS && settings.get("method").toString().startsWith("2022")) {
      s = new LinkedHashMap<>(settings);
      s.put(
          "server_key",
          settings.get("method").toString().contains("128") ? SS128_SERVER_KEY : SS256_SERVER_KEY);
    }
    return new Endpoint(
        id, "node_a", tag, protocol, port, Transport.TCP, Security.NONE, s, Map.of(), true, T0, T0);
  }

  private static Grant grant(String id, String user, String endpoint, String credential) {
    return new Grant(id, user, endpoint, credential, true, T0, T0);
  }
}
