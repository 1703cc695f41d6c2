package io.raftray.sub;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftray.model.Protocol;
import io.raftray.model.SubscriptionSettings;
import io.raftray.model.SubscriptionSettings.UaRule;
import io.raftray.model.User;
import io.raftray.model.UserStatus;
import io.raftray.state.Command;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code /sub/{token}} over a real listener: headers, ETag/304, 404s, formats, notices. */
@Timeout(60)
class SubscriptionServiceTest {
  static final String TOKEN = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
  static final String OTHER = "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";

  SubFixture f;
  User alice;

  @BeforeEach
  void start() {
    f = new SubFixture();
    alice =
        f.user(
            "alice",
            UserStatus.ACTIVE,
            10_000,
            1_234,
            5_678,
            Instant.parse("2031-02-03T04:05:06Z"),
            TOKEN);
    String e1 = f.endpoint("node_a", "vless-a", Protocol.VLESS, 443);
    String e2 = f.endpoint("node_a", "trojan-a", Protocol.TROJAN, 8443);
    f.grant(alice.id(), e1);
    f.grant(alice.id(), e2);
  }

  @AfterEach
  void stop() {
    f.close();
  }

  @Test
  void get_base64_hasEveryClientHeader() {
    SubFixture.Resp r = f.get("/sub/" + TOKEN + "/base64");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("subscription-userinfo"))
        .isEqualTo(
            "upload=1234; download=5678; total=10000; expire="
                + Instant.parse("2031-02-03T04:05:06Z").getEpochSecond());
    assertThat(r.header("profile-update-interval")).isEqualTo("12");
    assertThat(r.header("profile-title"))
        .isEqualTo(
            "base64:"
                + Base64.getEncoder().encodeToString("alice".getBytes(StandardCharsets.UTF_8)));
    assertThat(r.header("content-disposition")).isEqualTo("attachment; filename=\"alice.txt\"");
    assertThat(r.header("content-type")).isEqualTo("text/plain; charset=utf-8");
    assertThat(r.header("cache-control")).isEqualTo("no-store");
    assertThat(r.header("etag")).matches("\"[A-Za-z0-9_-]{27}\"");
    assertThat(r.header("support-url")).isNull();
    assertThat(r.header("profile-web-page-url")).isNull();
    assertThat(r.header("vary")).isNull();
    String links = new String(Base64.getDecoder().decode(r.body()), StandardCharsets.UTF_8);
    assertThat(links.lines().toList())
        .hasSize(2)
        .satisfies(l -> assertThat(l.get(0)).startsWith("vless://").contains("@a.example:443"))
        .satisfies(l -> assertThat(l.get(1)).startsWith("trojan://").contains("@a.example:8443"));
  }

  @Test
  void get_unlimitedUser_zeroTotalAndExpire() {
    f.user("bob", UserStatus.ACTIVE, 0, 0, 0, null, OTHER);

    SubFixture.Resp r = f.get("/sub/" + OTHER);

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("subscription-userinfo"))
        .isEqualTo("upload=0; download=0; total=0; expire=0");
  }

  @Test
  void get_settingsSet_urlsIntervalTitleTemplate() {
    f.settings(
        new SubscriptionSettings(
            6,
            "Ёлка {user} ({data_limit})",
            "{node}-{port}",
            "https://help.example/x?a=1",
            "https://www.example/",
            null));

    SubscriptionSettings s = f.view().subscriptionSettings();
    assertThat(s.updateIntervalHours()).isEqualTo(6);
    SubFixture.Resp r = f.get("/sub/" + TOKEN + "?format=clash");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("profile-update-interval")).isEqualTo("6");
    String title = "Ёлка alice (9.8 KiB)";
    assertThat(r.header("profile-title"))
        .isEqualTo(
            "base64:" + Base64.getEncoder().encodeToString(title.getBytes(StandardCharsets.UTF_8)));
    assertThat(r.header("content-disposition"))
        .isEqualTo(
            "attachment; filename=\"alice_9.8_KiB.yaml\"; filename*=UTF-8''"
                + "%D0%81%D0%BB%D0%BA%D0%B0%20alice%20%289.8%20KiB%29.yaml");
    assertThat(r.header("content-type")).isEqualTo("text/yaml; charset=utf-8");
    assertThat(r.header("support-url")).isEqualTo("https://help.example/x?a=1");
    assertThat(r.header("profile-web-page-url")).isEqualTo("https://www.example/");
    // Clash cannot express trojan without TLS: only the VLESS proxy is listed.
    assertThat(r.body()).contains("name: \"alpha-443\"");
  }

  @Test
  void etag_matchingIfNoneMatch_304WithoutBody_otherwise200() {
    SubFixture.Resp first = f.get("/sub/" + TOKEN + "/links");
    String etag = first.header("etag");

    SubFixture.Resp again = f.get("/sub/" + TOKEN + "/links", "If-None-Match", etag);
    SubFixture.Resp weak = f.get("/sub/" + TOKEN + "/links", "If-None-Match", "\"x\", W/" + etag);
    SubFixture.Resp stale = f.get("/sub/" + TOKEN + "/links", "If-None-Match", "\"nope\"");
    SubFixture.Resp otherFormat = f.get("/sub/" + TOKEN + "/xray", "If-None-Match", etag);

    assertThat(again.status()).isEqualTo(304);
    assertThat(again.body()).isEmpty();
    assertThat(again.header("etag")).isEqualTo(etag);
    assertThat(again.header("subscription-userinfo"))
        .isEqualTo(first.header("subscription-userinfo"));
    assertThat(weak.status()).isEqualTo(304);
    assertThat(stale.status()).isEqualTo(200);
    assertThat(stale.body()).isEqualTo(first.body());
    assertThat(otherFormat.status()).isEqualTo(200);
    assertThat(otherFormat.header("etag")).isNotEqualTo(etag);
  }

  @Test
  void etag_changesWhenHeadersChange() {
    String before = f.get("/sub/" + TOKEN + "/links").header("etag");
    f.settings(new SubscriptionSettings(24, "{user}", "{node} {protocol}", null, null, null));

    SubFixture.Resp after = f.get("/sub/" + TOKEN + "/links", "If-None-Match", before);

    assertThat(after.status()).isEqualTo(200);
    assertThat(after.header("etag")).isNotEqualTo(before);
  }

  @Test
  void unknownMalformedRotated_sameBland404() {
    String old = TOKEN;
    SubFixture.Resp unknown = f.get("/sub/" + OTHER);
    SubFixture.Resp malformed = f.get("/sub/%3Cscript%3E");
    SubFixture.Resp tooLong = f.get("/sub/" + "A".repeat(300) + "/clash");
    f.submit(new Command.RotateSubscription(alice.id(), OTHER));
    SubFixture.Resp rotated = f.get("/sub/" + old + "/base64");
    SubFixture.Resp fresh = f.get("/sub/" + OTHER + "/base64");

    for (SubFixture.Resp r : List.of(unknown, malformed, tooLong, rotated)) {
      assertThat(r.status()).isEqualTo(404);
      assertThat(r.body()).isEqualTo(unknown.body());
      assertThat(r.header("content-type")).isEqualTo("application/problem+json");
      assertThat(r.header("subscription-userinfo")).isNull();
      assertThat(r.header("etag")).isNull();
    }
    assertThat(unknown.body())
        .isEqualTo(
            "{\"type\":\"urn:raftray:problem:not-found\",\"title\":\"Not Found\",\"status\":404,"
                + "\"detail\":\"not found\"}");
    assertThat(fresh.status()).isEqualTo(200);
  }

  @Test
  void unknownFormat_400_evenInQuery() {
    assertThat(f.get("/sub/" + TOKEN + "/yaml").status()).isEqualTo(400);
    SubFixture.Resp q = f.get("/sub/" + TOKEN + "?format=BASE64");
    assertThat(q.status()).isEqualTo(400);
    assertThat(q.header("content-type")).isEqualTo("application/problem+json");
    assertThat(q.body()).contains("unknown format");
    // An unknown token answers 404 whatever the format.
    assertThat(f.get("/sub/" + OTHER + "/yaml").status()).isEqualTo(404);
  }

  @Test
  void format_pathWinsOverQuery_queryOverUserAgent() {
    SubFixture.Resp path =
        f.get("/sub/" + TOKEN + "/singbox?format=clash", "User-Agent", "v2rayNG/1.9");
    SubFixture.Resp query = f.get("/sub/" + TOKEN + "?format=clash", "User-Agent", "SFA/1.11");
    SubFixture.Resp ua = f.get("/sub/" + TOKEN, "User-Agent", "SFA/1.11.4 (441; sing-box 1.11.4)");
    SubFixture.Resp none = f.get("/sub/" + TOKEN, "User-Agent", "curl/8.0");

    assertThat(path.header("content-type")).startsWith("application/json");
    assertThat(path.body()).contains("\"outbounds\"");
    assertThat(query.header("content-type")).startsWith("text/yaml");
    assertThat(ua.header("content-type")).startsWith("application/json");
    assertThat(ua.header("vary")).isEqualTo("User-Agent, Accept");
    assertThat(ua.header("content-disposition")).endsWith(".json\"");
    assertThat(none.header("content-type")).startsWith("text/plain");
    assertThat(Base64.getDecoder().decode(none.body())).isNotEmpty();
  }

  @Test
  void adminRules_replaceBuiltIns() {
    f.settings(
        new SubscriptionSettings(
            12,
            "{user}",
            "{node} {protocol}",
            null,
            null,
            List.of(new UaRule("(?i)^clash", "xray", null))));

    SubFixture.Resp clash = f.get("/sub/" + TOKEN, "User-Agent", "clash-verge/v2.0");
    SubFixture.Resp sfa = f.get("/sub/" + TOKEN, "User-Agent", "SFA/1.11");

    assertThat(clash.header("content-disposition")).endsWith(".json\"");
    assertThat(clash.body()).contains("\"inbounds\"").contains("\"routing\"");
    assertThat(sfa.header("content-type")).startsWith("text/plain");
  }

  @Test
  void proxies_onlyEnabledGrantsOnEnabledEndpointsOfActiveNodes_orderedAndUnique() {
    f.addNode("node_b", "beta", "b.example");
    f.addNode("node_c", "aardvark", "c.example");
    String b1 = f.endpoint("node_b", "vless-b", Protocol.VLESS, 443);
    String b2 = f.endpoint("node_b", "vless-b2", Protocol.VLESS, 444);
    String c1 = f.endpoint("node_c", "ss-c", Protocol.SHADOWSOCKS, 8388);
    String c2 = f.endpoint("node_c", "vless-c", Protocol.VLESS, 9000);
    f.grant(alice.id(), b1);
    String g = f.grant(alice.id(), b2);
    f.grant(alice.id(), c1);
    f.grant(alice.id(), c2);
    f.submit(new Command.UpdateGrant(g, false));
    f.submit(new Command.UpdateEndpoint(c2, null, null, null, false));
    f.settings(new SubscriptionSettings(12, "{user}", "{protocol}", null, null, null));

    Subscription s =
        new SubscriptionBuilder()
            .build(f.view(), f.view().users().get(alice.id()), f.clock.instant());

    assertThat(s.notice()).isNull();
    assertThat(s.proxies().stream().map(p -> p.host() + ":" + p.port() + " " + p.remark()))
        .containsExactly(
            "c.example:8388 shadowsocks",
            "a.example:443 vless",
            "a.example:8443 trojan",
            "b.example:443 vless 2");

    f.submit(new Command.RemoveNode("node_b"));
    Subscription after =
        new SubscriptionBuilder()
            .build(f.view(), f.view().users().get(alice.id()), f.clock.instant());
    assertThat(after.proxies()).extracting(Proxy::host).doesNotContain("b.example");
  }

  @Test
  void limitedDisabledExpired_validDocumentWithNoticeAndNoRealProxy() {
    User limited = f.user("lim", UserStatus.ACTIVE, 100, 60, 50, null, "L".repeat(32));
    User disabled = f.user("dis", UserStatus.DISABLED, 0, 0, 0, null, "D".repeat(32));
    User expired =
        f.user(
            "exp",
            UserStatus.ACTIVE,
            0,
            0,
            0,
            Instant.parse("2029-06-30T12:00:00Z"),
            "E".repeat(32));
    User onHold = f.user("hold", UserStatus.ON_HOLD, 0, 0, 0, null, "H".repeat(32));
    String e = f.view().endpoints().firstKey();
    for (User u : List.of(limited, disabled, expired, onHold)) {
      f.grant(u.id(), e);
    }
    assertThat(f.view().users().get(limited.id()).status()).isEqualTo(UserStatus.LIMITED);

    assertNotice("L".repeat(32), "Data limit reached");
    assertNotice("D".repeat(32), "Disabled");
    assertNotice("E".repeat(32), "Expired on 2029-06-30");
    SubFixture.Resp hold = f.get("/sub/" + "H".repeat(32) + "/links");
    assertThat(hold.body()).contains("@a.example:443");
  }

  @Test
  void noUsableGrant_validDocumentWithNoServersNotice() {
    f.user("none", UserStatus.ACTIVE, 0, 0, 0, null, "N".repeat(32));

    assertNotice("N".repeat(32), "No servers available");
  }

  @Test
  void expiryPassedWithoutACommand_noticeFromTheClock() {
    f.clock.advance(Duration.ofDays(400)); // past alice's 2031-02-03 expiry, state still active

    assertThat(f.view().users().get(alice.id()).status()).isEqualTo(UserStatus.ACTIVE);
    assertNotice(TOKEN, "Expired on 2031-02-03");
  }

  private void assertNotice(String token, String notice) {
    for (String format : List.of("links", "clash", "singbox", "xray")) {
      SubFixture.Resp r = f.get("/sub/" + token + "/" + format);
      assertThat(r.status()).as(format).isEqualTo(200);
      String body =
          format.equals("links")
              ? java.net.URLDecoder.decode(r.body(), StandardCharsets.UTF_8)
              : r.body();
      assertThat(body).as(format).contains(notice).doesNotContain("a.example");
      assertThat(r.header("profile-title")).as(format).isNotNull();
      String title =
          new String(
              Base64.getDecoder().decode(r.header("profile-title").substring("base64:".length())),
              StandardCharsets.UTF_8);
      assertThat(title).as(format).endsWith(" - " + notice);
    }
    SubFixture.Resp html = f.get("/sub/" + token + "/html");
    assertThat(html.body())
        .contains("<p class=\"notice\">" + notice + "</p>")
        .doesNotContain("a.example");
  }

  @Test
  void html_browserGetsPageWithCspLinksAndQr() {
    SubFixture.Resp r =
        f.get(
            "/sub/" + TOKEN,
            "User-Agent",
            "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0",
            "Accept",
            "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("content-type")).isEqualTo("text/html; charset=utf-8");
    assertThat(r.header("content-security-policy"))
        .startsWith("default-src 'none'; style-src 'sha256-")
        .contains("script-src '" + Html.sha256(Html.SCRIPT) + "'");
    assertThat(r.header("referrer-policy")).isEqualTo("no-referrer");
    assertThat(r.header("subscription-userinfo")).isNull();
    assertThat(r.body())
        .contains("<h1>alice</h1>")
        .contains("https://sub.example:8443/sub/" + TOKEN)
        .contains("<progress max=\"10000\" value=\"6912\"")
        .contains("2031-02-03")
        .doesNotContain(" style=")
        .doesNotContain(" src=")
        .doesNotContain("<link")
        .doesNotContainPattern("\\son[a-z]+=");
    assertThat(r.body().split("<svg ", -1)).hasSize(1 + 3); // the URL and two links
    assertThat(r.body().split("data-copy=", -1)).hasSize(1 + 3);
    // Exactly one script and one style element, both the constants the CSP hashes allow.
    assertThat(r.body().split("<script>", -1)).hasSize(2);
    assertThat(r.body()).contains("<script>" + Html.SCRIPT + "</script>");
    assertThat(r.body()).contains("<style>" + Html.STYLE + "</style>");
  }

  @Test
  void html_escapesUserControlledText() {
    f.settings(
        new SubscriptionSettings(
            12,
            "<b>{user}</b>",
            "<img src=x onerror=alert(1)>",
            "https://x.example/?a=1&b=\"",
            null,
            null));

    String body = f.get("/sub/" + TOKEN + "/html").body();

    assertThat(body).doesNotContain("<img").doesNotContain("<b>");
    assertThat(body).contains("&lt;img src=x onerror=alert(1)&gt;");
    assertThat(body).contains("<title>&lt;b&gt;alice&lt;/b&gt;</title>");
    assertThat(body).contains("href=\"https://x.example/?a=1&amp;b=&quot;\"");
  }

  @Test
  void browserWithoutHtmlAccept_getsBase64() {
    SubFixture.Resp r = f.get("/sub/" + TOKEN, "User-Agent", "Mozilla/5.0", "Accept", "*/*");

    assertThat(r.header("content-type")).isEqualTo("text/plain; charset=utf-8");
  }

  @Test
  void postIs405_metricsNeverShowTheToken() throws Exception {
    java.net.http.HttpResponse<String> post =
        f.http.send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + f.server.port() + "/sub/" + TOKEN))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("x"))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    f.get("/sub/" + TOKEN + "/clash");
    f.get("/sub/" + OTHER);

    assertThat(post.statusCode()).isEqualTo(405);
    String metrics = f.get("/metrics").body();
    assertThat(metrics).doesNotContain(TOKEN).doesNotContain(OTHER);
    assertThat(Arrays.stream(metrics.split("\n")).filter(l -> l.contains("/sub/{token}")))
        .isNotEmpty();
  }

  @Test
  void paths_oneOrTwoSegmentsOfTheNormalizedPath_elseTheNextRoute() throws Exception {
    // The document routes: the decoded path Helidon routes on, "//" collapsed, matrix dropped.
    for (String p :
        List.of(
            "/sub/" + TOKEN,
            "/sub/%41" + TOKEN.substring(1),
            "/sub/" + TOKEN + ";x=1",
            "/sub/" + TOKEN + "/clash",
            "/sub/" + TOKEN + "//clash",
            "/sub/" + TOKEN + "%2Fclash",
            "/sub/" + TOKEN + "/%63lash")) {
      SubFixture.Resp r = f.get(p);
      assertThat(r.status()).as(p).isEqualTo(200);
      assertThat(r.header("subscription-userinfo")).as(p).isNotNull();
    }
    assertThat(f.get("/sub/" + TOKEN + "/clash").header("content-type")).startsWith("text/yaml");
    // Any other shape is not a subscription route: the next route (here none) answers.
    for (String p :
        List.of(
            "/sub", "/sub/", "/sub/" + TOKEN + "/", "/sub/" + TOKEN + "/clash/", "/sub/a/b/c")) {
      SubFixture.Resp r = f.get(p);
      assertThat(r.status()).as(p).isEqualTo(404);
      assertThat(r.header("content-type")).as(p).isNotEqualTo("application/problem+json");
      assertThat(r.header("subscription-userinfo")).as(p).isNull();
    }
    // "//clash" collapses to the one-segment path of an unknown token "clash".
    assertThat(f.get("/sub//clash").header("content-type")).isEqualTo("application/problem+json");
    for (String method : List.of("HEAD", "PUT", "DELETE", "OPTIONS")) {
      java.net.http.HttpResponse<String> r =
          f.http.send(
              java.net.http.HttpRequest.newBuilder(
                      java.net.URI.create(
                          "http://127.0.0.1:" + f.server.port() + "/sub/" + TOKEN + "/clash"))
                  .method(method, java.net.http.HttpRequest.BodyPublishers.noBody())
                  .build(),
              java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(method).isEqualTo(405);
      assertThat(r.headers().firstValue("allow")).as(method).hasValue("GET");
    }
    // HTTP/1.1 keep-alive: one connection, so one server thread, for a labelled request and then
    // one no subscription route takes; the second must not inherit the first one's label.
    try (java.net.http.HttpClient h1 =
        java.net.http.HttpClient.newBuilder()
            .version(java.net.http.HttpClient.Version.HTTP_1_1)
            .build()) {
      for (String p : List.of("/sub/" + TOKEN, "/sub/a/b/c", "/sub/" + TOKEN, "/sub/a/b/c")) {
        h1.send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + f.server.port() + p))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
      }
    }
    String metrics = f.get("/metrics").body();
    assertThat(metrics)
        .contains("method=\"GET\",route=\"/sub/*\",status=\"404\"} 7\n")
        .contains("method=\"GET\",route=\"/sub/{token}\",status=\"200\"")
        .contains("method=\"GET\",route=\"/sub/{token}/{format}\",status=\"200\"")
        .contains("method=\"PUT\",route=\"/sub/{token}/{format}\",status=\"405\"")
        // Only "//clash" (an unknown token): the fall-throughs on the same keep-alive connection
        // right after a labelled request do not inherit its label.
        .contains("method=\"GET\",route=\"/sub/{token}\",status=\"404\"} 1\n")
        .doesNotContain(TOKEN);
  }
}
