package io.raftray.cluster;

import java.util.Map;

/**
 * Adds authentication headers to every outbound cluster request.
 *
 * <p>{@code path} is the route relative to the peer's base URL (for example {@code
 * /cluster/v1/raft}), never including a reverse-proxy prefix, so the receiver can verify the same
 * string whatever proxy sits in between.
 */
@FunctionalInterface
public interface ClusterRequestSigner {

  /** Signs nothing; the default until node signatures exist. */
  ClusterRequestSigner NONE = (method, path, to, body) -> Map.of();

  /**
   * Headers to add to a request for the node {@code to} (its node id, which the signature covers);
   * must not return null.
   */
  Map<String, String> headers(String method, String path, String to, byte[] body);

  /**
   * Headers of connection mode for a Raft request to {@code to} over a direct mTLS connection: this
   * node's id, the receiver and the fingerprint of the certificate this node presents in TLS, no
   * signature. Null when this signer has no such mode (then {@link #headers} is always used).
   */
  default Map<String, String> connectionHeaders(String to) {
    return null;
  }
}
