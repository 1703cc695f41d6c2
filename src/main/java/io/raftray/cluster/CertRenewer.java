package io.raftray.cluster;

import io.raftray.model.Json;
import io.raftray.model.Node;
import io.raftray.model.NodeStatus;
import io.raftray.pki.ClusterCa;
import io.raftray.pki.Csr;
import io.raftray.pki.KeyPairs;
import io.raftray.pki.LiveIdentity;
import io.raftray.pki.NodeIdentity;
import io.raftray.pki.PemFiles;
import io.raftray.pki.PkiException;
import io.raftray.state.State;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Renews this node's certificate before it expires: generates a new key here (it never leaves the
 * host), sends a CSR on a signed {@code POST /cluster/v1/renew} to a CA holder (leader first when
 * it is one), and on success writes {@code tls/node.key} + {@code node.crt} and swaps the {@link
 * LiveIdentity} that the listener, the node-to-node client and the request signer use.
 *
 * <p>The new key is written to {@code tls/node.key.next} before the request: if the node stops
 * after the cluster committed the new certificate but before it saved it, the next check adopts the
 * certificate recorded in the state for that key instead of keeping a revoked one.
 */
public final class CertRenewer {
  private static final Logger LOG = Logger.getLogger(CertRenewer.class.getName());
  static final String PENDING_KEY = "node.key.next";

  private final Local config;
  private final LiveIdentity identity;
  private final HttpClient http;
  private final ClusterRequestSigner signer;
  private final Supplier<State> state;
  private final Supplier<Optional<String>> leader;
  private final Clock clock;
  private final double threshold;

  /** What the renewer needs of the node's configuration. */
  public record Local(Path dataDir, String nodeId) {}

  public CertRenewer(
      Local config,
      LiveIdentity identity,
      HttpClient http,
      ClusterRequestSigner signer,
      Supplier<State> state,
      Supplier<Optional<String>> leader,
      Clock clock,
      double threshold) {
    this.config = config;
    this.identity = identity;
    this.http = http;
    this.signer = signer;
    this.state = state;
    this.leader = leader;
    this.clock = clock;
    this.threshold = threshold;
  }

  /**
   * Whether {@code cert} has used up {@code threshold} of its lifetime at {@code now}. The lifetime
   * is counted from issue, not from the backdated notBefore (short test validities would otherwise
   * always look due).
   */
  static boolean due(X509Certificate cert, Instant now, double threshold) {
    Instant notBefore = cert.getNotBefore().toInstant();
    Instant end = cert.getNotAfter().toInstant();
    Instant issued = notBefore.plus(ClusterCa.BACKDATE);
    if (!end.isAfter(issued)) {
      issued = notBefore;
    }
    long life = Duration.between(issued, end).toMillis();
    long elapsed = Duration.between(issued, now).toMillis();
    return elapsed >= threshold * life;
  }

  /** The periodic check: finish an interrupted renewal, then renew when due. Never throws. */
  public synchronized void check() {
    try {
      State s = state.get();
      Node me = s.nodes().get(config.nodeId());
      if (me == null || me.status() == NodeStatus.REMOVED) {
        return;
      }
      if (recoverPending(me)) {
        return;
      }
      if (due(identity.get().nodeCert(), clock.instant(), threshold)) {
        renew();
      }
    } catch (IOException | RuntimeException e) {
      LOG.warning("certificate renewal failed, will retry at the next check: " + e.getMessage());
    }
  }

  /** Renews now; returns the new serial (hex). */
  public synchronized String renew() throws IOException {
    NodeIdentity now = identity.get();
    KeyPair keys = KeyPairs.generate();
    PemFiles.writePrivateKey(pendingKey(), keys.getPrivate());
    String csr = Csr.create(keys, config.nodeId());
    String replaces = now.nodeCert().getSerialNumber().toString(16);
    IOException last = new IOException("no CA holder to renew with is known yet");
    for (Node target : targets(state.get())) {
      RenewService.RenewRequest request = new RenewService.RenewRequest(target.id(), replaces, csr);
      try {
        X509Certificate cert = send(target, request);
        adopt(keys.getPrivate(), cert);
        String serial = cert.getSerialNumber().toString(16);
        LOG.info(
            "renewed node certificate through "
                + target.name()
                + ": serial "
                + serial
                + ", valid until "
                + cert.getNotAfter().toInstant());
        return serial;
      } catch (IOException | PkiException e) {
        last = new IOException(target.name() + ": " + e.getMessage(), e);
      }
    }
    throw last;
  }

  private X509Certificate send(Node target, RenewService.RenewRequest request) throws IOException {
    byte[] body = Json.mapper().writeValueAsBytes(request);
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(trim(target.apiBaseUrl()) + RenewService.ROUTE))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    signer.headers("POST", RenewService.ROUTE, target.id(), body).forEach(b::header);
    HttpResponse<String> res;
    try {
      res = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    if (res.statusCode() != 200) {
      String why = res.body().length() > 200 ? res.body().substring(0, 200) : res.body();
      throw new IOException("renewal refused (" + res.statusCode() + "): " + why);
    }
    RenewService.RenewAnswer answer =
        Json.mapper().readValue(res.body(), RenewService.RenewAnswer.class);
    return PemFiles.parseCertificate(answer.nodeCertPem(), "renewed node certificate");
  }

  /** Saves the new pair (each file replaced atomically) and presents it from now on. */
  private void adopt(PrivateKey key, X509Certificate cert) throws IOException {
    NodeIdentity old = identity.get();
    NodeIdentity next = new NodeIdentity(old.clusterId(), old.nodeId(), key, cert, old.caCert());
    next.save(config.dataDir());
    Files.deleteIfExists(pendingKey());
    identity.replace(next);
  }

  /**
   * After a stop between commit and save, the state holds a certificate for the pending key: adopt
   * it. A pending key the state does not know is from a renewal that never committed.
   */
  private boolean recoverPending(Node me) throws IOException {
    Path pending = pendingKey();
    if (!Files.exists(pending)) {
      return false;
    }
    String current = identity.get().nodeCert().getSerialNumber().toString(16);
    if (me.certSerial() == null || me.certSerial().equalsIgnoreCase(current)) {
      Files.deleteIfExists(pending);
      return false;
    }
    PrivateKey key = PemFiles.readPrivateKey(pending);
    X509Certificate recorded =
        PemFiles.parseCertificate(me.certificatePem(), "recorded certificate");
    try {
      adopt(key, recorded);
    } catch (PkiException e) {
      LOG.warning("the pending key does not match the recorded certificate: " + e.getMessage());
      Files.deleteIfExists(pending);
      return false;
    }
    LOG.info("adopted the renewed certificate " + me.certSerial() + " recorded in the cluster");
    return true;
  }

  /**
   * Where to renew: the CA holders of the state (only they sign; the leader first when it is one,
   * this node last), never a node the state does not mark as a holder. A renewal is not forwarded:
   * the holder must see this node's own signature.
   */
  private List<Node> targets(State s) {
    List<Node> out = new ArrayList<>();
    String lead = leader.get().orElse(null);
    Node leaderNode = lead == null ? null : s.nodes().get(lead);
    if (leaderNode != null && leaderNode.holdsCaKey() && !lead.equals(config.nodeId())) {
      out.add(leaderNode);
    }
    for (Node n : s.nodes().values()) {
      if (n.holdsCaKey() && !n.id().equals(lead) && !n.id().equals(config.nodeId())) {
        out.add(n);
      }
    }
    Node self = s.nodes().get(config.nodeId());
    if (self != null && self.holdsCaKey()) {
      out.add(self);
    }
    return out;
  }

  private Path pendingKey() {
    return NodeIdentity.tlsDir(config.dataDir()).resolve(PENDING_KEY);
  }

  private static String trim(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
