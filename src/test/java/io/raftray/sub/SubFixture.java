package io.raftray.sub;

import io.helidon.webserver.WebServer;
import io.raftray.api.HttpMetrics;
import io.raftray.api.ProbeService;
import io.raftray.model.AdminToken;
import io.raftray.model.Endpoint;
import io.raftray.model.Grant;
import io.raftray.model.Node;
import io.raftray.model.NodeRole;
import io.raftray.model.NodeStatus;
import io.raftray.model.Protocol;
import io.raftray.model.Role;
import io.raftray.model.Security;
import io.raftray.model.SubscriptionSettings;
import io.raftray.model.Transport;
import io.raftray.model.User;
import io.raftray.model.UserStatus;
import io.raftray.state.Command;
import io.raftray.state.LocalReplica;
import io.raftray.state.Result;
import io.raftray.state.State;
import io.raftray.testing.MutableClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real Helidon listener with {@link SubscriptionService} (and the probes, for /metrics) over a
 * {@link LocalReplica}; state is built with real commands through {@code Store}.
 */
final class SubFixture implements AutoCloseable {
  static final String BASE_URL = "https://sub.example:8443/";
  static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  final MutableClock clock = new MutableClock(T0);
  final LocalReplica local;
  final HttpMetrics metrics = new HttpMetrics();
  final WebServer server;

  /** This node's activity batcher, never started: tests flush it by hand. */
  final SubActivity activity;

  /** The service under test (its document cache is read by the cache tests). */
  final SubscriptionService service;

  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final AtomicInteger seq = new AtomicInteger(1000);

  SubFixture() {
    local = new LocalReplica(clock, "node_a", State.empty());
    Node a = node("node_a", "alpha", "a.example");
    submit(
        new Command.Bootstrap(
            "cluster-1",
            "CA",
            a,
            new AdminToken("tok_owner", "owner", Role.OWNER, "ab", T0, false)));
    activity = new SubActivity("node_a", local, Duration.ofSeconds(10));
    SubscriptionService sub = new SubscriptionService(local::view, clock, BASE_URL, null, activity);
    service = sub;
    ProbeService probes = new ProbeService(local, metrics);
    server =
        WebServer.builder()
            .host("127.0.0.1")
            .port(0)
            .routing(
                r -> {
                  metrics.register(r);
                  r.register(SubscriptionService.MOUNT, sub);
                  probes.mount(r);
                })
            .build()
            .start();
  }

  static Node node(String id, String name, String accessHost) {
    return new Node(
        id,
        name,
        "https://" + accessHost + ":8443",
        accessHost,
        Map.of(),
        NodeRole.VOTER,
        NodeStatus.ACTIVE,
        Map.of(),
        "01",
        T0.plus(Duration.ofDays(30)),
        "PEM",
        T0,
        T0);
  }

  State view() {
    return local.view();
  }

  void submit(Command c) {
    Result r = local.submit("tok_owner", c);
    if (!r.ok()) {
      throw new IllegalStateException(c.action() + ": " + r.message());
    }
  }

  /** Adds an active node (AddNode + ActivateNode). */
  void addNode(String id, String name, String accessHost) {
    Node n = node(id, name, accessHost);
    submit(new Command.AddNode(n));
    if (view().nodes().get(id).status() != NodeStatus.ACTIVE) {
      submit(new Command.ActivateNode(id));
    }
  }

  String endpoint(String nodeId, String tag, Protocol p, int port) {
    String id = "ep_" + seq.incrementAndGet();
    Map<String, Object> settings =
        p == Protocol.SHADOWSOCKS ? Map.of("method", "aes-128-gcm") : Map.of();
    submit(
        new Command.CreateEndpoint(
            new Endpoint(
                id,
                nodeId,
                tag,
                p,
                port,
                Transport.TCP,
                Security.NONE,
                settings,
                Map.of(),
                true,
                T0,
                T0)));
    return id;
  }

  /** A user; {@code token} is its subscription token. */
  User user(
      String name,
      UserStatus status,
      long limit,
      long up,
      long down,
      Instant expireAt,
      String token) {
    String id = "usr_" + seq.incrementAndGet();
    submit(
        new Command.CreateUser(
            User.builder()
                .id(id)
                .name(name)
                .status(status)
                .dataLimitBytes(limit)
                .expireAt(expireAt)
                .uplinkBytes(up)
                .downlinkBytes(down)
                .lifetimeUsedBytes(up + down)
                .subscriptionToken(token)
                .created(T0)
                .build()));
    return view().users().get(id);
  }

  String grant(String userId, String endpointId) {
    String id = "grt_" + seq.incrementAndGet();
    String cred = "11111111-2222-4333-8444-" + String.format("%012d", seq.get());
    submit(new Command.CreateGrant(new Grant(id, userId, endpointId, cred, true, T0, T0)));
    return id;
  }

  void settings(SubscriptionSettings s) {
    submit(new Command.UpdateSubscriptionSettings(s));
  }

  record Resp(int status, java.net.http.HttpHeaders headers, String body) {
    String header(String name) {
      return headers.firstValue(name).orElse(null);
    }
  }

  Resp get(String path, String... headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .timeout(Duration.ofSeconds(20))
            .GET();
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
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
