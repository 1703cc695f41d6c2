package io.raftray.join;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftray.config.NodeConfig;
import io.raftray.config.NodeConfigFile;
import io.raftray.config.RaftPreset;
import io.raftray.model.Causes;
import io.raftray.model.Json;
import io.raftray.pki.ClusterCa;
import io.raftray.pki.Csr;
import io.raftray.pki.KeyPairs;
import io.raftray.pki.NodeIdentity;
import io.raftray.pki.PemFiles;
import io.raftray.pki.PkiException;
import io.raftray.pki.PrivateFiles;
import io.raftray.pki.TlsContexts;
import io.raftray.state.Features;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The joining host's side of {@code raftray join}: pin-checked CA fetch, local key and CSR, the
 * proven join request, optional wait for approval, and the data directory of the new node.
 *
 * <p>Order matters: nothing derived from the token secret is sent before the CA served at the
 * token's URL has matched the token's pin, and from then on TLS trusts only that CA.
 */
public final class Joiner {
  /** Marker in the data directory: the node still has to enter the Raft group. */
  public static final String PENDING_MARKER = "join-pending";

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  private Joiner() {}

  /**
   * What to join with. {@code approvalTimeout} bounds the wait for an admin when the token is
   * multi-use; {@code progress} receives one-line status messages.
   */
  public record Options(
      String token,
      Path dataDir,
      String bindHost,
      int bindPort,
      String apiBaseUrl,
      String accessHost,
      String name,
      Map<String, String> facts,
      Duration approvalTimeout,
      Duration pollInterval,
      Consumer<String> progress,
      RaftPreset raftPreset) {
    /** With the default Raft preset. */
    public Options(
        String token,
        Path dataDir,
        String bindHost,
        int bindPort,
        String apiBaseUrl,
        String accessHost,
        String name,
        Map<String, String> facts,
        Duration approvalTimeout,
        Duration pollInterval,
        Consumer<String> progress) {
      this(
          token,
          dataDir,
          bindHost,
          bindPort,
          apiBaseUrl,
          accessHost,
          name,
          facts,
          approvalTimeout,
          pollInterval,
          progress,
          RaftPreset.DEFAULT);
    }

    @Override
    public String toString() {
      return "Options[" + dataDir + ", " + name + ", token=<redacted>]";
    }
  }

  /** Joins and writes the data directory; afterwards {@code Daemon.start} runs the node. */
  public static NodeConfig join(Options o) throws JoinException {
    JoinTokens.Content token = JoinTokens.decode(o.token());
    boolean created = prepareDir(o.dataDir());
    try {
      return doJoin(o, token);
    } catch (JoinException | RuntimeException e) {
      cleanup(o.dataDir(), created);
      throw e;
    }
  }

  private static NodeConfig doJoin(Options o, JoinTokens.Content token) throws JoinException {
    Fetched fetched = fetchPinnedCa(token, o.progress());
    X509Certificate ca = fetched.ca();
    HttpClient http =
        HttpClient.newBuilder()
            .sslContext(TlsContexts.client(ca, Optional.empty()))
            .connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    KeyPair key = KeyPairs.generate();
    String csr = Csr.create(key, o.name());
    Proofs proofs = new Proofs(token);
    JoinWire.Request unsigned =
        new JoinWire.Request(
            token.tokenId(), null, csr, o.name(), o.apiBaseUrl(), o.accessHost(), o.facts());
    JoinWire.Request req =
        new JoinWire.Request(
            token.tokenId(),
            proofs.join(unsigned),
            csr,
            o.name(),
            o.apiBaseUrl(),
            o.accessHost(),
            o.facts());
    String base = fetched.url();
    HttpResponse<String> res = send(http, post(base + "/cluster/v1/join", req), base);
    if (res.statusCode() == 202) {
      String requestId = field(res, "request_id");
      o.progress().accept("join request " + requestId + " is waiting for an admin's approval");
      res = awaitDecision(http, base, proofs.poll(requestId), requestId, o);
    }
    if (res.statusCode() != 200) {
      throw refused(res);
    }
    JoinWire.Answer answer;
    try {
      answer = Json.mapper().readValue(res.body(), JoinWire.Answer.class);
    } catch (IOException e) {
      throw JoinException.failed("the cluster sent an unreadable join answer", e);
    }
    return install(o, token, ca, key, answer);
  }

  /**
   * The proofs of a token: signatures with the token key (format 2) or, for a format-1 token of the
   * previous release, HMACs keyed from the verifier.
   */
  private static final class Proofs {
    private final JoinTokens.Content token;

    Proofs(JoinTokens.Content token) {
      this.token = token;
    }

    String join(JoinWire.Request r) {
      return token.v() == 2
          ? JoinCrypto.signJoin(JoinCrypto.tokenKey(token.secretBytes()), r)
          : JoinCrypto.joinProof(JoinCrypto.verifier(token.secretBytes()), r);
    }

    String poll(String requestId) {
      return token.v() == 2
          ? JoinCrypto.signPoll(
              JoinCrypto.tokenKey(token.secretBytes()), token.tokenId(), requestId)
          : JoinCrypto.pollProof(
              JoinCrypto.verifier(token.secretBytes()), token.tokenId(), requestId);
    }
  }

  private record Fetched(String url, X509Certificate ca) {}

  /** Fetches the CA from the token's URLs in turn; the first answer must match the pin. */
  private static Fetched fetchPinnedCa(JoinTokens.Content token, Consumer<String> progress)
      throws JoinException {
    HttpClient insecure =
        HttpClient.newBuilder()
            .sslContext(trustAnything())
            .connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    List<String> failures = new ArrayList<>();
    for (String u : token.urls()) {
      String base = u.replaceAll("/+$", "");
      X509Certificate ca;
      try {
        HttpResponse<String> r =
            insecure.send(
                HttpRequest.newBuilder(URI.create(base + "/cluster/v1/ca"))
                    .timeout(REQUEST_TIMEOUT)
                    .GET()
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
          failures.add(base + ": http " + r.statusCode());
          continue;
        }
        ca = PemFiles.parseCertificate(r.body(), "CA certificate from " + base);
      } catch (IOException | IllegalArgumentException | PkiException e) {
        failures.add(base + ": " + Causes.rootMessage(e));
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw JoinException.failed("interrupted");
      }
      // The pin decides, before anything derived from the secret is sent.
      if (!TlsContexts.pinMatches(token.caPin(), ca)) {
        throw JoinException.failed(
            "the CA served at "
                + base
                + " does not match the join token's pin: refusing to join (wrong cluster,"
                + " tampered token or an interception)");
      }
      String cluster;
      try {
        cluster = ClusterCa.of(ca, Optional.empty()).clusterId();
      } catch (PkiException e) {
        throw JoinException.failed("the pinned CA at " + base + " is not a raftray CA");
      }
      if (!cluster.equals(token.clusterId())) {
        throw JoinException.failed(
            "the pinned CA belongs to cluster " + cluster + ", the token to " + token.clusterId());
      }
      progress.accept("cluster CA at " + base + " matches the token's pin " + token.caPin());
      return new Fetched(base, ca);
    }
    throw JoinException.failed("no node of the cluster answered: " + String.join("; ", failures));
  }

  private static HttpResponse<String> awaitDecision(
      HttpClient http, String base, String proof, String requestId, Options o)
      throws JoinException {
    Instant deadline = Instant.now().plus(o.approvalTimeout());
    while (true) {
      HttpRequest get =
          HttpRequest.newBuilder(URI.create(base + "/cluster/v1/join/" + requestId))
              .timeout(REQUEST_TIMEOUT)
              .header(JoinWire.PROOF_HEADER, proof)
              .GET()
              .build();
      HttpResponse<String> res = send(http, get, base);
      if (res.statusCode() != 202 && res.statusCode() != 503) {
        return res;
      }
      if (Instant.now().isAfter(deadline)) {
        throw JoinException.failed(
            "join request " + requestId + " was not approved within " + o.approvalTimeout());
      }
      try {
        Thread.sleep(o.pollInterval().toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw JoinException.failed("interrupted while waiting for approval");
      }
    }
  }

  private static NodeConfig install(
      Options o, JoinTokens.Content token, X509Certificate ca, KeyPair key, JoinWire.Answer a)
      throws JoinException {
    if (!token.clusterId().equals(a.clusterId())) {
      throw JoinException.failed("the join answer is for another cluster: " + a.clusterId());
    }
    NodeIdentity identity;
    try {
      X509Certificate caAgain = PemFiles.parseCertificate(a.caCertPem(), "CA certificate");
      if (!caAgain.equals(ca)) {
        throw JoinException.failed("the join answer carries a different CA certificate");
      }
      X509Certificate cert = PemFiles.parseCertificate(a.nodeCertPem(), "node certificate");
      identity = new NodeIdentity(a.clusterId(), a.nodeId(), key.getPrivate(), cert, ca);
    } catch (PkiException e) {
      throw JoinException.failed("the issued certificate is not usable: " + e.getMessage(), e);
    }
    PrivateKey caKey = null;
    if (a.caKeyEncrypted() != null) {
      try {
        String aad = JoinService.aad(a.clusterId(), a.nodeId());
        byte[] der =
            JoinCrypto.ALGORITHM_V2.equals(a.caKeyEncrypted().alg())
                ? JoinCrypto.openWith(key.getPrivate(), a.caKeyEncrypted(), aad)
                : JoinCrypto.open(
                    JoinCrypto.verifier(token.secretBytes()), a.caKeyEncrypted(), aad);
        caKey = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
        ClusterCa.of(ca, Optional.of(caKey));
      } catch (GeneralSecurityException | PkiException | IllegalArgumentException e) {
        throw JoinException.failed("cannot decrypt the CA key from the join answer", e);
      }
    }
    List<NodeConfig.Peer> peers = new ArrayList<>();
    boolean self = false;
    for (JoinWire.Peer p : a.peers()) {
      peers.add(new NodeConfig.Peer(p.nodeId(), p.apiBaseUrl()));
      self |= p.nodeId().equals(a.nodeId());
    }
    if (!self) {
      peers.add(new NodeConfig.Peer(a.nodeId(), o.apiBaseUrl()));
    }
    NodeConfig config =
        NodeConfig.builder()
            .dataDir(o.dataDir())
            .clusterId(a.clusterId())
            .nodeId(a.nodeId())
            .name(o.name())
            .bind(o.bindHost(), o.bindPort())
            .apiBaseUrl(o.apiBaseUrl())
            .accessHost(o.accessHost())
            .initialPeers(peers)
            .raft(NodeConfig.Raft.of(o.raftPreset()))
            .build();
    try {
      identity.save(o.dataDir());
      if (caKey != null) {
        NodeIdentity.saveCaKey(o.dataDir(), caKey);
      }
      NodeConfigFile.write(config);
      // An EMPTY raft directory: the first start formats it with the full peer list above, and the
      // leader then brings the log (or a snapshot) over.
      PrivateFiles.createDir(config.raftDir(), "raft directory");
      Files.writeString(
          o.dataDir().resolve(PENDING_MARKER), a.nodeId() + "\n", StandardCharsets.UTF_8);
    } catch (IOException | PkiException e) {
      throw JoinException.failed("cannot write " + o.dataDir() + ": " + Causes.rootMessage(e), e);
    }
    return config;
  }

  private static HttpRequest post(String url, Object body) throws JoinException {
    try {
      return HttpRequest.newBuilder(URI.create(url))
          .timeout(REQUEST_TIMEOUT)
          .header("Content-Type", "application/json")
          // The members refuse a release that cannot read what the cluster logs already.
          .header(Features.HEADER, String.valueOf(Features.CURRENT))
          .POST(HttpRequest.BodyPublishers.ofByteArray(Json.mapper().writeValueAsBytes(body)))
          .build();
    } catch (IOException e) {
      throw JoinException.failed("cannot encode the join request", e);
    }
  }

  private static HttpResponse<String> send(HttpClient http, HttpRequest req, String base)
      throws JoinException {
    try {
      return http.send(req, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw JoinException.failed("cannot reach " + base + ": " + Causes.rootMessage(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw JoinException.failed("interrupted");
    }
  }

  private static String field(HttpResponse<String> res, String name) throws JoinException {
    try {
      JsonNode n = Json.mapper().readTree(res.body());
      String v = n.path(name).asText(null);
      if (v == null) {
        throw JoinException.failed("the join answer lacks " + name);
      }
      return v;
    } catch (IOException e) {
      throw JoinException.failed("the cluster sent an unreadable answer", e);
    }
  }

  private static JoinException refused(HttpResponse<String> res) {
    String detail;
    try {
      detail = Json.mapper().readTree(res.body()).path("detail").asText("");
    } catch (IOException e) {
      detail = "";
    }
    if (detail.isEmpty()) {
      detail = "http " + res.statusCode();
    }
    return JoinException.failed("join refused (" + res.statusCode() + "): " + detail);
  }

  /** Empty or missing; returns whether this call created it. */
  private static boolean prepareDir(Path dir) throws JoinException {
    try {
      if (Files.exists(dir)) {
        try (Stream<Path> s = Files.list(dir)) {
          if (s.findAny().isPresent()) {
            throw JoinException.usage("data directory " + dir + " is not empty");
          }
        }
        PrivateFiles.secureDir(dir, "data directory");
        return false;
      }
      Files.createDirectories(
          dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      return true;
    } catch (PkiException e) {
      throw JoinException.failed(e.getMessage(), e);
    } catch (IOException e) {
      throw JoinException.failed("cannot create " + dir + ": " + Causes.rootMessage(e), e);
    }
  }

  /** Removes what this join wrote, so a failed join can be retried with the same directory. */
  private static void cleanup(Path dir, boolean created) {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder())
          .filter(p -> created || !p.equals(dir))
          .forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort: the join error is what the operator needs to see
    }
  }

  /**
   * Accepts any server certificate, for the one CA download whose result is checked against the pin
   * before it is used. Being an extended trust manager also switches off host name checks.
   */
  private static SSLContext trustAnything() {
    TrustManager tm =
        new X509ExtendedTrustManager() {
          @Override
          public void checkClientTrusted(X509Certificate[] chain, String authType) {}

          @Override
          public void checkServerTrusted(X509Certificate[] chain, String authType) {}

          @Override
          public void checkClientTrusted(X509Certificate[] chain, String authType, Socket s) {}

          @Override
          public void checkServerTrusted(X509Certificate[] chain, String authType, Socket s) {}

          @Override
          public void checkClientTrusted(X509Certificate[] c, String a, SSLEngine e) {}

          @Override
          public void checkServerTrusted(X509Certificate[] c, String a, SSLEngine e) {}

          @Override
          public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
          }
        };
    try {
      SSLContext c = SSLContext.getInstance("TLS");
      c.init(null, new TrustManager[] {tm}, null);
      return c;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("TLS is not available", e);
    }
  }
}
