package io.raftray.daemon;

import io.raftray.api.AdminTokens;
import io.raftray.cluster.ClusterRequestSigner;
import io.raftray.cluster.RaftNode;
import io.raftray.config.NodeConfig;
import io.raftray.config.NodeConfigFile;
import io.raftray.config.RaftPreset;
import io.raftray.model.Causes;
import io.raftray.model.Ids;
import io.raftray.model.Node;
import io.raftray.model.NodeRole;
import io.raftray.model.NodeStatus;
import io.raftray.model.Role;
import io.raftray.pki.ClusterCa;
import io.raftray.pki.KeyPairs;
import io.raftray.pki.NodeIdentity;
import io.raftray.pki.PemFiles;
import io.raftray.pki.PkiException;
import io.raftray.pki.PrivateFiles;
import io.raftray.state.Command;
import io.raftray.state.RaftrayStateMachine;
import io.raftray.state.Replica;
import io.raftray.state.Result;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.jspecify.annotations.NullMarked;

/** {@code raftray init}: creates a new cluster's first node in an empty data directory. */
@NullMarked
public final class Bootstrapper {
  static final Duration NODE_CERT_VALIDITY = Duration.ofDays(30);

  private Bootstrapper() {}

  /** What {@code init} was asked for; validated by the CLI. */
  public record InitRequest(
      Path dataDir,
      String bindHost,
      int bindPort,
      String apiBaseUrl,
      String accessHost,
      String name,
      RaftPreset raftPreset) {
    /** With the default Raft preset. */
    public InitRequest(
        Path dataDir,
        String bindHost,
        int bindPort,
        String apiBaseUrl,
        String accessHost,
        String name) {
      this(dataDir, bindHost, bindPort, apiBaseUrl, accessHost, name, RaftPreset.DEFAULT);
    }
  }

  /** Result of a successful init: the new node's config and the first owner token (plaintext). */
  public record Initialized(NodeConfig config, String ownerToken) {}

  /**
   * Creates CA, node key and certificate, Raft storage and the bootstrap entry. On any failure the
   * data directory is removed again if this call created it, so nothing half-made remains.
   */
  public static Initialized init(InitRequest req, Clock clock) throws StartupException {
    return create(req, clock, Bootstrapper::doInit);
  }

  /** What fills a new data directory (init, restore). */
  interface Filling {
    Initialized fill(InitRequest req, Clock clock) throws IOException, StartupException;
  }

  /**
   * Creates {@code req}'s data directory (it must be empty or absent) and fills it; on any failure
   * removes it again if this call created it.
   */
  static Initialized create(InitRequest req, Clock clock, Filling filling) throws StartupException {
    Path dir = req.dataDir();
    boolean created = false;
    try {
      if (Files.exists(dir)) {
        try (Stream<Path> s = Files.list(dir)) {
          if (s.findAny().isPresent()) {
            throw new StartupException("data directory " + dir + " is not empty");
          }
        }
      } else {
        Files.createDirectories(
            dir,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        created = true;
      }
      PrivateFiles.secureDir(dir, "data directory");
      Initialized out = filling.fill(req, clock);
      return out;
    } catch (IOException e) {
      cleanup(dir, created);
      throw new StartupException("cannot initialize " + dir + ": " + Causes.rootMessage(e), e);
    } catch (PkiException e) {
      cleanup(dir, created);
      throw new StartupException("cannot initialize " + dir + ": " + e.getMessage(), e);
    } catch (StartupException | RuntimeException e) {
      cleanup(dir, created);
      throw e;
    }
  }

  private static Initialized doInit(InitRequest req, Clock clock)
      throws IOException, StartupException {
    Seed seed = prepare(List.of(req), clock);
    NodeConfig config = seed.configs().get(0);
    // A single-member group commits alone: no listener is needed to bootstrap.
    RaftrayStateMachine sm = new RaftrayStateMachine(clock, config.auditRetention());
    try (RaftNode raft =
        RaftNode.start(
            Startup.raftConfig(
                config, HttpClient.newHttpClient(), req.bindPort(), ClusterRequestSigner.NONE),
            sm)) {
      seed.submitTo(new RaftReplica(raft, sm, Duration.ofSeconds(30)));
    }
    return new Initialized(config, seed.owner().plaintext());
  }

  /**
   * What a new cluster starts from: one CA, a key, certificate and config per node (all nodes in
   * the initial Raft group), the node records and the first owner token.
   */
  public record Seed(
      String clusterId,
      String caCertPem,
      List<NodeConfig> configs,
      List<Node> nodes,
      AdminTokens.Issued owner) {

    /** Commits the bootstrap entry, then one entry per further node, through {@code replica}. */
    public void submitTo(Replica replica) throws StartupException {
      // Idempotent: a step whose earlier attempt committed but timed out is not repeated.
      if (!clusterId.equals(replica.view().clusterId())) {
        Result r =
            replica.submit(
                nodes.get(0).id(),
                new Command.Bootstrap(clusterId, caCertPem, nodes.get(0), owner.token()));
        if (!r.ok() && !clusterId.equals(replica.view().clusterId())) {
          throw new StartupException("bootstrap was rejected: " + r.message());
        }
      }
      for (Node n : nodes.subList(1, nodes.size())) {
        if (replica.view().nodes().containsKey(n.id())) {
          continue;
        }
        Result added = replica.submit(nodes.get(0).id(), new Command.AddNode(n));
        if (!added.ok() && !replica.view().nodes().containsKey(n.id())) {
          throw new StartupException(
              "adding node " + n.name() + " was rejected: " + added.message());
        }
      }
    }
  }

  /**
   * Writes key material, certificates and node.json into each request's (existing, empty) data
   * directory. Every node created here is a CA holder and keeps the CA key; nodes that join later
   * get it only with a CA-holder join token.
   */
  public static Seed prepare(List<InitRequest> reqs, Clock clock) throws IOException {
    String clusterId = UUID.randomUUID().toString();
    ClusterCa ca = ClusterCa.create(clusterId, clock);
    List<String> ids = reqs.stream().map(r -> Ids.newId("node")).toList();
    List<NodeConfig.Peer> peers = new ArrayList<>();
    for (int i = 0; i < reqs.size(); i++) {
      peers.add(new NodeConfig.Peer(ids.get(i), reqs.get(i).apiBaseUrl()));
    }
    List<NodeConfig> configs = new ArrayList<>();
    List<Node> nodes = new ArrayList<>();
    Instant now = clock.instant();
    for (int i = 0; i < reqs.size(); i++) {
      InitRequest req = reqs.get(i);
      String nodeId = ids.get(i);
      KeyPair key = KeyPairs.generate();
      X509Certificate cert =
          ca.issueNodeCertificate(
              key.getPublic(), clusterId, nodeId, hostNames(req), NODE_CERT_VALIDITY);
      new NodeIdentity(clusterId, nodeId, key.getPrivate(), cert, ca.certificate())
          .save(req.dataDir());
      NodeIdentity.saveCaKey(req.dataDir(), ca.privateKey().orElseThrow());
      NodeConfig config =
          NodeConfig.builder()
              .dataDir(req.dataDir())
              .clusterId(clusterId)
              .nodeId(nodeId)
              .name(req.name())
              .bind(req.bindHost(), req.bindPort())
              .apiBaseUrl(req.apiBaseUrl())
              .accessHost(req.accessHost())
              .initialPeers(peers)
              .raft(NodeConfig.Raft.of(req.raftPreset()))
              .build();
      NodeConfigFile.write(config);
      PrivateFiles.createDir(config.raftDir(), "raft directory");
      configs.add(config);
      nodes.add(
          new Node(
              nodeId,
              req.name(),
              req.apiBaseUrl(),
              req.accessHost(),
              Map.of(),
              NodeRole.VOTER,
              NodeStatus.ACTIVE,
              Facts.collect(),
              cert.getSerialNumber().toString(16),
              cert.getNotAfter().toInstant(),
              PemFiles.certificateToPem(cert),
              now,
              now,
              true));
    }
    AdminTokens.Issued owner = AdminTokens.issue("owner", Role.OWNER, clock);
    return new Seed(clusterId, PemFiles.certificateToPem(ca.certificate()), configs, nodes, owner);
  }

  static Set<String> hostNames(InitRequest req) {
    Set<String> names = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "::1"));
    String apiHost = URI.create(req.apiBaseUrl()).getHost();
    if (apiHost != null) {
      names.add(apiHost.startsWith("[") ? apiHost.substring(1, apiHost.length() - 1) : apiHost);
    }
    if (!req.bindHost().equals("0.0.0.0") && !req.bindHost().equals("::")) {
      names.add(req.bindHost());
    }
    return names;
  }

  private static void cleanup(Path dir, boolean created) {
    if (!created) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort: the error that brought us here is what the operator needs to see
    }
  }
}
