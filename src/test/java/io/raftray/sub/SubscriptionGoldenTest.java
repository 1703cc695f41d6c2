package io.raftray.sub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftray.api.EndpointCombinations;
import io.raftray.model.Protocol;
import io.raftray.model.Security;
import io.raftray.model.Transport;
import io.raftray.testing.ProxySpec;
import io.raftray.testing.ShareLinkParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every machine-readable format x every fixture (one proxy per protocol/transport/security
 * combination the API accepts, escaping and name-collision edge cases, notice documents) against
 * golden files under {@code src/test/resources/golden/sub/<fixture>/<format>.<ext>}, byte for byte.
 * Each output is also parsed back (strict link parser, YAML/JSON readers) and compared with what a
 * client must end up with for each proxy, so a golden cannot hold garbage. Regenerate with {@code
 * -Draftray.regenerateGoldens=true}.
 */
@Timeout(60)
class SubscriptionGoldenTest {
  static final Path DIR = Path.of("src/test/resources/golden/sub");
  static final boolean REGENERATE = Boolean.getBoolean("raftray.regenerateGoldens");
  static final List<Format> FORMATS =
      List.of(Format.LINKS, Format.BASE64, Format.CLASH, Format.SINGBOX, Format.XRAY);
  static final Map<String, SubscriptionFixtures.Fixture> FIXTURES = SubscriptionFixtures.all();

  static Stream<Arguments> cases() {
    return FIXTURES.keySet().stream()
        .flatMap(f -> FORMATS.stream().map(format -> Arguments.of(f, format)));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void render_matchesGolden_andParsesBack(String fixture, Format format) throws IOException {
    SubscriptionFixtures.Fixture source = FIXTURES.get(fixture);
    Subscription sub = source.subscription();
    String out = Renderers.render(format, sub);
    assertThat(Renderers.render(format, sub)).as("deterministic").isEqualTo(out);
    Path file = DIR.resolve(fixture).resolve(fileName(format));
    if (REGENERATE) {
      Files.createDirectories(file.getParent());
      Files.writeString(file, out, StandardCharsets.UTF_8);
    }
    assertThat(file).as("golden file; regenerate with -Draftray.regenerateGoldens=true").exists();
    assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo(out);
    assertThat(Files.readAllBytes(file)).isEqualTo(out.getBytes(StandardCharsets.UTF_8));
    parsesBack(format, source, sub, out);
  }

  @Test
  void goldenDirectory_holdsNoStaleFiles() throws IOException {
    Set<String> expected = new TreeSet<>();
    for (String fixture : FIXTURES.keySet()) {
      for (Format f : FORMATS) {
        expected.add(fixture + "/" + fileName(f));
      }
    }
    Set<String> actual = new TreeSet<>();
    try (Stream<Path> files = Files.walk(DIR)) {
      files.filter(Files::isRegularFile).forEach(p -> actual.add(DIR.relativize(p).toString()));
    }
    assertThat(actual).isEqualTo(expected);
  }

  @Test
  void combinations_coverEveryAcceptedCombination() {
    List<String> names = new ArrayList<>();
    for (EndpointCombinations.Combination c : EndpointCombinations.accepted()) {
      names.add(c.name());
    }
    // 15 vless (incl. 2 vision), 10 vmess, 10 trojan, 6 shadowsocks methods.
    assertThat(names)
        .hasSize(41)
        .contains(
            "vless-tcp-reality-vision",
            "vless-tcp-tls-vision",
            "vless-grpc-reality",
            "vless-xhttp-reality",
            "vless-httpupgrade-tls",
            "vmess-xhttp-tls",
            "trojan-grpc-tls",
            "shadowsocks-aes-128-gcm",
            "shadowsocks-2022-blake3-chacha20-poly1305")
        .doesNotContain("vless-ws-reality", "trojan-tcp-reality", "shadowsocks-ws-none");
    assertThat(SubscriptionFixtures.combinations().subscription().proxies()).hasSize(41);
  }

  @Test
  void html_isNotRenderedHere() {
    assertThatThrownBy(
            () -> Renderers.render(Format.HTML, SubscriptionFixtures.edge().subscription()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  static String fileName(Format f) {
    return switch (f) {
      case LINKS -> "links.txt";
      case BASE64 -> "base64.txt";
      case CLASH -> "clash.yaml";
      case SINGBOX -> "singbox.json";
      case XRAY -> "xray.json";
      case HTML -> throw new IllegalArgumentException();
    };
  }

  // --- parse back

  private static void parsesBack(
      Format format, SubscriptionFixtures.Fixture source, Subscription sub, String out) {
    List<ProxySpec> expected = new ArrayList<>();
    for (SubscriptionFixtures.Source e : source.sources()) {
      ProxySpec p = e.spec();
      if (expressible(format, p)) {
        expected.add(normalize(format, p));
      }
    }
    String notice = source.notice();
    if (notice == null && expected.isEmpty()) {
      notice =
          source.sources().isEmpty()
              ? "No servers available"
              : "No proxy of this subscription works here";
    }
    if (notice != null) {
      expected = List.of(placeholder(notice));
    }
    switch (format) {
      case LINKS -> assertThat(ShareLinkParser.parseLines(out)).isEqualTo(expected);
      case BASE64 -> {
        assertThat(out).matches("[A-Za-z0-9+/]*={0,2}");
        String links = new String(Base64.getDecoder().decode(out), StandardCharsets.UTF_8);
        assertThat(links).isEqualTo(Renderers.render(Format.LINKS, sub));
        assertThat(ShareLinkParser.parseLines(links)).isEqualTo(expected);
      }
      case CLASH -> {
        DocumentReaders.Parsed parsed = DocumentReaders.clash(out);
        if (notice != null) {
          assertThat(parsed.proxies()).isEmpty();
          assertThat(parsed.noticeName()).isEqualTo(notice.replace(',', ';'));
        } else {
          assertThat(parsed.proxies()).isEqualTo(expected);
        }
      }
      case SINGBOX -> {
        DocumentReaders.Parsed parsed = DocumentReaders.singbox(out);
        assertThat(parsed.proxies()).isEqualTo(expected);
        assertThat(parsed.noticeName()).isEqualTo(notice);
      }
      case XRAY -> assertThat(DocumentReaders.xray(out).proxies()).isEqualTo(expected);
      case HTML -> throw new IllegalArgumentException();
    }
  }

  /** Which proxies a format can carry (written here independently of the renderers). */
  private static boolean expressible(Format format, ProxySpec p) {
    return switch (format) {
      case CLASH ->
          !(p.transport() == Transport.XHTTP && p.protocol() != Protocol.VLESS)
              && !(p.protocol() == Protocol.TROJAN && p.security() == Security.NONE);
      case SINGBOX -> p.transport() != Transport.XHTTP;
      default -> true;
    };
  }

  /**
   * What survives in Clash and sing-box: no REALITY spider path; ws early data moves from the path
   * into its own field (compared here as a trailing {@code ed=N}); httpupgrade loses it.
   */
  private static ProxySpec normalize(Format format, ProxySpec p) {
    if (format != Format.CLASH && format != Format.SINGBOX) {
      return p;
    }
    String path = p.path();
    if (path != null && path.contains("?")) {
      String base = path.substring(0, path.indexOf('?'));
      List<String> kept = new ArrayList<>();
      String ed = null;
      for (String param : path.substring(path.indexOf('?') + 1).split("&")) {
        if (param.startsWith("ed=")) {
          ed = param;
        } else {
          kept.add(param);
        }
      }
      if (ed != null && p.transport() == Transport.WS) {
        kept.add(ed);
      }
      path = kept.isEmpty() ? base : base + "?" + String.join("&", kept);
    }
    return new ProxySpec(
        p.protocol(),
        p.remark(),
        p.address(),
        p.port(),
        p.secret(),
        p.method(),
        p.flow(),
        p.transport(),
        p.security(),
        path,
        p.host(),
        p.serviceName(),
        p.mode(),
        p.sni(),
        p.fingerprint(),
        p.publicKey(),
        p.shortId(),
        null);
  }

  static ProxySpec placeholder(String notice) {
    return new ProxySpec(
        Protocol.VLESS,
        notice,
        "127.0.0.1",
        1,
        "00000000-0000-0000-0000-000000000000",
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
  }
}
