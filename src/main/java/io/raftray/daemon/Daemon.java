package io.raftray.daemon;

import io.helidon.common.tls.Tls;
import io.helidon.common.tls.TlsClientAuth;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http1.Http1Config;
import io.raftray.api.ApiService;
import io.raftray.api.ApiSettings;
import io.raftray.api.HttpMetrics;
import io.raftray.api.ProbeService;
import io.raftray.cluster.ClusterAuth;
import io.raftray.cluster.NodeRequestSigner;
import io.raftray.cluster.RaftHttpService;
import io.raftray.cluster.RaftNode;
import io.raftray.cluster.RenewService;
import io.raftray.config.NodeConfig;
import io.raftray.join.Admission;
import io.raftray.join.JoinService;
import io.raftray.pki.ClusterCa;
import io.raftray.pki.LiveIdentity;
import io.raftray.pki.NodeIdentity;
import io.raftray.pki.TlsContexts;
import io.raftray.state.RaftrayStateMachine;
import io.raftray.state.Replicated;
import io.raftray.sub.SubscriptionService;
import io.raftray.xray.DataPlane;
import io.raftray.xray.XraySupervisor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;
import org.apache.ratis.server.RaftServer;

/** One running node: Raft, the HTTPS listener and everything mounted on it. */
public final class Daemon implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Daemon.class.getName());

  /** Raft snapshot chunks travel on the listener too; admin routes enforce their own 1 MiB. */
  static final long MAX_PAYLOAD = 64L * 1024 * 1024;

  /** How often the core's state is compared with the replicated report (writes only on change). */
  static final long XRAY_REPORT_INTERVAL_MS = 1000;

  private final NodeConfig config;
  private final WebServer web;
  private final RaftNode raft;
  private final RaftrayStateMachine stateMachine;
  private final RaftBackend backend;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile Admission admission;
  private volatile LiveIdentity identity;
  private volatile CertRenewer renewer;
  private volatile ScheduledExecutorService maintenance;
  private volatile UsageTicker ticker;
  private volatile DataPlane dataPlane;
  private final AtomicBoolean removalLogged = new AtomicBoolean();
  private final XraySupervisor xray;

  private Daemon(
      NodeConfig config,
      WebServer web,
      RaftNode raft,
      RaftrayStateMachine sm,
      RaftBackend b,
      XraySupervisor xray) {
    this.config = config;
    this.xray = xray;
    this.web = web;
    this.raft = raft;
    this.stateMachine = sm;
    this.backend = b;
  }

  /** Starts a node from its configuration; fails with a one-line reason. */
  public static Daemon start(NodeConfig config) throws StartupException {
    return start(config, Clock.systemUTC());
  }

  public static Daemon start(NodeConfig config, Clock clock) throws StartupException {
    return start(config, clock, RenewalSettings.DEFAULT);
  }

  /** With certificate renewal settings (tests use short validities). */
  public static Daemon start(NodeConfig config, Clock clock, RenewalSettings renewal)
      throws StartupException {
    if (!Files.isDirectory(config.raftDir())) {
      throw new StartupException(
          "data directory "
              + config.dataDir()
              + " has no raft storage: was it created by"
              + " 'raftray init' or 'raftray join'?");
    }
    NodeIdentity loaded = Startup.loadIdentity(config);
    // Renewal swaps the certificate in place; TLS and signing always use the current one.
    LiveIdentity identity = new LiveIdentity(loaded);
    SSLContext serverTls = TlsContexts.server(identity);
    SSLContext clientTls = TlsContexts.client(identity);
    NodeRequestSigner signer = new NodeRequestSigner(identity);
    HttpClient cluster = Startup.clusterHttpClient(config, clientTls);

    RaftrayStateMachine sm = new RaftrayStateMachine(clock, config.auditRetention());
    AtomicReference<RaftServer> raftServer = new AtomicReference<>();
    DeferredBackend deferred = new DeferredBackend(config.nodeId());
    HttpMetrics metrics = new HttpMetrics();
    ApiService api =
        new ApiService(deferred, clock, ApiSettings.of(config.nodeId(), config.apiBaseUrl()));
    SubscriptionService subscriptions =
        new SubscriptionService(deferred::view, clock, config.apiBaseUrl());
    ClusterAuth clusterAuth =
        ClusterAuth.create(
            sm::view, loaded, config.initialPeers().stream().map(NodeConfig.Peer::nodeId).toList());
    RaftHttpService raftHttp = new RaftHttpService(raftServer::get, clusterAuth);
    ClusterCa ca = clusterCa(config);
    JoinService join = new JoinService(deferred, ca, clock);
    RenewService renew =
        new RenewService(clusterAuth, deferred, ca, config.nodeId(), renewal.validity());
    // Created now so /readyz reports the core from the start; started once Raft is up.
    XraySupervisor xray = XraySupervisor.create(config.xray(), config.xrayDir());
    ProbeService probes =
        new ProbeService(deferred, metrics, () -> config.xray().enabled() ? xray.status() : null);
    WebServer web;
    try {
      web =
          startWeb(
              config,
              serverTls,
              r -> {
                metrics.register(r);
                r.register(JoinService.MOUNT, join);
                r.register("/cluster/v1", raftHttp);
                r.register("/cluster/v1", renew);
                r.register(ApiService.MOUNT, api);
                r.register(SubscriptionService.MOUNT, subscriptions);
                r.register("/", probes);
              });
    } catch (StartupException e) {
      xray.close();
      throw e;
    }
    RaftNode raft;
    try {
      raft =
          RaftNode.start(
              Startup.raftConfig(config, cluster, web.port(), signer),
              sm,
              Admission.isPending(config));
    } catch (IOException | RuntimeException e) {
      web.stop();
      xray.close();
      throw new StartupException(
          "cannot start raft from " + config.raftDir() + ": " + Startup.rootMessage(e), e);
    }
    raftServer.set(raft.server());
    RaftBackend backend = new RaftBackend(raft, sm, config.raft().writeTimeout());
    deferred.set(backend);
    LOG.info(
        "node "
            + config.name()
            + " ("
            + config.nodeId()
            + ") serving https on "
            + config.bindHost()
            + ":"
            + web.port()
            + " as "
            + config.apiBaseUrl());
    Daemon daemon = new Daemon(config, web, raft, sm, backend, xray);
    daemon.identity = identity;
    daemon.renewer =
        new CertRenewer(
            new CertRenewer.Local(config.dataDir(), config.nodeId()),
            identity,
            cluster,
            signer,
            sm::view,
            backend::leader,
            clock,
            renewal.threshold());
    daemon.admission = Admission.startIfPending(config, raft, backend);
    if (config.xray().enabled()) {
      DataPlane dp =
          new DataPlane(config.nodeId(), config.dataDir(), xray, sm::view, backend, clock);
      sm.addListener(v -> dp.stateChanged());
      dp.start();
      probes.attach(dp);
      daemon.dataPlane = dp;
    }
    xray.start();
    daemon.startMaintenance(renewal.checkInterval());
    daemon.ticker = new UsageTicker(config.nodeId(), backend, clock, UsageTicker.DEFAULT_INTERVAL);
    daemon.ticker.start();
    return daemon;
  }

  /** The cluster CA with its key (voters): certificates of joining nodes are issued with it. */
  private static ClusterCa clusterCa(NodeConfig config) throws StartupException {
    try {
      return NodeIdentity.loadClusterCa(config.dataDir());
    } catch (io.raftray.pki.PkiException e) {
      throw new StartupException(e.getMessage(), e);
    }
  }

  @SuppressWarnings("FutureReturnValueIgnored") // periodic tasks; stopped with the executor
  private void startMaintenance(Duration renewalInterval) {
    maintenance =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "raftray-maintenance-" + config.name());
              t.setDaemon(true);
              return t;
            });
    maintenance.scheduleWithFixedDelay(this::watchRemoval, 1, 1, TimeUnit.SECONDS);
    long first = Math.min(renewalInterval.toMillis(), 5000);
    maintenance.scheduleWithFixedDelay(
        renewer::check, first, renewalInterval.toMillis(), TimeUnit.MILLISECONDS);
    if (config.xray().enabled()) {
      XrayReporter reporter = new XrayReporter(config.nodeId(), backend, xray::status);
      maintenance.scheduleWithFixedDelay(
          () -> {
            try {
              reporter.check();
            } catch (RuntimeException e) {
              LOG.warning("core health report failed: " + e.getMessage());
            }
          },
          1000,
          XRAY_REPORT_INTERVAL_MS,
          TimeUnit.MILLISECONDS);
    }
  }

  /** Logs once when this node finds its own record removed in the state it has. */
  private void watchRemoval() {
    var me = stateMachine.view().nodes().get(config.nodeId());
    if (me != null
        && me.status() == io.raftray.model.NodeStatus.REMOVED
        && removalLogged.compareAndSet(false, true)) {
      LOG.warning(
          "this node was removed from the cluster at "
              + me.updatedAt()
              + "; it no longer serves the cluster (writes are refused, /readyz is 503)."
              + " Stop it; to rejoin, clear its data directory and join with a new token.");
    }
  }

  /** Renews this node's certificate now (tests; the periodic check does it when due). */
  public String renewCertificate() throws IOException {
    return renewer.renew();
  }

  /** This node's current identity (changes when the certificate is renewed). */
  public NodeIdentity identity() {
    return identity.get();
  }

  /** The membership change of a freshly joined node; null when the node was not joining. */
  public Admission admission() {
    return admission;
  }

  public NodeConfig config() {
    return config;
  }

  /** The port actually bound (differs from the config when it asked for port 0). */
  public int port() {
    return web.port();
  }

  public Replicated backend() {
    return backend;
  }

  public RaftrayStateMachine stateMachine() {
    return stateMachine;
  }

  /**
   * The node's core supervisor when a core is configured ({@code --xray-bin} or {@code
   * --xray-api}): add a {@link io.raftray.xray.CoreListener} to hear when it is (re)started.
   */
  public Optional<XraySupervisor> xray() {
    return config.xray().enabled() ? Optional.of(xray) : Optional.empty();
  }

  /** The reconciler and traffic collector when a core is configured. */
  public Optional<DataPlane> dataPlane() {
    return Optional.ofNullable(dataPlane);
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (maintenance != null) {
      maintenance.shutdownNow();
    }
    if (ticker != null) {
      ticker.close();
    }
    if (admission != null) {
      admission.close();
    }
    if (dataPlane != null) {
      dataPlane.close(); // the last counters are committed while the core and Raft still run
    }
    xray.close(); // SIGTERM to the child, SIGKILL after the grace period
    try {
      raft.close();
    } catch (IOException | RuntimeException e) {
      LOG.warning("raft did not close cleanly: " + e.getMessage());
    }
    web.stop();
    LOG.info("node " + config.name() + " stopped");
  }

  static WebServer startWeb(
      NodeConfig config,
      SSLContext tls,
      java.util.function.Consumer<io.helidon.webserver.http.HttpRouting.Builder> routing)
      throws StartupException {
    try {
      WebServer server =
          WebServer.builder()
              .host(config.bindHost())
              .port(config.bindPort())
              .shutdownHook(false)
              .maxPayloadSize(MAX_PAYLOAD)
              .addProtocol(
                  Http1Config.builder().maxHeadersSize(16 * 1024).maxPrologueLength(8192).build())
              .tls(
                  Tls.builder()
                      .sslContext(tls)
                      .clientAuth(TlsClientAuth.OPTIONAL)
                      .enabledProtocols(List.of("TLSv1.3", "TLSv1.2"))
                      .build())
              .routing(routing)
              .build()
              .start();
      // Helidon logs a failed bind and returns a server that is not running.
      if (!server.isRunning()) {
        throw new StartupException(
            "cannot listen on "
                + config.bindHost()
                + ":"
                + config.bindPort()
                + ": address already in use or not available");
      }
      return server;
    } catch (UncheckedIOException | IllegalStateException e) {
      if (Startup.hasCause(e, BindException.class)) {
        throw new StartupException(
            "cannot listen on "
                + config.bindHost()
                + ":"
                + config.bindPort()
                + ": address already in use");
      }
      throw new StartupException(
          "cannot listen on "
              + config.bindHost()
              + ":"
              + config.bindPort()
              + ": "
              + Startup.rootMessage(e),
          e);
    }
  }
}
