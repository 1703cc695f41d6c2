package io.raftray.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftray.model.Protocol;
import io.raftray.model.Security;
import io.raftray.model.Transport;
import io.raftray.pki.ClusterCa;
import io.raftray.pki.PemFiles;
import io.raftray.sub.Format;
import io.raftray.sub.Renderers;
import io.raftray.sub.Subscription;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class V2RayClientConfigTest {
  static final String UUID_1 = "11111111-2222-3333-4444-555555555555";

  @TempDir Path dir;

  @Test
  void build_vlessWsTlsLink_withCa_givesStreamSettings() throws IOException {
    Path ca = caFile();
    ProxySpec p =
        ShareLinkParser.parse(
            "vless://"
                + UUID_1
                + "@203.0.113.7:8443?encryption=none&security=tls"
                + "&sni=proxy.example.com&type=ws&path=%2Fws&host=cdn.example.com#n");
    ObjectNode c = V2RayClientConfig.build(p, 10800, ca);
    JsonNode in = c.at("/inbounds/0");
    assertThat(in.get("listen").asText()).isEqualTo("127.0.0.1");
    assertThat(in.get("port").asInt()).isEqualTo(10800);
    assertThat(in.get("protocol").asText()).isEqualTo("socks");
    JsonNode out = c.at("/outbounds/0");
    assertThat(c.get("outbounds")).hasSize(1);
    assertThat(out.get("protocol").asText()).isEqualTo("vless");
    assertThat(out.at("/settings/vnext/0/address").asText()).isEqualTo("203.0.113.7");
    assertThat(out.at("/settings/vnext/0/port").asInt()).isEqualTo(8443);
    assertThat(out.at("/settings/vnext/0/users/0/id").asText()).isEqualTo(UUID_1);
    assertThat(out.at("/settings/vnext/0/users/0/encryption").asText()).isEqualTo("none");
    assertThat(out.at("/streamSettings/network").asText()).isEqualTo("ws");
    assertThat(out.at("/streamSettings/security").asText()).isEqualTo("tls");
    assertThat(out.at("/streamSettings/tlsSettings/serverName").asText())
        .isEqualTo("proxy.example.com");
    assertThat(out.at("/streamSettings/tlsSettings/allowInsecure").asBoolean()).isFalse();
    assertThat(out.at("/streamSettings/tlsSettings/certificates/0/usage").asText())
        .isEqualTo("verify");
    assertThat(out.at("/streamSettings/tlsSettings/certificates/0/certificateFile").asText())
        .isEqualTo(ca.toAbsolutePath().toString());
    assertThat(out.at("/streamSettings/wsSettings/path").asText()).isEqualTo("/ws");
    assertThat(out.at("/streamSettings/wsSettings/headers/Host").asText())
        .isEqualTo("cdn.example.com");
    assertThat(v2rayTest(V2RayClientConfig.json(p, 10800, ca))).isEqualTo(0);
  }

  @Test
  void build_vmessTrojanShadowsocks_mapCredentials() {
    ProxySpec vmess =
        new ProxySpec(
            Protocol.VMESS,
            "m",
            "h.example.com",
            443,
            UUID_1,
            null,
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
    JsonNode user =
        V2RayClientConfig.build(vmess, 1080).at("/outbounds/0/settings/vnext/0/users/0");
    assertThat(user.get("id").asText()).isEqualTo(UUID_1);
    assertThat(user.get("alterId").asInt()).isZero();
    assertThat(user.get("security").asText()).isEqualTo("auto");

    ProxySpec trojan =
        ShareLinkParser.parse(
            "trojan://p%2Fw%3D@h.example.com:443?security=tls&sni=h.example.com&type=tcp#t");
    JsonNode server = V2RayClientConfig.build(trojan, 1080).at("/outbounds/0/settings/servers/0");
    assertThat(server.get("password").asText()).isEqualTo("p/w=");
    assertThat(server.get("address").asText()).isEqualTo("h.example.com");

    String ss =
        "ss://"
            + java.util.Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString("chacha20-ietf-poly1305:pw".getBytes(StandardCharsets.UTF_8))
            + "@203.0.113.7:8388#s";
    JsonNode ssServer =
        V2RayClientConfig.build(ShareLinkParser.parse(ss), 1080)
            .at("/outbounds/0/settings/servers/0");
    assertThat(ssServer.get("method").asText()).isEqualTo("chacha20-poly1305");
    assertThat(ssServer.get("password").asText()).isEqualTo("pw");
  }

  @Test
  void build_combinationsV2rayLacks_areRefusedWithTheReason() {
    String reality =
        "vless://"
            + UUID_1
            + "@203.0.113.7:443?encryption=none&security=reality"
            + "&sni=www.example.com&fp=chrome&pbk="
            + io.raftray.api.EndpointCombinations.PUBLIC_KEY
            + "&sid=&type=tcp#r";
    assertThatThrownBy(() -> V2RayClientConfig.build(ShareLinkParser.parse(reality), 1080))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("reality");
    String grpc =
        "vless://" + UUID_1 + "@203.0.113.7:443?encryption=none&security=none&type=grpc#g";
    assertThatThrownBy(() -> V2RayClientConfig.build(ShareLinkParser.parse(grpc), 1080))
        .hasMessageContaining("grpc");
    String vision =
        "vless://"
            + UUID_1
            + "@203.0.113.7:443?encryption=none&flow=xtls-rprx-vision"
            + "&security=tls&sni=a.example.com&type=tcp#v";
    assertThatThrownBy(() -> V2RayClientConfig.build(ShareLinkParser.parse(vision), 1080))
        .hasMessageContaining("flow");
  }

  /**
   * Every link of the golden combinations subscription V2Ray 4.34 can run gives a config the real
   * {@code v2ray -test} accepts; the rest are refused. Counts pin the split.
   */
  @Test
  void build_everySupportedCombination_passesRealV2rayTest() throws IOException {
    Subscription sub = io.raftray.sub.SubscriptionFixturesAccess.combinations();
    String links = Renderers.render(Format.LINKS, sub);
    Path ca = caFile();
    List<String> accepted = new ArrayList<>();
    int refused = 0;
    for (ProxySpec p : ShareLinkParser.parseLines(links)) {
      if (V2RayClientConfig.unsupported(p).isPresent()) {
        assertThatThrownBy(() -> V2RayClientConfig.build(p, 1080))
            .isInstanceOf(IllegalArgumentException.class);
        refused++;
        continue;
      }
      assertThat(v2rayTest(V2RayClientConfig.json(p, 10800, ca))).as(p.remark()).isEqualTo(0);
      accepted.add(p.remark());
    }
    // vless/vmess/trojan over tcp/ws with none/tls (vless without flow), 3 AEAD ss methods.
    assertThat(accepted)
        .hasSize(15)
        .contains("vless-ws-tls", "vmess-tcp-none", "trojan-ws-tls", "shadowsocks-aes-128-gcm");
    assertThat(refused).isEqualTo(41 - 15);
  }

  private Path caFile() {
    Path ca = dir.resolve("ca.crt");
    if (!Files.exists(ca)) {
      PemFiles.writeCertificate(ca, ClusterCa.create("v2ray-test").certificate());
    }
    return ca;
  }

  /** Exit code of {@code v2ray -test -config FILE}; fails when v2ray is missing. */
  private int v2rayTest(String json) throws IOException {
    assertThat(Path.of("/usr/bin/v2ray")).as("V2Ray 4.34 (Debian package v2ray)").exists();
    Path file = Files.createTempFile(dir, "client", ".json");
    Files.writeString(file, json);
    Process p =
        new ProcessBuilder("/usr/bin/v2ray", "-test", "-config", file.toString())
            .redirectErrorStream(true)
            .start();
    try {
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      if (p.exitValue() != 0) {
        System.err.println(output);
      }
      return p.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    } finally {
      p.destroyForcibly();
    }
  }
}
