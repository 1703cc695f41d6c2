package io.raftray.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftray.daemon.Bootstrapper;
import io.raftray.daemon.Daemon;
import io.raftray.daemon.StartupException;
import io.raftray.model.Json;
import io.raftray.pki.NodeIdentity;
import io.raftray.pki.TlsContexts;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "demo",
    description =
        "Start a local cluster on loopback in a temporary directory, with one endpoint per node"
            + " and a demo user; runs until Ctrl-C.")
final class DemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--nodes", description = "Number of nodes, 1-7 (default: 3).")
  int nodes = 3;

  @Option(names = "--dir", description = "Directory for the nodes' data (default: a new temp dir).")
  Path dir;

  private final List<Daemon> daemons = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (nodes < 1 || nodes > 7) {
      spec.commandLine().getErr().println("raftray demo: --nodes must be between 1 and 7");
      return 2;
    }
    Logging.configure(System.getenv().getOrDefault("RAFTRAY_LOG_LEVEL", "warn"));
    Path root =
        dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("raftray-demo-");
    List<Bootstrapper.InitRequest> reqs = new ArrayList<>();
    for (int i = 1; i <= nodes; i++) {
      int port = freePort();
      Path d = Files.createDirectories(root.resolve("node-" + i));
      String url = "https://127.0.0.1:" + port;
      reqs.add(new Bootstrapper.InitRequest(d, "127.0.0.1", port, url, "127.0.0.1", "node-" + i));
    }
    Runtime.getRuntime().addShutdownHook(new Thread(this::stopAll, "raftray-demo-stop"));
    Bootstrapper.Seed seed = Bootstrapper.prepare(reqs, Clock.systemUTC());
    out.println("Starting " + nodes + " nodes in " + root + " ...");
    out.flush();
    for (var config : seed.configs()) {
      daemons.add(Daemon.start(config));
    }
    submitWithRetry(seed);
    Api api = new Api(NodeIdentity.load(reqs.get(0).dataDir()), seed.owner().plaintext());
    List<String> endpointIds = new ArrayList<>();
    String[][] kinds = {
      {
        "vless",
        "tcp",
        "reality",
        "{\"server_names\":[\"www.example.com\"],\"dest\":\"www.example.com:443\",\"flow\":\"xtls-rprx-vision\"}"
      },
      {"vmess", "ws", "none", "{\"path\":\"/ws\"}"},
      {"shadowsocks", "tcp", "none", "{\"method\":\"2022-blake3-aes-128-gcm\"}"},
      {"trojan", "grpc", "none", "{\"service_name\":\"demo\"}"},
    };
    for (int i = 0; i < nodes; i++) {
      String[] k = kinds[i % kinds.length];
      ObjectNode ep = Json.mapper().createObjectNode();
      ep.put("node_id", seed.nodes().get(i).id());
      ep.put("protocol", k[0]);
      ep.put("port", 20_000 + i);
      ep.put("transport", k[1]);
      ep.put("security", k[2]);
      ep.set("settings", Json.mapper().readTree(k[3]));
      // Each node's API takes a write: any node administers the whole cluster.
      endpointIds.add(
          api.post(reqs.get(i).apiBaseUrl(), "/api/v1/endpoints", ep).path("id").asText());
    }
    ObjectNode user = Json.mapper().createObjectNode();
    user.put("name", "demo");
    user.put("data_limit_bytes", 10L * 1000 * 1000 * 1000);
    user.put("note", "created by raftray demo");
    JsonNode created = api.post(reqs.get(nodes - 1).apiBaseUrl(), "/api/v1/users", user);
    for (String ep : endpointIds) {
      ObjectNode g = Json.mapper().createObjectNode();
      g.put("user_id", created.path("id").asText());
      g.put("endpoint_id", ep);
      api.post(reqs.get(0).apiBaseUrl(), "/api/v1/grants", g);
    }
    Path node1 = reqs.get(0).dataDir();
    out.println();
    out.println("Raftray demo cluster " + seed.clusterId() + " is running.");
    for (int i = 0; i < nodes; i++) {
      out.println(
          "  node-"
              + (i + 1)
              + "  "
              + reqs.get(i).apiBaseUrl()
              + "   data: "
              + reqs.get(i).dataDir());
    }
    out.println("CA certificate:    " + node1.resolve("tls/ca.crt"));
    out.println("Owner admin token: " + seed.owner().plaintext());
    out.println(
        "Demo user:         demo ("
            + created.path("id").asText()
            + "), "
            + endpointIds.size()
            + " grants");
    out.println("Subscription URL:  " + created.path("subscription_url").asText());
    out.println(
        "  (any node serves it: /sub/<token>/clash, /singbox, /xray, /links; a browser gets a page)");
    out.println();
    out.println("Try, from another terminal:");
    out.println("  export RAFTRAY_TOKEN=" + seed.owner().plaintext());
    out.println("  ./raftray status --data-dir " + node1);
    out.println(
        "  ./raftray user list --server "
            + reqs.get(nodes - 1).apiBaseUrl()
            + " --ca "
            + node1.resolve("tls/ca.crt"));
    out.println("Press Ctrl-C to stop (data stays in " + root + ").");
    out.flush();
    new CountDownLatch(1).await();
    return 0;
  }

  /** The first election takes an election timeout or two; retry the bootstrap meanwhile. */
  private void submitWithRetry(Bootstrapper.Seed seed)
      throws StartupException, InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      try {
        seed.submitTo(daemons.get(0).replica());
        return;
      } catch (RuntimeException e) {
        if (System.nanoTime() > deadline) {
          throw new StartupException("demo cluster elected no leader within 60s", e);
        }
        Thread.sleep(500);
      }
    }
  }

  private synchronized void stopAll() {
    for (Daemon d : daemons.reversed()) {
      d.close();
    }
    daemons.clear();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Minimal REST client for the demo's setup writes. */
  private static final class Api {
    private final HttpClient http;
    private final String token;

    Api(NodeIdentity identity, String token) {
      this.http =
          HttpClient.newBuilder()
              .sslContext(TlsContexts.client(identity.caCert(), Optional.empty()))
              .connectTimeout(Duration.ofSeconds(5))
              .build();
      this.token = token;
    }

    JsonNode post(String base, String path, JsonNode body)
        throws IOException, InterruptedException {
      HttpRequest req =
          HttpRequest.newBuilder(URI.create(base + path))
              .header("Authorization", "Bearer " + token)
              .header("Content-Type", "application/json")
              .timeout(Duration.ofSeconds(30))
              .POST(HttpRequest.BodyPublishers.ofByteArray(Json.mapper().writeValueAsBytes(body)))
              .build();
      HttpResponse<byte[]> res = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
      if (res.statusCode() != 201) {
        throw new IOException(
            "demo setup: POST "
                + path
                + " answered "
                + res.statusCode()
                + ": "
                + new String(res.body(), StandardCharsets.UTF_8));
      }
      return Json.mapper().readTree(res.body());
    }
  }
}
