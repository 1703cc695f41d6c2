package io.raftray.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Operator walkthrough: one node", command by command, with the packaged program as
 * separate processes ({@code java -jar raftray.jar} in place of {@code ./raftray}). Keep the
 * arguments identical to README.md so the README stays true; only paths and the port differ.
 */
class WalkthroughIT {
  @TempDir Path tmp;

  private Path cwd;
  private Map<String, String> env;
  private Path dataDir;

  @Test
  @Timeout(180)
  void readmeWalkthrough() throws Exception {
    cwd = tmp.resolve("cwd");
    dataDir = tmp.resolve("raftray");
    Path tokenFile = tmp.resolve("raftray-owner.token");
    int port = RaftrayProcess.freePort();

    // 1. init
    RaftrayProcess.Result init =
        ok(
            "init",
            "--data-dir",
            dataDir.toString(),
            "--bind",
            "127.0.0.1:" + port,
            "--api-base-url",
            "https://127.0.0.1:" + port,
            "--access-host",
            "proxy1.example.com",
            "--name",
            "node-1",
            "--admin-token-file",
            tokenFile.toString());
    assertThat(init.stdout()).contains("Owner admin token written to " + tokenFile);
    assertThat(init.stdout()).as("the token is not printed").doesNotContain(read(tokenFile));

    try (RaftrayProcess node = RaftrayProcess.existing(dataDir, tokenFile, port)) {
      // 2. run
      node.start();

      // 3. CLI with RAFTRAY_TOKEN and --data-dir
      env = Map.of("RAFTRAY_TOKEN", read(tokenFile));
      RaftrayProcess.Result status = cli("status");
      assertThat(status.stdout()).contains("local_role:").contains("leader").contains("node-1");
      String nodeId = firstId(cli("node list", "-o", "json"));
      assertThat(nodeId).startsWith("node_");

      // 4. endpoint, user, grant
      RaftrayProcess.Result ep =
          cli(
              "endpoint create",
              "--node",
              nodeId,
              "--protocol",
              "vless",
              "--port",
              "8444",
              "--transport",
              "tcp",
              "--security",
              "reality",
              "--set",
              "dest=www.example.com:443",
              "--settings-json",
              "{\"server_names\":[\"www.example.com\"],\"flow\":\"xtls-rprx-vision\"}");
      assertThat(ep.stdout())
          .contains("vless")
          .contains("reality")
          .contains("www.example.com:443")
          .contains("xtls-rprx-vision")
          .contains("public_key")
          .contains("short_ids");
      RaftrayProcess.Result alice =
          cli(
              "user create",
              "--name",
              "alice",
              "--data-limit",
              "50GB",
              "--reset-strategy",
              "month",
              "--expire-in",
              "30d");
      assertThat(alice.stdout()).contains("alice").contains("50000000000").contains("month");
      String epId = firstId(cli("endpoint list", "-o", "json"));
      String userId = firstId(cli("user list", "-o", "json"));
      RaftrayProcess.Result grant = cli("grant create", "--user", userId, "--endpoint", epId);
      assertThat(grant.stdout()).contains(userId).contains(epId);

      // 5. audit list shows the three actions (newest first)
      RaftrayProcess.Result audit = cli("audit list");
      assertThat(audit.stdout())
          .containsSubsequence("grant.create", "user.create", "endpoint.create", "bootstrap");
      JsonNode auditJson = json(cli("audit list", "-o", "json"));
      List<String> actions = new ArrayList<>();
      auditJson.get("items").forEach(e -> actions.add(e.get("action").asText()));
      // A new cluster's first leader also raises it to this release's feature level, once, within
      // about a second of the start (operations.md, "Rolling upgrades"): before or after any write.
      assertThat(actions).containsOnlyOnce("cluster.set_feature_level");
      assertThat(actions.stream().filter(a -> !a.equals("cluster.set_feature_level")))
          .containsExactly("grant.create", "user.create", "endpoint.create", "bootstrap");

      // 6. restart: stop cleanly (exit 0), run again, alice is still there
      node.stop();
      node.start();
      RaftrayProcess.Result users = cli("user list");
      assertThat(users.stdout()).contains("alice").contains(userId);
      assertThat(firstId(cli("grant list", "-o", "json"))).startsWith("grt_");
      node.stop();
    }
  }

  /**
   * {@code raftray <command> $D <args>} with {@code D="--data-dir DIR"} right after the command
   * words, as the README writes it; asserts exit 0 and nothing but JVM notices on stderr.
   */
  private RaftrayProcess.Result cli(String command, String... args) {
    List<String> all = new ArrayList<>(List.of(command.split(" ")));
    all.add("--data-dir");
    all.add(dataDir.toString());
    all.addAll(List.of(args));
    return ok(all.toArray(String[]::new));
  }

  private RaftrayProcess.Result ok(String... args) {
    RaftrayProcess.Result r =
        RaftrayProcess.exec(cwd, env == null ? Map.of() : env, Duration.ofSeconds(60), args);
    assertThat(r.exitCode()).as("raftray %s\n%s", String.join(" ", args), r).isZero();
    assertThat(r.errorLines()).as("raftray %s\n%s", String.join(" ", args), r).isEmpty();
    return r;
  }

  private static JsonNode json(RaftrayProcess.Result r) throws Exception {
    return RaftrayProcess.JSON.readTree(r.stdout());
  }

  /** {@code json.load(sys.stdin)["items"][0]["id"]}, as in the README. */
  private static String firstId(RaftrayProcess.Result r) throws Exception {
    JsonNode items = json(r).get("items");
    assertThat(items).as("%s", r).isNotEmpty();
    return items.get(0).get("id").asText();
  }

  private static String read(Path p) throws java.io.IOException {
    return java.nio.file.Files.readString(p).strip();
  }
}
