package io.raftray.cluster;

import io.raftray.model.Digests;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The signed form of a node-to-node request and the headers that carry it. One place defines the
 * canonical string, so signer and verifier cannot drift apart.
 *
 * <p>Canonical string (UTF-8, {@code \n} separated, no trailing newline):
 *
 * <pre>
 * raftray-v1
 * {METHOD}
 * {path without any proxy prefix, e.g. /cluster/v1/raft}
 * {sender node id}
 * {timestamp, epoch millis, exactly as sent}
 * {nonce, exactly as sent}
 * {lowercase hex SHA-256 of the body}
 * </pre>
 */
final class ClusterSignature {
  static final String VERSION = "raftray-v1";
  static final String NODE = "X-Raftray-Node";
  static final String TIMESTAMP = "X-Raftray-Timestamp";
  static final String NONCE = "X-Raftray-Nonce";
  static final String SIGNATURE = "X-Raftray-Signature";
  static final String CERT = "X-Raftray-Cert";
  static final List<String> HEADERS = List.of(NODE, TIMESTAMP, NONCE, SIGNATURE, CERT);
  static final int NONCE_BYTES = 16;

  private ClusterSignature() {}

  static byte[] canonical(
      String method, String path, String nodeId, String timestamp, String nonce, byte[] body) {
    String text =
        VERSION
            + '\n'
            + method
            + '\n'
            + path
            + '\n'
            + nodeId
            + '\n'
            + timestamp
            + '\n'
            + nonce
            + '\n'
            + Digests.sha256Hex(body);
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
