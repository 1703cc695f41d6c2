package io.raftray.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.raftray.http.Mount;
import io.raftray.http.Problems;
import io.raftray.model.ErrorKind;
import io.raftray.model.Json;
import io.raftray.model.Node;
import io.raftray.model.RaftrayException;
import io.raftray.pki.ClusterCa;
import io.raftray.pki.PemFiles;
import io.raftray.pki.PkiException;
import io.raftray.state.Command;
import io.raftray.state.Replica;
import io.raftray.state.Result;
import io.raftray.state.State;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * The signing routes of a CA holder (mounted at {@code /cluster/v1}), both authenticated by {@link
 * ClusterAuth}: only nodes the replicated state marks as CA holders ({@link Node#holdsCaKey()}) and
 * that have the key sign; any other node answers 503 naming the holders.
 *
 * <p>{@code POST /renew}: a member asks for a new certificate for a key it generated, with its
 * current certificate, so only a member can renew, and only its own certificate. This node signs
 * the CSR and commits {@link Command.RenewNodeCertificate} through Raft; the old serial goes on the
 * deny list in that same entry. Renewers send it to a CA holder ({@link CertRenewer}); it is never
 * forwarded, because the holder must see the renewing node's own signature.
 *
 * <p>{@code POST /admit}: a member that took a join but does not hold the CA key asks this holder
 * to sign and record the node of an approved join request ({@link Admitter}). What is signed is
 * decided by the replicated state (the approved request and its CSR), not by the asking member.
 *
 * <p>The body names the receiving node ({@code to}) and the serial being replaced: the signature
 * covers the body, so a request captured on the way cannot be replayed to another member, and a
 * replay to the same member after the renewal is refused by the state machine.
 */
public final class RenewService implements HttpService {
  public static final String ROUTE = Mount.RENEW.path() + "/renew";
  public static final String ADMIT_ROUTE = Mount.RENEW.path() + "/admit";
  static final int MAX_BODY = 16 * 1024;
  private static final Logger LOG = Logger.getLogger(RenewService.class.getName());

  /** The request: the receiving node id, the serial being replaced, the CSR of the new key. */
  public record RenewRequest(String to, String replacesSerial, String csrPem) {}

  /** The answer: the new certificate. */
  public record RenewAnswer(String nodeCertPem, String certSerial, Instant certNotAfter) {}

  /** {@code POST /admit}: the receiving node id and the approved join request to admit. */
  public record AdmitRequest(String to, String requestId) {}

  /** Signs and records the node of an approved join request on this CA holder. */
  @FunctionalInterface
  public interface Admitter {
    /**
     * The join answer (JSON) for request {@code requestId}; throws {@link RaftrayException} when
     * the request is unknown, not approved, or cannot be admitted.
     */
    byte[] admit(String requestId);
  }

  private final ClusterAuth auth;
  private final Replica replica;
  private final ClusterCa ca;
  private final String localNodeId;
  private final Duration validity;
  private final Admitter admitter;

  // Renewals are rare (one per member per 20 days): a small budget is plenty.
  /** Renewals admitted and not yet answered: a node renews once in weeks. */
  static final int MAX_IN_FLIGHT = 16;

  private final BodyGate gate =
      new BodyGate("renewal request", MAX_BODY, 16L * MAX_BODY, MAX_IN_FLIGHT);

  public RenewService(
      ClusterAuth auth, Replica replica, ClusterCa ca, String localNodeId, Duration validity) {
    this(
        auth,
        replica,
        ca,
        localNodeId,
        validity,
        id -> {
          throw new RaftrayException(ErrorKind.UNAVAILABLE, "this node does not admit joins");
        });
  }

  public RenewService(
      ClusterAuth auth,
      Replica replica,
      ClusterCa ca,
      String localNodeId,
      Duration validity,
      Admitter admitter) {
    this.admitter = Objects.requireNonNull(admitter, "admitter");
    this.auth = Objects.requireNonNull(auth, "auth");
    this.replica = Objects.requireNonNull(replica, "replica");
    this.ca = Objects.requireNonNull(ca, "ca");
    this.localNodeId = Objects.requireNonNull(localNodeId, "localNodeId");
    this.validity = Objects.requireNonNull(validity, "validity");
  }

  @Override
  public void routing(HttpRules rules) {
    rules.post("/renew", this::renew).post("/admit", this::admit);
  }

  /**
   * Whether this node signs: it has the CA key and the state it has marks it as a CA holder (an
   * owner may have released it, or it may have joined as an ordinary node).
   */
  public static boolean signs(ClusterCa ca, State s, String localNodeId) {
    Node me = s.nodes().get(localNodeId);
    return ca.canIssue() && me != null && me.holdsCaKey();
  }

  /** The names of the CA holders other than {@code localNodeId}, for a refusal. */
  static String holderNames(State s, String localNodeId) {
    List<String> names = new ArrayList<>();
    for (Node n : s.nodes().values()) {
      if (n.holdsCaKey() && !n.id().equals(localNodeId)) {
        names.add(n.name());
      }
    }
    return names.isEmpty() ? "none known" : String.join(", ", names);
  }

  private void renew(ServerRequest req, ServerResponse res) {
    try (BodyGate.Permit permit = gate.admit(req)) {
      renew(req, res, permit.read(req));
    } catch (BodyGate.Refused e) {
      RaftHttpService.refuse(res, e);
    }
  }

  private void admit(ServerRequest req, ServerResponse res) {
    try (BodyGate.Permit permit = gate.admit(req)) {
      admit(req, res, permit.read(req));
    } catch (BodyGate.Refused e) {
      RaftHttpService.refuse(res, e);
    }
  }

  /**
   * A node's signed request to this CA holder, checked: the sender is authenticated, the body is
   * {@code type} without unknown fields, it is addressed to this node, and this node signs.
   */
  private record Checked<T>(String nodeId, T body, State state) {}

  /** {@link Checked}, or null when the refusal has been answered. */
  private <T> @Nullable Checked<T> check(
      ServerRequest req,
      ServerResponse res,
      byte[] body,
      String route,
      Class<T> type,
      String what,
      Function<T, String> to,
      String elsewhere) {
    ClusterAuth.Outcome outcome = auth.verify(ClusterAuth.Request.of(req, route, body));
    if (!outcome.accepted()) {
      Problems.sendText(
          res, outcome.verdict().kind, "cluster request not accepted: " + outcome.reason());
      return null;
    }
    T r;
    try {
      r =
          Json.mapper()
              .readerFor(type)
              .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
              .readValue(body);
    } catch (IOException e) {
      Problems.sendText(res, ErrorKind.INVALID, "malformed " + what);
      return null;
    }
    if (r == null) {
      Problems.sendText(res, ErrorKind.INVALID, "malformed " + what);
      return null;
    }
    if (!localNodeId.equals(to.apply(r))) {
      Problems.sendText(res, ErrorKind.FORBIDDEN, what + " is addressed to another node");
      return null;
    }
    State s = replica.view();
    if (!signs(ca, s, localNodeId)) {
      Problems.sendText(
          res,
          ErrorKind.UNAVAILABLE,
          "this node is not a CA holder; " + elsewhere + holderNames(s, localNodeId));
      return null;
    }
    return new Checked<>(outcome.nodeId(), r, s);
  }

  private void admit(ServerRequest req, ServerResponse res, byte[] body) {
    Checked<AdmitRequest> c =
        check(
            req,
            res,
            body,
            ADMIT_ROUTE,
            AdmitRequest.class,
            "admission request",
            AdmitRequest::to,
            "CA holders: ");
    if (c == null) {
      return;
    }
    AdmitRequest r = c.body();
    if (r.requestId() == null || !r.requestId().matches("[A-Za-z0-9_-]{1,64}")) {
      Problems.sendText(res, ErrorKind.INVALID, "request_id is required");
      return;
    }
    byte[] answer;
    try {
      answer = admitter.admit(r.requestId());
    } catch (RaftrayException e) {
      Problems.sendText(res, e.kind(), e.getMessage());
      return;
    }
    LOG.log(
        Level.INFO,
        "admitted join request {0} for member {1}",
        new Object[] {r.requestId(), c.nodeId()});
    res.status(Status.OK_200)
        .header(HeaderNames.CONTENT_TYPE, "application/json")
        .header(HeaderNames.CACHE_CONTROL, "no-store")
        .send(answer);
  }

  private void renew(ServerRequest req, ServerResponse res, byte[] body) {
    Checked<RenewRequest> c =
        check(
            req,
            res,
            body,
            ROUTE,
            RenewRequest.class,
            "renewal request",
            RenewRequest::to,
            "renew at one of: ");
    if (c == null) {
      return;
    }
    String nodeId = c.nodeId();
    RenewRequest r = c.body();
    State s = c.state();
    if (r.csrPem() == null || r.replacesSerial() == null) {
      Problems.sendText(res, ErrorKind.INVALID, "csr_pem and replaces_serial are required");
      return;
    }
    Node node = s.nodes().get(nodeId);
    if (node == null) {
      Problems.sendText(res, ErrorKind.FORBIDDEN, "node not known to this member yet");
      return;
    }
    X509Certificate cert;
    try {
      cert =
          ca.issueFromCsr(
              r.csrPem(), ca.clusterId(), nodeId, ClusterCa.hostNames(node.apiBaseUrl()), validity);
    } catch (PkiException e) {
      Problems.sendText(res, ErrorKind.INVALID, "cannot issue a certificate: " + e.getMessage());
      return;
    }
    String serial = cert.getSerialNumber().toString(16);
    Instant notAfter = cert.getNotAfter().toInstant();
    Result result;
    try {
      result =
          replica.submit(
              nodeId,
              new Command.RenewNodeCertificate(
                  nodeId, r.replacesSerial(), serial, PemFiles.certificateToPem(cert), notAfter));
    } catch (RaftrayException e) {
      Problems.sendText(res, ErrorKind.UNAVAILABLE, e.getMessage());
      return;
    }
    if (!result.ok()) {
      Problems.sendText(res, ErrorKind.CONFLICT, result.message());
      return;
    }
    LOG.log(
        Level.INFO, "issued renewed certificate {0} for node {1}", new Object[] {serial, nodeId});
    try {
      res.status(Status.OK_200)
          .header(HeaderNames.CONTENT_TYPE, "application/json")
          .header(HeaderNames.CACHE_CONTROL, "no-store")
          .send(
              Json.mapper()
                  .writeValueAsBytes(
                      new RenewAnswer(PemFiles.certificateToPem(cert), serial, notAfter)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode renewal answer", e);
    }
  }
}
