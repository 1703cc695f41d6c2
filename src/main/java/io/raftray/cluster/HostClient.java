package io.raftray.cluster;

import io.raftray.model.Json;
import io.raftray.model.Node;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Asks another member for its host report, its recent log lines or a core restart over {@link
 * HostService}: a signed request, and an answer accepted only when it is signed by the member's key
 * recorded in this node's state over this request's nonce. Thread-safe.
 */
public final class HostClient {
  private final MemberClient client;
  private final String self;

  public HostClient(HttpClient http, ClusterRequestSigner signer, String selfId) {
    this.client = new MemberClient(http, signer);
    this.self = Objects.requireNonNull(selfId, "selfId");
  }

  /** {@link HostService#REPORT_ROUTE}: the member's host report (JSON). */
  public byte[] report(Node member, Duration timeout) throws IOException {
    return call(
        member, HostService.REPORT_ROUTE, new HostService.Query(member.id(), null, null), timeout);
  }

  /** {@link HostService#LOGS_ROUTE}: up to {@code tail} lines of {@code source} (JSON). */
  public byte[] logs(Node member, String source, int tail, Duration timeout) throws IOException {
    return call(
        member, HostService.LOGS_ROUTE, new HostService.Query(member.id(), source, tail), timeout);
  }

  /** {@link HostService#CORE_RESTART_ROUTE}: the member's core after the restart (JSON). */
  public byte[] restartCore(Node member, Duration timeout) throws IOException {
    return call(
        member,
        HostService.CORE_RESTART_ROUTE,
        new HostService.Query(member.id(), null, null),
        timeout);
  }

  /**
   * The verified answer on 200; {@link MemberClient.Refused} with the member's status and reason
   * otherwise (a 200 whose signature does not verify is refused as 502).
   */
  private byte[] call(Node member, String route, HostService.Query q, Duration timeout)
      throws IOException {
    MemberClient.Exchange sent =
        client.send(member, route, Json.mapper().writeValueAsBytes(q), timeout);
    HttpResponse<byte[]> res = sent.response();
    byte[] body = res.body() == null ? new byte[0] : res.body();
    if (res.statusCode() != 200) {
      throw new MemberClient.Refused(res.statusCode(), MemberClient.text(body));
    }
    Optional<String> problem =
        MemberClient.verifyAnswer(
            member, self, route, sent.signed().get(ClusterSignature.NONCE), res, body);
    if (problem.isPresent()) {
      throw new MemberClient.Refused(502, problem.get());
    }
    return body;
  }
}
