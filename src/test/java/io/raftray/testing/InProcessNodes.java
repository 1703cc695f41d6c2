package io.raftray.testing;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftray.daemon.Bootstrapper;
import io.raftray.daemon.Daemon;
import io.raftray.daemon.StartupException;
import io.raftray.model.Json;
import io.raftray.pki.NodeIdentity;
import io.raftray.pki.TlsContexts;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Plain in-process daemons on 127.0.0.1 with free ports and real TLS, for tests that start and stop
 * {@link Daemon}s themselves. Unlike {@link TestCluster} there are no TCP proxies or per-node
 * loopback addresses in front: clients reach each node's own listener.
 */
public final class InProcessNodes {
  private InProcessNodes() {}

  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** What {@code raftray init} gets for a node named {@code name} on a free loopback port. */
  public static Bootstrapper.InitRequest loopbackRequest(Path dataDir, String name)
      throws IOException {
    int port = freePort();
    return new Bootstrapper.InitRequest(
        dataDir, "127.0.0.1", port, "https://127.0.0.1:" + port, "127.0.0.1", name);
  }

  /** Prepares nodes {@code node-1..node-n} in {@code root/n1..nN} as one new cluster. */
  public static Bootstrapper.Seed prepare(Path root, int n) throws IOException {
    List<Bootstrapper.InitRequest> reqs = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      reqs.add(loopbackRequest(Files.createDirectories(root.resolve("n" + i)), "node-" + i));
    }
    return Bootstrapper.prepare(reqs, Clock.systemUTC());
  }

  /** A client without a certificate that trusts the cluster CA stored in {@code dataDir}. */
  public static HttpClient trustingCa(Path dataDir) {
    return HttpClient.newBuilder()
        .sslContext(TlsContexts.client(NodeIdentity.load(dataDir).caCert(), Optional.empty()))
        .build();
  }

  /**
   * Waits until every daemon's state records them all and the first knows a leader; returns the
   * leader's daemon.
   */
  public static Daemon awaitLeader(List<Daemon> daemons) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                daemons.stream().allMatch(d -> d.replica().view().nodes().size() == daemons.size())
                    && daemons.get(0).replica().status().leaderId().isPresent());
    String leaderId = daemons.get(0).replica().status().leaderId().orElseThrow();
    return daemons.stream().filter(d -> d.config().nodeId().equals(leaderId)).findFirst().get();
  }

  /** Submits the seed through {@code first}, retrying until its Raft group can commit. */
  public static void awaitBootstrapped(Bootstrapper.Seed seed, Daemon first) {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              try {
                seed.submitTo(first.replica());
                return true;
              } catch (RuntimeException | StartupException e) {
                return false;
              }
            });
  }

  public static JsonNode json(HttpResponse<String> r) throws IOException {
    return Json.mapper().readTree(r.body());
  }

  /** Calls any node's API with a bearer token; each request may take up to {@code timeout}. */
  public record Api(HttpClient http, String token, Duration timeout) {
    public HttpResponse<String> call(Daemon d, String method, String path, String body)
        throws IOException, InterruptedException {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(d.config().apiBaseUrl() + path))
              .header("Authorization", "Bearer " + token)
              .timeout(timeout);
      b =
          body == null
              ? b.method(method, HttpRequest.BodyPublishers.noBody())
              : b.header("Content-Type", "application/json")
                  .method(method, HttpRequest.BodyPublishers.ofString(body));
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
  }
}
