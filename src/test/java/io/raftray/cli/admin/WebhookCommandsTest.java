package io.raftray.cli.admin;

import static io.raftray.cli.admin.CliHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.raftray.cli.admin.CliHarness.Result;
import io.raftray.cli.admin.StubApiServer.Request;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code raftray webhook ...} against the stub server. */
@Timeout(30)
class WebhookCommandsTest {
  private static final String HOOK =
      """
      {"id":"whk_1","url":"https://h.example/in","secret_set":true,"events":[],"enabled":true,
       "created_at":"2030-01-01T00:00:00Z","updated_at":"2030-01-01T00:00:00Z","delivered_seq":4,
       "pending":0,"dropped_events":0,"last_delivery_at":null,"last_outcome":"delivered"}
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

  private Request runOk(String... args) {
    Result r = cli.run(args);
    assertThat(r.exitCode()).as(r.err()).isZero();
    return cli.server.requests().get(cli.server.requests().size() - 1);
  }

  @Test
  void create_readsTheSecretFromAFile_neverFromArguments() throws Exception {
    Path secret = dir.resolve("secret");
    Files.writeString(secret, "file-secret-0123456789\n");
    cli.server.json(201, HOOK);
    Request req =
        runOk(
            "webhook",
            "create",
            "--url",
            "https://h.example/in",
            "--event",
            "user.limited,user.expired",
            "--secret-file",
            secret.toString());
    assertThat(req.method()).isEqualTo("POST");
    assertThat(req.path()).isEqualTo("/api/v1/webhooks");
    assertThat(json(req.body()))
        .isEqualTo(
            json(
                """
                {"url":"https://h.example/in","secret":"file-secret-0123456789",
                 "events":["user.limited","user.expired"]}"""));
  }

  @Test
  void update_sendsOnlyWhatIsGiven_andRefusesContradictions() {
    cli.server.json(200, HOOK);
    Request req = runOk("webhook", "update", "whk_1", "--disable", "--all-events");
    assertThat(req.method()).isEqualTo("PATCH");
    assertThat(json(req.body())).isEqualTo(json("{\"events\":[],\"enabled\":false}"));
    Result r = cli.run("webhook", "update", "whk_1", "--enable", "--disable");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(cli.run("webhook", "update", "whk_1").exitCode()).isEqualTo(2);
    assertThat(
            cli.run(
                    "webhook",
                    "create",
                    "--url",
                    "https://h.example/",
                    "--secret-file",
                    dir.resolve("nope").toString())
                .exitCode())
        .isEqualTo(2);
  }

  @Test
  void listAndDeliveries_printTables() {
    cli.server.json(200, "{\"items\":[" + HOOK + "],\"next_cursor\":null}");
    Result r = cli.run("webhook", "list");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("whk_1").contains("all").contains("delivered");
    cli.server.json(
        200,
        """
        {"items":[{"event_id":"evt_4","seq":4,"type":"user.created","at":"2030-01-01T00:00:00Z",
         "attempt":2,"status":null,"outcome":"failed","error":"connection refused","duration_ms":3}],
         "delivered_seq":3,"pending":1,"dropped_events":0}""");
    r = cli.run("webhook", "deliveries", "whk_1");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("evt_4").contains("connection refused");
    assertThat(cli.server.requests().getLast().path())
        .isEqualTo("/api/v1/webhooks/whk_1/deliveries");
  }
}
