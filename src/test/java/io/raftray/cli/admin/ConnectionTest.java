package io.raftray.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftray.cli.admin.CliHarness.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Where server, token and CA come from: flags, --data-dir, environment. */
@Timeout(30)
class ConnectionTest {
  private static final String EMPTY_LIST = "{\"items\":[],\"next_cursor\":null}";

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

  private Map<String, String> envWithout(String name) {
    Map<String, String> env = new HashMap<>(cli.env());
    env.remove(name);
    return env;
  }

  @Test
  void flags_overrideEnvironment() {
    cli.server.json(200, EMPTY_LIST);
    Map<String, String> env =
        Map.of(
            "RAFTRAY_SERVER",
            "https://127.0.0.1:1",
            "RAFTRAY_TOKEN",
            "wrong",
            "RAFTRAY_CA",
            dir.resolve("missing.crt").toString());

    Result r =
        CliHarness.run(
            env,
            "user",
            "list",
            "--server",
            cli.server.url("localhost"),
            "--token",
            CliHarness.TOKEN,
            "--ca",
            cli.caFile.toString());

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(cli.server.onlyRequest().authorization()).isEqualTo("Bearer " + CliHarness.TOKEN);
  }

  @Test
  void dataDir_readsServerFromNodeJsonAndTrustsItsCa() throws Exception {
    Path data = dir.resolve("node1");
    cli.certs.writeCaPem(data.resolve("tls").resolve("ca.crt"));
    Files.writeString(
        data.resolve("node.json"),
        "{\"node_id\":\"n1\",\"api_base_url\":\"" + cli.server.url("localhost") + "/\"}");
    cli.server.json(200, EMPTY_LIST);

    Result r =
        CliHarness.run(
            Map.of("RAFTRAY_TOKEN", CliHarness.TOKEN),
            "node",
            "list",
            "--data-dir",
            data.toString());

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(cli.server.onlyRequest().path()).isEqualTo("/api/v1/nodes");
  }

  @Test
  void dataDirWithoutApiBaseUrl_isUsageError() throws Exception {
    Path data = Files.createDirectories(dir.resolve("node1"));
    Files.writeString(data.resolve("node.json"), "{\"node_id\":\"n1\"}");

    Result r = CliHarness.run(Map.of(), "status", "--data-dir", data.toString(), "--token", "t");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err())
        .isEqualToIgnoringNewLines("error: no api_base_url in " + data.resolve("node.json"));
  }

  @Test
  void missingServer_isOneLineUsageError() {
    Result r = CliHarness.run(envWithout("RAFTRAY_SERVER"), "status");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err())
        .isEqualToIgnoringNewLines(
            "error: no server: use --server URL, RAFTRAY_SERVER or --data-dir DIR");
  }

  @Test
  void missingToken_isOneLineUsageError() {
    Result r = CliHarness.run(envWithout("RAFTRAY_TOKEN"), "status");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err())
        .isEqualToIgnoringNewLines("error: no admin token: use --token TOKEN or RAFTRAY_TOKEN");
  }

  @Test
  void missingCa_isUsageError() {
    Result r = CliHarness.run(envWithout("RAFTRAY_CA"), "status");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("no CA certificate");
  }

  @Test
  void unreadableCa_isUsageError() {
    Result r = cli.run("status", "--ca", dir.resolve("nope.crt").toString());

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).startsWith("error: cannot read CA certificate");
  }

  @Test
  void plainHttpServer_isRejected() {
    Result r = cli.run("status", "--server", "http://127.0.0.1:8080");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("expected https://HOST[:PORT]");
    assertThat(cli.server.requests()).isEmpty();
  }

  @Test
  void tokenWithSpaces_isRejectedWithoutEchoingIt() {
    Result r = cli.run("status", "--token", "secret with spaces");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).doesNotContain("secret");
    assertThat(cli.server.requests()).isEmpty();
  }
}
