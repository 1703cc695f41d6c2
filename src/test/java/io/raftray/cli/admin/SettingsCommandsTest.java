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

/** {@code raftray settings show|set} against the stub server. */
@Timeout(30)
class SettingsCommandsTest {
  private static final String SETTINGS =
      """
      {"audit_retention":10000,"hwid_device_limit":0,"hwid_required":false,
       "public_base_urls":["https://cdn.example","https://mirror.example"]}
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
  void show_getsTheSettings() {
    cli.server.json(200, SETTINGS);

    Result r = cli.run("settings", "show");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(last().path()).isEqualTo("/api/v1/settings");
    assertThat(r.out()).contains("audit_retention").contains("https://mirror.example");
  }

  @Test
  void set_publicBaseUrls_inOrder_clearSendsAnEmptyList() {
    cli.server.json(200, SETTINGS);
    Result r =
        cli.run(
            "settings",
            "set",
            "--public-base-url",
            "https://cdn.example",
            "--public-base-url",
            "https://mirror.example",
            "--hwid-required",
            "true");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(last().method()).isEqualTo("PATCH");
    assertThat(json(last().body()))
        .isEqualTo(
            json(
                "{\"public_base_urls\":[\"https://cdn.example\",\"https://mirror.example\"],"
                    + "\"hwid_required\":true}"));

    cli.server.json(200, SETTINGS);
    Result cleared = cli.run("settings", "set", "--clear-public-base-urls");
    assertThat(cleared.exitCode()).as(cleared.err()).isZero();
    assertThat(json(last().body())).isEqualTo(json("{\"public_base_urls\":[]}"));
  }

  @Test
  void set_marzbanCompatApi_sendsTheSwitch() {
    cli.server.json(200, SETTINGS);
    Result r = cli.run("settings", "set", "--marzban-compat-api", "true");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(json(last().body())).isEqualTo(json("{\"marzban_compat_api\":true}"));
  }

  @Test
  void set_nothingOrBoth_isAUsageError_andSendsNothing() {
    int before = cli.server.requests().size();
    assertThat(cli.run("settings", "set").exitCode()).isEqualTo(2);
    Result both =
        cli.run(
            "settings",
            "set",
            "--public-base-url",
            "https://a.example",
            "--clear-public-base-urls");
    assertThat(both.exitCode()).isEqualTo(2);
    assertThat(both.err()).contains("not both");
    assertThat(cli.server.requests()).hasSize(before);
  }

  @Test
  void set_marzbanSecret_fromAFile_neverAnArgument_clearSendsNull() throws Exception {
    Path file = dir.resolve("secret");
    java.nio.file.Files.writeString(file, "0f1e2d3c4b5a6978\n");
    cli.server.json(200, SETTINGS);
    Result r = cli.run("settings", "set", "--marzban-jwt-secret-file", file.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(json(last().body()))
        .isEqualTo(json("{\"marzban_jwt_secret\":\"0f1e2d3c4b5a6978\"}"));
    assertThat(r.out() + r.err()).doesNotContain("0f1e2d3c4b5a6978");

    cli.server.json(200, SETTINGS);
    r = cli.run("settings", "set", "--clear-marzban-jwt-secret");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(json(last().body())).isEqualTo(json("{\"marzban_jwt_secret\":null}"));

    int sent = cli.server.requests().size();
    r = cli.run("settings", "set", "--marzban-jwt-secret-file", dir.resolve("missing").toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("cannot read");
    assertThat(cli.server.requests()).hasSize(sent);
  }
}
