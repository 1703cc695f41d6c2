package io.raftray.xray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftray.model.Endpoint;
import io.raftray.model.Protocol;
import io.raftray.model.Security;
import io.raftray.model.Transport;
import io.raftray.xray.XrayApiException.Kind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The V2Ray 4.x layout where it differs from Xray, read by field number. These combinations also
 * run against a real V2Ray 4.34 in {@link GrpcXrayApiIT}; the bytes pin the differences.
 */
@Timeout(30)
class V2RayMessagesTest {
  private static final InboundUser ALICE =
      new InboundUser("usr_a.grt_a", "0b8f3e4c-1d2a-4f5b-9c6d-7e8f9a0b1c2d");

  private final InboundFactory factory = new InboundFactory(Flavor.V2RAY, "0.0.0.0");

  @Test
  void receiver_portRangeInOne_streamInFour() {
    Endpoint e =
        Endpoints.of(
            "vm",
            Protocol.VMESS,
            Transport.WS,
            Security.NONE,
            Map.of("path", "/p", "host", "h.test"));
    Wire ihc = Wire.of(factory.inbound(e, List.of(ALICE)));
    Wire receiver = ihc.msg(2).typed("v2ray.core.app.proxyman.ReceiverConfig");
    assertThat(receiver.numbers()).containsExactlyInAnyOrder(1, 2, 4);
    assertThat(receiver.msg(1).varint(1)).isEqualTo(8443);
    assertThat(receiver.msg(1).varint(2)).isEqualTo(8443);
    Wire stream = receiver.msg(4);
    assertThat(stream.str(5)).isEqualTo("websocket");
    Wire ws = stream.msgs(2).get(0).msg(2).typed("v2ray.core.transport.internet.websocket.Config");
    assertThat(ws.str(2)).isEqualTo("/p");
    Wire header = ws.msgs(3).get(0);
    assertThat(header.str(1)).isEqualTo("Host");
    assertThat(header.str(2)).isEqualTo("h.test");

    Wire proxy = ihc.msg(3).typed("v2ray.core.proxy.vmess.inbound.Config");
    Wire user = proxy.msgs(1).get(0);
    assertThat(user.str(2)).isEqualTo(ALICE.email());
    Wire account = user.msg(3).typed("v2ray.core.proxy.vmess.Account");
    assertThat(account.str(1)).isEqualTo(ALICE.credential());
    assertThat(account.varint(2)).as("alter_id").isZero();
    assertThat(account.msg(3).varint(1)).as("security AUTO").isEqualTo(2);
  }

  @Test
  void vless_decryptionInTwo() {
    Endpoint e = Endpoints.of("vl", Protocol.VLESS, Transport.TCP, Security.NONE, Map.of());
    Wire proxy =
        Wire.of(factory.inbound(e, List.of(ALICE)))
            .msg(3)
            .typed("v2ray.core.proxy.vless.inbound.Config");
    assertThat(proxy.str(2)).isEqualTo("none");
    assertThat(proxy.msgs(1)).hasSize(1);
  }

  @Test
  void shadowsocks_singleUserInTwo_v2rayCipherNumbers() {
    InboundUser u = new InboundUser("usr_s.grt_s", "pw");
    Endpoint e =
        Endpoints.of(
            "ss",
            Protocol.SHADOWSOCKS,
            Transport.TCP,
            Security.NONE,
            Map.of("method", "chacha20-ietf-poly1305"));
    Wire proxy =
        Wire.of(factory.inbound(e, List.of(u)))
            .msg(3)
            .typed("v2ray.core.proxy.shadowsocks.ServerConfig");
    Wire account = proxy.msg(2).msg(3).typed("v2ray.core.proxy.shadowsocks.Account");
    assertThat(account.str(1)).isEqualTo("pw");
    assertThat(account.varint(2)).as("CHACHA20_POLY1305 in V2Ray").isEqualTo(3);
    assertThat(proxy.varints(3)).containsExactly(2L, 3L);

    assertThatThrownBy(() -> factory.inbound(e, List.of(u, new InboundUser("x.y", "p2"))))
        .isInstanceOfSatisfying(
            XrayApiException.class, x -> assertThat(x.kind()).isEqualTo(Kind.INVALID));
    assertThatThrownBy(() -> factory.addUserOperation(e, u))
        .isInstanceOfSatisfying(
            XrayApiException.class, x -> assertThat(x.kind()).isEqualTo(Kind.INVALID));
  }

  @Test
  void grpc_isGun() {
    Endpoint e =
        Endpoints.of(
            "g", Protocol.TROJAN, Transport.GRPC, Security.NONE, Map.of("service_name", "svc"));
    Wire stream =
        Wire.of(factory.inbound(e, List.of()))
            .msg(2)
            .typed("v2ray.core.app.proxyman.ReceiverConfig")
            .msg(4);
    assertThat(stream.str(5)).isEqualTo("gun");
    Wire g =
        stream.msgs(2).get(0).msg(2).typed("v2ray.core.transport.internet.grpc.encoding.Config");
    assertThat(g.str(2)).isEqualTo("svc");
  }

  @Test
  void xrayOnlyCombinations_areInvalid() {
    List<Endpoint> xrayOnly =
        List.of(
            Endpoints.of("a", Protocol.VLESS, Transport.HTTPUPGRADE, Security.NONE, Map.of()),
            Endpoints.of("b", Protocol.VLESS, Transport.XHTTP, Security.NONE, Map.of()),
            Endpoints.of(
                "c",
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
                Map.of(
                    "private_key", java.util.Base64.getUrlEncoder().encodeToString(new byte[32]))),
            Endpoints.of(
                "d",
                Protocol.VLESS,
                Transport.TCP,
                Security.NONE,
                Map.of("flow", "xtls-rprx-vision")),
            Endpoints.of(
                "e",
                Protocol.SHADOWSOCKS,
                Transport.TCP,
                Security.NONE,
                Map.of(
                    "method",
                    "2022-blake3-aes-128-gcm",
                    "server_key",
                    "AAAAAAAAAAAAAAAAAAAAAA==")));
    for (Endpoint e : xrayOnly) {
      assertThatThrownBy(() -> factory.inbound(e, List.of(ALICE)))
          .as(e.tag())
          .isInstanceOfSatisfying(
              XrayApiException.class,
              x -> {
                assertThat(x.kind()).isEqualTo(Kind.INVALID);
                assertThat(x.getMessage()).contains("needs Xray");
              });
    }
  }
}
