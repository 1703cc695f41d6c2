package io.raftray.sub;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftray.model.Protocol;
import io.raftray.model.SubscriptionSettings;
import io.raftray.model.UserStatus;
import io.raftray.state.Command;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The end user's subscription page: languages (Accept-Language, {@code ?lang=}, right to left),
 * one-tap import links that point at a document the app can read, apps per system, the operator's
 * name and logo, themes, and nothing loaded from anywhere.
 */
class SubscriptionPageTest {
  static final String TOKEN = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
  static final String BASE = "https://sub.example:8443/sub/" + TOKEN;
  static final String FIREFOX = "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0";
  static final String BROWSER = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8";

  SubFixture f;

  @BeforeEach
  void start() {
    f = new SubFixture();
    String id =
        f.user(
                "alice",
                UserStatus.ACTIVE,
                10_000,
                1_234,
                5_678,
                Instant.parse("2031-02-03T04:05:06Z"),
                TOKEN)
            .id();
    f.grant(id, f.endpoint("node_a", "vless-a", Protocol.VLESS, 443));
  }

  @AfterEach
  void stop() {
    f.close();
  }

  private String page(String path, String... headers) {
    SubFixture.Resp r = f.get(path, headers);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.header("content-type")).isEqualTo("text/html; charset=utf-8");
    return r.body();
  }

  @Test
  void language_followsAcceptLanguage_withQualities_andLangOverridesIt() {
    String ru =
        page(
            "/sub/" + TOKEN,
            "User-Agent",
            FIREFOX,
            "Accept",
            BROWSER,
            "Accept-Language",
            "ru-RU,ru;q=0.9");
    assertThat(ru).contains("<html lang=\"ru\" dir=\"ltr\">").contains("Адрес подписки");
    String zh =
        page(
            "/sub/" + TOKEN,
            "User-Agent",
            FIREFOX,
            "Accept",
            BROWSER,
            "Accept-Language",
            "fr, ru;q=0.5, zh-CN;q=0.8");
    assertThat(zh).contains("<html lang=\"zh\"").contains("订阅地址");
    String none =
        page(
            "/sub/" + TOKEN,
            "User-Agent",
            FIREFOX,
            "Accept",
            BROWSER,
            "Accept-Language",
            "de, fr;q=0.5");
    assertThat(none).contains("<html lang=\"en\"").contains("Subscription address");
    String fa = page("/sub/" + TOKEN + "/html?lang=fa", "Accept-Language", "ru");
    assertThat(fa).contains("<html lang=\"fa\" dir=\"rtl\">").contains("آدرس اشتراک");
    // The switch links every other language, relative to the page itself.
    assertThat(fa).contains("href=\"?lang=en\"").contains("href=\"?lang=ru\"");
    assertThat(fa).contains("href=\"?lang=zh\"").doesNotContain("href=\"?lang=fa\"");
    SubFixture.Resp r = f.get("/sub/" + TOKEN + "/html");
    assertThat(r.header("vary")).contains("Accept-Language");
  }

  @Test
  void everyLanguageFile_hasEveryKeyOfEnglish() {
    for (PageText.Lang l : PageText.Lang.values()) {
      assertThat(PageText.keys(l)).as(l.code).isEqualTo(PageText.keys(PageText.Lang.EN));
    }
  }

  private static List<String> links(String page, String scheme) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("href=\"(" + Pattern.quote(scheme) + "[^\"]*)\"").matcher(page);
    while (m.find()) {
      out.add(m.group(1).replace("&amp;", "&"));
    }
    return out;
  }

  private static String query(String link, String key) {
    Matcher m = Pattern.compile("[?&]" + key + "=([^&#]*)").matcher(link);
    assertThat(m.find()).as(link).isTrue();
    return URLDecoder.decode(m.group(1), StandardCharsets.UTF_8);
  }

  /** The document an import link's URL serves: its path on the fixture, with no User-Agent. */
  private SubFixture.Resp fetch(String url) {
    assertThat(url).startsWith(BASE);
    return f.get(URI.create(url).getPath(), "User-Agent", "x-test");
  }

  @Test
  void importLinks_pointAtADocumentEachAppReads() {
    String p = page("/sub/" + TOKEN + "/html");
    String v2rayng = links(p, "v2rayng://").get(0);
    assertThat(query(v2rayng, "url")).isEqualTo(BASE);
    assertThat(query(v2rayng, "name")).isEqualTo("alice");
    String singbox = links(p, "sing-box://").get(0);
    SubFixture.Resp sb = fetch(query(singbox, "url"));
    assertThat(sb.status()).isEqualTo(200);
    assertThat(sb.body()).contains("\"outbounds\"");
    String clash = links(p, "clash://").get(0);
    SubFixture.Resp cl = fetch(query(clash, "url"));
    assertThat(cl.body()).contains("proxies:");
    String rocket = links(p, "sub://").get(0);
    String encoded = rocket.substring("sub://".length(), rocket.indexOf('#'));
    String rocketUrl = new String(Base64.getUrlDecoder().decode(encoded), StandardCharsets.UTF_8);
    SubFixture.Resp rb = fetch(rocketUrl);
    String links =
        new String(Base64.getDecoder().decode(rb.body().strip()), StandardCharsets.UTF_8);
    assertThat(links).startsWith("vless://");
    assertThat(links(p, "hiddify://import/" + BASE + "#alice")).isNotEmpty();
    assertThat(links(p, "streisand://import/" + BASE + "#alice")).isNotEmpty();
    assertThat(query(links(p, "sn://subscription").get(0), "url")).isEqualTo(BASE);
    // Each app also says where to get it.
    assertThat(p).contains("https://github.com/2dust/v2rayNG/releases");
  }

  @Test
  void theBrowsersSystem_isOpenedFirst() {
    String android =
        page(
            "/sub/" + TOKEN + "/html",
            "User-Agent",
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/126.0 Mobile");
    int firstDetails = android.indexOf("<details");
    assertThat(android.substring(firstDetails)).startsWith("<details open><summary>Android");
    String iphone =
        page(
            "/sub/" + TOKEN + "/html",
            "User-Agent",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15");
    assertThat(iphone.substring(iphone.indexOf("<details")))
        .startsWith("<details open><summary>iPhone and iPad");
    String iosApps = iphone.substring(iphone.indexOf("<details open>"));
    iosApps = iosApps.substring(0, iosApps.indexOf("</details>"));
    assertThat(iosApps).contains("Streisand").contains("Shadowrocket").doesNotContain("v2rayNG");
    String unknown = page("/sub/" + TOKEN + "/html", "User-Agent", "curl/8");
    assertThat(unknown).doesNotContain("<details open>");
  }

  @Test
  void brandAndLogo_fromSettings_andOnlyDataImagesAllowed() {
    String logo = "data:image/png;base64,iVBORw0KGgo=";
    f.settings(
        new SubscriptionSettings(
            12, "{user}", "{node}", "https://help.example/", null, null, "Acme <VPN>", logo));
    SubFixture.Resp r = f.get("/sub/" + TOKEN + "/html");
    assertThat(r.body())
        .contains("<p class=\"brand\">Acme &lt;VPN&gt;</p>")
        .contains("<img alt=\"\" src=\"" + logo + "\">")
        .contains("href=\"https://help.example/\">Support</a>");
    assertThat(r.header("content-security-policy"))
        .contains("default-src 'none'")
        .contains("img-src data:;");
    // Nothing is loaded from another origin: the only src is the data URI.
    assertThat(r.body().split(" src=", -1)).hasSize(2);
    assertThat(r.body()).doesNotContain("<link").doesNotContainPattern("\\son[a-z]+=");
  }

  @Test
  void publicUrl_fromSettings_isTheAddressThePageShows() {
    SubFixture.Resp before = f.get("/sub/" + TOKEN + "/html");
    assertThat(before.body()).contains(BASE).doesNotContain("https://vpn.example/sub/");
    f.settings(
        new SubscriptionSettings(
            12, "{user}", "{node}", null, null, null, null, null, "https://vpn.example/"));
    SubFixture.Resp r = f.get("/sub/" + TOKEN + "/html");
    assertThat(r.body()).contains("https://vpn.example/sub/" + TOKEN).doesNotContain(BASE);
  }

  @Test
  void publicBaseUrls_firstIsTheAddress_theOthersAreListedBesideIt() {
    f.submit(
        new Command.UpdateSettings(
            null, null, null, List.of("https://cdn.example", "https://mirror.example/x")));
    String p = page("/sub/" + TOKEN + "/html");
    assertThat(p)
        .contains("<code id=\"sub-url\">https://cdn.example/sub/" + TOKEN + "</code>")
        .contains("<code id=\"sub-url-1\">https://mirror.example/x/sub/" + TOKEN + "</code>")
        .contains("If this address does not open, use one of these:")
        .doesNotContain(BASE + "/sub/");
  }

  @Test
  void themes_lightAndDark_areInTheOneHashedStyle_withASwitch() {
    String p = page("/sub/" + TOKEN + "/html");
    assertThat(Html.STYLE).contains("prefers-color-scheme:dark").contains("[data-theme=dark]");
    assertThat(p).contains("<button type=\"button\" id=\"theme\">");
    assertThat(Html.SCRIPT).contains("data-theme");
    assertThat(p.split("<style>", -1)).hasSize(2);
  }
}
