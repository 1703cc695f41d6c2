package io.raftray.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.raftray.cli.admin.CliHarness.Result;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** Problem+json printing, exit codes, and transport failures: one line, no stack trace. */
@Timeout(30)
class ErrorHandlingTest {
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

  private static void assertOneLineNoSecrets(Result r) {
    assertThat(r.err().lines()).hasSize(1);
    assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
    assertThat(r.out() + r.err()).doesNotContain(CliHarness.TOKEN);
  }

  @Test
  void conflictWithFieldErrors_printsProblemAndExits2() {
    cli.server.problem(
        409,
        """
        {"type":"https://raftray.io/problems/conflict","title":"Conflict","status":409,
         "detail":"port 443 is already used on node n1",
         "errors":[{"field":"port","message":"already in use"},
                   {"field":"tag","message":"already taken"}]}
        """);

    Result r =
        cli.run(
            "endpoint",
            "create",
            "--node",
            "n1",
            "--protocol",
            "vless",
            "--port",
            "443",
            "--transport",
            "tcp",
            "--security",
            "none");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err())
        .isEqualTo(
            """
            error: Conflict: port 443 is already used on node n1
              - port: already in use
              - tag: already taken
            """);
  }

  @ParameterizedTest
  @CsvSource({
    "400, Bad Request, 2",
    "404, Not Found, 2",
    "413, Content Too Large, 2",
    "422, Unprocessable Content, 2",
    "401, Unauthorized, 1",
    "403, Forbidden, 1",
    "503, Service Unavailable, 1"
  })
  void problemStatus_mapsToExitCode(int status, String title, int exitCode) {
    cli.server.problem(
        status, "{\"title\":\"" + title + "\",\"status\":" + status + ",\"detail\":\"because\"}");

    Result r = cli.run("user", "get", "u1");

    assertThat(r.exitCode()).isEqualTo(exitCode);
    assertThat(r.err()).isEqualToIgnoringNewLines("error: " + title + ": because");
    assertOneLineNoSecrets(r);
  }

  @Test
  void nonJsonErrorBody_printsStatus() {
    cli.server.respond(502, "text/html", "<html>bad gateway</html>");

    Result r = cli.run("status");

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).isEqualToIgnoringNewLines("error: HTTP 502");
  }

  @Test
  void nonJsonSuccessBody_isRuntimeFailure() {
    cli.server.respond(200, "text/plain", "hello");

    Result r = cli.run("user", "list");

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).startsWith("error: unexpected response from https://127.0.0.1:");
    assertOneLineNoSecrets(r);
  }

  @Test
  void connectionRefused_exits1WithOneLine() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Map<String, String> env = new HashMap<>(cli.env());
    env.put("RAFTRAY_SERVER", "https://127.0.0.1:" + port);

    Result r = CliHarness.run(env, "user", "list");

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).startsWith("error: cannot connect to https://127.0.0.1:" + port + ": ");
    assertOneLineNoSecrets(r);
  }

  @Test
  void serverCertFromOtherCa_isTlsFailure() throws Exception {
    Path otherCa = TestCerts.newCa("someone else").writeCaPem(dir.resolve("other.crt"));

    Result r = cli.run("user", "list", "--ca", otherCa.toString());

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).startsWith("error: TLS connection to https://127.0.0.1:");
    assertOneLineNoSecrets(r);
    assertThat(cli.server.requests()).isEmpty();
  }

  @Test
  void serverCertForOtherHost_failsHostnameVerification() throws Exception {
    try (StubApiServer other =
        new StubApiServer(cli.certs.serverContext(TestCerts.dns("other.example")))) {
      Result r = cli.run("user", "list", "--server", other.url("127.0.0.1"));

      assertThat(r.exitCode()).isEqualTo(1);
      assertThat(r.err()).startsWith("error: TLS connection to ");
      assertOneLineNoSecrets(r);
      assertThat(other.requests()).isEmpty();
    }
  }

  @Test
  void register_afterRootWritersSet_usesThem() {
    CommandLine root = new CommandLine(new CliHarness.Root());
    StringWriter err = new StringWriter();
    root.setErr(new PrintWriter(err, true));
    AdminCli.register(root, new CliContext(Map.of(), Clock.systemUTC(), new ObjectMapper()));

    assertThat(root.execute("status")).isEqualTo(2);
    assertThat(err.toString()).startsWith("error: no server");
  }

  @Test
  void resourceWithoutVerb_isUsageError() {
    Result r = cli.run("user");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err())
        .contains(
            "missing command: user create|list|get|show|update|delete|reset-usage|rotate-subscription");
  }

  @Test
  void unknownOption_isUsageError() {
    Result r = cli.run("grant", "list", "--colour", "red");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("Unknown option");
    assertThat(cli.server.requests()).isEmpty();
  }

  @Test
  void badOutputFormat_isUsageError() {
    Result r = cli.run("status", "--output", "yaml");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("expected table or json");
  }
}
