package io.raftray.cluster;

import io.helidon.common.socket.PeerInfo;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.raftray.http.Problems;
import io.raftray.model.ErrorKind;
import io.raftray.model.Node;
import io.raftray.model.NodeStatus;
import io.raftray.pki.ClusterCa;
import io.raftray.pki.NodeIdentity;
import io.raftray.pki.PemFiles;
import io.raftray.pki.PkiException;
import io.raftray.pki.Signatures;
import io.raftray.state.State;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Authenticates inbound node-to-node requests on {@code /cluster/v1/**}: a signature by the sending
 * node's key over {@link ClusterSignature#canonical}, a certificate for that node issued by the
 * cluster CA and not superseded in the replicated state, a fresh timestamp and an unseen nonce;
 * and, when the TLS session reaches this daemon directly with a client certificate, that
 * certificate must be from the cluster CA and name the same node. See {@code docs/cluster-auth.md}.
 *
 * <p>On the Raft routes ({@link #verifyRaft}) a sender on a direct mTLS connection may instead send
 * only its node id, the receiver and its certificate's fingerprint ("connection mode"): the
 * verified TLS client certificate then stands for the signature, and the deny list, removal and the
 * record of the node are still checked on every request.
 *
 * <p>Until the replicated state knows a node (before the bootstrap entry is applied, or between it
 * and the entry that adds that node), a member of the initial peer list from {@code node.json} is
 * accepted on the strength of the certificate it sends, checked against this node's own CA.
 *
 * <p>Thread-safe; one instance per daemon. Rejections are logged at WARNING (repeats of the same
 * node and reason within {@link #LOG_INTERVAL} at DEBUG) with node id, remote address and reason,
 * never the signature, body, certificate or any key.
 */
public final class ClusterAuth {
  private static final Logger LOG = Logger.getLogger(ClusterAuth.class.getName());

  public static final Duration DEFAULT_MAX_SKEW = Duration.ofSeconds(60);
  static final int DEFAULT_NONCE_CAPACITY = 100_000;
  static final Duration LOG_INTERVAL = Duration.ofSeconds(10);
  private static final Pattern DIGITS = Pattern.compile("[0-9]{1,18}");
  private static final int MAX_CERT_HEADER = 8 * 1024;
  private static final int CACHE_LIMIT = 256;

  /** The verdict on one request. */
  enum Verdict {
    ACCEPTED(null),
    UNAUTHENTICATED(ErrorKind.UNAUTHORIZED),
    FORBIDDEN(ErrorKind.FORBIDDEN),
    UNAVAILABLE(ErrorKind.UNAVAILABLE);

    /** The refusal in the error vocabulary; null for {@link #ACCEPTED}. */
    final ErrorKind kind;

    Verdict(ErrorKind kind) {
      this.kind = kind;
    }
  }

  /**
   * What {@link #verify} decided; {@code nodeId} is the claimed sender (null when unreadable) and
   * {@code reason} a short text without secrets, safe to send back and to log.
   */
  record Outcome(Verdict verdict, String nodeId, String reason) {
    boolean accepted() {
      return verdict == Verdict.ACCEPTED;
    }
  }

  /**
   * One inbound request as far as authentication is concerned.
   *
   * @param path the route without any proxy prefix, e.g. {@code /cluster/v1/raft}
   * @param headers the {@link ClusterSignature#HEADERS} that were present, by their canonical name
   * @param tlsPeerCertificates the client's TLS chain, leaf first; empty when it sent none
   * @param remoteAddress for logs only
   */
  record Request(
      String method,
      String path,
      Map<String, String> headers,
      byte[] body,
      List<X509Certificate> tlsPeerCertificates,
      String remoteAddress) {
    Request {
      headers = Map.copyOf(headers);
      tlsPeerCertificates = List.copyOf(tlsPeerCertificates);
    }

    /** Reads the auth headers and TLS chain of a Helidon request; {@code body} was read once. */
    static Request of(ServerRequest req, String path, byte[] body) {
      Map<String, String> headers = new HashMap<>();
      for (String name : ClusterSignature.HEADERS) {
        req.headers().first(HeaderNames.create(name)).ifPresent(v -> headers.put(name, v));
      }
      PeerInfo peer = req.remotePeer();
      return new Request(
          req.prologue().method().text(),
          path,
          headers,
          body,
          peerCertificates(peer),
          peer.host() + ":" + peer.port());
    }

    private static List<X509Certificate> peerCertificates(PeerInfo peer) {
      Optional<Certificate[]> chain;
      try {
        chain = peer.tlsCertificates();
      } catch (RuntimeException e) {
        chain = Optional.empty();
      }
      return chain.stream()
          .flatMap(Arrays::stream)
          .filter(X509Certificate.class::isInstance)
          .map(X509Certificate.class::cast)
          .toList();
    }
  }

  /** A certificate and the CA it was verified against. */
  private record Verified(X509Certificate cert, X509Certificate ca) {}

  /**
   * A TLS client certificate verified against {@code ca}, with what connection mode reads of it on
   * every request: the node it names (null: none), its serial (hex), whether it is a CA, its key.
   */
  private record ConnectionCert(
      X509Certificate cert,
      X509Certificate ca,
      String nodeId,
      String serial,
      boolean isCa,
      byte[] spki) {}

  /**
   * The start of every refusal in connection mode that a signed request might overcome (no client
   * certificate reached this node, the connection carries another certificate, a member must vouch
   * for the sender): the sender falls back to signatures on it. See {@link RaftHttpCaller}.
   */
  static final String SIGNATURE_REQUIRED = "signature required: ";

  private final Supplier<State> state;
  private final NodeIdentity self;
  private final Set<String> initialPeers;
  private final long maxSkewMillis;
  private final Clock clock;
  private final NonceCache nonces;
  private final MemberVouching vouching;
  private final Map<String, X509Certificate> caByPem = new ConcurrentHashMap<>();
  private final Map<String, Verified> certByText = new ConcurrentHashMap<>();
  private final Map<String, ConnectionCert> connectionCerts = new ConcurrentHashMap<>();
  private final Map<String, Long> lastLogged = new ConcurrentHashMap<>();
  private final LongAdder acceptedOnConnection = new LongAdder();
  private final LongAdder acceptedSigned = new LongAdder();

  /** Requests accepted since start, by how they were authenticated. */
  public record Accepted(long onConnection, long signed) {}

  /**
   * @param state the current replicated state, read once per request
   * @param self this node's identity; its CA is the trust anchor until the state is bootstrapped
   * @param initialPeerIds node ids of the initial Raft group ({@code node.json})
   * @param maxSkew how far a request's timestamp may be from this node's clock, either way
   */
  public ClusterAuth(
      Supplier<State> state,
      NodeIdentity self,
      Collection<String> initialPeerIds,
      Duration maxSkew,
      Clock clock) {
    this(state, self, initialPeerIds, maxSkew, clock, DEFAULT_NONCE_CAPACITY);
  }

  ClusterAuth(
      Supplier<State> state,
      NodeIdentity self,
      Collection<String> initialPeerIds,
      Duration maxSkew,
      Clock clock,
      int nonceCapacity) {
    this(state, self, initialPeerIds, maxSkew, clock, new NonceCache(nonceCapacity), null);
  }

  /**
   * @param nonces the nonce memory (journaled to disk in a daemon)
   * @param lookup asks members this node knows about a sender its state does not know (a node that
   *     joined while this one was down); null: such senders are refused
   */
  ClusterAuth(
      Supplier<State> state,
      NodeIdentity self,
      Collection<String> initialPeerIds,
      Duration maxSkew,
      Clock clock,
      NonceCache nonces,
      MemberVouching.Lookup lookup) {
    this.state = Objects.requireNonNull(state, "state");
    this.self = Objects.requireNonNull(self, "self");
    this.initialPeers = Set.copyOf(initialPeerIds);
    if (!maxSkew.isPositive()) {
      throw new IllegalArgumentException("clock skew window must be positive");
    }
    this.maxSkewMillis = maxSkew.toMillis();
    this.clock = Objects.requireNonNull(clock, "clock");
    this.nonces = Objects.requireNonNull(nonces, "nonces");
    this.vouching = lookup == null ? null : new MemberVouching(lookup, clock);
  }

  /** With the default ±60 s window and the system clock. */
  public static ClusterAuth create(
      Supplier<State> state, NodeIdentity self, Collection<String> initialPeerIds) {
    return new ClusterAuth(state, self, initialPeerIds, DEFAULT_MAX_SKEW, Clock.systemUTC());
  }

  /**
   * Like {@link #create(Supplier, NodeIdentity, Collection)}, and a sender the state does not know
   * is checked against its record as a known member has it ({@code lookup}, see {@code
   * docs/cluster-auth.md}, "Senders that joined while this node was down"). Accepted nonces are
   * remembered in {@code nonceDir} so that a restart inside the window does not let a recorded
   * request be replayed.
   */
  public static ClusterAuth create(
      Supplier<State> state,
      NodeIdentity self,
      Collection<String> initialPeerIds,
      MemberLookup lookup,
      Path nonceDir)
      throws IOException {
    Objects.requireNonNull(lookup, "lookup");
    Clock clock = Clock.systemUTC();
    NonceCache nonces =
        NonceCache.persistent(
            DEFAULT_NONCE_CAPACITY, nonceDir, 2 * DEFAULT_MAX_SKEW.toMillis(), clock.millis());
    return new ClusterAuth(
        state, self, initialPeerIds, DEFAULT_MAX_SKEW, clock, nonces, lookup::ask);
  }

  /** Closes the nonce journal (at shutdown, after the listener stopped). */
  public void closeJournal() throws IOException {
    nonces.close();
  }

  /** How many requests were accepted in connection mode and how many signed (tests, metrics). */
  public Accepted accepted() {
    return new Accepted(acceptedOnConnection.sum(), acceptedSigned.sum());
  }

  /** The replicated state as this node has applied it. */
  State currentState() {
    return state.get();
  }

  /** Logs (rate limited) that an authenticated member sent a request it may not send. */
  void logRefusal(String nodeId, String reason) {
    logRejection(
        new Request("POST", "/cluster/v1/raft", Map.of(), new byte[0], List.of(), "-"),
        new Outcome(Verdict.FORBIDDEN, nodeId, reason));
  }

  /** Checks {@code request}; logs a rejection. */
  Outcome verify(Request request) {
    return verify(request, true);
  }

  /**
   * Like {@link #verify}, but a sender must be known to this node's own state (or be an initial
   * peer): no member is asked about it. For the member lookup route itself, so lookups never chain.
   */
  Outcome verifyKnown(Request request) {
    return verify(request, false);
  }

  /**
   * Like {@link #verify}, and a request in connection mode ({@link ClusterSignature#FINGERPRINT}
   * instead of a signature) is checked against the verified TLS client certificate of its
   * connection: for the Raft routes, the hot path. See {@code docs/cluster-auth.md}, "Connection
   * mode".
   */
  Outcome verifyRaft(Request request) {
    return verify(request, true, true);
  }

  /** Is {@code request} in connection mode: a fingerprint and no signature? */
  static boolean connectionMode(Map<String, String> headers) {
    return headers.containsKey(ClusterSignature.FINGERPRINT)
        && !headers.containsKey(ClusterSignature.SIGNATURE);
  }

  private Outcome verify(Request request, boolean mayAsk) {
    return verify(request, mayAsk, false);
  }

  private Outcome verify(Request request, boolean mayAsk, boolean connectionAllowed) {
    Outcome outcome;
    try {
      outcome =
          connectionAllowed && connectionMode(request.headers())
              ? checkConnection(request, mayAsk)
              : check(request, mayAsk);
    } catch (RuntimeException e) {
      // A bug must not let a request through, nor leak details to the sender.
      LOG.log(Level.SEVERE, "cluster authentication failed unexpectedly", e);
      outcome = new Outcome(Verdict.UNAVAILABLE, null, "authentication error");
    }
    if (!outcome.accepted()) {
      logRejection(request, outcome);
    } else if (connectionAllowed && connectionMode(request.headers())) {
      acceptedOnConnection.increment();
    } else {
      acceptedSigned.increment();
    }
    return outcome;
  }

  private Outcome check(Request r, boolean mayAsk) {
    String node = r.headers().get(ClusterSignature.NODE);
    String timestamp = r.headers().get(ClusterSignature.TIMESTAMP);
    String nonce = r.headers().get(ClusterSignature.NONCE);
    String signatureText = r.headers().get(ClusterSignature.SIGNATURE);
    if (node == null || timestamp == null || nonce == null || signatureText == null) {
      return unauthenticated(null, "missing signature headers");
    }
    if (!ClusterCa.isValidNodeId(node)) {
      return unauthenticated(null, "malformed node id");
    }
    if (!DIGITS.matcher(timestamp).matches()) {
      return unauthenticated(node, "malformed timestamp");
    }
    if (!validNonce(nonce)) {
      return unauthenticated(node, "malformed nonce");
    }
    byte[] signature;
    try {
      signature = Base64.getDecoder().decode(signatureText);
    } catch (IllegalArgumentException e) {
      return unauthenticated(node, "malformed signature");
    }
    long now = clock.millis();
    long sent = Long.parseLong(timestamp);
    if (Math.abs(now - sent) > maxSkewMillis) {
      return unauthenticated(node, "timestamp outside the allowed clock skew");
    }

    State current = state.get();
    X509Certificate ca = trustAnchor(current);
    if (ca == null) {
      return forbidden(node, "cluster ca in the state is unreadable");
    }
    String certText = r.headers().get(ClusterSignature.CERT);
    X509Certificate presented = null;
    if (certText != null) {
      presented = certificate(certText, ca);
      if (presented == null) {
        return forbidden(node, "certificate not issued by the cluster ca");
      }
      // The deny list comes first: a revoked certificate is refused whatever else it claims.
      if (current.isRevoked(presented.getSerialNumber().toString(16))) {
        return forbidden(
            node, removed(current, node) ? "node was removed" : "certificate was revoked");
      }
    }
    Node known = current.bootstrapped() ? current.nodes().get(node) : null;
    X509Certificate cert;
    boolean askMembers = false;
    if (known != null) {
      if (known.status() == NodeStatus.REMOVED) {
        return forbidden(node, "node was removed");
      }
      if (presented != null) {
        cert = presented;
      } else {
        cert = known.certificatePem() == null ? null : certificate(known.certificatePem(), ca);
        if (cert == null) {
          return forbidden(node, "no usable certificate recorded for the node");
        }
      }
      if (current.isRevoked(cert.getSerialNumber().toString(16))) {
        return forbidden(node, "certificate was revoked");
      }
      if (!serialMatches(cert, known.certSerial())) {
        if (presented == null || vouching == null || !mayAsk) {
          return forbidden(node, "certificate is not the one recorded for the node");
        }
        // Renewed while this node was down? Only a member this node knows can say (after the
        // signature): its record must carry this certificate's serial and key.
        askMembers = true;
      } else if (known.certificatePem() != null && !sameKey(cert, recordedCertificate(known, ca))) {
        // The serial alone is not an identity: any holder of the CA key can mint a certificate
        // with a recorded serial. The key must be the one recorded for the node (its certificate
        // in the state). Records without a certificate (old snapshots) bind by serial until
        // renewal.
        return forbidden(node, "certificate key is not the one recorded for the node");
      }
    } else {
      // Not in this node's state: an initial peer (bootstrap), or a node that joined while this
      // one was down, which a member this node knows must confirm (checked after the signature).
      askMembers = !initialPeers.contains(node);
      if (askMembers && (vouching == null || !mayAsk || !current.bootstrapped())) {
        return forbidden(node, "unknown node");
      }
      if (presented == null) {
        return unauthenticated(
            node, "certificate header required from a node not yet in the state");
      }
      cert = presented;
    }
    Optional<String> problem = certificateProblem(cert, node, now);
    if (problem.isPresent()) {
      return forbidden(node, problem.get());
    }
    if (!r.tlsPeerCertificates().isEmpty()) {
      X509Certificate leaf = r.tlsPeerCertificates().get(0);
      if (!leaf.equals(cert)
          && (!issuedBy(leaf, ca) || certificateProblem(leaf, node, now).isPresent())) {
        return forbidden(node, "tls client certificate does not match the signing node");
      }
    }
    String to = r.headers().get(ClusterSignature.TO);
    byte[] canonical =
        to == null
            ? ClusterSignature.canonical(r.method(), r.path(), node, timestamp, nonce, r.body())
            : ClusterSignature.canonical(
                r.method(), r.path(), node, to, timestamp, nonce, r.body());
    boolean valid;
    try {
      valid = Signatures.verify(cert.getPublicKey(), canonical, signature);
    } catch (PkiException e) {
      valid = false;
    }
    if (!valid) {
      return unauthenticated(node, "bad signature");
    }
    // Checked after the signature so that a rewritten target header reads as what it is.
    if (to != null && !to.equals(self.nodeId())) {
      return unauthenticated(node, "request is addressed to another node");
    }
    if (askMembers) {
      Outcome refused = vouched(node, cert, ca, current);
      if (refused != null) {
        return refused;
      }
    }
    return switch (nonces.remember(node, nonce, sent + maxSkewMillis, now)) {
      case FRESH -> new Outcome(Verdict.ACCEPTED, node, "ok");
      case REPLAYED -> unauthenticated(node, "replayed nonce");
      case FULL -> new Outcome(Verdict.UNAVAILABLE, node, "too many recent requests");
    };
  }

  /**
   * Connection mode: the TLS client certificate of the connection authenticates the sender (the
   * handshake proved it holds the key), so there is no signature, timestamp or nonce (TLS rules out
   * a replay on the connection). Every rule of the signed path that is about the certificate and
   * the state still holds, checked on the TLS leaf on every request: the deny list and the removed
   * status (map lookups in the current state), the serial and key recorded for the node, the
   * initial peers before bootstrap, validity, not a CA, names the node; and the request must be
   * addressed to this node. The CA verification of a certificate is cached by fingerprint (only
   * verified certificates, bounded).
   */
  @SuppressWarnings("JavaUtilDate") // X509Certificate.checkValidity takes a Date
  private Outcome checkConnection(Request r, boolean mayAsk) {
    String node = r.headers().get(ClusterSignature.NODE);
    String fingerprint = r.headers().get(ClusterSignature.FINGERPRINT);
    String to = r.headers().get(ClusterSignature.TO);
    if (node == null) {
      return unauthenticated(null, "missing node header");
    }
    if (!ClusterCa.isValidNodeId(node)) {
      return unauthenticated(null, "malformed node id");
    }
    if (to == null) {
      return unauthenticated(node, "missing receiver header");
    }
    if (!to.equals(self.nodeId())) {
      return unauthenticated(node, "request is addressed to another node");
    }
    if (r.tlsPeerCertificates().isEmpty()) {
      return signatureRequired(node, "no tls client certificate reached this node");
    }
    X509Certificate leaf = r.tlsPeerCertificates().get(0);
    String leafPrint = ClusterSignature.fingerprint(leaf);
    if (leafPrint == null || !leafPrint.equals(fingerprint)) {
      // For instance a connection opened before the sender renewed its certificate.
      return signatureRequired(
          node, "certificate fingerprint does not match the tls client certificate");
    }
    State current = state.get();
    X509Certificate ca = trustAnchor(current);
    if (ca == null) {
      return forbidden(node, "cluster ca in the state is unreadable");
    }
    ConnectionCert c = connectionCertificate(leafPrint, leaf, ca);
    if (c == null) {
      return forbidden(node, "certificate not issued by the cluster ca");
    }
    // The deny list comes first: a revoked certificate is refused whatever else it claims.
    if (current.isRevoked(c.serial())) {
      return forbidden(
          node, removed(current, node) ? "node was removed" : "certificate was revoked");
    }
    try {
      leaf.checkValidity(new Date(clock.millis()));
    } catch (CertificateException e) {
      return forbidden(node, "certificate expired or not yet valid");
    }
    if (c.isCa()) {
      return forbidden(node, "certificate is a ca certificate");
    }
    if (!node.equals(c.nodeId())) {
      return forbidden(node, "certificate names another node");
    }
    Node known = current.bootstrapped() ? current.nodes().get(node) : null;
    boolean canVouch = vouching != null && mayAsk && current.bootstrapped();
    if (known != null) {
      if (known.status() == NodeStatus.REMOVED) {
        return forbidden(node, "node was removed");
      }
      if (!serialMatches(leaf, known.certSerial())) {
        // Renewed while this node was down? Only the signed path asks the members.
        return canVouch
            ? signatureRequired(node, "certificate is not the one recorded for the node")
            : forbidden(node, "certificate is not the one recorded for the node");
      }
      if (known.certificatePem() != null) {
        X509Certificate recorded = recordedCertificate(known, ca);
        if (recorded == null || !Arrays.equals(c.spki(), recorded.getPublicKey().getEncoded())) {
          return forbidden(node, "certificate key is not the one recorded for the node");
        }
      }
    } else if (!initialPeers.contains(node)) {
      // A node that joined while this one was down: a member must vouch for it (signed path).
      return canVouch ? signatureRequired(node, "unknown node") : forbidden(node, "unknown node");
    }
    return new Outcome(Verdict.ACCEPTED, node, "ok");
  }

  /**
   * {@code leaf} with what connection mode reads of it, when {@code ca} issued it; null otherwise.
   * Only verified certificates are cached, so strangers cannot fill the cache.
   */
  private ConnectionCert connectionCertificate(
      String fingerprint, X509Certificate leaf, X509Certificate ca) {
    ConnectionCert cached = connectionCerts.get(fingerprint);
    if (cached != null && cached.ca().equals(ca) && cached.cert().equals(leaf)) {
      return cached;
    }
    if (!issuedBy(leaf, ca)) {
      return null;
    }
    ConnectionCert c =
        new ConnectionCert(
            leaf,
            ca,
            ClusterCa.nodeIdFromCertificate(leaf, self.clusterId()).orElse(null),
            leaf.getSerialNumber().toString(16),
            leaf.getBasicConstraints() != -1,
            leaf.getPublicKey().getEncoded());
    if (connectionCerts.size() >= CACHE_LIMIT) {
      connectionCerts.clear();
    }
    connectionCerts.put(fingerprint, c);
    return c;
  }

  /**
   * A sender this node's state does not know (or knows with another certificate: renewed while this
   * node was down), with a CA-issued certificate whose key signed the request: a member this node
   * knows must have a record of it that is not removed, with this certificate's serial (not denied)
   * and key. Null when it does; the refusal otherwise.
   */
  private Outcome vouched(String node, X509Certificate cert, X509Certificate ca, State local) {
    String serial = cert.getSerialNumber().toString(16);
    MemberVouching.Vouch v = vouching.vouch(node, serial);
    if (v.answer() == null) {
      String what =
          local.nodes().containsKey(node)
              ? "certificate is not the one recorded for the node; "
              : "unknown node; ";
      return v.busy()
          ? new Outcome(Verdict.UNAVAILABLE, node, what + v.problem())
          : forbidden(node, what + v.problem());
    }
    MemberLookup.Answer a = v.answer();
    if (!a.known()) {
      return forbidden(node, "unknown node");
    }
    if (a.removed()) {
      return forbidden(node, "node was removed");
    }
    if (a.serialRevoked()) {
      return forbidden(node, "certificate was revoked");
    }
    if (!serialMatches(cert, a.certSerial())) {
      return forbidden(node, "certificate is not the one recorded for the node");
    }
    X509Certificate recorded =
        a.certificatePem() == null ? null : certificate(a.certificatePem(), ca);
    if (!sameKey(cert, recorded)) {
      return forbidden(node, "certificate key is not the one recorded for the node");
    }
    return null;
  }

  /** The CA that must have issued the sender's certificate. */
  private X509Certificate trustAnchor(State s) {
    if (!s.bootstrapped() || s.caCertPem() == null) {
      return self.caCert();
    }
    X509Certificate cached = caByPem.get(s.caCertPem());
    if (cached != null) {
      return cached;
    }
    try {
      X509Certificate ca = PemFiles.parseCertificate(s.caCertPem(), "cluster ca");
      if (caByPem.size() >= 4) {
        caByPem.clear();
      }
      caByPem.put(s.caCertPem(), ca);
      return ca;
    } catch (PkiException e) {
      return null;
    }
  }

  /**
   * Parses a certificate (base64 DER or PEM) and checks that {@code ca} signed it; null when it
   * does not parse or verify. Only verified certificates are cached, so strangers cannot fill the
   * cache.
   */
  private X509Certificate certificate(String text, X509Certificate ca) {
    if (text.length() > MAX_CERT_HEADER) {
      return null;
    }
    Verified cached = certByText.get(text);
    if (cached != null && cached.ca().equals(ca)) {
      return cached.cert();
    }
    X509Certificate cert;
    try {
      if (text.startsWith("-----BEGIN")) {
        cert = PemFiles.parseCertificate(text, "node certificate");
      } else {
        byte[] der = Base64.getDecoder().decode(text);
        cert =
            (X509Certificate)
                CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
      }
    } catch (IllegalArgumentException
        | CertificateException
        | PkiException
        | ClassCastException e) {
      return null;
    }
    if (!issuedBy(cert, ca)) {
      return null;
    }
    if (certByText.size() >= CACHE_LIMIT) {
      certByText.clear();
    }
    certByText.put(text, new Verified(cert, ca));
    return cert;
  }

  private static boolean issuedBy(X509Certificate cert, X509Certificate ca) {
    if (!cert.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
      return false;
    }
    try {
      cert.verify(ca.getPublicKey());
      return true;
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  /** A certificate already known to be issued by the CA: is it current, a leaf, for this node? */
  @SuppressWarnings("JavaUtilDate") // X509Certificate.checkValidity takes a Date
  private Optional<String> certificateProblem(X509Certificate cert, String node, long now) {
    try {
      cert.checkValidity(new Date(now));
    } catch (CertificateException e) {
      return Optional.of("certificate expired or not yet valid");
    }
    if (cert.getBasicConstraints() != -1) {
      return Optional.of("certificate is a ca certificate");
    }
    if (!ClusterCa.nodeIdFromCertificate(cert, self.clusterId()).map(node::equals).orElse(false)) {
      return Optional.of("certificate names another node");
    }
    return Optional.empty();
  }

  /** The certificate recorded for {@code n}, null when it does not parse or verify. */
  private X509Certificate recordedCertificate(Node n, X509Certificate ca) {
    return n.certificatePem() == null ? null : certificate(n.certificatePem(), ca);
  }

  /** Same subject public key (SPKI, DER)? */
  static boolean sameKey(X509Certificate cert, X509Certificate recorded) {
    return recorded != null
        && Arrays.equals(cert.getPublicKey().getEncoded(), recorded.getPublicKey().getEncoded());
  }

  private static boolean removed(State s, String node) {
    Node n = s.nodes().get(node);
    return n != null && n.status() == NodeStatus.REMOVED;
  }

  private static boolean serialMatches(X509Certificate cert, String recordedHex) {
    if (recordedHex == null) {
      return false;
    }
    try {
      return cert.getSerialNumber().equals(new BigInteger(recordedHex, 16));
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static boolean validNonce(String nonce) {
    if (nonce.length() > 64) {
      return false;
    }
    try {
      return Base64.getUrlDecoder().decode(nonce).length == ClusterSignature.NONCE_BYTES;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static Outcome unauthenticated(String node, String reason) {
    return new Outcome(Verdict.UNAUTHENTICATED, node, reason);
  }

  private static Outcome signatureRequired(String node, String reason) {
    return new Outcome(Verdict.UNAUTHENTICATED, node, SIGNATURE_REQUIRED + reason);
  }

  private static Outcome forbidden(String node, String reason) {
    return new Outcome(Verdict.FORBIDDEN, node, reason);
  }

  private void logRejection(Request r, Outcome o) {
    String sender = o.nodeId() == null ? "?" : o.nodeId();
    String key = sender + '|' + o.reason();
    long now = clock.millis();
    if (lastLogged.size() >= 1024) {
      lastLogged.clear();
    }
    Long previous = lastLogged.get(key);
    boolean loud = previous == null || now - previous >= LOG_INTERVAL.toMillis();
    if (loud) {
      lastLogged.put(key, now);
    }
    // "signature required" is how connection mode is negotiated (a proxy in between, a
    // connection from before a renewal): expected, the sender signs; not worth a warning.
    boolean negotiation = o.reason().startsWith(SIGNATURE_REQUIRED);
    LOG.log(
        loud && !negotiation ? Level.WARNING : Level.FINE,
        "rejected cluster request {0} {1} from node {2} at {3}: {4} ({5})",
        new Object[] {
          r.method(),
          r.path(),
          sender,
          r.remoteAddress(),
          o.reason(),
          Integer.toString(Problems.status(o.verdict().kind))
        });
  }
}
