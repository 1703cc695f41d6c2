package io.raftray.cli.admin;

import static io.raftray.cli.admin.CliHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.raftray.cli.admin.CliHarness.Result;
import io.raftray.cli.admin.StubApiServer.Request;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code raftray sub-settings show|set} against the stub server. */
@Timeout(30)
class SubSettingsCommandsTest {
  private static final String SETTINGS =
      """
      {"update_interval_hours":12,"title_template":"{user}","remark_template":"{node} {protocol}",
       "support_url":null,"web_page_url":null,
       "ua_rules":[{"pattern":"^Mozilla/","format":"html","accept":"text/html"},
                   {"pattern":"(?i)^clash","format":"clash","accept":null}],
       "ua_rules_builtin":true}
      """;

  @TempDir Path dir;
  CliHarness cli;

  @BeforeEach
  void start() throws Exception {
    cli = new CliHarness(dir);
  }

  @AfterEach
  void stop() {
    cli.close();
  }

  private Request last() {
    return cli.server.requests().get(cli.server.requests().size() - 1);
  }

  @Test
  void show_text_listsRulesInOrder() {
    cli.server.json(200, SETTINGS);

    Result r = cli.run("sub-settings", "show");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(last().method()).isEqualTo("GET");
    assertThat(last().path()).isEqualTo("/api/v1/subscription-settings");
    assertThat(r.out())
        .contains("update_interval_hours: 12")
        .contains("support_url:           -")
        .contains("ua_rules (built-in, first match wins; no match: base64):")
        .contains("  1. html  <- ^Mozilla/  accept: text/html")
        .contains("  2. clash  <- (?i)^clash\n");
  }

  @Test
  void show_json_printsTheApiBody() {
    cli.server.json(200, SETTINGS);

    Result r = cli.run("sub-settings", "show", "-o", "json");

    assertThat(json(r.out())).isEqualTo(json(SETTINGS));
  }

  @Test
  void set_sendsOnlyGivenFields_emptyUrlClears() {
    cli.server.json(200, SETTINGS);

    Result r =
        cli.run(
            "sub-settings",
            "set",
            "--update-interval-hours",
            "6",
            "--remark-template",
            "{node}-{port}",
            "--support-url",
            "",
            "--web-page-url",
            "https://example.com/",
            "--ua-rules-json",
            "[{\"pattern\":\"^v2\",\"format\":\"xray\"}]");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(last().method()).isEqualTo("PATCH");
    assertThat(last().path()).isEqualTo("/api/v1/subscription-settings");
    assertThat(json(last().body()))
        .isEqualTo(
            json(
                """
                {"update_interval_hours":6,"remark_template":"{node}-{port}","support_url":null,
                 "web_page_url":"https://example.com/",
                 "ua_rules":[{"pattern":"^v2","format":"xray"}]}
                """));
  }

  @Test
  void set_builtinRules_sendsTheFlag() {
    cli.server.json(200, SETTINGS);

    assertThat(cli.run("sub-settings", "set", "--builtin-ua-rules").exitCode()).isZero();
    assertThat(json(last().body())).isEqualTo(json("{\"ua_rules_builtin\":true}"));
  }

  @Test
  void set_publicUrl_sendsIt_emptyClears() throws Exception {
    cli.server.json(200, SETTINGS);
    Result r = cli.run("sub-settings", "set", "--public-url", "https://vpn.example");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(json(last().body())).isEqualTo(json("{\"public_url\":\"https://vpn.example\"}"));
    cli.server.json(200, SETTINGS);
    Result cleared = cli.run("sub-settings", "set", "--public-url", "");
    assertThat(cleared.exitCode()).as(cleared.err()).isZero();
    assertThat(json(last().body())).isEqualTo(json("{\"public_url\":null}"));
  }

  @Test
  void set_brandAndLogoFile_sendsADataUri_emptyClears() throws Exception {
    cli.server.json(200, SETTINGS);
    Path logo = dir.resolve("logo.svg");
    java.nio.file.Files.writeString(logo, "<svg/>");

    Result r =
        cli.run("sub-settings", "set", "--brand-name", "Acme", "--logo-file", logo.toString());

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(json(last().body()))
        .isEqualTo(
            json(
                "{\"brand_name\":\"Acme\",\"logo_data_uri\":"
                    + "\"data:image/svg+xml;base64,PHN2Zy8+\"}"));
    cli.server.json(200, SETTINGS);
    Result cleared = cli.run("sub-settings", "set", "--logo-file", "");
    assertThat(cleared.exitCode()).as(cleared.err()).isZero();
    assertThat(json(last().body())).isEqualTo(json("{\"logo_data_uri\":null}"));
    int before = cli.server.requests().size();
    Result txt = cli.run("sub-settings", "set", "--logo-file", dir.resolve("logo.txt").toString());
    Result missing =
        cli.run("sub-settings", "set", "--logo-file", dir.resolve("no.png").toString());
    assertThat(txt.exitCode()).isEqualTo(2);
    assertThat(txt.err()).contains(".png, .jpg");
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).contains("cannot read --logo-file");
    assertThat(cli.server.requests()).hasSize(before);
  }

  @Test
  void set_usageErrors_exit2AndSendNothing() {
    Result none = cli.run("sub-settings", "set");
    Result badJson = cli.run("sub-settings", "set", "--ua-rules-json", "[{");
    Result notList = cli.run("sub-settings", "set", "--ua-rules-json", "{}");
    Result both = cli.run("sub-settings", "set", "--ua-rules-json", "[]", "--builtin-ua-rules");

    for (Result r : new Result[] {none, badJson, notList, both}) {
      assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
      assertThat(r.err()).startsWith("error: ");
    }
    assertThat(cli.server.requests()).isEmpty();
  }

  @Test
  void set_validationProblem_exit2WithFieldErrors() {
    cli.server.json(
        400,
        """
        {"type":"urn:raftray:problem:invalid","title":"Bad Request","status":400,
         "detail":"invalid request: ua_rules[0].pattern is not a valid Java regular expression",
         "errors":[{"field":"ua_rules[0].pattern","message":"is not a valid Java regular expression"}]}
        """);

    Result r =
        cli.run(
            "sub-settings", "set", "--ua-rules-json", "[{\"pattern\":\"(\",\"format\":\"clash\"}]");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("ua_rules[0].pattern");
  }
}
