package io.raftray.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.raftray.cli.Main;
import io.raftray.config.NodeConfig;
import io.raftray.config.NodeConfigFile;
import io.raftray.join.Joiner;
import io.raftray.testing.InProcessNodes;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code raftray admin create} / {@code reset-password} against running daemons: on the CA holder
 * they work without an API token and the account logs in; on an ordinary member (not a CA holder)
 * the leader refuses them; without a running daemon the CLI says so.
 */
@Timeout(300)
class HostAdminIT {
  @TempDir Path tmp;
  final List<Daemon> daemons = new ArrayList<>();
  InProcessNodes.Api api;

  @AfterEach
  void stop() {
    for (int i = daemons.size() - 1; i >= 0; i--) {
      daemons.get(i).close();
    }
  }

  record Run(int exit, String out, String err) {}

  static Run cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private HttpResponse<String> login(Daemon d, String user, String password) throws Exception {
    return api.call(
        d,
        "POST",
        "/api/v1/auth/login",
        "{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}");
  }

  @Test
  void createAndReset_onTheHolder_refusedOnAnOrdinaryMember() throws Exception {
    Path n1 = tmp.resolve("n1");
    Bootstrapper.Initialized init =
        Bootstrapper.init(InProcessNodes.loopbackRequest(n1, "node-1"), Clock.systemUTC());
    api =
        new InProcessNodes.Api(
            InProcessNodes.trustingCa(n1), init.ownerToken(), Duration.ofSeconds(20));
    // not running yet: a clear error, nothing else
    Path pw = tmp.resolve("pw");
    Files.writeString(pw, "first password 123\n");
    Run down =
        cli(
            "admin",
            "create",
            "--data-dir",
            n1.toString(),
            "--username",
            "root",
            "--role",
            "owner",
            "--password-file",
            pw.toString());
    assertThat(down.exit()).isEqualTo(1);
    assertThat(down.err()).contains("is not running").doesNotContain("first password");

    Daemon d1 = Daemon.start(NodeConfigFile.read(n1));
    daemons.add(d1);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> api.call(d1, "GET", "/readyz", null).statusCode() == 200);

    Run created =
        cli(
            "admin",
            "create",
            "--data-dir",
            n1.toString(),
            "--username",
            "root",
            "--role",
            "owner",
            "--password-file",
            pw.toString());
    assertThat(created.exit()).as(created.err()).isEqualTo(0);
    assertThat(created.out()).contains("created admin root");
    // The account was made by the host (the node), not by an admin; the login after it is the
    // admin's own event.
    assertThat(
            d1.replica().view().audit().all().stream()
                .filter(e -> e.action().equals("admin.host_set"))
                .reduce((a, b) -> b)
                .orElseThrow()
                .actor())
        .isEqualTo(d1.config().nodeId());
    assertThat(login(d1, "root", "first password 123").statusCode()).isEqualTo(200);

    Files.writeString(pw, "second password 456\n");
    Run reset =
        cli(
            "admin",
            "reset-password",
            "--data-dir",
            n1.toString(),
            "--username",
            "root",
            "--password-file",
            pw.toString());
    assertThat(reset.exit()).as(reset.err()).isEqualTo(0);
    assertThat(login(d1, "root", "first password 123").statusCode()).isEqualTo(401);
    HttpResponse<String> in = login(d1, "root", "second password 456");
    assertThat(in.statusCode()).isEqualTo(200);
    assertThat(in.body()).contains("\"password_reset_required\":true");
    Run unknown =
        cli(
            "admin",
            "reset-password",
            "--data-dir",
            n1.toString(),
            "--username",
            "nobody",
            "--password-file",
            pw.toString());
    assertThat(unknown.exit()).isEqualTo(2);
    assertThat(unknown.err()).contains("no admin is named nobody");

    // an ordinary member (joined with a token without ca_holder) cannot mint an owner
    HttpResponse<String> t = api.call(d1, "POST", "/api/v1/join-tokens", "{}");
    assertThat(t.statusCode()).as(t.body()).isEqualTo(201);
    String token = io.raftray.model.Json.mapper().readTree(t.body()).path("token").asText();
    int port = InProcessNodes.freePort();
    NodeConfig c2 =
        Joiner.join(
            new Joiner.Options(
                token,
                tmp.resolve("n2"),
                "127.0.0.1",
                port,
                "https://127.0.0.1:" + port,
                "127.0.0.1",
                "node-2",
                Map.of("hostname", "node-2", "os", "test"),
                Duration.ofSeconds(60),
                Duration.ofMillis(200),
                line -> {}));
    Daemon d2 = Daemon.start(c2);
    daemons.add(d2);
    assertThat(d2.admission().await(Duration.ofSeconds(90))).isTrue();
    assertThat(d1.replica().view().nodes().get(c2.nodeId()).holdsCaKey()).isFalse();
    Files.writeString(pw, "mallory password 789\n");
    Run minted =
        cli(
            "admin",
            "create",
            "--data-dir",
            tmp.resolve("n2").toString(),
            "--username",
            "mallory",
            "--role",
            "owner",
            "--password-file",
            pw.toString());
    assertThat(minted.exit()).isNotZero();
    assertThat(minted.err()).contains("CA holder");
    assertThat(d1.replica().linearizableView().adminByUsername("mallory")).isNull();
    // and another node's key cannot use node 1's route
    Run foreign =
        cli(
            "admin",
            "create",
            "--data-dir",
            tmp.resolve("n2").toString(),
            "--username",
            "mallory",
            "--role",
            "owner",
            "--password-file",
            pw.toString(),
            "--server",
            d1.config().apiBaseUrl());
    assertThat(foreign.exit()).isNotZero();
    // Refused at the cluster edge (the request names node 2 as its receiver) or by the route
    // (not the host's own key): either way nothing is created.
    assertThat(foreign.err()).containsAnyOf("own key", "addressed to another node");
    assertThat(d1.replica().view().adminByUsername("mallory")).isNull();
  }
}
