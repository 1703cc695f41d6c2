package io.raftray.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.webserver.WebServer;
import io.raftray.model.Json;
import io.raftray.model.Node;
import io.raftray.model.NodeRole;
import io.raftray.model.NodeStatus;
import io.raftray.model.Role;
import io.raftray.state.Command;
import io.raftray.state.CommandEnvelope;
import io.raftray.state.LocalReplica;
import io.raftray.state.Replica;
import io.raftray.state.Result;
import io.raftray.state.State;
import io.raftray.state.Store;
import io.raftray.testing.MutableClock;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/** A real Helidon server on 127.0.0.1:0 with the API and probes over a LocalReplica. */
final class ApiFixture implements AutoCloseable {
  static final String NODE_ID = "node_01JTESTNODE0000000000000000";
  static final String BASE_URL = "https://node-a.example:8443";
  static final String CLUSTER_ID = "cluster-test";

  /** A real CA certificate, so join tokens can carry its pin. */
  static final String CA_PEM =
      io.raftray.pki.PemFiles.certificateToPem(
          io.raftray.pki.ClusterCa.create(CLUSTER_ID).certificate());

  final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
  final LocalReplica local;
  final Replica replica;
  final HttpMetrics metrics = new HttpMetrics();

  /** What {@code /readyz} and {@code /metrics} see of the core; null = no supervisor. */
  final AtomicReference<io.raftray.xray.XrayStatus> core = new AtomicReference<>();

  final WebServer server;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  final String owner;
  final String ownerId;

  private ApiFixture(ApiSettings settings, boolean bootstrap, Function<Replica, Replica> wrap) {
    State state = State.empty();
    AdminTokens.Issued o = AdminTokens.issue("owner", Role.OWNER, clock);
    if (bootstrap) {
      Instant now = clock.instant();
      Node node =
          new Node(
              NODE_ID,
              "node-a",
              BASE_URL,
              "a.example",
              Map.of(),
              NodeRole.VOTER,
              NodeStatus.ACTIVE,
              Map.of("xray_version", "25.1.1"),
              "01",
              now.plus(Duration.ofDays(30)),
              "PEM",
              now,
              now);
      CommandEnvelope env =
          CommandEnvelope.of(NODE_ID, new Command.Bootstrap(CLUSTER_ID, CA_PEM, node, o.token()))
              .stampedAt(now);
      state = Store.apply(state, env, 1).state();
    }
    owner = o.plaintext();
    ownerId = o.token().id();
    local = new LocalReplica(clock, NODE_ID, state);
    replica = wrap.apply(local);
    ApiService api = new ApiService(replica, clock, settings);
    ProbeService probes = new ProbeService(replica, metrics, core::get, null);
    server =
        WebServer.builder()
            .host("127.0.0.1")
            .port(0)
            .routing(
                r -> {
                  metrics.register(r);
                  r.register(ApiService.MOUNT, api);
                  r.register(MarzbanApi.MOUNT, api.marzbanCompat());
                  probes.mount(r);
                })
            .build()
            .start();
  }

  static ApiFixture start() {
    return new ApiFixture(ApiSettings.of(NODE_ID, BASE_URL + "/"), true, b -> b);
  }

  static ApiFixture start(
      ApiSettings settings, boolean bootstrap, Function<Replica, Replica> wrap) {
    return new ApiFixture(settings, bootstrap, wrap);
  }

  /** A token of {@code role} created straight through the replica. */
  String token(Role role) {
    AdminTokens.Issued t =
        AdminTokens.issue(role.name().toLowerCase(Locale.ROOT) + "-t", role, clock);
    Result r = local.submit(ownerId, new Command.CreateAdminToken(t.token()));
    if (!r.ok()) {
      throw new IllegalStateException(r.message());
    }
    return t.plaintext();
  }

  State view() {
    return local.view();
  }

  record Resp(int status, HttpHeaders headers, String body) {
    JsonNode json() {
      try {
        return Json.mapper().readTree(body);
      } catch (java.io.IOException e) {
        throw new AssertionError("not JSON: " + body, e);
      }
    }

    String header(String name) {
      return headers.firstValue(name).orElse(null);
    }
  }

  Resp get(String path) {
    return send("GET", path, owner, null);
  }

  Resp post(String path, String json) {
    return send("POST", path, owner, json);
  }

  Resp patch(String path, String json) {
    return send("PATCH", path, owner, json);
  }

  Resp delete(String path) {
    return send("DELETE", path, owner, null);
  }

  Resp send(String method, String path, String token, String body) {
    return sendRaw(
        method,
        path,
        token,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
  }

  /** Sends {@code bytes} without a Content-Length (chunked). */
  Resp sendChunked(String method, String path, String token, byte[] bytes) {
    return sendRaw(
        method,
        path,
        token,
        HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes)));
  }

  Resp sendRaw(String method, String path, String token, HttpRequest.BodyPublisher body) {
    return sendRaw(method, path, token, "application/json", body);
  }

  /** POSTs an urlencoded form (an OAuth2 password login) without a token. */
  Resp postForm(String path, String form) {
    return sendRaw(
        "POST",
        path,
        null,
        "application/x-www-form-urlencoded",
        HttpRequest.BodyPublishers.ofString(form));
  }

  Resp sendRaw(
      String method,
      String path,
      String token,
      String contentType,
      HttpRequest.BodyPublisher body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .timeout(Duration.ofSeconds(20))
            .method(method, body)
            .header("Content-Type", contentType);
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Resp(r.statusCode(), r.headers(), r.body());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.stop();
    http.close();
  }
}
