package io.raftray.daemon;

import static io.raftray.testing.InProcessNodes.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftray.testing.InProcessNodes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** In-process daemons with real TLS on loopback: the composition root end to end. */
@Timeout(120)
class DaemonIT {
  @TempDir Path tmp;
  private final List<Daemon> daemons = new ArrayList<>();
  private HttpClient http;
  private InProcessNodes.Api api;

  @AfterEach
  void stop() {
    daemons.forEach(Daemon::close);
  }

  private Bootstrapper.Seed seed(int n) throws Exception {
    Bootstrapper.Seed seed = InProcessNodes.prepare(tmp, n);
    http = InProcessNodes.trustingCa(seed.configs().get(0).dataDir());
    api = new InProcessNodes.Api(http, seed.owner().plaintext(), Duration.ofSeconds(20));
    return seed;
  }

  private void awaitBootstrapped(Bootstrapper.Seed seed) {
    InProcessNodes.awaitBootstrapped(seed, daemons.get(0));
  }

  @Test
  void singleNode_writesSurviveRestart_overRealTls() throws Exception {
    Bootstrapper.Seed seed = seed(1);
    daemons.add(Daemon.start(seed.configs().get(0)));
    awaitBootstrapped(seed);
    Daemon d = daemons.get(0);
    HttpResponse<String> created = api.call(d, "POST", "/api/v1/users", "{\"name\":\"alice\"}");
    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(created.headers().firstValue("X-Raftray-Applied-Index")).isPresent();
    // Header limits: an oversized header block is refused (a 4xx or a closed connection),
    // never served.
    try {
      HttpResponse<String> huge =
          http.send(
              HttpRequest.newBuilder(URI.create(d.config().apiBaseUrl() + "/api/v1/users"))
                  .header("Authorization", "Bearer " + api.token())
                  .header("X-Padding", "x".repeat(20_000))
                  .timeout(Duration.ofSeconds(20))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(huge.statusCode()).isBetween(400, 431);
      assertThat(huge.body()).doesNotContain("\tat ");
    } catch (java.io.IOException refused) {
      assertThat(refused).isNotInstanceOf(java.net.http.HttpTimeoutException.class);
    }

    d.close();
    daemons.clear();
    daemons.add(Daemon.start(seed.configs().get(0)));
    Daemon again = daemons.get(0);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              HttpResponse<String> r = api.call(again, "GET", "/readyz", null);
              return r.statusCode() == 200;
            });
    JsonNode users = json(api.call(again, "GET", "/api/v1/users", null));
    assertThat(users.path("items"))
        .extracting(u -> u.path("name").asText())
        .containsExactly("alice");
  }

  @Test
  void threeNodes_writeOnEachNode_isVisibleOnEveryNode() throws Exception {
    Bootstrapper.Seed seed = seed(3);
    for (var c : seed.configs()) {
      daemons.add(Daemon.start(c));
    }
    awaitBootstrapped(seed);
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> r =
          api.call(daemons.get(i), "POST", "/api/v1/users", "{\"name\":\"user-" + i + "\"}");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
      // The answering node has applied its own write before answering.
      assertThat(
              json(api.call(daemons.get(i), "GET", "/api/v1/users?q=user-" + i, null))
                  .path("items"))
          .hasSize(1);
    }
    for (Daemon d : daemons) {
      JsonNode users = json(api.call(d, "GET", "/api/v1/users?consistency=linearizable", null));
      assertThat(users.path("items"))
          .extracting(u -> u.path("name").asText())
          .containsExactlyInAnyOrder("user-0", "user-1", "user-2");
      JsonNode cluster = json(api.call(d, "GET", "/api/v1/cluster", null));
      assertThat(cluster.path("members")).hasSize(3);
      assertThat(cluster.path("leader_id").asText()).isNotBlank();
    }
    // Every replica converges on the same state: same applied index, same digest.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              List<String> digests = new ArrayList<>();
              for (Daemon d : daemons) {
                JsonNode c = json(api.call(d, "GET", "/api/v1/cluster", null));
                digests.add(
                    c.path("applied_index").asLong() + "/" + c.path("state_digest").asText());
              }
              assertThat(digests).hasSize(3);
              assertThat(new java.util.HashSet<>(digests))
                  .as("applied index/digest per node")
                  .hasSize(1);
            });
  }
}
