package io.raftray.cluster;

import io.raftray.model.Digests;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
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
 *
 * <p>Version 2 ({@code raftray-v2}, header {@code X-Raftray-To}) adds the receiving node id after
 * the sender id; see {@link #canonical(String, String, String, String, String, String, byte[])}.
 */
final class ClusterSignature {
  static final String VERSION = "raftray-v1";
  static final String NODE = "X-Raftray-Node";
  static final String TIMESTAMP = "X-Raftray-Timestamp";
  static final String NONCE = "X-Raftray-Nonce";
  static final String SIGNATURE = "X-Raftray-Signature";
  static final String CERT = "X-Raftray-Cert";
  static final String TO = "X-Raftray-To";

  /**
   * Connection mode (Raft routes on a direct mTLS connection): the SHA-256 of the sender's
   * certificate DER, base64url without padding, instead of a signature; see {@link
   * #fingerprint(X509Certificate)}.
   */
  static final String FINGERPRINT = "X-Raftray-Cert-Fingerprint";

  static final String VERSION_2 = "raftray-v2";
  static final List<String> HEADERS =
      List.of(NODE, TIMESTAMP, NONCE, SIGNATURE, CERT, TO, FINGERPRINT);
  static final int NONCE_BYTES = 16;

  private ClusterSignature() {}

  /**
   * The value of {@link #FINGERPRINT} for {@code cert}: SHA-256 of its DER encoding, base64url
   * without padding; null when the certificate cannot be encoded.
   */
  static String fingerprint(X509Certificate cert) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (CertificateEncodingException e) {
      return null;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  /**
   * The v2 string, bound to the receiving node: {@code raftray-v2}, method, path, sender id,
   * receiver id, timestamp, nonce, body hash. A request captured on its way to one member cannot be
   * replayed to another.
   */
  static byte[] canonical(
      String method,
      String path,
      String nodeId,
      String to,
      String timestamp,
      String nonce,
      byte[] body) {
    String text =
        String.join(
            "\n", VERSION_2, method, path, nodeId, to, timestamp, nonce, Digests.sha256Hex(body));
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** The v1 string (no receiver), still verified for senders of earlier releases. */
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
