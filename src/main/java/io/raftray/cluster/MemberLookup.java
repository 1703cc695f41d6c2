package io.raftray.cluster;

import io.raftray.model.Json;
import io.raftray.model.Node;
import io.raftray.model.NodeStatus;
import io.raftray.state.State;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Asks members this node already knows (from its own replicated state) for the record of a node,
 * over {@code POST /cluster/v1/member} ({@link MemberService}): the request is signed like every
 * cluster request, the answer comes from the member's linearizable view and is signed by the
 * member's key over this request's nonce, and it is accepted only when that signature verifies with
 * the key recorded for the member in <em>this</em> node's state. So an answer can only come from a
 * member this node trusts anyway, and a node is never asked about itself by itself.
 *
 * <p>Used when a node comes back after membership changed while it was down: to check a sender its
 * state does not know yet ({@link ClusterAuth}), and to find out whether it was itself removed.
 * Thread-safe.
 */
public final class MemberLookup {

  /** The request body: the receiving node, the node asked about, the serial the asker sees. */
  public record Query(String to, String nodeId, String serial) {}

  /**
   * The answer body. {@code known} false: the member's linearizable view has no such node (the
   * other fields are null). {@code serialRevoked}: the serial of the query is on the deny list.
   */
  public record Answer(
      String nodeId,
      boolean known,
      String status,
      String certSerial,
      String certificatePem,
      boolean serialRevoked,
      long appliedIndex) {

    static Answer of(State s, Query q) {
      Node n = s.nodes().get(q.nodeId());
      boolean revoked = q.serial() != null && s.isRevoked(q.serial());
      if (n == null) {
        return new Answer(q.nodeId(), false, null, null, null, revoked, s.appliedIndex());
      }
      return new Answer(
          n.id(),
          true,
          n.status().name().toLowerCase(java.util.Locale.ROOT),
          n.certSerial(),
          n.certificatePem(),
          revoked,
          s.appliedIndex());
    }

    public boolean removed() {
      return NodeStatus.REMOVED.name().equalsIgnoreCase(status);
    }
  }

  /**
   * What one member said: a verified {@code answer}, or null with the HTTP status (0 when it did
   * not answer) and a short text.
   */
  public record Reply(String memberId, String memberName, int status, Answer answer, String text) {
    public boolean verified() {
      return answer != null;
    }
  }

  private final MemberClient client;
  private final Supplier<State> state;
  private final String self;
  private final Duration timeout;

  public MemberLookup(
      HttpClient http,
      ClusterRequestSigner signer,
      Supplier<State> state,
      String selfId,
      Duration timeout) {
    this.client = new MemberClient(http, signer);
    this.state = Objects.requireNonNull(state, "state");
    this.self = Objects.requireNonNull(selfId, "selfId");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  /**
   * Asks the active members of this node's state other than itself and {@code exclude}, in id
   * order, until one gives a verified answer (the last reply then). Never throws: unreachable and
   * refusing members are replies too.
   */
  public List<Reply> ask(String nodeId, String serial, Set<String> exclude) {
    State s = state.get();
    List<Reply> replies = new ArrayList<>();
    for (Node m : s.nodes().values()) {
      if (m.status() != NodeStatus.ACTIVE
          || m.id().equals(self)
          || exclude.contains(m.id())
          || m.apiBaseUrl() == null) {
        continue;
      }
      Reply r = askOne(m, new Query(m.id(), nodeId, serial));
      replies.add(r);
      if (r.verified()) {
        break;
      }
    }
    return replies;
  }

  private Reply askOne(Node member, Query q) {
    byte[] body;
    try {
      body = Json.mapper().writeValueAsBytes(q);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode member query", e);
    }
    MemberClient.Exchange sent;
    try {
      sent = client.send(member, MemberService.ROUTE, body, timeout);
    } catch (IOException e) {
      return new Reply(member.id(), member.name(), 0, null, "no answer: " + e.getMessage());
    }
    HttpResponse<byte[]> res = sent.response();
    byte[] answerBody = res.body() == null ? new byte[0] : res.body();
    if (res.statusCode() != 200) {
      return new Reply(
          member.id(), member.name(), res.statusCode(), null, MemberClient.text(answerBody));
    }
    Optional<String> problem =
        MemberClient.verifyAnswer(
            member,
            self,
            MemberService.ROUTE,
            sent.signed().get(ClusterSignature.NONCE),
            res,
            answerBody);
    if (problem.isPresent()) {
      return new Reply(member.id(), member.name(), 200, null, problem.get());
    }
    Answer a;
    try {
      a = Json.mapper().readValue(answerBody, Answer.class);
    } catch (IOException e) {
      return new Reply(member.id(), member.name(), 200, null, "unreadable answer");
    }
    if (a == null || !q.nodeId().equals(a.nodeId())) {
      return new Reply(member.id(), member.name(), 200, null, "answer about another node");
    }
    return new Reply(member.id(), member.name(), 200, a, "ok");
  }

  /**
   * What the answering member signs: the v2 canonical string with the method {@code ANSWER}, the
   * route, the member as sender, the asker as receiver, the answer's timestamp, the nonce of the
   * asker's request (so an old answer cannot be passed off as this one) and the answer body.
   */
  static byte[] answerCanonical(
      String member, String asker, String timestamp, String requestNonce, byte[] body) {
    return MemberClient.answerCanonical(
        MemberService.ROUTE, member, asker, timestamp, requestNonce, body);
  }
}
