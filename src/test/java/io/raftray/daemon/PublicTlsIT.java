package io.raftray.daemon;

import static io.raftray.testing.InProcessNodes.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftray.config.NodeConfig;
import io.raftray.config.PublicTlsFiles;
import io.raftray.config.Tunables;
import io.raftray.pki.PemFiles;
import io.raftray.pki.PublicCertificates;
import io.raftray.pki.TlsContexts;
import io.raftray.testing.InProcessNodes;
import io.raftray.testing.LogCapture;
import io.raftray.testing.PublicTestCa;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Operator certificates on the one port, with real TLS clients that trust only a test "public CA":
 * SNI picks the public chain, everything else (other nodes, the CLI, no SNI) keeps the cluster
 * certificate; renewed files are served without a restart, broken ones are refused with a WARN.
 */
@Timeout(180)
class PublicTlsIT {
  private static final String HOST = "sub.example.test";
  private static final Path CURL = Path.of("/usr/bin/curl");
  private static final Tunables FAST = Tunables.DEFAULT.withPublicTlsCheck(Duration.ofMillis(200));

  @TempDir Path tmp;
  private final List<Daemon> daemons = new ArrayList<>();
  private final PublicTestCa publicCa = new PublicTestCa();
  private LogCapture log;

  @BeforeEach
  void captureLogs() {
    log = LogCapture.of(PublicCertificates.class, Level.WARNING);
  }

  @AfterEach
  void stop() {
    log.close();
    daemons.forEach(Daemon::close);
  }

  private List<String> warnings() {
    return log.messages();
  }

  /** Until a new connection with SNI {@link #HOST} gets the certificate with {@code serial}. */
  private void awaitServed(Daemon d, BigInteger serial) {
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> assertThat(servedSerial(publicGet(d, "/healthz", HOST))).isEqualTo(serial));
  }

  private static NodeConfig withPublicTls(NodeConfig c, Path certDir) {
    return c.toBuilder()
        .publicTls(
            new PublicTlsFiles(
                List.of(
                    new PublicTlsFiles.Pair(
                        certDir.resolve("fullchain.pem"), certDir.resolve("privkey.pem")))))
        .build();
  }

  /** A client trusting only the public test CA, sending {@code sni} (none when null). */
  private HttpResponse<String> publicGet(Daemon d, String path, String sni)
      throws IOException, InterruptedException {
    // A fresh context per call: no TLS session is resumed, so each call sees the served chain.
    return get(publicCa.clientContext(), d, path, sni);
  }

  private static HttpResponse<String> get(SSLContext tls, Daemon d, String path, String sni)
      throws IOException, InterruptedException {
    SSLParameters p = TlsContexts.clientParameters();
    if (sni != null) {
      p.setServerNames(List.of(new SNIHostName(sni)));
    }
    HttpClient http = HttpClient.newBuilder().sslContext(tls).sslParameters(p).build();
    return http.send(
        HttpRequest.newBuilder(URI.create(d.config().apiBaseUrl() + path))
            .timeout(Duration.ofSeconds(20))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static BigInteger servedSerial(HttpResponse<?> r) throws Exception {
    return ((X509Certificate) r.sslSession().orElseThrow().getPeerCertificates()[0])
        .getSerialNumber();
  }

  @Test
  void threeNodes_sniGetsPublicChain_clusterKeepsItsCert_reloadsWithoutRestart() throws Exception {
    Path certDir = tmp.resolve("letsencrypt/live/sub");
    PublicTestCa.Leaf first =
        publicCa.issue(List.of(HOST, "www.example.test"), Duration.ofDays(80));
    publicCa.write(first, certDir);
    Bootstrapper.Seed seed = InProcessNodes.prepare(tmp, 3);
    for (int i = 0; i < 3; i++) {
      NodeConfig c = seed.configs().get(i);
      daemons.add(Daemon.start(i == 0 ? withPublicTls(c, certDir) : c, Clock.systemUTC(), FAST));
    }
    InProcessNodes.awaitBootstrapped(seed, daemons.get(0));
    Daemon d1 = daemons.get(0);
    HttpClient admin = InProcessNodes.trustingCa(d1.config().dataDir());
    InProcessNodes.Api api =
        new InProcessNodes.Api(admin, seed.owner().plaintext(), Duration.ofSeconds(20));

    // Cluster traffic and admin clients that trust the cluster CA are unchanged: writes through
    // node 1 commit on all three nodes.
    HttpResponse<String> created = api.call(d1, "POST", "/api/v1/users", "{\"name\":\"alice\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String userId = json(created).path("id").asText();
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(
                        json(api.call(daemons.get(2), "GET", "/api/v1/users/" + userId, null))
                            .path("name")
                            .asText())
                    .isEqualTo("alice"));
    String subUrl =
        json(api.call(d1, "GET", "/api/v1/users/" + userId, null))
            .path("subscription_url")
            .asText();
    String subPath = URI.create(subUrl).getRawPath();

    // A client that trusts only the public CA and asks for sub.example.test gets the public chain.
    HttpResponse<String> health = publicGet(d1, "/healthz", HOST);
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(servedSerial(health)).isEqualTo(first.serial());
    HttpResponse<String> sub = publicGet(d1, subPath, HOST);
    assertThat(sub.statusCode()).as(sub.body()).isEqualTo(200);
    assertThat(servedSerial(publicGet(d1, "/readyz", "www.example.test")))
        .isEqualTo(first.serial());
    // Without SNI (by IP address) the node presents the cluster certificate: verification fails.
    assertThatThrownBy(() -> publicGet(d1, "/healthz", null))
        .isInstanceOf(SSLHandshakeException.class);
    // A name no operator certificate covers gets the cluster certificate too.
    HttpResponse<String> other =
        get(
            TlsContexts.client(d1.identity().caCert(), Optional.empty()),
            d1,
            "/healthz",
            "other.example.test");
    assertThat(servedSerial(other)).isEqualTo(d1.identity().nodeCert().getSerialNumber());

    // Expiry in /readyz, on this node's record, and in its host report on every node.
    JsonNode ready = json(publicGet(d1, "/readyz", HOST));
    assertThat(ready.path("status").asText()).isEqualTo("ready");
    assertThat(ready.path("public_tls").path("not_after").asText())
        .isEqualTo(first.cert().getNotAfter().toInstant().toString());
    assertThat(ready.path("public_tls").path("warning").isNull()).isTrue();
    String n1 = d1.config().nodeId();
    JsonNode record = json(api.call(d1, "GET", "/api/v1/nodes/" + n1, null));
    assertThat(record.path("public_tls").path("certificates").get(0).path("serial").asText())
        .isEqualTo(first.serial().toString(16));
    // Another node's answer: no public_tls of its own for node 1, but node 1's host report.
    JsonNode fromTwo = json(api.call(daemons.get(1), "GET", "/api/v1/nodes/" + n1, null));
    assertThat(fromTwo.path("public_tls").isNull()).isTrue();
    assertThat(fromTwo.path("host").path("certificates").path("public_not_after").asText())
        .isEqualTo(first.cert().getNotAfter().toInstant().toString());
    assertThat(fromTwo.path("host").path("certificates").path("public_warning").isNull()).isTrue();

    // Renewal: new files on disk, served to new connections without a restart.
    PublicTestCa.Leaf renewed =
        publicCa.issue(List.of(HOST, "www.example.test"), Duration.ofDays(90));
    publicCa.write(renewed, certDir);
    awaitServed(d1, renewed.serial());

    // A broken file: the renewed certificate stays, one WARN names the file, the node stays ready.
    Path chain = certDir.resolve("fullchain.pem");
    PublicTestCa.replace(
        chain, "-----BEGIN CERTIFICATE-----\ngarbage\n-----END CERTIFICATE-----\n");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> warnings().stream().anyMatch(w -> w.contains(chain.toString())));
    assertThat(warnings())
        .filteredOn(w -> w.contains(chain.toString()))
        .hasSize(1)
        .first()
        .asString()
        .contains("keeping the certificate loaded before (serial " + renewed.serial().toString(16));
    assertThat(servedSerial(publicGet(d1, "/healthz", HOST))).isEqualTo(renewed.serial());
    HttpResponse<String> stillReady = publicGet(d1, "/readyz", HOST);
    assertThat(stillReady.statusCode()).isEqualTo(200);
    assertThat(
            json(stillReady).path("public_tls").path("certificates").get(0).path("error").asText())
        .contains(chain.toString());
    // Writes still commit after all this.
    assertThat(api.call(daemons.get(1), "POST", "/api/v1/users", "{\"name\":\"bob\"}").statusCode())
        .isEqualTo(201);

    // Expiring within 14 days: a warning in /readyz (still 200) and the expiry as a metric.
    PublicTestCa.Leaf expiring = publicCa.issue(List.of(HOST), Duration.ofDays(5));
    publicCa.write(expiring, certDir);
    awaitServed(d1, expiring.serial());
    HttpResponse<String> warned = publicGet(d1, "/readyz", HOST);
    assertThat(warned.statusCode()).isEqualTo(200);
    assertThat(json(warned).path("public_tls").path("warning").asText())
        .contains(HOST)
        .contains("expires at " + expiring.cert().getNotAfter().toInstant());
    String metrics = publicGet(d1, "/metrics", HOST).body();
    assertThat(metrics)
        .contains(
            "raftray_public_tls_not_after_seconds{host=\""
                + HOST
                + "\"} "
                + expiring.cert().getNotAfter().toInstant().getEpochSecond())
        .contains("raftray_public_tls_load_errors 0");
  }

  @Test
  void curl_rsaChain_resolvedByName_trustsOnlyThePublicCa() throws Exception {
    assertThat(CURL).as("curl is needed for this test").isExecutable();
    Path certDir = tmp.resolve("acme");
    PublicTestCa.Leaf leaf = publicCa.issueRsa(List.of(HOST), Duration.ofDays(60));
    publicCa.write(leaf, certDir);
    Path rootPem = tmp.resolve("public-root.pem");
    Files.writeString(rootPem, PemFiles.certificateToPem(publicCa.root()));
    Bootstrapper.Seed seed = InProcessNodes.prepare(tmp, 1);
    Daemon d = Daemon.start(withPublicTls(seed.configs().get(0), certDir), Clock.systemUTC(), FAST);
    daemons.add(d);
    InProcessNodes.awaitBootstrapped(seed, d);

    Result named =
        curl(
            rootPem,
            "--resolve",
            HOST + ":" + d.port() + ":127.0.0.1",
            "https://" + HOST + ":" + d.port() + "/healthz");
    assertThat(named.exit()).as(named.output()).isZero();
    assertThat(named.output()).contains("\"status\":\"ok\"");
    // By IP address curl sends no SNI, gets the cluster certificate and refuses it (exit 60).
    Result byIp = curl(rootPem, "https://127.0.0.1:" + d.port() + "/healthz");
    assertThat(byIp.exit()).as(byIp.output()).isEqualTo(60);
  }

  private record Result(int exit, String output) {}

  /** curl trusting only {@code caFile}, at most 20 s. */
  private static Result curl(Path caFile, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(CURL.toString(), "-sS", "--max-time", "20"));
    command.addAll(List.of("--cacert", caFile.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), out);
  }
}
