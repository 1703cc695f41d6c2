package io.raftray.testing;

import static io.raftray.testing.InProcessNodes.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftray.config.NodeConfig;
import io.raftray.config.XraySettings;
import io.raftray.daemon.Bootstrapper;
import io.raftray.daemon.Daemon;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * In-process daemons that each supervise a real V2Ray ({@code /usr/bin/v2ray}) with a short stats
 * interval, started and waited for until every node is ready (its core included), plus an admin
 * client for their APIs.
 */
public final class CoreCluster implements AutoCloseable {
  public static final Path V2RAY = Path.of("/usr/bin/v2ray");
  static final Duration STATS_INTERVAL = Duration.ofMillis(500);

  private final Bootstrapper.Seed seed;
  private final HttpClient https;
  private final InProcessNodes.Api api;
  private final List<Daemon> daemons = new ArrayList<>();

  private CoreCluster(Path root, int n) throws Exception {
    seed = InProcessNodes.prepare(root, n);
    https = InProcessNodes.trustingCa(seed.configs().get(0).dataDir());
    api = new InProcessNodes.Api(https, seed.owner().plaintext(), Duration.ofSeconds(20));
  }

  /** Starts {@code n} nodes under {@code root} and waits until each answers {@code /readyz} 200. */
  public static CoreCluster start(Path root, int n) throws Exception {
    CoreCluster c = new CoreCluster(root, n);
    try {
      for (int i = 0; i < n; i++) {
        c.daemons.add(Daemon.start(c.config(i)));
      }
      InProcessNodes.awaitBootstrapped(c.seed, c.daemons.get(0));
      for (Daemon d : c.daemons) {
        c.awaitReady(d);
      }
      return c;
    } catch (Exception | AssertionError e) {
      c.close();
      throw e;
    }
  }

  /** Node {@code i}'s configuration with the supervised V2Ray. */
  public NodeConfig config(int i) {
    XraySettings x = XraySettings.supervised(V2RAY);
    return seed.configs()
        .get(i)
        .withXray(new XraySettings(x.bin(), x.api(), x.flavor(), x.apiPort(), STATS_INTERVAL));
  }

  public Daemon node(int i) {
    return daemons.get(i);
  }

  /** Stops node {@code i} cleanly and starts it again from its data directory; waits for ready. */
  public Daemon restart(int i) throws Exception {
    daemons.get(i).close();
    daemons.set(i, Daemon.start(config(i)));
    awaitReady(daemons.get(i));
    return daemons.get(i);
  }

  public List<Daemon> nodes() {
    return List.copyOf(daemons);
  }

  public InProcessNodes.Api api() {
    return api;
  }

  /** A client trusting the cluster CA (no admin token), e.g. for {@code /sub}. */
  public HttpClient https() {
    return https;
  }

  /** An admin API call that must answer {@code expect}; the JSON body, or null when empty. */
  public JsonNode call(Daemon d, String method, String path, String body, int expect)
      throws Exception {
    HttpResponse<String> r = api.call(d, method, path, body);
    assertThat(r.statusCode()).as(method + " " + path + " -> " + r.body()).isEqualTo(expect);
    return r.body() == null || r.body().isEmpty() ? null : json(r);
  }

  private void awaitReady(Daemon d) {
    await()
        .atMost(Duration.ofSeconds(90))
        .until(() -> api.call(d, "GET", "/readyz", null).statusCode() == 200);
  }

  @Override
  public void close() {
    daemons.forEach(Daemon::close);
  }
}
