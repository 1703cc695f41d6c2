package io.raftray.model;

import java.time.Instant;
import java.util.Map;

/**
 * One use of a join token by a host: what it asked for (name, URLs, facts, the CSR of a key that
 * never left it) and the decision. {@code nodeId} is assigned when the request is made, so the node
 * record and certificate issued on approval are tied to exactly this request.
 */
public record JoinRequest(
    String id,
    String tokenId,
    String nodeId,
    String nodeName,
    String apiBaseUrl,
    String accessHost,
    Map<String, String> facts,
    String csrPem,
    JoinRequestStatus status,
    Instant createdAt,
    Instant decidedAt,
    String decidedBy,
    String reason) {

  public JoinRequest {
    facts = facts == null ? Map.of() : Map.copyOf(facts);
  }

  public JoinRequest decide(JoinRequestStatus to, Instant at, String by, String why) {
    return new JoinRequest(
        id,
        tokenId,
        nodeId,
        nodeName,
        apiBaseUrl,
        accessHost,
        facts,
        csrPem,
        to,
        createdAt,
        at,
        by,
        why);
  }
}
