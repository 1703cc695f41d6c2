package io.raftray.cluster;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * A 200 JSON answer to a member's signed request, signed with this node's key over the request's
 * nonce and the body ({@link MemberClient#verifyAnswer} on the asker's side): {@link MemberService}
 * and {@link HostService}.
 */
final class SignedAnswer {
  private SignedAnswer() {}

  static void send(
      ServerRequest req,
      ServerResponse res,
      NodeRequestSigner signer,
      String route,
      String asker,
      byte[] answer) {
    String nonce = req.headers().first(HeaderNames.create(ClusterSignature.NONCE)).orElse("");
    signer.answerHeaders(route, asker, nonce, answer).forEach(res::header);
    res.status(Status.OK_200)
        .header(HeaderNames.CONTENT_TYPE, "application/json")
        .header(HeaderNames.CACHE_CONTROL, "no-store")
        .send(answer);
  }
}
