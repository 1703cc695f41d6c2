package io.raftray.daemon;

import io.helidon.common.socket.SocketOptions;
import io.helidon.common.tls.Tls;
import io.helidon.common.tls.TlsClientAuth;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http1.Http1Config;
import io.raftray.api.ApiService;
import io.raftray.api.ApiSettings;
import io.raftray.api.HttpMetrics;
import io.raftray.api.ProbeService;
import io.raftray.cluster.CertRenewer;
import io.raftray.cluster.ClusterAuth;
import io.raftray.cluster.HostAdminService;
import io.raftray.cluster.HostClient;
import io.raftray.cluster.HostService;
import io.raftray.cluster.MemberClient;
import io.raftray.cluster.MemberLookup;
import io.raftray.cluster.MemberService;
import io.raftray.cluster.NodeRequestSigner;
import io.raftray.cluster.PeerFeatureLevels;
import io.raftray.cluster.RaftHttpService;
import io.raftray.cluster.RaftNode;
import io.raftray.cluster.RenewService;
import io.raftray.config.NodeConfig;
import io.raftray.config.Tunables;
import io.raftray.console.ApiDocsService;
import io.raftray.console.ConsoleService;
import io.raftray.http.Mount;
import io.raftray.join.Admission;
import io.raftray.join.JoinCrypto;
import io.raftray.join.JoinService;
import io.raftray.model.Causes;
import io.raftray.model.Node;
import io.raftray.model.NodeStatus;
import io.raftray.model.Threads;
import io.raftray.pki.ClusterCa;
import io.raftray.pki.LiveIdentity;
import io.raftray.pki.NodeIdentity;
import io.raftray.pki.PkiException;
import io.raftray.pki.PublicCertificates;
import io.raftray.pki.TlsContexts;
import io.raftray.state.RaftrayStateMachine;
import io.raftray.state.Replica;
import io.raftray.state.UsageTicker;
import io.raftray.sub.SubActivity;
import io.raftray.sub.SubscriptionService;
import io.raftray.telegram.TelegramCommands;
import io.raftray.webhook.WebhookDispatcher;
import io.raftray.xray.DataPlane;
import io.raftray.xray.XrayReporter;
import io.raftray.xray.XraySupervisor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;
import org.apache.ratis.server.RaftServer;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;

/**
 * One running node: Raft, the HTTPS listener and everything mounted on it. {@link #start} is the
 * composition root: it builds the parts in order, records each started one in a {@link Lifecycle},
 * and {@link #close} stops them in reverse order (so does a failed start).
 */
@NullMarked
public final class Daemon implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Daemon.class.getName());

  /**
   * The listener's cap on any body: the largest route (Raft snapshot chunks, sized in {@code
   * RatisSettings}). Every route enforces its own smaller cap before reading (admin 1 MiB).
   */
  static final long MAX_PAYLOAD = RaftHttpService.MAX_BODY;

  /**
   * How long a stopping leader waits for the follower it hands leadership to (one round trip and a
   * vote fsync when things go well); after that it stops anyway.
   */
  static final Duration HANDOVER_TIMEOUT = Duration.ofSeconds(3);

  /** How long one member may take to answer a membership lookup. */
  private static final Duration MEMBER_LOOKUP_TIMEOUT = Duration.ofSeconds(3);

  private final NodeConfig config;
  private final Lifecycle lifecycle;
  private final WebServer web;
  private final RaftrayStateMachine stateMachine;
  private final RaftReplica replica;
  private final LiveIdentity identity;
  private final CertRenewer renewer;
  private final @Nullable Admission admission;
  private final XraySupervisor xray;
  private final @Nullable DataPlane dataPlane;
  private final ClusterAuth clusterAuth;
  private final AtomicBoolean closed = new AtomicBoolean();

  private Daemon(
      NodeConfig config,
      Lifecycle lifecycle,
      WebServer web,
      RaftrayStateMachine stateMachine,
      RaftReplica replica,
      LiveIdentity identity,
      CertRenewer renewer,
      @Nullable Admission admission,
      XraySupervisor xray,
      @Nullable DataPlane dataPlane,
      ClusterAuth clusterAuth) {
    this.config = config;
    this.lifecycle = lifecycle;
    this.web = web;
    this.stateMachine = stateMachine;
    this.replica = replica;
    this.identity = identity;
    this.renewer = renewer;
    this.admission = admission;
    this.xray = xray;
    this.dataPlane = dataPlane;
    this.clusterAuth = clusterAuth;
  }

  /** Starts a node from its configuration; fails with a one-line reason. */
  public static Daemon start(NodeConfig config) throws StartupException {
    return start(config, Clock.systemUTC());
  }

  /**
   * With {@link Tunables#DEFAULT}, except the replication mode from the environment ({@code
   * RAFTRAY_REPLICATION=default} for Ratis' own appender).
   */
  public static Daemon start(NodeConfig config, Clock clock) throws StartupException {
    final Tunables tunables;
    try {
      tunables = Tunables.fromEnvironment(System.getenv());
    } catch (IllegalArgumentException e) {
      throw new StartupException(e.getMessage(), e);
    }
    return start(config, clock, tunables);
  }

  /** With other timings (tests use short certificate validities). */
  public static Daemon start(NodeConfig config, Clock clock, Tunables tunables)
      throws StartupException {
    Lifecycle lifecycle = new Lifecycle();
    try {
      return start(config, clock, tunables, lifecycle);
    } catch (Throwable t) { // also an Error: nothing started may outlive a failed start
      lifecycle.close();
      throw t;
    }
  }

  private static Daemon start(
      NodeConfig config, Clock clock, Tunables tunables, Lifecycle lifecycle)
      throws StartupException {
    if (!Files.isDirectory(config.raftDir())) {
      throw new StartupException(
          "data directory "
              + config.dataDir()
              + " has no raft storage: was it created by"
              + " 'raftray init' or 'raftray join'?");
    }
    Startup.securePrivateDirs(config);
    // 1. Identity and TLS. Renewal swaps the certificate in place; TLS and signing use the current.
    NodeIdentity loaded = Startup.loadIdentity(config);
    LiveIdentity identity = new LiveIdentity(loaded);
    SSLContext clientTls = TlsContexts.client(identity);
    NodeRequestSigner signer = new NodeRequestSigner(identity);
    HttpClient cluster = Startup.clusterHttpClient(config, clientTls);
    ClusterCa ca = clusterCa(config);
    // Operator certificates for public clients, chosen by SNI; loaded now, reloaded on change.
    PublicCertificates publicTls = Startup.publicCertificates(config, clock);
    publicTls.check();

    // 2. The services on the port. They read the state through `starting`, which answers
    //    "starting" until Raft is up: peers must reach this listener while Raft starts.
    RaftrayStateMachine sm = new RaftrayStateMachine(clock, config.auditRetention());
    // As leader, a join request a member submits must carry the joining host's token proof.
    sm.checkJoinProofsWith(JoinCrypto::leaderCheck);
    // What this node reads, and (as leader) what it hears every peer read: Features.
    PeerFeatureLevels levels = new PeerFeatureLevels(config.nodeId(), tunables.featureLevel());
    RaftrayStateMachine.FeatureSupport features =
        new RaftrayStateMachine.FeatureSupport() {
          @Override
          public int supported() {
            return levels.supported();
          }

          @Override
          public java.util.Map<String, Integer> heard() {
            return levels.heard();
          }
        };
    sm.useFeatures(features);
    StartingReplica starting = new StartingReplica(config.nodeId());
    AtomicReference<RaftServer> raftServer = new AtomicReference<>();
    // Asks members this node knows about nodes its state does not know yet (membership changed
    // while it was down): a sender that joined meanwhile, or this node's own removal.
    MemberLookup members =
        new MemberLookup(cluster, signer, sm::view, config.nodeId(), MEMBER_LOOKUP_TIMEOUT);
    Path nonceDir = config.dataDir().resolve("cluster-nonces");
    ClusterAuth clusterAuth;
    try {
      clusterAuth =
          ClusterAuth.create(
              sm::view,
              loaded,
              config.initialPeers().stream().map(NodeConfig.Peer::nodeId).toList(),
              members,
              nonceDir);
    } catch (IOException e) {
      throw new StartupException(
          "cannot open the nonce journal in " + nonceDir + ": " + Causes.rootMessage(e), e);
    }
    lifecycle.add("nonce journal", clusterAuth, clusterAuth::closeJournal);
    // Created now so /readyz reports the core from the start; its process starts after Raft.
    XraySupervisor xray =
        lifecycle.add("core", XraySupervisor.create(config.xray(), config.xrayDir()));
    HttpMetrics metrics = new HttpMetrics();
    // Built now so /readyz reports it from the start; started once Raft is up. Its usage reports
    // go through `starting` like every other write.
    DataPlane dataPlane =
        config.xray().enabled()
            ? new DataPlane(
                config.nodeId(),
                config.dataDir(),
                xray,
                sm::view,
                starting,
                tunables.coreResync(),
                clock)
            : null;
    ProbeService probes =
        new ProbeService(
            starting,
            metrics,
            () -> config.xray().enabled() ? xray.status() : null,
            dataPlane,
            publicTls);
    // Fleet visibility: this node's host report, logs and core restart, for its own API and for
    // members relaying theirs over /cluster/v1/host/*; never a Raft write.
    LocalHost localHost =
        new LocalHost(
            config.nodeId(),
            new HostMetrics(config.dataDir(), clock.instant()),
            identity,
            sm::view,
            config.xray().enabled() ? xray : null,
            dataPlane,
            RecentLog.installed(),
            publicTls,
            clock);
    ApiService api =
        new ApiService(
            starting,
            clock,
            ApiSettings.of(config.nodeId(), config.apiBaseUrl())
                .withTrustedProxies(config.trustedProxies())
                .withPublicBaseUrl(config.publicBaseUrl().orElse(null)),
            publicTls,
            new FleetLink(
                config.nodeId(), localHost, new HostClient(cluster, signer, config.nodeId())));
    // Fetches and devices are batched here and committed once per interval (started after Raft).
    SubActivity activity = new SubActivity(config.nodeId(), starting, tunables.activityInterval());
    SubscriptionService subscriptions =
        new SubscriptionService(
            starting::view,
            clock,
            config.apiBaseUrl(),
            config.publicBaseUrl().orElse(null),
            activity);
    // Only CA holders sign; a node that is not one asks a holder over the cluster channel.
    JoinService join =
        new JoinService(
            starting,
            ca,
            clock,
            config.trustedProxies(),
            config.nodeId(),
            new MemberClient(cluster, signer));
    RaftHttpService raftHttp = new RaftHttpService(raftServer::get, clusterAuth);
    raftHttp.answerWithFeatureLevel(levels.supported());
    RenewService renew =
        new RenewService(
            clusterAuth,
            starting,
            ca,
            config.nodeId(),
            tunables.renewal().validity(),
            join::admitForMember);
    MemberService member = new MemberService(clusterAuth, starting, signer, config.nodeId());
    HostService host = new HostService(clusterAuth, signer, config.nodeId(), localHost);
    HostAdminService hostAdmin =
        new HostAdminService(clusterAuth, starting, clock, config.nodeId());
    // Every mount and its authentication: io.raftray.http.Mount.
    WebServer web =
        startWeb(
            config,
            TlsContexts.server(identity, publicTls),
            r -> {
              metrics.register(r);
              // First: Helidon tries the mounts in order, and subscription fetches are most of the
              // traffic (the others' prefixes never match /sub/...).
              r.register(Mount.SUB.path(), subscriptions);
              r.register(Mount.JOIN.path(), join);
              r.register(Mount.RAFT.path(), raftHttp);
              r.register(Mount.RENEW.path(), renew);
              r.register(Mount.MEMBER.path(), member);
              r.register(Mount.HOST.path(), host);
              r.register(Mount.HOST_ADMIN.path(), hostAdmin);
              r.register(Mount.API_DOCS.path(), new ApiDocsService());
              r.register(Mount.API.path(), api);
              r.register(Mount.MARZBAN.path(), api.marzbanCompat());
              probes.mount(r);
              // Last: the console answers only what no other mount did.
              r.register(Mount.CONSOLE.path(), new ConsoleService());
            });
    lifecycle.add("listener", web, web::stop);

    // 3. Raft; from here on reads and writes go through it.
    RaftNode raft;
    try {
      raft =
          RaftNode.start(
              Startup.raftConfig(
                  config, cluster, web.port(), signer, tunables.pipelinedReplication(), levels),
              sm,
              Admission.isPending(config));
    } catch (IOException | RuntimeException e) {
      throw new StartupException(
          "cannot start raft from " + config.raftDir() + ": " + Causes.rootMessage(e), e);
    }
    lifecycle.add("raft", raft);
    // Stopped before Raft (after everything that still writes through it): a leader hands its
    // leadership over first, so a clean stop or restart costs the cluster no election.
    lifecycle.add("leadership handover", raft, () -> handOver(raft));
    raftServer.set(raft.server());
    RemovalWatch removal =
        new RemovalWatch(
            config.nodeId(), members::ask, sm::view, () -> raft.leaderId().isPresent(), clock);
    RaftReplica replica = new RaftReplica(raft, sm, config.raft().writeTimeout(), removal::notice);
    starting.set(replica);
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
    LOG.info(
        "raft timings: preset "
            + config.raft().preset().wire()
            + ", election timeout "
            + config.raft().electionTimeoutMin().toMillis()
            + "-"
            + config.raft().electionTimeoutMax().toMillis()
            + " ms"
            + (config.raft().electionTimeoutsFromPreset() ? "" : " (set in node.json)")
            + ", replication "
            + (tunables.pipelinedReplication() ? "pipelined" : "default"));
    LOG.info(
        "feature levels: this node reads up to "
            + levels.supported()
            + ", the cluster is at "
            + sm.view().featureLevel());

    // 4. What runs on top of Raft.
    Admission admission = Admission.startIfPending(config, raft, replica);
    if (admission != null) {
      lifecycle.add("admission", admission);
    }
    if (dataPlane != null) {
      // Closed before the core: its last counters are committed while the core and Raft run.
      DataPlane dp = lifecycle.add("data plane", dataPlane);
      sm.addListener(v -> dp.stateChanged());
      dp.start();
    }
    xray.start();
    CertRenewer renewer =
        new CertRenewer(
            new CertRenewer.Local(config.dataDir(), config.nodeId()),
            identity,
            cluster,
            signer,
            sm::view,
            replica::leader,
            clock,
            tunables.renewal().threshold());
    ScheduledExecutorService maintenance =
        Threads.scheduler("raftray-maintenance-" + config.name());
    lifecycle.add("maintenance", maintenance, maintenance::shutdownNow);
    scheduleMaintenance(
        maintenance, config, sm, renewer, tunables, replica, xray, removal, dataPlane);
    if (!publicTls.isEmpty()) {
      long every = tunables.publicTlsCheck().toMillis();
      @SuppressWarnings("FutureReturnValueIgnored") // stopped with the executor
      var unused =
          maintenance.scheduleWithFixedDelay(publicTls::check, every, every, TimeUnit.MILLISECONDS);
    }
    if (config.backup().enabled()) {
      new BackupScheduler(
              config.backup(),
              sm::view,
              clock,
              why -> BackupFailures.report(replica, config.nodeId(), config.name(), why))
          .schedule(maintenance);
    }
    UsageTicker ticker =
        lifecycle.add(
            "usage ticker",
            new UsageTicker(
                config.nodeId(), replica, clock, tunables.usageTickInterval(), features));
    ticker.start();
    URI telegramApi;
    try {
      telegramApi = TelegramCommands.apiFrom(System.getenv());
    } catch (IllegalArgumentException e) {
      throw new StartupException(String.valueOf(e.getMessage()));
    }
    lifecycle
        .add(
            "webhook dispatcher",
            new WebhookDispatcher(
                config.nodeId(), replica, clock, WebhookDispatcher.Settings.DEFAULT, telegramApi))
        .start();
    lifecycle
        .add("telegram commands", new TelegramCommands(config.nodeId(), replica, telegramApi))
        .start();
    lifecycle.add("subscription activity", activity).start();
    return new Daemon(
        config,
        lifecycle,
        web,
        sm,
        replica,
        identity,
        renewer,
        admission,
        xray,
        dataPlane,
        clusterAuth);
  }

  /** One line about the handover when there was something to hand over; never fails the stop. */
  private static void handOver(RaftNode raft) {
    RaftNode.Handover h = raft.handOverLeadership(HANDOVER_TIMEOUT);
    switch (h.outcome()) {
      case HANDED_OVER -> LOG.info("handed raft leadership over " + h.detail());
      case FAILED -> LOG.warning("stopping without handing raft leadership over: " + h.detail());
      case NOT_LEADER, NO_OTHER_VOTER -> {}
    }
  }

  /**
   * The cluster CA, with its key on CA holders (a node without {@code tls/ca.key} only trusts it).
   */
  private static ClusterCa clusterCa(NodeConfig config) throws StartupException {
    try {
      return NodeIdentity.loadClusterCa(config.dataDir());
    } catch (PkiException e) {
      throw new StartupException(e.getMessage(), e);
    }
  }

  @SuppressWarnings("FutureReturnValueIgnored") // periodic tasks; stopped with the executor
  private static void scheduleMaintenance(
      ScheduledExecutorService maintenance,
      NodeConfig config,
      RaftrayStateMachine sm,
      CertRenewer renewer,
      Tunables tunables,
      Replica replica,
      XraySupervisor xray,
      RemovalWatch removal,
      @Nullable DataPlane dataPlane) {
    AtomicBoolean removalLogged = new AtomicBoolean();
    maintenance.scheduleWithFixedDelay(
        () -> {
          watchRemoval(config, sm, removalLogged);
          removal.check();
        },
        1,
        1,
        TimeUnit.SECONDS);
    if (HeapTrimmer.serialCollector()) {
      long trim = HeapTrimmer.PERIOD.toMillis();
      maintenance.scheduleWithFixedDelay(
          HeapTrimmer.forThisJvm(), trim, trim, TimeUnit.MILLISECONDS);
    }
    long interval = tunables.renewal().checkInterval().toMillis();
    maintenance.scheduleWithFixedDelay(
        renewer::check, Math.min(interval, 5000), interval, TimeUnit.MILLISECONDS);
    if (dataPlane != null) {
      // The endpoints' throughput in host reports: bytes/s between two samples 5 s apart.
      maintenance.scheduleWithFixedDelay(dataPlane::sampleThroughput, 5, 5, TimeUnit.SECONDS);
    }
    if (config.xray().enabled()) {
      XrayReporter reporter = new XrayReporter(config.nodeId(), replica, xray::status);
      maintenance.scheduleWithFixedDelay(
          () -> {
            try {
              reporter.check();
            } catch (RuntimeException e) {
              LOG.warning("core health report failed: " + e.getMessage());
            }
          },
          1000,
          tunables.coreReportInterval().toMillis(),
          TimeUnit.MILLISECONDS);
    }
  }

  /** Logs once when this node finds its own record removed in the state it has. */
  private static void watchRemoval(
      NodeConfig config, RaftrayStateMachine sm, AtomicBoolean logged) {
    Node me = sm.view().nodes().get(config.nodeId());
    if (me != null && me.status() == NodeStatus.REMOVED && logged.compareAndSet(false, true)) {
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
  public @Nullable Admission admission() {
    return admission;
  }

  public NodeConfig config() {
    return config;
  }

  /** The port actually bound (differs from the config when it asked for port 0). */
  public int port() {
    return web.port();
  }

  public Replica replica() {
    return replica;
  }

  public RaftrayStateMachine stateMachine() {
    return stateMachine;
  }

  /** The authentication of inbound cluster requests (its counters, for tests). */
  public ClusterAuth clusterAuth() {
    return clusterAuth;
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

  /**
   * Stops everything {@link #start} started, newest first: the usage ticker, the maintenance thread
   * (renewal, core reports), the data plane (its last counters are committed while the core and
   * Raft still run), a pending admission, the leadership handover (a leader with other voters hands
   * leadership to its most up-to-date healthy follower, at most {@link #HANDOVER_TIMEOUT}), Raft,
   * the listener, and the core last (SIGTERM, SIGKILL after the grace period; it was created first
   * so that /readyz reports it from the start).
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    lifecycle.close();
    LOG.info("node " + config.name() + " stopped");
  }

  static WebServer startWeb(
      NodeConfig config, SSLContext tls, Consumer<HttpRouting.Builder> routing)
      throws StartupException {
    try {
      WebServer server =
          WebServer.builder()
              .host(config.bindHost())
              .port(config.bindPort())
              .shutdownHook(false)
              .maxPayloadSize(MAX_PAYLOAD)
              // Nagle off: a response can go out as several TLS records (headers, body); with
              // Nagle a later one may wait for the peer's delayed ACK (up to 40 ms on Linux).
              // Raft round trips and API answers are small request/response exchanges.
              .connectionOptions(SocketOptions.builder().tcpNoDelay(true).build())
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
      if (Causes.hasCause(e, BindException.class)) {
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
              + Causes.rootMessage(e),
          e);
    }
  }
}
