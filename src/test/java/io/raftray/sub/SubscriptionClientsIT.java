package io.raftray.sub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.raftray.daemon.Daemon;
import io.raftray.model.Protocol;
import io.raftray.model.Security;
import io.raftray.model.Transport;
import io.raftray.testing.CoreCluster;
import io.raftray.testing.PayloadServer;
import io.raftray.testing.ProxySpec;
import io.raftray.testing.SelfSignedCert;
import io.raftray.testing.ShareLinkParser;
import io.raftray.testing.SocksFetch;
import io.raftray.testing.SsLocal;
import io.raftray.testing.V2RayClientConfig;
import io.raftray.testing.V2RayProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Subscriptions proven by real clients: two in-process daemons, each supervising a real V2Ray 4.34.
 * Node B hosts a vmess/tcp, a vless/ws, a trojan/tcp, a trojan/tcp+tls (self-signed certificate)
 * and a Shadowsocks aes-256-gcm endpoint; the user's subscription is fetched over HTTPS from node
 * A. Every link is parsed strictly and turned into a real client from the link alone (V2Ray for
 * vmess/vless/trojan, {@code ss-local} for ss://), and a payload fetched through each is compared
 * byte for byte. Once the user is limited the subscription becomes a placeholder document whose
 * link parses but carries nothing, and the clients built before stop working.
 */
@Timeout(300)
class SubscriptionClientsIT {
  static final Path V2RAY = CoreCluster.V2RAY;
  static final int PAYLOAD = 64 * 1024;
  static final Duration CONNECT = Duration.ofSeconds(5);
  static final String TLS_NAME = "proxy.raftray.test";
  static final String NIL_UUID = "00000000-0000-0000-0000-000000000000";

  @TempDir Path tmp;
  private CoreCluster cluster;
  private final List<AutoCloseable> clients = new ArrayList<>();
  private PayloadServer payload;

  @BeforeAll
  static void needsClients() {
    assertThat(Files.isExecutable(V2RAY)).as("needs V2Ray: apt-get install v2ray").isTrue();
    assertThat(Files.isExecutable(Path.of(SsLocal.BINARY)))
        .as("needs ss-local: apt-get install shadowsocks-libev")
        .isTrue();
  }

  @AfterEach
  void stop() {
    for (AutoCloseable c : clients) {
      try {
        c.close();
      } catch (Exception e) {
        // best effort: the next client still gets closed
      }
    }
    if (cluster != null) {
      cluster.close();
    }
    if (payload != null) {
      payload.close();
    }
  }

  /** GET of a subscription URL without an admin token, as a client app does it. */
  private HttpResponse<String> sub(String url, String userAgent) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
    if (userAgent != null) {
      b.header("User-Agent", userAgent);
    }
    HttpResponse<String> r =
        cluster.https().send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("GET /sub -> " + r.body()).isEqualTo(200);
    return r;
  }

  /** The links body, and the default (base64) answer for v2rayNG decoded, which must be equal. */
  private String linksBody(String subUrl) throws Exception {
    String links = sub(subUrl + "/links", null).body();
    String b64 = sub(subUrl, "v2rayNG/1.8.19").body().trim();
    assertThat(new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8))
        .as("base64 default for v2rayNG decodes to the links body")
        .isEqualTo(links);
    return links;
  }

  /** A client for one link, built from the link alone: V2Ray, or ss-local for ss://. */
  private Client client(String link, String name, Path caPem) throws IOException {
    ProxySpec spec = ShareLinkParser.parse(link);
    int socks = V2RayProcess.freePort();
    Path dir = Files.createDirectories(tmp.resolve("client-" + name + "-" + clients.size()));
    Client c;
    if (spec.protocol() == Protocol.SHADOWSOCKS) {
      Process p =
          new ProcessBuilder(SsLocal.command(link, socks))
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("ss-local.log").toFile())
              .start();
      c = new Client(spec, socks, null, p);
      clients.add(c);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> {
                assertThat(p.isAlive()).as("ss-local exited: " + c.logTail(dir)).isTrue();
                return V2RayProcess.accepts(socks);
              });
    } else {
      Path ca = spec.security() == Security.TLS ? caPem : null;
      V2RayProcess v = V2RayProcess.start(dir, V2RayClientConfig.build(spec, socks, ca), socks);
      c = new Client(spec, socks, v, null);
      clients.add(c);
    }
    return c;
  }

  private record Client(ProxySpec spec, int socksPort, V2RayProcess v2ray, Process ssLocal)
      implements AutoCloseable {
    String logTail(Path dir) {
      try {
        return Files.readString(dir.resolve("ss-local.log"));
      } catch (IOException e) {
        return "(no log)";
      }
    }

    @Override
    public void close() {
      if (v2ray != null) {
        v2ray.close();
      }
      if (ssLocal != null) {
        ssLocal.destroy();
        try {
          if (!ssLocal.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
            ssLocal.destroyForcibly();
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  private boolean fetches(Client c) {
    try {
      byte[] got = SocksFetch.get(c.socksPort(), payload.uri(), CONNECT);
      assertThat(got).as("payload through " + c.spec().protocol()).isEqualTo(payload.payload());
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private void awaitFetches(Client c, boolean works, Duration within) {
    await()
        .atMost(within)
        .pollInterval(Duration.ofMillis(200))
        .alias(c.spec().protocol() + " " + c.spec().security() + " fetches=" + works)
        .until(() -> fetches(c) == works);
  }

  @Test
  void everyLinkFromAnotherNode_carriesTraffic_untilTheUserIsLimited() throws Exception {
    cluster = CoreCluster.start(tmp, 2);
    payload = PayloadServer.start(PAYLOAD);
    Daemon a = cluster.node(0);
    Daemon b = cluster.node(1);
    String nodeB = b.config().nodeId();
    SelfSignedCert cert = SelfSignedCert.write(tmp.resolve("tls"), TLS_NAME);

    // Endpoints on node B, created through node A.
    List<String> bodies =
        List.of(
            "\"tag\":\"vmess-tcp\",\"protocol\":\"vmess\",\"transport\":\"tcp\","
                + "\"security\":\"none\"",
            "\"tag\":\"vless-ws\",\"protocol\":\"vless\",\"transport\":\"ws\","
                + "\"security\":\"none\",\"settings\":{\"path\":\"/vl\"}",
            "\"tag\":\"trojan-tcp\",\"protocol\":\"trojan\",\"transport\":\"tcp\","
                + "\"security\":\"none\"",
            "\"tag\":\"trojan-tls\",\"protocol\":\"trojan\",\"transport\":\"tcp\","
                + "\"security\":\"tls\",\"settings\":{\"server_name\":\""
                + TLS_NAME
                + "\",\"certificate_file\":\""
                + cert.certificateFile().toAbsolutePath()
                + "\",\"key_file\":\""
                + cert.keyFile().toAbsolutePath()
                + "\"}",
            "\"tag\":\"ss\",\"protocol\":\"shadowsocks\",\"transport\":\"tcp\","
                + "\"security\":\"none\",\"settings\":{\"method\":\"aes-256-gcm\"}");
    List<String> endpointIds = new ArrayList<>();
    for (String body : bodies) {
      endpointIds.add(
          cluster
              .call(
                  a,
                  "POST",
                  "/api/v1/endpoints",
                  "{\"node_id\":\""
                      + nodeB
                      + "\",\"port\":"
                      + V2RayProcess.freePort()
                      + ","
                      + body
                      + "}",
                  201)
              .path("id")
              .asText());
    }
    // One user with a grant on every endpoint (the only grant on the Shadowsocks one).
    String userId =
        cluster.call(a, "POST", "/api/v1/users", "{\"name\":\"carol\"}", 201).path("id").asText();
    for (String ep : endpointIds) {
      cluster.call(
          a,
          "POST",
          "/api/v1/grants",
          "{\"user_id\":\"" + userId + "\",\"endpoint_id\":\"" + ep + "\"}",
          201);
    }
    String subUrl =
        cluster
            .call(a, "GET", "/api/v1/users/" + userId, null, 200)
            .path("subscription_url")
            .asText();
    assertThat(subUrl).startsWith(a.config().apiBaseUrl() + "/sub/");

    // The subscription from node A (which hosts nothing): every link parses strictly.
    String links = linksBody(subUrl);
    List<ProxySpec> specs = ShareLinkParser.parseLines(links);
    assertThat(specs)
        .extracting(ProxySpec::protocol, ProxySpec::transport, ProxySpec::security)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(Protocol.VMESS, Transport.TCP, Security.NONE),
            org.assertj.core.groups.Tuple.tuple(Protocol.VLESS, Transport.WS, Security.NONE),
            org.assertj.core.groups.Tuple.tuple(Protocol.TROJAN, Transport.TCP, Security.NONE),
            org.assertj.core.groups.Tuple.tuple(Protocol.TROJAN, Transport.TCP, Security.TLS),
            org.assertj.core.groups.Tuple.tuple(
                Protocol.SHADOWSOCKS, Transport.TCP, Security.NONE));
    assertThat(specs).allSatisfy(s -> assertThat(s.address()).isEqualTo("127.0.0.1"));

    // A real client per link, built from the link alone; each carries the payload.
    Map<String, Client> byLink = new LinkedHashMap<>();
    List<String> lines = List.of(links.split("\n"));
    for (int i = 0; i < lines.size(); i++) {
      byLink.put(lines.get(i), client(lines.get(i), "p" + i, cert.certificateFile()));
    }
    for (Client c : byLink.values()) {
      awaitFetches(c, true, Duration.ofSeconds(30));
    }

    // Limit the user below its usage: the subscription turns into a placeholder, the clients stop.
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                cluster
                        .call(a, "GET", "/api/v1/users/" + userId, null, 200)
                        .path("used_bytes")
                        .asLong()
                    >= PAYLOAD);
    long used =
        cluster.call(a, "GET", "/api/v1/users/" + userId, null, 200).path("used_bytes").asLong();
    cluster.call(
        a, "PATCH", "/api/v1/users/" + userId, "{\"data_limit_bytes\":" + used / 2 + "}", 200);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                cluster
                    .call(a, "GET", "/api/v1/users/" + userId, null, 200)
                    .path("status")
                    .asText()
                    .equals("limited"));
    assertPlaceholder(subUrl, "Data limit reached");
    for (Client c : byLink.values()) {
      awaitFetches(c, false, Duration.ofSeconds(15));
    }

    // Disabled reads the same way, with its own notice.
    cluster.call(
        a,
        "PATCH",
        "/api/v1/users/" + userId,
        "{\"data_limit_bytes\":0,\"status\":\"disabled\"}",
        200);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                cluster
                    .call(a, "GET", "/api/v1/users/" + userId, null, 200)
                    .path("status")
                    .asText()
                    .equals("disabled"));
    assertPlaceholder(subUrl, "Disabled");
  }

  /**
   * The subscription is one placeholder link that parses strictly, names the reason, and gives a
   * client that reaches nothing.
   */
  private void assertPlaceholder(String subUrl, String notice) throws Exception {
    String links = linksBody(subUrl);
    List<ProxySpec> specs = ShareLinkParser.parseLines(links);
    assertThat(specs).hasSize(1);
    ProxySpec p = specs.get(0);
    assertThat(p.remark()).isEqualTo(notice);
    assertThat(p.protocol()).isEqualTo(Protocol.VLESS);
    assertThat(p.secret()).isEqualTo(NIL_UUID);
    assertThat(p.port()).isEqualTo(1);
    Client c = client(links.strip(), "placeholder", null);
    int before = payload.requests();
    assertThat(fetches(c)).as("the placeholder carries no traffic").isFalse();
    assertThat(payload.requests()).as("nothing reached the payload server").isEqualTo(before);
  }
}
