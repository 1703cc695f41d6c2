package io.raftray.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftray.api.ApiFixture.Resp;
import io.raftray.model.Role;
import io.raftray.model.SubscriptionSettings;
import io.raftray.sub.UaRules;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code /subscription-settings}: reads, PUT/PATCH semantics, roles, audit, validation table. */
@Timeout(60)
class ApiSubscriptionSettingsTest {
  static final String PATH = "/api/v1/subscription-settings";

  ApiFixture f;

  @BeforeEach
  void start() {
    f = ApiFixture.start();
  }

  @AfterEach
  void stop() {
    f.close();
  }

  @Test
  void get_defaults_withBuiltInRules() {
    Resp r = f.get(PATH);

    assertThat(r.status()).isEqualTo(200);
    JsonNode j = r.json();
    assertThat(j.path("update_interval_hours").asInt()).isEqualTo(12);
    assertThat(j.path("title_template").asText()).isEqualTo("{user}");
    assertThat(j.path("remark_template").asText()).isEqualTo("{node} {protocol}");
    assertThat(j.path("support_url").isNull()).isTrue();
    assertThat(j.path("web_page_url").isNull()).isTrue();
    assertThat(j.path("ua_rules_builtin").asBoolean()).isTrue();
    assertThat(j.path("ua_rules")).hasSize(UaRules.BUILT_IN.size());
    assertThat(j.path("ua_rules").get(0).path("format").asText()).isEqualTo("html");
    assertThat(j.path("ua_rules").get(0).path("accept").asText()).isEqualTo("text/html");
  }

  @Test
  void patch_changesOnlyGivenFields_auditedOnce() {
    Resp r =
        f.patch(
            PATH,
            """
            {"update_interval_hours":6,"support_url":"https://t.me/help",
             "ua_rules":[{"pattern":"(?i)^clash","format":"clash"},
                         {"pattern":"^Mozilla/","format":"html","accept":"text/html"}]}
            """);

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    SubscriptionSettings s = f.view().subscriptionSettings();
    assertThat(s.updateIntervalHours()).isEqualTo(6);
    assertThat(s.supportUrl()).isEqualTo("https://t.me/help");
    assertThat(s.titleTemplate()).isEqualTo("{user}");
    assertThat(s.uaRules()).hasSize(2);
    assertThat(r.json().path("ua_rules_builtin").asBoolean()).isFalse();
    JsonNode audit = f.get("/api/v1/audit?action=subscription_settings.update").json();
    assertThat(audit.path("items")).hasSize(1);
    assertThat(audit.path("items").get(0).path("actor").asText()).isEqualTo(f.ownerId);
    assertThat(audit.path("items").get(0).path("summary").asText())
        .contains("update_interval_hours=6")
        .contains("2 custom")
        .doesNotContain("t.me");

    // The same values again commit nothing.
    long index = f.view().appliedIndex();
    assertThat(f.patch(PATH, "{\"update_interval_hours\":6}").status()).isEqualTo(200);
    assertThat(f.view().appliedIndex()).isEqualTo(index);
  }

  @Test
  void restoreBuiltIns_byNullOrFlag_andPutResetsAbsentFields() {
    f.patch(PATH, "{\"ua_rules\":[],\"title_template\":\"VPN {user}\"}");
    assertThat(f.view().subscriptionSettings().uaRules()).isEmpty();

    assertThat(f.patch(PATH, "{\"ua_rules\":null}").status()).isEqualTo(200);
    assertThat(f.view().subscriptionSettings().uaRules()).isNull();
    assertThat(f.view().subscriptionSettings().titleTemplate()).isEqualTo("VPN {user}");

    f.patch(PATH, "{\"ua_rules\":[]}");
    assertThat(f.patch(PATH, "{\"ua_rules_builtin\":true}").status()).isEqualTo(200);
    assertThat(f.view().subscriptionSettings().uaRules()).isNull();

    assertThat(f.send("PUT", PATH, f.owner, "{}").status()).isEqualTo(200);
    assertThat(f.view().subscriptionSettings()).isEqualTo(SubscriptionSettings.defaults());
  }

  @Test
  void getThenPut_roundTripIsAccepted() {
    f.patch(PATH, "{\"web_page_url\":\"http://example.com/p\"}");
    String got = f.get(PATH).body();

    Resp put = f.send("PUT", PATH, f.owner, got);

    assertThat(put.status()).as(put.body()).isEqualTo(200);
    assertThat(f.view().subscriptionSettings().webPageUrl()).isEqualTo("http://example.com/p");
    assertThat(f.view().subscriptionSettings().uaRules()).isNull();
  }

  @Test
  void brandAndLogo_areSetByPatch_shownOnTheView_andClearedByNull() {
    String logo = "data:image/svg+xml;base64,PHN2Zy8+";
    Resp r = f.patch(PATH, "{\"brand_name\":\"Acme VPN\",\"logo_data_uri\":\"" + logo + "\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().get("brand_name").asText()).isEqualTo("Acme VPN");
    assertThat(r.json().get("logo_data_uri").asText()).isEqualTo(logo);
    assertThat(f.view().subscriptionSettings().brandName()).isEqualTo("Acme VPN");
    // A patch of another field keeps them; null clears one.
    f.patch(PATH, "{\"update_interval_hours\":6}");
    assertThat(f.view().subscriptionSettings().logoDataUri()).isEqualTo(logo);
    assertThat(f.patch(PATH, "{\"logo_data_uri\":null}").status()).isEqualTo(200);
    assertThat(f.view().subscriptionSettings().logoDataUri()).isNull();
    assertThat(f.view().subscriptionSettings().brandName()).isEqualTo("Acme VPN");
  }

  @Test
  void publicUrl_isUsedForEverySubscriptionUrl_andClearedByNull() {
    Resp created = f.post("/api/v1/users", "{\"name\":\"pat\"}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String id = created.json().get("id").asText();
    String own = created.json().get("subscription_url").asText();
    String token = own.substring(own.lastIndexOf('/') + 1);
    assertThat(own).doesNotStartWith("https://sub.example.com");

    Resp r = f.patch(PATH, "{\"public_url\":\"https://sub.example.com:8443/vpn/\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().get("public_url").asText()).isEqualTo("https://sub.example.com:8443/vpn");
    String want = "https://sub.example.com:8443/vpn/sub/" + token;
    assertThat(f.get("/api/v1/users/" + id).json().get("subscription_url").asText())
        .isEqualTo(want);
    assertThat(f.get("/api/v1/users").json().get("items").get(0).get("subscription_url").asText())
        .isEqualTo(want);
    // another field's patch keeps it; null clears it
    f.patch(PATH, "{\"update_interval_hours\":6}");
    assertThat(f.view().subscriptionSettings().publicUrl())
        .isEqualTo("https://sub.example.com:8443/vpn");
    assertThat(f.patch(PATH, "{\"public_url\":null}").status()).isEqualTo(200);
    assertThat(f.get("/api/v1/users/" + id).json().get("subscription_url").asText()).isEqualTo(own);
  }

  @Test
  void viewer_readsButCannotWrite() {
    String viewer = f.token(Role.VIEWER);
    String admin = f.token(Role.ADMIN);

    assertThat(f.send("GET", PATH, viewer, null).status()).isEqualTo(200);
    Resp denied = f.send("PATCH", PATH, viewer, "{\"update_interval_hours\":1}");
    assertThat(denied.status()).isEqualTo(403);
    assertThat(denied.header("content-type")).isEqualTo("application/problem+json");
    assertThat(f.send("PUT", PATH, viewer, "{}").status()).isEqualTo(403);
    assertThat(f.send("PATCH", PATH, admin, "{\"update_interval_hours\":1}").status())
        .isEqualTo(200);
    assertThat(f.send("DELETE", PATH, admin, null).status()).isEqualTo(405);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          interval zero | {"update_interval_hours":0} | update_interval_hours
          interval above a year | {"update_interval_hours":8761} | update_interval_hours
          interval string | {"update_interval_hours":"12"} | update_interval_hours
          interval fractional | {"update_interval_hours":1.5} | update_interval_hours
          title empty | {"title_template":""} | title_template
          title blank | {"title_template":"   "} | title_template
          title unknown placeholder | {"title_template":"{node}"} | title_template
          title too long | {"title_template":"{long}"} | title_template
          title control character | {"title_template":"a\\nb"} | title_template
          remark unknown placeholder | {"remark_template":"{node} {password}"} | remark_template
          remark wrong type | {"remark_template":5} | remark_template
          support url relative | {"support_url":"/help"} | support_url
          support url ftp | {"support_url":"ftp://x.example/"} | support_url
          support url javascript | {"support_url":"javascript:alert(1)"} | support_url
          support url with space | {"support_url":"https://x.example/a b"} | support_url
          support url non ascii | {"support_url":"https://пример.рф/"} | support_url
          support url too long | {"support_url":"https://x.example/{long_url}"} | support_url
          web page url no host | {"web_page_url":"https:///path"} | web_page_url
          web page url number | {"web_page_url":1} | web_page_url
          rules not a list | {"ua_rules":{"pattern":"a","format":"clash"}} | ua_rules
          rules too many | {"ua_rules":{many_rules}} | ua_rules
          rule not an object | {"ua_rules":["a"]} | ua_rules[0]
          rule bad regex | {"ua_rules":[{"pattern":"(a","format":"clash"}]} | ua_rules[0].pattern
          rule empty pattern | {"ua_rules":[{"pattern":"","format":"clash"}]} | ua_rules[0].pattern
          rule long pattern | {"ua_rules":[{"pattern":"{long_pattern}","format":"clash"}]} | ua_rules[0].pattern
          rule missing pattern | {"ua_rules":[{"format":"clash"}]} | ua_rules[0].pattern
          rule unknown format | {"ua_rules":[{"pattern":"a","format":"yaml"}]} | ua_rules[0].format
          rule missing format | {"ua_rules":[{"pattern":"a"}]} | ua_rules[0].format
          rule bad accept | {"ua_rules":[{"pattern":"a","format":"html","accept":"[x"}]} | ua_rules[0].accept
          rule unknown field | {"ua_rules":[{"pattern":"a","format":"html","flags":"i"}]} | ua_rules[0].flags
          second rule bad | {"ua_rules":[{"pattern":"a","format":"html"},{"pattern":"*","format":"html"}]} | ua_rules[1].pattern
          builtin false without rules | {"ua_rules_builtin":false} | ua_rules_builtin
          builtin true with other rules | {"ua_rules_builtin":true,"ua_rules":[]} | ua_rules_builtin
          brand empty | {"brand_name":""} | brand_name
          brand too long | {"brand_name":"{long_brand}"} | brand_name
          logo not a data uri | {"logo_data_uri":"https://cdn.example/logo.png"} | logo_data_uri
          logo not an image | {"logo_data_uri":"data:text/html;base64,PGI+"} | logo_data_uri
          logo not base64 | {"logo_data_uri":"data:image/png;base64,***"} | logo_data_uri
          logo too big | {"logo_data_uri":"data:image/png;base64,{big_logo}"} | logo_data_uri
          public url http | {"public_url":"http://sub.example.com"} | public_url
          public url no host | {"public_url":"https:///sub"} | public_url
          public url query | {"public_url":"https://sub.example.com/?a=1"} | public_url
          public url fragment | {"public_url":"https://sub.example.com/#x"} | public_url
          public url user info | {"public_url":"https://u:p@sub.example.com"} | public_url
          public url relative | {"public_url":"/sub"} | public_url
          public url number | {"public_url":7} | public_url
          public url too long | {"public_url":"https://x.example/{long_url}"} | public_url
          unknown field | {"update_interval":3} | update_interval
          several at once | {"update_interval_hours":-1,"support_url":"x","title_template":"{x}"} | update_interval_hours,title_template,support_url
          """)
  void badInput_400NamingFields_nothingApplied(String name, String body, String fields) {
    String json =
        body.replace("{long}", "x".repeat(201))
            .replace("{long_url}", "a".repeat(2048))
            .replace("{long_pattern}", "a".repeat(257))
            .replace("{many_rules}", manyRules(65))
            .replace("{long_brand}", "b".repeat(65))
            .replace("{big_logo}", "A".repeat(48 * 1024 * 4 / 3 + 8));
    long index = f.view().appliedIndex();

    for (String method : List.of("PATCH", "PUT")) {
      Resp r = f.send(method, PATH, f.owner, json);

      assertThat(r.status()).as(method + " " + r.body()).isEqualTo(400);
      assertThat(r.header("content-type")).isEqualTo("application/problem+json");
      List<String> got = new ArrayList<>();
      r.json().path("errors").forEach(e -> got.add(e.path("field").asText()));
      assertThat(got).as(method + " " + r.body()).containsExactlyInAnyOrder(fields.split(","));
    }
    assertThat(f.view().appliedIndex()).isEqualTo(index);
    assertThat(f.view().subscriptionSettings()).isEqualTo(SubscriptionSettings.defaults());
  }

  private static String manyRules(int n) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < n; i++) {
      b.append(i == 0 ? "" : ",").append("{\"pattern\":\"a\",\"format\":\"clash\"}");
    }
    return b.append(']').toString();
  }
}
