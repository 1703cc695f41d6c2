package io.raftray.xray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.raftray.model.Endpoint;
import io.raftray.model.Protocol;
import io.raftray.model.Security;
import io.raftray.model.Transport;
import io.raftray.xray.XrayApiException.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Xray flavor's messages, read back by field number (see {@link Wire}) against Xray-core's
 * layout (v26.7.28 sources). No Xray can run here, so these bytes are what is verified.
 */
@Timeout(30)
class XrayMessagesTest {
  private static final String UUID1 = "0b8f3e4c-1d2a-4f5b-9c6d-7e8f9a0b1c2d";
  private static final InboundUser ALICE = new InboundUser("usr_a.grt_a", UUID1);

  private final InboundFactory factory = new InboundFactory(Flavor.XRAY, "0.0.0.0");

  @TempDir Path dir;

  /** Receiver (PortList in 1, listen in 2, stream in 3) and the proxy TypedMessage. */
  private record Inbound(Wire stream, Wire proxy) {}

  private Inbound inbound(Endpoint e, List<InboundUser> users) {
    Wire ihc = Wire.of(factory.inbound(e, users));
    assertThat(ihc.str(1)).as("tag").isEqualTo(e.tag());
    Wire receiver = ihc.msg(2).typed("xray.app.proxyman.ReceiverConfig");
    assertThat(receiver.numbers()).containsExactlyInAnyOrder(1, 2, 3);
    Wire range = receiver.msg(1).msgs(1).get(0);
    assertThat(range.varint(1)).isEqualTo(e.port());
    assertThat(range.varint(2)).isEqualTo(e.port());
    assertThat(receiver.msg(2).bytes(1).toByteArray()).containsExactly(0, 0, 0, 0);
    return new Inbound(receiver.msg(3), ihc.msg(3));
  }

  /** StreamConfig: protocol_name 5, transport_settings 2 (TransportConfig: name 3, settings 2). */
  private static Wire transport(Wire stream, String name, String type) {
    assertThat(stream.str(5)).isEqualTo(name);
    Wire tc = stream.msgs(2).get(0);
    assertThat(tc.str(3)).isEqualTo(name);
    return tc.msg(2).typed(type);
  }

  private static Wire user(Wire u, String email, String accountType) {
    assertThat(u.varint(1)).as("level").isZero();
    assertThat(u.str(2)).isEqualTo(email);
    return u.msg(3).typed(accountType);
  }

  @Test
  void vlessRealityVision() {
    byte[] key = new byte[32];
    new Random(1).nextBytes(key);
    Endpoint e =
        Endpoints.of(
            "vless-reality",
            Protocol.VLESS,
            443,
            Transport.TCP,
            Security.REALITY,
            Map.of(
                "flow", "xtls-rprx-vision",
                "dest", "www.example.com:443",
                "server_names", List.of("www.example.com", "example.com"),
                "short_ids", List.of("0123456789abcdef", "ab", ""),
                "public_key", "ignored-by-the-server",
                "fingerprint", "chrome"),
            Map.of("private_key", Base64.getUrlEncoder().withoutPadding().encodeToString(key)));
    Inbound in = inbound(e, List.of(ALICE));
    transport(in.stream(), "tcp", "xray.transport.internet.tcp.Config");
    assertThat(in.stream().str(3)).isEqualTo("xray.transport.internet.reality.Config");
    Wire reality = in.stream().msgs(4).get(0).typed("xray.transport.internet.reality.Config");
    assertThat(reality.str(2)).isEqualTo("www.example.com:443");
    assertThat(reality.str(3)).isEqualTo("tcp");
    assertThat(reality.strs(5)).containsExactly("www.example.com", "example.com");
    assertThat(reality.bytes(6).toByteArray()).isEqualTo(key);
    assertThat(reality.bytesList(10))
        .containsExactly(
            ByteString.fromHex("0123456789abcdef"),
            ByteString.fromHex("ab00000000000000"),
            ByteString.fromHex("0000000000000000"));
    assertThat(reality.numbers()).as("client-side keys stay out").doesNotContain(23, 21);

    Wire proxy = in.proxy().typed("xray.proxy.vless.inbound.Config");
    assertThat(proxy.str(3)).as("decryption").isEqualTo("none");
    Wire account = user(proxy.msgs(1).get(0), ALICE.email(), "xray.proxy.vless.Account");
    assertThat(account.str(1)).isEqualTo(UUID1);
    assertThat(account.str(2)).isEqualTo("xtls-rprx-vision");
    assertThat(account.str(3)).as("no encryption in inbound accounts").isEmpty();
  }

  @Test
  void vlessXhttpReality() {
    Endpoint e =
        Endpoints.of(
            "vless-xhttp",
            Protocol.VLESS,
            443,
            Transport.XHTTP,
            Security.REALITY,
            Map.of(
                "path", "/x",
                "host", "cdn.example.com",
                "mode", "stream-one",
                "dest", "www.example.com:443",
                "server_names", List.of("www.example.com"),
                "short_ids", List.of("aa")),
            Map.of(
                "private_key",
                Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32])));
    Inbound in = inbound(e, List.of());
    Wire x = transport(in.stream(), "splithttp", "xray.transport.internet.splithttp.Config");
    assertThat(x.str(1)).isEqualTo("cdn.example.com");
    assertThat(x.str(2)).isEqualTo("/x");
    assertThat(x.str(3)).isEqualTo("stream-one");
    assertThat(in.stream().str(3)).isEqualTo("xray.transport.internet.reality.Config");
    assertThat(in.proxy().typed("xray.proxy.vless.inbound.Config").msgs(1)).isEmpty();
  }

  @Test
  void vmessHttpupgradeTls_readsTheFiles() throws Exception {
    Path crt = Files.writeString(dir.resolve("c.pem"), "-----BEGIN CERTIFICATE-----\nAA\n");
    Path key = Files.writeString(dir.resolve("k.pem"), "-----BEGIN PRIVATE KEY-----\nBB\n");
    Endpoint e =
        Endpoints.of(
            "vmess-hu",
            Protocol.VMESS,
            Transport.HTTPUPGRADE,
            Security.TLS,
            Map.of(
                "path", "/hu",
                "host", "h.example.com",
                "server_name", "h.example.com",
                "certificate_file", crt.toString(),
                "key_file", key.toString()));
    Inbound in = inbound(e, List.of(ALICE));
    Wire hu = transport(in.stream(), "httpupgrade", "xray.transport.internet.httpupgrade.Config");
    assertThat(hu.str(1)).isEqualTo("h.example.com");
    assertThat(hu.str(2)).isEqualTo("/hu");
    assertThat(in.stream().str(3)).isEqualTo("xray.transport.internet.tls.Config");
    Wire tls = in.stream().msgs(4).get(0).typed("xray.transport.internet.tls.Config");
    assertThat(tls.str(3)).isEqualTo("h.example.com");
    Wire cert = tls.msgs(2).get(0);
    assertThat(cert.bytes(1).toByteArray()).isEqualTo(Files.readAllBytes(crt));
    assertThat(cert.bytes(2).toByteArray()).isEqualTo(Files.readAllBytes(key));

    Wire proxy = in.proxy().typed("xray.proxy.vmess.inbound.Config");
    Wire account = user(proxy.msgs(1).get(0), ALICE.email(), "xray.proxy.vmess.Account");
    assertThat(account.str(1)).isEqualTo(UUID1);
    assertThat(account.numbers()).as("no alter_id in Xray").doesNotContain(2);
    assertThat(account.msg(3).varint(1)).as("security AUTO").isEqualTo(2);
  }

  @Test
  void trojanGrpcAndWs() {
    InboundUser bob = new InboundUser("usr_b.grt_b", "s3cret-password");
    Endpoint grpc =
        Endpoints.of(
            "trojan-grpc",
            Protocol.TROJAN,
            Transport.GRPC,
            Security.NONE,
            Map.of("service_name", "svc.Tun"));
    Inbound in = inbound(grpc, List.of(bob));
    Wire g = transport(in.stream(), "grpc", "xray.transport.internet.grpc.encoding.Config");
    assertThat(g.str(2)).isEqualTo("svc.Tun");
    assertThat(in.stream().str(3)).as("no security").isEmpty();
    Wire proxy = in.proxy().typed("xray.proxy.trojan.ServerConfig");
    assertThat(user(proxy.msgs(1).get(0), bob.email(), "xray.proxy.trojan.Account").str(1))
        .isEqualTo("s3cret-password");

    Endpoint ws =
        Endpoints.of(
            "trojan-ws",
            Protocol.TROJAN,
            Transport.WS,
            Security.NONE,
            Map.of("path", "/w", "host", "w.example.com"));
    Wire w =
        transport(
            inbound(ws, List.of()).stream(),
            "websocket",
            "xray.transport.internet.websocket.Config");
    assertThat(w.str(1)).isEqualTo("w.example.com");
    assertThat(w.str(2)).isEqualTo("/w");
  }

  @Test
  void shadowsocksAead_multiUserWithXrayCipherNumbers() {
    InboundUser a = new InboundUser("usr_a.grt_1", "pa");
    InboundUser b = new InboundUser("usr_b.grt_2", "pb");
    Endpoint e =
        Endpoints.of(
            "ss",
            Protocol.SHADOWSOCKS,
            Transport.TCP,
            Security.NONE,
            Map.of("method", "aes-256-gcm"));
    Wire proxy = inbound(e, List.of(a, b)).proxy().typed("xray.proxy.shadowsocks.ServerConfig");
    assertThat(proxy.msgs(1)).hasSize(2);
    Wire acc = user(proxy.msgs(1).get(1), b.email(), "xray.proxy.shadowsocks.Account");
    assertThat(acc.str(1)).isEqualTo("pb");
    assertThat(acc.varint(2)).as("AES_256_GCM in Xray").isEqualTo(6);
    assertThat(proxy.varints(2)).as("network tcp, udp").containsExactly(2L, 3L);
  }

  @Test
  void shadowsocks2022_serverKeyAndUserKeys() {
    String serverKey = Base64.getEncoder().encodeToString(new byte[16]);
    String userKey = Base64.getEncoder().encodeToString(HexFormat.of().parseHex("01".repeat(16)));
    InboundUser u = new InboundUser("usr_c.grt_3", userKey);
    Endpoint e =
        Endpoints.of(
            "ss22",
            Protocol.SHADOWSOCKS,
            Transport.TCP,
            Security.NONE,
            Map.of("method", "2022-blake3-aes-128-gcm", "server_key", serverKey));
    Wire proxy =
        inbound(e, List.of(u)).proxy().typed("xray.proxy.shadowsocks_2022.MultiUserServerConfig");
    assertThat(proxy.str(1)).isEqualTo("2022-blake3-aes-128-gcm");
    assertThat(proxy.str(2)).isEqualTo(serverKey);
    assertThat(user(proxy.msgs(3).get(0), u.email(), "xray.proxy.shadowsocks_2022.Account").str(1))
        .isEqualTo(userKey);
    assertThat(proxy.varints(4)).containsExactly(2L, 3L);

    Wire op =
        Wire.of(factory.addUserOperation(e, u)).typed("xray.app.proxyman.command.AddUserOperation");
    assertThat(user(op.msg(1), u.email(), "xray.proxy.shadowsocks_2022.Account").str(1))
        .isEqualTo(userKey);
  }

  @Test
  void alterInboundOperations() {
    Endpoint e =
        Endpoints.of(
            "v", Protocol.VLESS, Transport.TCP, Security.NONE, Map.of("flow", "xtls-rprx-vision"));
    Wire add =
        Wire.of(factory.addUserOperation(e, ALICE))
            .typed("xray.app.proxyman.command.AddUserOperation");
    Wire account = user(add.msg(1), ALICE.email(), "xray.proxy.vless.Account");
    assertThat(account.str(2)).isEqualTo("xtls-rprx-vision");
    assertThat(Wire.of(factory.account(e, ALICE)).typed("xray.proxy.vless.Account").str(1))
        .isEqualTo(UUID1);
    Wire remove =
        Wire.of(factory.removeUserOperation(ALICE.email()))
            .typed("xray.app.proxyman.command.RemoveUserOperation");
    assertThat(remove.str(1)).isEqualTo(ALICE.email());
  }

  @Test
  void listenAddress_isAParameter() {
    Wire ihc =
        Wire.of(
            new InboundFactory(Flavor.XRAY, "127.0.0.1")
                .inbound(
                    Endpoints.of("l", Protocol.TROJAN, Transport.TCP, Security.NONE, Map.of()),
                    List.of()));
    Wire receiver = ihc.msg(2).typed("xray.app.proxyman.ReceiverConfig");
    assertThat(receiver.msg(2).bytes(1).toByteArray()).containsExactly(127, 0, 0, 1);
  }

  @Test
  void badMaterial_isInvalid_withoutTheKey() {
    String shortKey = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[16]);
    Endpoint e =
        Endpoints.of(
            "r",
            Protocol.VLESS,
            443,
            Transport.TCP,
            Security.REALITY,
            Map.of(
                "dest",
                "a.example:443",
                "server_names",
                List.of("a.example"),
                "short_ids",
                List.of("aa")),
            Map.of("private_key", shortKey));
    assertThatThrownBy(() -> factory.inbound(e, List.of()))
        .isInstanceOfSatisfying(
            XrayApiException.class,
            x -> {
              assertThat(x.kind()).isEqualTo(Kind.INVALID);
              assertThat(x.getMessage()).contains("32 bytes").doesNotContain(shortKey);
            });
    Endpoint badId =
        Endpoints.of(
            "r2",
            Protocol.VLESS,
            443,
            Transport.TCP,
            Security.REALITY,
            Map.of(
                "dest",
                "a.example:443",
                "server_names",
                List.of("a.example"),
                "short_ids",
                List.of("0123456789abcdef00")),
            Map.of("private_key", Base64.getUrlEncoder().encodeToString(new byte[32])));
    assertThatThrownBy(() -> factory.inbound(badId, List.of()))
        .isInstanceOfSatisfying(
            XrayApiException.class, x -> assertThat(x.kind()).isEqualTo(Kind.INVALID));
  }

  @Test
  void unreadableKeyFile_namesThePathOnly() throws Exception {
    Path crt = Files.writeString(dir.resolve("c.pem"), "cert");
    Path key = dir.resolve("missing.key");
    Endpoint e =
        Endpoints.of(
            "t",
            Protocol.TROJAN,
            Transport.TCP,
            Security.TLS,
            Map.of(
                "server_name",
                "x",
                "certificate_file",
                crt.toString(),
                "key_file",
                key.toString()));
    assertThatThrownBy(() -> factory.inbound(e, List.of()))
        .isInstanceOfSatisfying(
            XrayApiException.class,
            x -> {
              assertThat(x.kind()).isEqualTo(Kind.INVALID);
              assertThat(x.getMessage()).contains("key_file").contains(key.toString());
            });
  }
}
