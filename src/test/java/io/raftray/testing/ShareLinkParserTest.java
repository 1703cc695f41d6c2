package io.raftray.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftray.api.EndpointCombinations;
import io.raftray.model.Endpoint;
import io.raftray.model.Protocol;
import io.raftray.model.Security;
import io.raftray.model.Transport;
import io.raftray.sub.Proxy;
import io.raftray.sub.ShareLinks;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(30)
class ShareLinkParserTest {
  static final String UUID_1 = "11111111-2222-3333-4444-555555555555";
  static final String VLESS =
      "vless://"
          + UUID_1
          + "@203.0.113.7:443?encryption=none&flow=xtls-rprx-vision"
          + "&security=reality&sni=www.example.com&fp=chrome&pbk="
          + EndpointCombinations.PUBLIC_KEY
          + "&sid=6ba85179e30d4fc2&spx=%2F&type=tcp#DE%201";

  @Test
  void parse_everyAcceptedCombination_roundTripsFromShareLinks() {
    int i = 0;
    for (EndpointCombinations.Combination c : EndpointCombinations.accepted()) {
      Endpoint e =
          new Endpoint(
              "ep_" + i,
              "nd_1",
              "t" + i,
              c.protocol(),
              1000 + i,
              c.transport(),
              c.security(),
              c.settings(),
              Map.of(),
              true,
              Instant.EPOCH,
              Instant.EPOCH);
      String credential =
          switch (c.protocol()) {
            case VLESS, VMESS -> UUID.randomUUID().toString();
            case TROJAN -> "pw/" + i + "+=?";
            case SHADOWSOCKS ->
                c.settings().containsKey("server_key")
                    ? EndpointCombinations.key(
                        ((String) c.settings().get("method")).contains("128") ? 16 : 32, i, true)
                    : "secret-" + i;
          };
      String remark = c.name() + " ✓";
      String host = "2001:db8::" + i;
      assertThat(ShareLinkParser.parse(ShareLinks.link(Proxy.of(remark, host, e, credential))))
          .as(c.name())
          .isEqualTo(ProxySpec.of(remark, host, e, credential));
      i++;
    }
    assertThat(i).isEqualTo(41);
  }

  @Test
  void parse_vlessReality_givesEveryField() {
    ProxySpec p = ShareLinkParser.parse(VLESS);
    assertThat(p.protocol()).isEqualTo(Protocol.VLESS);
    assertThat(p.remark()).isEqualTo("DE 1");
    assertThat(p.address()).isEqualTo("203.0.113.7");
    assertThat(p.port()).isEqualTo(443);
    assertThat(p.secret()).isEqualTo(UUID_1);
    assertThat(p.flow()).isEqualTo("xtls-rprx-vision");
    assertThat(p.transport()).isEqualTo(Transport.TCP);
    assertThat(p.security()).isEqualTo(Security.REALITY);
    assertThat(p.sni()).isEqualTo("www.example.com");
    assertThat(p.fingerprint()).isEqualTo("chrome");
    assertThat(p.publicKey()).isEqualTo(EndpointCombinations.PUBLIC_KEY);
    assertThat(p.shortId()).isEqualTo("6ba85179e30d4fc2");
    assertThat(p.spiderX()).isEqualTo("/");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "unknown parameter | &security=reality | &security=reality&alpn=h2",
        "repeated parameter | &type=tcp | &type=tcp&type=tcp",
        "bare parameter | &type=tcp | &type=tcp&insecure",
        "missing type | &type=tcp |",
        "missing security | security=reality& |",
        "missing pbk | &pbk= | &x=",
        "missing encryption | encryption=none& |",
        "encryption other than none | encryption=none | encryption=aes",
        "literal slash in a value | spx=%2F | spx=/",
        "plus in a value | spx=%2F | spx=+",
        "lowercase escape | spx=%2F | spx=%2f",
        "space in remark | #DE%201 | #DE 1",
        "missing remark | #DE%201 |",
        "empty remark | #DE%201 | #",
        "flow with ws | type=tcp | type=ws&path=%2F",
        "unknown type | type=tcp | type=kcp",
        "raw instead of tcp | type=tcp | type=raw",
        "not a uuid | 11111111-2222-3333-4444-555555555555 | alice",
        "port out of range | :443 | :65536",
        "missing port | :443? | ?",
        "IPv6 without brackets | 203.0.113.7 | 2001:db8::1",
        "sid not hex | sid=6ba85179e30d4fc2 | sid=xyz",
        "short pbk | pbk= | pbk=AAAA",
      })
  void parse_vlessMutation_fails(String why, String from, String to) {
    String bad = VLESS.replace(from, to == null ? "" : to);
    assertThat(bad).as("mutation applies").isNotEqualTo(VLESS);
    assertThatThrownBy(() -> ShareLinkParser.parse(bad))
        .as(why)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("strict vless link:")
        .hasMessageNotContaining(UUID_1);
  }

  @Test
  void parse_trojan_requiresSecurityAndRejectsSniWithoutTls() {
    String ok = "trojan://p%2Fw@h.example.com:443?security=tls&sni=h.example.com&type=tcp#t";
    assertThat(ShareLinkParser.parse(ok).secret()).isEqualTo("p/w");
    assertThatThrownBy(
            () -> ShareLinkParser.parse(ok.replace("security=tls&sni=h.example.com&", "")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ShareLinkParser.parse(ok.replace("security=tls", "security=none")))
        .hasMessageContaining("do not belong");
    assertThatThrownBy(() -> ShareLinkParser.parse(ok.replace("p%2Fw", "p/w")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void parse_shadowsocks_acceptsSip002FormsOnly() {
    String aead =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString("aes-256-gcm:pa/ss?".getBytes(StandardCharsets.UTF_8));
    ProxySpec p = ShareLinkParser.parse("ss://" + aead + "@[2001:db8::1]:8388#s");
    assertThat(p.method()).isEqualTo("aes-256-gcm");
    assertThat(p.secret()).isEqualTo("pa/ss?");
    assertThat(p.address()).isEqualTo("2001:db8::1");
    String server = EndpointCombinations.key(16, 1, true);
    String user = EndpointCombinations.key(16, 2, true);
    String plain =
        "ss://2022-blake3-aes-128-gcm:" + pct(server) + ":" + pct(user) + "@203.0.113.7:8388#s";
    assertThat(ShareLinkParser.parse(plain).secret()).isEqualTo(server + ":" + user);

    String padded =
        Base64.getEncoder().encodeToString("aes-256-gcm:x".getBytes(StandardCharsets.UTF_8));
    assertThat(padded).endsWith("=");
    for (String bad :
        List.of(
            "ss://" + padded + "@203.0.113.7:8388#s", // padding / standard alphabet
            "ss://" + aead + "@203.0.113.7:8388/?plugin=obfs-local#s", // query
            "ss://" + aead + "@203.0.113.7:8388", // no remark
            plain.replace(pct(server), server), // unescaped +, /, =
            plain.replace("2022-blake3-aes-128-gcm", "aes-128-gcm"), // plain form for AEAD
            plain.replace(pct(user), pct(EndpointCombinations.key(32, 2, true))), // key length
            "ss://" + b64url("2022-blake3-aes-128-gcm:" + server + ":" + user) + "@h:1#s")) {
      assertThatThrownBy(() -> ShareLinkParser.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void parse_vmess_requiresExactlyTheV2rayNKeys() {
    String json =
        "{\"v\":\"2\",\"ps\":\"m\",\"add\":\"h.example.com\",\"port\":443,\"id\":\""
            + UUID_1
            + "\",\"aid\":\"0\",\"scy\":\"auto\",\"net\":\"ws\",\"type\":\"none\",\"host\":\"\","
            + "\"path\":\"/w\",\"tls\":\"tls\",\"sni\":\"h.example.com\",\"fp\":\"\"}";
    ProxySpec p = ShareLinkParser.parse("vmess://" + b64(json));
    assertThat(p.transport()).isEqualTo(Transport.WS);
    assertThat(p.path()).isEqualTo("/w");
    assertThat(p.security()).isEqualTo(Security.TLS);
    assertThat(p.host()).isNull();
    for (String bad :
        List.of(
            json.replace("\"fp\":\"\"", "\"fp\":\"\",\"alpn\":\"h2\""), // extra key
            json.replace(",\"fp\":\"\"", ""), // missing key
            json.replace("\"port\":443", "\"port\":\"443\""), // port as string
            json.replace("\"aid\":\"0\"", "\"aid\":0"), // aid as number
            json.replace("\"net\":\"ws\"", "\"net\":\"h2\""), // unknown net
            json.replace("\"sni\":\"h.example.com\"", "\"sni\":\"\""), // tls without sni
            json.replace("\"ps\":\"m\"", "\"ps\":\"\""))) { // empty remark
      assertThatThrownBy(() -> ShareLinkParser.parse("vmess://" + b64(bad)))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
    String padded = b64(json.replace("\"ps\":\"m\"", "\"ps\":\"mm\""));
    assertThat(padded).endsWith("=");
    assertThat(ShareLinkParser.parse("vmess://" + padded).remark()).isEqualTo("mm");
    assertThatThrownBy(() -> ShareLinkParser.parse("vmess://" + padded.replace("=", "")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void parseLines_rejectsBlankLinesAndMissingFinalNewline() {
    assertThat(ShareLinkParser.parseLines(VLESS + "\n" + VLESS + "\n")).hasSize(2);
    assertThatThrownBy(() -> ShareLinkParser.parseLines(VLESS))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ShareLinkParser.parseLines(VLESS + "\n\n" + VLESS + "\n"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ShareLinkParser.parseLines(VLESS + "\r\n"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String b64url(String s) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String pct(String s) {
    return s.replace("%", "%25").replace("+", "%2B").replace("/", "%2F").replace("=", "%3D");
  }
}
