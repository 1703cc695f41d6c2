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
import io.raftray.pki.ClusterCa;
import io.raftray.state.Replica;
import io.raftray.state.State;
import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.Semaphore;

/**
 * {@code POST /member} (mounted at {@code /cluster/v1}): a member asks for the record of a node as
 * this node's <em>linearizable</em> view has it (a Raft ReadIndex first), see {@link MemberLookup}.
 * The asker is authenticated by {@link ClusterAuth} from this node's own state only (no lookup on
 * its behalf, so lookups never chain), and the answer is signed with this node's key over the
 * asker's nonce. A removed asker is refused like on every cluster route (403 {@code node was
 * removed}), which is how a node removed while it was down learns it.
 */
public final class MemberService implements HttpService {
  public static final String ROUTE = Mount.MEMBER.path() + "/member";
  static final int MAX_BODY = 4 * 1024;

  /** Linearizable reads running at once for askers; beyond that 503. */
  static final int MAX_CONCURRENT = 4;

  private final ClusterAuth auth;
  private final Replica replica;
  private final NodeRequestSigner signer;
  private final String localNodeId;
  private final BodyGate gate = new BodyGate("member query", MAX_BODY, 16L * MAX_BODY, 16);
  private final Semaphore reads = new Semaphore(MAX_CONCURRENT);

  public MemberService(
      ClusterAuth auth, Replica replica, NodeRequestSigner signer, String localNodeId) {
    this.auth = Objects.requireNonNull(auth, "auth");
    this.replica = Objects.requireNonNull(replica, "replica");
    this.signer = Objects.requireNonNull(signer, "signer");
    this.localNodeId = Objects.requireNonNull(localNodeId, "localNodeId");
  }

  @Override
  public void routing(HttpRules rules) {
    rules.post("/member", this::member);
  }

  private void member(ServerRequest req, ServerResponse res) {
    try (BodyGate.Permit permit = gate.admit(req)) {
      member(req, res, permit.read(req));
    } catch (BodyGate.Refused e) {
      RaftHttpService.refuse(res, e);
    }
  }

  private void member(ServerRequest req, ServerResponse res, byte[] body) {
    ClusterAuth.Outcome outcome = auth.verifyKnown(ClusterAuth.Request.of(req, ROUTE, body));
    if (!outcome.accepted()) {
      Problems.sendText(
          res, outcome.verdict().kind, "cluster request not accepted: " + outcome.reason());
      return;
    }
    MemberLookup.Query q;
    try {
      q =
          Json.mapper()
              .readerFor(MemberLookup.Query.class)
              .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
              .readValue(body);
    } catch (IOException e) {
      Problems.sendText(res, ErrorKind.INVALID, "malformed member query");
      return;
    }
    if (q == null || q.nodeId() == null || !ClusterCa.isValidNodeId(q.nodeId())) {
      Problems.sendText(res, ErrorKind.INVALID, "node_id is required");
      return;
    }
    if (q.serial() != null && (q.serial().length() > 64 || !q.serial().matches("[0-9a-fA-F]+"))) {
      Problems.sendText(res, ErrorKind.INVALID, "serial must be hexadecimal");
      return;
    }
    if (!localNodeId.equals(q.to())) {
      Problems.sendText(res, ErrorKind.FORBIDDEN, "member query is addressed to another node");
      return;
    }
    if (!reads.tryAcquire()) {
      Problems.sendText(res, ErrorKind.UNAVAILABLE, "too many member queries");
      return;
    }
    State s;
    try {
      s = replica.linearizableView();
    } catch (RaftrayException e) {
      Problems.sendText(res, ErrorKind.UNAVAILABLE, "no linearizable view: " + e.getMessage());
      return;
    } finally {
      reads.release();
    }
    byte[] answer;
    try {
      answer = Json.mapper().writeValueAsBytes(MemberLookup.Answer.of(s, q));
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode member answer", e);
    }
    SignedAnswer.send(req, res, signer, ROUTE, outcome.nodeId(), answer);
  }
}
