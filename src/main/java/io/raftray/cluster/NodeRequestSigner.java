package io.raftray.cluster;

import io.raftray.pki.NodeIdentity;
import io.raftray.pki.Signatures;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Signs outbound cluster requests with this node's private key (see {@link ClusterSignature} for
 * the canonical string) and attaches the node certificate, so a receiver that does not yet know
 * this node from the replicated state can still check it against the cluster CA. For Raft requests
 * over a direct mTLS connection it also gives the unsigned headers of connection mode ({@link
 * #connectionHeaders}).
 */
public final class NodeRequestSigner implements ClusterRequestSigner {
  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

  private final Supplier<NodeIdentity> identities;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  /**
   * The identity, its encoded certificate and that certificate's fingerprint, recomputed only when
   * the identity changes.
   */
  private record Current(NodeIdentity identity, String certificate, String fingerprint) {}

  private volatile Current current;

  public NodeRequestSigner(NodeIdentity identity) {
    this(() -> identity, Clock.systemUTC());
  }

  /** Signs with whatever identity {@code identities} holds now (it changes on renewal). */
  public NodeRequestSigner(Supplier<NodeIdentity> identities) {
    this(identities, Clock.systemUTC());
  }

  NodeRequestSigner(NodeIdentity identity, Clock clock) {
    this(() -> identity, clock);
  }

  NodeRequestSigner(Supplier<NodeIdentity> identities, Clock clock) {
    this.identities = Objects.requireNonNull(identities, "identities");
    this.clock = Objects.requireNonNull(clock, "clock");
    current();
  }

  private Current current() {
    NodeIdentity identity = Objects.requireNonNull(identities.get(), "identity");
    Current c = current;
    if (c != null && c.identity() == identity) {
      return c;
    }
    try {
      c =
          new Current(
              identity,
              Base64.getEncoder().encodeToString(identity.nodeCert().getEncoded()),
              ClusterSignature.fingerprint(identity.nodeCert()));
    } catch (CertificateEncodingException e) {
      throw new IllegalArgumentException("node certificate cannot be encoded", e);
    }
    current = c;
    return c;
  }

  @Override
  public Map<String, String> headers(String method, String path, String to, byte[] body) {
    return sign(method, path, Objects.requireNonNull(to, "to"), body);
  }

  @Override
  public Map<String, String> connectionHeaders(String to) {
    Current c = current();
    if (c.fingerprint() == null) {
      return null;
    }
    return Map.of(
        ClusterSignature.NODE,
        c.identity().nodeId(),
        ClusterSignature.TO,
        Objects.requireNonNull(to, "to"),
        ClusterSignature.FINGERPRINT,
        c.fingerprint());
  }

  /** The v1 form, without the receiver: what earlier releases send (kept for their tests). */
  public Map<String, String> headers(String method, String path, byte[] body) {
    return sign(method, path, null, body);
  }

  private Map<String, String> sign(String method, String path, String to, byte[] body) {
    Current c = current();
    NodeIdentity identity = c.identity();
    String timestamp = Long.toString(clock.millis());
    byte[] nonceBytes = new byte[ClusterSignature.NONCE_BYTES];
    random.nextBytes(nonceBytes);
    String nonce = B64URL.encodeToString(nonceBytes);
    byte[] canonical =
        to == null
            ? ClusterSignature.canonical(method, path, identity.nodeId(), timestamp, nonce, body)
            : ClusterSignature.canonical(
                method, path, identity.nodeId(), to, timestamp, nonce, body);
    String signature =
        Base64.getEncoder().encodeToString(Signatures.sign(identity.privateKey(), canonical));
    Map<String, String> h = new java.util.LinkedHashMap<>();
    h.put(ClusterSignature.NODE, identity.nodeId());
    h.put(ClusterSignature.TIMESTAMP, timestamp);
    h.put(ClusterSignature.NONCE, nonce);
    h.put(ClusterSignature.SIGNATURE, signature);
    h.put(ClusterSignature.CERT, c.certificate());
    if (to != null) {
      h.put(ClusterSignature.TO, to);
    }
    return Map.copyOf(h);
  }

  /**
   * Headers that sign an answer to {@code asker}'s request with nonce {@code requestNonce} on
   * {@code path} (see {@link MemberLookup#answerCanonical}): node, timestamp, signature.
   */
  Map<String, String> answerHeaders(String path, String asker, String requestNonce, byte[] body) {
    NodeIdentity identity = current().identity();
    String timestamp = Long.toString(clock.millis());
    byte[] canonical =
        ClusterSignature.canonical(
            "ANSWER", path, identity.nodeId(), asker, timestamp, requestNonce, body);
    String signature =
        Base64.getEncoder().encodeToString(Signatures.sign(identity.privateKey(), canonical));
    return Map.of(
        ClusterSignature.NODE,
        identity.nodeId(),
        ClusterSignature.TIMESTAMP,
        timestamp,
        ClusterSignature.SIGNATURE,
        signature);
  }

  @Override
  public String toString() {
    return "NodeRequestSigner[" + identities.get().nodeId() + "]";
  }
}
