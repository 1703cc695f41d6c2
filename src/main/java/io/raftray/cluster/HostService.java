package io.raftray.cluster;

import com.fasterxml.jackson.databind.DeserializationFeature;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.raftray.http.Mount;
import io.raftray.http.Problems;
import io.raftray.model.ErrorKind;
import io.raftray.model.Json;
import io.raftray.model.RaftrayException;
import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.Semaphore;

/**
 * {@code POST /host/report}, {@code /host/logs} and {@code /host/core-restart} (mounted at {@code
 * /cluster/v1}): what another member asks this node about its host when it answers an admin's
 * {@code GET /api/v1/nodes}, {@code /nodes/{id}/logs} or {@code POST /nodes/{id}/core/restart}. The
 * asker is authenticated by {@link ClusterAuth} from this node's own state (like {@link
 * MemberService}); the admin's role was checked by the asker's API before it relayed, so any active
 * member may ask. Answers are signed with this node's key over the asker's nonce ({@link
 * HostClient} verifies them). Nothing here writes through Raft.
 */
public final class HostService implements HttpService {
  public static final String REPORT_ROUTE = Mount.HOST.path() + "/host/report";
  public static final String LOGS_ROUTE = Mount.HOST.path() + "/host/logs";
  public static final String CORE_RESTART_ROUTE = Mount.HOST.path() + "/host/core-restart";
  static final int MAX_BODY = 1024;

  /** Requests served at once (a fan-out asks each member once per cache period); beyond: 503. */
  static final int MAX_CONCURRENT = 4;

  /** What this node answers; implemented by the daemon (host metrics, log buffers, the core). */
  public interface Host {
    /** This node's host report as a JSON object. */
    byte[] report();

    /** Up to {@code tail} recent lines of {@code source} (daemon, core), redacted, as JSON. */
    byte[] logs(String source, int tail);

    /** Restarts the supervised core; {@link ErrorKind#CONFLICT} when there is none running. */
    byte[] restartCore();
  }

  /** A request body: the receiving node; for logs the source and the number of lines. */
  public record Query(String to, String source, Integer tail) {}

  private final ClusterAuth auth;
  private final NodeRequestSigner signer;
  private final String localNodeId;
  private final Host host;
  private final BodyGate gate = new BodyGate("host query", MAX_BODY, 16L * MAX_BODY, 16);
  private final Semaphore running = new Semaphore(MAX_CONCURRENT);

  public HostService(ClusterAuth auth, NodeRequestSigner signer, String localNodeId, Host host) {
    this.auth = Objects.requireNonNull(auth, "auth");
    this.signer = Objects.requireNonNull(signer, "signer");
    this.localNodeId = Objects.requireNonNull(localNodeId, "localNodeId");
    this.host = Objects.requireNonNull(host, "host");
  }

  @Override
  public void routing(HttpRules rules) {
    rules.post("/host/report", (req, res) -> serve(req, res, REPORT_ROUTE));
    rules.post("/host/logs", (req, res) -> serve(req, res, LOGS_ROUTE));
    rules.post("/host/core-restart", (req, res) -> serve(req, res, CORE_RESTART_ROUTE));
  }

  private byte[] answer(String route, Query q) {
    if (route.equals(LOGS_ROUTE)) {
      if (q.source() == null || q.tail() == null) {
        throw new RaftrayException(ErrorKind.INVALID, "source and tail are required");
      }
      return host.logs(q.source(), q.tail());
    }
    return route.equals(CORE_RESTART_ROUTE) ? host.restartCore() : host.report();
  }

  private void serve(ServerRequest req, ServerResponse res, String route) {
    try (BodyGate.Permit permit = gate.admit(req)) {
      serve(req, res, route, permit.read(req));
    } catch (BodyGate.Refused e) {
      RaftHttpService.refuse(res, e);
    }
  }

  private void serve(ServerRequest req, ServerResponse res, String route, byte[] body) {
    ClusterAuth.Outcome outcome = auth.verifyKnown(ClusterAuth.Request.of(req, route, body));
    if (!outcome.accepted()) {
      Problems.sendText(
          res, outcome.verdict().kind, "cluster request not accepted: " + outcome.reason());
      return;
    }
    Query q;
    try {
      q =
          Json.mapper()
              .readerFor(Query.class)
              .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
              .readValue(body);
    } catch (IOException e) {
      Problems.sendText(res, ErrorKind.INVALID, "malformed host query");
      return;
    }
    if (q == null || !localNodeId.equals(q.to())) {
      Problems.sendText(res, ErrorKind.FORBIDDEN, "host query is addressed to another node");
      return;
    }
    if (!running.tryAcquire()) {
      Problems.sendText(res, ErrorKind.UNAVAILABLE, "too many host queries");
      return;
    }
    byte[] answer;
    try {
      answer = answer(route, q);
    } catch (RaftrayException e) {
      Problems.sendText(res, e.kind(), e.getMessage());
      return;
    } finally {
      running.release();
    }
    SignedAnswer.send(req, res, signer, route, outcome.nodeId(), answer);
  }
}
