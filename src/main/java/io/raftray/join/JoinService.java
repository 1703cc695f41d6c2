package io.raftray.join;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.raftray.cluster.MemberClient;
import io.raftray.cluster.RenewService;
import io.raftray.config.TrustedProxies;
import io.raftray.http.ClientAddress;
import io.raftray.http.FailureLimiter;
import io.raftray.http.Mount;
import io.raftray.http.Problems;
import io.raftray.model.Causes;
import io.raftray.model.ErrorKind;
import io.raftray.model.FieldError;
import io.raftray.model.Ids;
import io.raftray.model.JoinRequest;
import io.raftray.model.JoinRequestStatus;
import io.raftray.model.JoinToken;
import io.raftray.model.Json;
import io.raftray.model.Node;
import io.raftray.model.NodeRole;
import io.raftray.model.NodeStatus;
import io.raftray.model.RaftrayException;
import io.raftray.pki.ClusterCa;
import io.raftray.pki.Csr;
import io.raftray.pki.PemFiles;
import io.raftray.pki.PkiException;
import io.raftray.state.Command;
import io.raftray.state.Features;
import io.raftray.state.Replica;
import io.raftray.state.Result;
import io.raftray.state.State;
import java.io.IOException;
import java.io.InputStream;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * The public cluster routes, relative to where the daemon mounts them ({@code /cluster/v1}): {@code
 * GET /ca} (the CA certificate PEM), {@code POST /join} and {@code GET /join/{request_id}}. No node
 * identity is required here: the join token is the credential, proven by a signature (format-1
 * tokens: an HMAC) over the request (see {@link JoinCrypto}); the secret itself never arrives.
 *
 * <p>Any node can take a join: the token use is committed through Raft (so followers reach the
 * leader like for any write). On approval a CA holder signs the certificate from the CSR, records
 * the node (status {@code joining}) and answers with the certificate, the peers and, for a
 * CA-holder token only, the CA key sealed to the joiner's node key. A node that does not sign asks
 * a CA holder to do it over the authenticated cluster channel ({@link RenewService#ADMIT_ROUTE})
 * and relays the answer. The Raft membership change follows when the new node runs ({@link
 * Admission}), because Ratis only adds a peer that answers.
 */
public final class JoinService implements HttpService {
  /** Where the daemon mounts this service (beside the Raft routes). */
  public static final String MOUNT = Mount.JOIN.path();

  static final Duration NODE_CERT_VALIDITY = Duration.ofDays(30);
  static final long MAX_BODY = 64 * 1024;
  private static final Logger LOG = Logger.getLogger(JoinService.class.getName());
  private static final ObjectReader READER =
      Json.mapper()
          .readerFor(JsonNode.class)
          .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);

  /** Refused join requests (bad proof, unknown token, malformed) per client and minute. */
  static final int FAILURE_LIMIT = 20;

  static final Duration FAILURE_WINDOW = Duration.ofMinutes(1);
  static final int MAX_TRACKED = 10_000;

  /** Linearizable reads (a Raft ReadIndex each) the join routes may have in flight at once. */
  static final int MAX_LINEARIZABLE_READS = 2;

  private final Replica replica;
  private final ClusterCa ca;
  private final Clock clock;
  private final TrustedProxies proxies;
  private final FailureLimiter failures;
  private final Misses misses;
  private final Semaphore linearizable = new Semaphore(MAX_LINEARIZABLE_READS);
  private final @Nullable String localNodeId;
  private final @Nullable MemberClient holders;
  private volatile @Nullable ClusterCa checker;

  /**
   * A service that signs with {@code ca} whenever it holds the key (tests without a cluster).
   *
   * @param ca the cluster CA of this node
   */
  public JoinService(Replica replica, ClusterCa ca, Clock clock) {
    this(replica, ca, clock, TrustedProxies.none(), null, null);
  }

  /**
   * @param proxies reverse proxies whose client-address header is believed for the failure limit
   * @param localNodeId this node: it signs only while the state marks it as a CA holder
   * @param holders how to ask a CA holder to sign when this node does not; null: never forward
   */
  public JoinService(
      Replica replica,
      ClusterCa ca,
      Clock clock,
      TrustedProxies proxies,
      @Nullable String localNodeId,
      @Nullable MemberClient holders) {
    this.localNodeId = localNodeId;
    this.holders = holders;
    this.replica = Objects.requireNonNull(replica, "replica");
    this.ca = Objects.requireNonNull(ca, "ca");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.proxies = Objects.requireNonNull(proxies, "proxies");
    this.failures =
        new FailureLimiter(clock, FAILURE_LIMIT, FAILURE_WINDOW.toMillis(), MAX_TRACKED);
    this.misses = new Misses(MAX_TRACKED);
  }

  /**
   * Ids (join tokens, join requests) that a linearizable read did not find. Ids are random and
   * never reused, so an id unknown to the leader once stays unknown: the answer can be repeated
   * without another Raft round trip. Bounded; the least recently asked id is forgotten first.
   */
  private static final class Misses {
    private final LinkedHashMap<String, Boolean> ids;

    Misses(int capacity) {
      ids =
          new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
              return size() > capacity;
            }
          };
    }

    synchronized boolean contains(String id) {
      return ids.get(id) != null;
    }

    synchronized void add(String id) {
      ids.put(id, Boolean.TRUE);
    }
  }

  @Override
  public void routing(HttpRules rules) {
    rules.get("/ca", this::ca).post("/join", this::join).get("/join/{id}", this::poll);
  }

  private void ca(ServerRequest req, ServerResponse res) {
    res.header(HeaderNames.CONTENT_TYPE, "application/x-pem-file");
    res.header(HeaderNames.CACHE_CONTROL, "no-store");
    res.send(PemFiles.certificateToPem(ca.certificate()));
  }

  private void join(ServerRequest req, ServerResponse res) {
    guarded(
        req,
        res,
        () -> {
          checkFeatureLevel(req);
          JoinWire.Request r = JoinValidation.request(parse(readBody(req)));
          JoinToken token = token(r.tokenId());
          if (!JoinCrypto.joinProofValid(token, r)) {
            throw new RaftrayException(
                ErrorKind.FORBIDDEN,
                "the proof does not match join token " + token.id() + ": wrong or tampered token");
          }
          JoinRequest earlier = earlierRequest(r);
          if (earlier != null) {
            // The same host asks again (its answer was lost): the same answer, no second use.
            LOG.info("join request " + earlier.id() + " asked again; answering it once more");
            answer(res, earlier);
            return;
          }
          String unusable = token.unusableReason(now());
          if (unusable != null) {
            throw new RaftrayException(ErrorKind.FORBIDDEN, unusable);
          }
          String nodeId = Ids.newId("node");
          // Check CSR and host names by issuing once before the token use is committed, so a
          // request that cannot be served does not burn the token (with a throwaway CA on a node
          // that does not sign).
          issue(checkingCa(), r.csrPem(), nodeId, r.apiBaseUrl());
          String requestId = Ids.newId("jrq");
          submit(
              token.id(),
              r.proof(),
              new Command.CreateJoinRequest(
                  requestId,
                  token.id(),
                  nodeId,
                  r.nodeName(),
                  r.apiBaseUrl(),
                  r.accessHost(),
                  r.facts(),
                  r.csrPem()));
          JoinRequest created = replica.view().joinRequests().get(requestId);
          LOG.info(
              "join request "
                  + requestId
                  + " from node "
                  + r.nodeName()
                  + " with token "
                  + token.id()
                  + ": "
                  + created.status().name().toLowerCase(Locale.ROOT));
          answer(res, created);
        });
  }

  /**
   * Refuses a host whose release cannot read what this cluster already logs: it would halt at the
   * first such entry (docs/operations.md, "Rolling upgrades"). Joiners send the level they read in
   * {@link Features#HEADER}; one that sends none is of a release before feature levels.
   */
  private void checkFeatureLevel(ServerRequest req) {
    int joiner = Features.parse(req.headers().first(FEATURE_LEVEL).orElse(null));
    int cluster = replica.view().featureLevel();
    if (joiner < cluster) {
      throw new RaftrayException(
          ErrorKind.CONFLICT,
          "this cluster is at feature level "
              + cluster
              + " and the joining release reads up to "
              + joiner
              + ": join with a release that reads it");
    }
  }

  private static final io.helidon.http.HeaderName FEATURE_LEVEL =
      HeaderNames.create(Features.HEADER);

  private void poll(ServerRequest req, ServerResponse res) {
    guarded(
        req,
        res,
        () -> {
          String id = req.path().pathParameters().get("id");
          JoinRequest r = replica.view().joinRequests().get(id);
          if (r == null) {
            r = fresh(id).joinRequests().get(id);
          }
          if (r == null) {
            misses.add(id);
            throw new RaftrayException(ErrorKind.NOT_FOUND, "join request not found");
          }
          JoinToken token = replica.view().joinTokens().get(r.tokenId());
          if (token == null) {
            token = fresh(r.tokenId()).joinTokens().get(r.tokenId());
          }
          String presented =
              req.headers().first(HeaderNames.create(JoinWire.PROOF_HEADER)).orElse(null);
          if (token == null || !JoinCrypto.pollProofValid(token, r.id(), presented)) {
            throw new RaftrayException(
                ErrorKind.FORBIDDEN, "the proof does not match the join request's token");
          }
          answer(res, r);
        });
  }

  private void answer(ServerResponse res, JoinRequest r) {
    switch (r.status()) {
      case PENDING -> json(res, 202, new JoinWire.Pending(r.id(), "pending"));
      case REJECTED ->
          throw new RaftrayException(
              ErrorKind.FORBIDDEN,
              "join request "
                  + r.id()
                  + " was rejected"
                  + (r.reason() == null || r.reason().isEmpty() ? "" : ": " + r.reason()));
      case APPROVED -> {
        if (needsHolder(replica.view(), r)) {
          byte[] answer = onHolder(r);
          res.status(200);
          res.header(HeaderNames.CONTENT_TYPE, "application/json");
          res.header(HeaderNames.CACHE_CONTROL, "no-store");
          res.send(answer);
        } else {
          json(res, 200, admit(r));
        }
      }
    }
  }

  /** Whether this node signs: it has the CA key and the state marks it as a CA holder. */
  private boolean signs(State s) {
    if (localNodeId == null) {
      return ca.canIssue();
    }
    Node me = s.nodes().get(localNodeId);
    return ca.canIssue() && me != null && me.holdsCaKey();
  }

  /**
   * Whether answering {@code r} needs the CA key here while this node does not sign: a node still
   * to be signed, or a CA-holder join whose answer carries the (sealed) CA key.
   */
  private boolean needsHolder(State s, JoinRequest r) {
    if (signs(s)) {
      return false;
    }
    JoinToken token = s.joinTokens().get(r.tokenId());
    return !s.nodes().containsKey(r.nodeId()) || (token != null && token.makesCaHolder());
  }

  /**
   * Asks a CA holder to admit {@code r} (signed member request, {@link RenewService#ADMIT_ROUTE})
   * and relays its answer, which this node cannot read the sealed CA key of.
   */
  private byte[] onHolder(JoinRequest r) {
    State s = replica.view();
    if (holders == null) {
      throw new RaftrayException(
          ErrorKind.UNAVAILABLE, "this node does not hold the CA key; join through a CA holder");
    }
    List<String> failures = new ArrayList<>();
    for (Node n : s.nodes().values()) {
      if (!n.holdsCaKey() || n.status() != NodeStatus.ACTIVE || n.id().equals(localNodeId)) {
        continue;
      }
      try {
        byte[] body =
            Json.mapper().writeValueAsBytes(new RenewService.AdmitRequest(n.id(), r.id()));
        byte[] answer = holders.post(n, RenewService.ADMIT_ROUTE, body);
        Json.mapper().readValue(answer, JoinWire.Answer.class);
        LOG.info("join request " + r.id() + " was signed on CA holder " + n.name());
        return answer;
      } catch (IOException e) {
        failures.add(n.name() + ": " + Causes.rootMessage(e));
      }
    }
    LOG.warning(
        "no CA holder signed join request "
            + r.id()
            + (failures.isEmpty() ? " (none known)" : ": " + String.join("; ", failures)));
    throw new RaftrayException(
        ErrorKind.UNAVAILABLE, "no CA holder could sign the certificate now; retry later");
  }

  /**
   * For {@link RenewService}'s admission route on a CA holder: the answer to the approved request
   * {@code requestId}, signed and recorded here.
   */
  public byte[] admitForMember(String requestId) {
    JoinRequest r = replica.view().joinRequests().get(requestId);
    if (r == null) {
      r = replica.linearizableView().joinRequests().get(requestId);
    }
    if (r == null) {
      throw new RaftrayException(ErrorKind.NOT_FOUND, "join request not found");
    }
    if (r.status() != JoinRequestStatus.APPROVED) {
      throw new RaftrayException(
          ErrorKind.CONFLICT,
          "join request " + r.id() + " is " + r.status().name().toLowerCase(Locale.ROOT));
    }
    if (!signs(replica.view())) {
      throw new RaftrayException(ErrorKind.UNAVAILABLE, "this node is not a CA holder");
    }
    try {
      return Json.mapper().writeValueAsBytes(admit(r));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode join answer", e);
    }
  }

  /**
   * Signs and records the node of an approved request, once: a repeated poll (or a race between two
   * nodes) finds the recorded node and answers with its certificate. Runs on a CA holder.
   */
  private JoinWire.Answer admit(JoinRequest r) {
    State s = replica.view();
    JoinToken token = s.joinTokens().get(r.tokenId());
    if (token == null) {
      s = replica.linearizableView();
      token = s.joinTokens().get(r.tokenId());
    }
    if (token == null) {
      throw new RaftrayException(ErrorKind.NOT_FOUND, "join token of the request not found");
    }
    boolean holder = token.makesCaHolder() && token.verifyKey() != null;
    Node node = s.nodes().get(r.nodeId());
    if (node == null) {
      X509Certificate cert = issue(ca, r.csrPem(), r.nodeId(), r.apiBaseUrl());
      Instant now = now();
      Node n =
          new Node(
              r.nodeId(),
              r.nodeName(),
              r.apiBaseUrl(),
              r.accessHost(),
              Map.of(),
              NodeRole.VOTER,
              NodeStatus.JOINING,
              r.facts(),
              cert.getSerialNumber().toString(16),
              cert.getNotAfter().toInstant(),
              PemFiles.certificateToPem(cert),
              now,
              now,
              holder);
      Result added = replica.submit(r.tokenId(), new Command.AddNode(n));
      if (!added.ok() && added.error() != ErrorKind.CONFLICT) {
        throw new RaftrayException(added.error(), added.message());
      }
      s = replica.view();
      node = s.nodes().get(r.nodeId());
      if (node == null) {
        throw new RaftrayException(ErrorKind.UNAVAILABLE, "node record not applied yet; retry");
      }
    }
    List<JoinWire.Peer> peers = new ArrayList<>();
    for (Node n : s.nodes().values()) {
      if (n.status() != NodeStatus.REMOVED) {
        peers.add(new JoinWire.Peer(n.id(), n.apiBaseUrl()));
      }
    }
    JoinWire.Sealed sealed = null;
    if (holder && node.holdsCaKey()) {
      // Sealed to the joiner's node key from its CSR (which the token's signature covers):
      // nothing in the replicated state derives the key that opens it.
      sealed =
          JoinCrypto.sealTo(
              Csr.parse(r.csrPem()).publicKey(),
              ca.privateKey().orElseThrow().getEncoded(),
              aad(s.clusterId(), r.nodeId()));
    }
    return new JoinWire.Answer(
        s.clusterId(), r.nodeId(), node.certificatePem(), s.caCertPem(), peers, sealed);
  }

  static String aad(String clusterId, String nodeId) {
    return "raftray-ca-key|" + clusterId + "|" + nodeId;
  }

  /** The CA to check a CSR with before a token use: this node's, or a throwaway one. */
  private ClusterCa checkingCa() {
    if (ca.canIssue()) {
      return ca;
    }
    ClusterCa c = checker;
    if (c == null) {
      c = ClusterCa.create(ca.clusterId());
      checker = c;
    }
    return c;
  }

  private X509Certificate issue(ClusterCa with, String csrPem, String nodeId, String apiBaseUrl) {
    if (!with.canIssue()) {
      throw new RaftrayException(
          ErrorKind.UNAVAILABLE, "this node does not hold the CA key; join through a CA holder");
    }
    try {
      Csr.parse(csrPem);
      return with.issueFromCsr(
          csrPem, with.clusterId(), nodeId, hostNames(apiBaseUrl), NODE_CERT_VALIDITY);
    } catch (PkiException e) {
      throw new RaftrayException(
          ErrorKind.INVALID,
          "cannot issue a certificate: " + e.getMessage(),
          List.of(new FieldError("csr_pem", e.getMessage())));
    }
  }

  static Set<String> hostNames(String apiBaseUrl) {
    return ClusterCa.hostNames(apiBaseUrl);
  }

  /**
   * The request this token's holder made earlier with the same CSR, name and URL: the one whose
   * answer a joiner may have lost. Null when there is none.
   */
  private JoinRequest earlierRequest(JoinWire.Request r) {
    for (JoinRequest e : replica.view().joinRequests().values()) {
      if (e.tokenId().equals(r.tokenId())
          && e.csrPem().equals(r.csrPem())
          && e.nodeName().equals(r.nodeName())
          && e.apiBaseUrl().equals(r.apiBaseUrl())) {
        return e;
      }
    }
    return null;
  }

  /**
   * The leader's state for an id this replica does not know: one Raft ReadIndex, unless the id is a
   * known miss (then the local view, which cannot hold it either) or too many such reads are in
   * flight (503, so anonymous requests cannot queue up Raft work).
   */
  private State fresh(String id) {
    if (misses.contains(id)) {
      return replica.view();
    }
    if (!linearizable.tryAcquire()) {
      throw new RaftrayException(
          ErrorKind.UNAVAILABLE, "too many join lookups in progress on this node; retry");
    }
    try {
      return replica.linearizableView();
    } finally {
      linearizable.release();
    }
  }

  /** The token named in a request; a replica that has not seen it yet asks the leader. */
  private JoinToken token(String id) {
    JoinToken t = replica.view().joinTokens().get(id);
    if (t == null) {
      t = fresh(id).joinTokens().get(id);
    }
    if (t == null) {
      misses.add(id);
      throw new RaftrayException(
          ErrorKind.FORBIDDEN, "unknown join token " + id + " (wrong cluster, or deleted)");
    }
    return t;
  }

  /** Submits {@code c}; {@code credential} goes to the leader's check only, never into the log. */
  private void submit(String actor, @Nullable String credential, Command c) {
    Result r = credential == null ? replica.submit(actor, c) : replica.submit(actor, credential, c);
    if (!r.ok()) {
      throw r.toException();
    }
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  private interface Body {
    void run() throws Exception;
  }

  /**
   * Runs a join route: a client over its failure limit gets 429 before anything is read or looked
   * up; a refused request (bad proof, unknown token or request, malformed) counts as a failure.
   */
  private void guarded(ServerRequest req, ServerResponse res, Body body) {
    String source = ClientAddress.limitKey(ClientAddress.of(req, proxies));
    OptionalLong blocked = failures.blockedFor(source);
    if (blocked.isPresent()) {
      res.header(HeaderNames.RETRY_AFTER, Long.toString(blocked.getAsLong()));
      res.header(HeaderNames.CONNECTION, "close");
      Problems.send(
          res,
          ErrorKind.RATE_LIMITED,
          "too many refused join requests from this address; retry in "
              + blocked.getAsLong()
              + " s");
      return;
    }
    try {
      body.run();
    } catch (RaftrayException e) {
      if (counts(e.kind())) {
        failures.fail(source);
      }
      Problems.send(res, e);
    } catch (Exception e) {
      LOG.log(Level.SEVERE, "unexpected error on a join route", e);
      Problems.send(res, ErrorKind.INTERNAL, "internal error; see the node log");
    }
  }

  private static boolean counts(ErrorKind kind) {
    return switch (kind) {
      case INVALID, UNAUTHORIZED, FORBIDDEN, NOT_FOUND, TOO_LARGE -> true;
      default -> false;
    };
  }

  private static byte[] readBody(ServerRequest req) {
    OptionalLong declared = req.headers().contentLength();
    if (declared.isPresent() && declared.getAsLong() > MAX_BODY) {
      throw new RaftrayException(ErrorKind.TOO_LARGE, "join request larger than " + MAX_BODY);
    }
    if (!req.content().hasEntity()) {
      return new byte[0];
    }
    try (InputStream in = req.content().inputStream()) {
      byte[] b = in.readNBytes((int) MAX_BODY + 1);
      if (b.length > MAX_BODY) {
        throw new RaftrayException(ErrorKind.TOO_LARGE, "join request larger than " + MAX_BODY);
      }
      return b;
    } catch (IOException e) {
      throw new RaftrayException(ErrorKind.INVALID, "cannot read request body", e);
    }
  }

  private static JsonNode parse(byte[] body) {
    try {
      JsonNode n = body.length == 0 ? null : READER.readValue(body);
      if (n == null || !n.isObject()) {
        throw new RaftrayException(ErrorKind.INVALID, "a JSON object request body is required");
      }
      return n;
    } catch (IOException e) {
      throw new RaftrayException(ErrorKind.INVALID, "malformed JSON");
    }
  }

  private static void json(ServerResponse res, int status, Object body) {
    res.status(status);
    res.header(HeaderNames.CONTENT_TYPE, "application/json");
    res.header(HeaderNames.CACHE_CONTROL, "no-store");
    try {
      res.send(Json.mapper().writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode join answer", e);
    }
  }
}
