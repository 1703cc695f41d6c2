package io.raftray.sub;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftray.model.SubscriptionSettings;
import io.raftray.model.SubscriptionSettings.UaRule;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The User-Agent table: each listed client's real UA form gets its format. */
@Timeout(10)
class UaRulesTest {
  static final UaRules BUILT_IN = UaRules.of(SubscriptionSettings.defaults());
  static final String HTML_ACCEPT = "text/html,application/xhtml+xml,*/*;q=0.8";

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "clash-verge/v2.0.3 | clash",
        "Clash/1.18.0 | clash",
        "ClashMetaForAndroid/2.10.1.Meta | clash",
        "clash.meta/1.19.0 | clash",
        "mihomo/1.19.12 | clash",
        "Stash/2.4.7 Clash/1.9.0 | clash",
        "ClashX Meta/v1.4.2 (com.metacubex.ClashX.meta; build:620; macOS 14.5.0) Alamofire/5.9.1 | clash",
        "ClashX/1.118.0 (com.west2online.ClashX; build:1.118.0; macOS 13.4.1) Alamofire/5.6.4 | clash",
        "FlClash/v0.8.80 like ClashMeta Clash Platform/android | clash",
        "sing-box 1.12.0 | singbox",
        "SFA/1.11.4 (441; sing-box 1.11.4; language en_US) | singbox",
        "SFI/1.11.4 (441; sing-box 1.11.4; language en_US) | singbox",
        "HiddifyNext/2.5.7 (android) like ClashMeta v2ray sing-box | singbox",
        "karing/1.1.2.606 | singbox",
        "v2rayN/7.10.5 | base64",
        "v2rayNG/1.9.30 | base64",
        "Shadowrocket/2070 CFNetwork/1494.0.7 Darwin/23.4.0 | base64",
        "NekoBox/Android/1.3.4 (Prefer ClashMeta Format) | base64",
        "Streisand/1.6.3 | base64",
        "V2Box/2.1 | base64",
        "curl/8.5.0 | base64",
        "okhttp/4.12.0 | base64",
      })
  void builtIn_clientUserAgent_format(String ua, String format) {
    assertThat(BUILT_IN.choose(ua, "*/*").wire()).isEqualTo(format);
  }

  @Test
  void rememberedDecisions_stayPerUserAgentAndAccept_alsoPastTheMemoryBound() {
    UaRules rules = UaRules.of(SubscriptionSettings.defaults());
    String firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
    for (int round = 0; round < 2; round++) {
      assertThat(rules.choose(firefox, HTML_ACCEPT)).isEqualTo(Format.HTML);
      assertThat(rules.choose(firefox, "*/*")).isEqualTo(Format.BASE64);
      assertThat(rules.choose("mihomo/1.19.12", "*/*").wire()).isEqualTo("clash");
    }
    for (int i = 0; i < UaRules.MAX_CHOSEN + 10; i++) {
      assertThat(rules.choose("sing-box 1.12." + i, "*/*").wire()).isEqualTo("singbox");
    }
    assertThat(rules.choose(firefox, HTML_ACCEPT)).isEqualTo(Format.HTML);
    assertThat(rules.choose("mihomo/1.19.12", "*/*").wire()).isEqualTo("clash");
  }

  @Test
  void browser_htmlOnlyWhenItAcceptsHtml() {
    String firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
    assertThat(BUILT_IN.choose(firefox, HTML_ACCEPT)).isEqualTo(Format.HTML);
    assertThat(BUILT_IN.choose(firefox, "*/*")).isEqualTo(Format.BASE64);
    assertThat(BUILT_IN.choose(firefox, null)).isEqualTo(Format.BASE64);
    // An app that asks for HTML but is not a browser is not sent the page.
    assertThat(BUILT_IN.choose("v2rayNG/1.9.30", HTML_ACCEPT)).isEqualTo(Format.BASE64);
  }

  @Test
  void noUserAgent_base64() {
    assertThat(BUILT_IN.choose(null, null)).isEqualTo(Format.BASE64);
    assertThat(BUILT_IN.choose("", "")).isEqualTo(Format.BASE64);
  }

  @Test
  void adminRules_replaceBuiltInsAndFirstMatchWins() {
    UaRules admin =
        UaRules.of(
            new SubscriptionSettings(
                12,
                "{user}",
                "{node}",
                null,
                null,
                List.of(
                    new UaRule("(?i)^v2rayng/1\\.9", "xray", null),
                    new UaRule("(?i)^v2ray", "links", null),
                    new UaRule("(?i)clash", "singbox", null))));

    assertThat(admin.choose("v2rayNG/1.9.30", null)).isEqualTo(Format.XRAY);
    assertThat(admin.choose("v2rayNG/1.8.5", null)).isEqualTo(Format.LINKS);
    assertThat(admin.choose("v2rayN/7.1", null)).isEqualTo(Format.LINKS);
    assertThat(admin.choose("clash-verge/v2", null)).isEqualTo(Format.SINGBOX);
    // The built-in rules no longer apply.
    assertThat(admin.choose("SFA/1.11.4", null)).isEqualTo(Format.BASE64);
    assertThat(admin.choose("Mozilla/5.0", HTML_ACCEPT)).isEqualTo(Format.BASE64);
  }

  @Test
  void emptyRuleList_everythingBase64() {
    UaRules none =
        UaRules.of(new SubscriptionSettings(12, "{user}", "{node}", null, null, List.of()));

    assertThat(none.choose("clash-verge/v2", null)).isEqualTo(Format.BASE64);
  }

  @Test
  void hostileHeader_boundedBeforeMatching() {
    UaRules rule =
        UaRules.of(
            new SubscriptionSettings(
                12, "{user}", "{node}", null, null, List.of(new UaRule("X$", "clash", null))));

    assertThat(rule.choose("a".repeat(600) + "X", null)).isEqualTo(Format.BASE64);
    assertThat(rule.choose("a".repeat(100) + "X", null)).isEqualTo(Format.CLASH);
  }

  @Test
  void checkPattern_lengthAndSyntax() {
    assertThat(UaRules.checkPattern("^ok")).isEmpty();
    assertThat(UaRules.checkPattern("")).isPresent();
    assertThat(UaRules.checkPattern("a".repeat(257))).isPresent();
    assertThat(UaRules.checkPattern("(unclosed")).get().asString().contains("regular expression");
  }
}
