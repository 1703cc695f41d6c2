package io.raftray.join;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/** JSON bodies of {@code /cluster/v1/join} (snake_case through {@link io.raftray.model.Json}). */
final class JoinWire {
  private JoinWire() {}

  static final String PROOF_HEADER = "X-Raftray-Join-Proof";

  /** What the joining host sends; {@code proof} covers every other field. */
  record Request(
      String tokenId,
      String proof,
      String csrPem,
      String nodeName,
      String apiBaseUrl,
      String accessHost,
      Map<String, String> facts) {}

  /**
   * Ciphertext of the CA private key (PKCS#8 DER) with what is needed to derive its key; {@code
   * epk} is the sender's ephemeral public key (format 2, sealed to the joiner's node key).
   */
  record Sealed(
      String alg,
      String salt,
      String iv,
      String ciphertext,
      @JsonInclude(JsonInclude.Include.NON_NULL) String epk) {}

  record Peer(String nodeId, String apiBaseUrl) {}

  /** The answer to an approved join. */
  record Answer(
      String clusterId,
      String nodeId,
      String nodeCertPem,
      String caCertPem,
      List<Peer> peers,
      Sealed caKeyEncrypted) {}

  /** The answer while an admin has not decided yet (HTTP 202). */
  record Pending(String requestId, String status) {}
}
