package io.raftray.cluster;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Which authentication a sender of Raft requests uses towards each peer: connection mode (see
 * {@link ClusterAuth#verifyRaft}) by default, signed requests for {@link #SIGNED_FOR} after the
 * peer answered that it needs a signature (no client certificate reaches it through a proxy, the
 * connection carries an older certificate, it must ask a member about this node, or it is of a
 * release without connection mode); then connection mode is tried again.
 *
 * <p>Thread-safe; one instance per {@link RaftHttpCaller}.
 */
final class PeerAuthModes {
  private static final Logger LOG = Logger.getLogger(PeerAuthModes.class.getName());

  /** How long a peer that asked for signatures gets them before connection mode is tried again. */
  static final Duration SIGNED_FOR = Duration.ofMinutes(5);

  /** What a receiver of an earlier release answers (401) to a request without a signature. */
  static final String MISSING_SIGNATURE = "missing signature headers";

  private final Clock clock;
  private final Map<String, Long> signedUntil = new ConcurrentHashMap<>();

  PeerAuthModes(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Should the next request to {@code peer} go in connection mode? */
  boolean connectionMode(String peer) {
    Long until = signedUntil.get(peer);
    if (until == null) {
      return true;
    }
    if (clock.millis() < until) {
      return false;
    }
    signedUntil.remove(peer, until);
    return true;
  }

  /** {@code peer} answered that it needs a signature: sign towards it for {@link #SIGNED_FOR}. */
  void signatureRequired(String peer, String reason) {
    Long previous = signedUntil.put(peer, clock.millis() + SIGNED_FOR.toMillis());
    if (previous == null) {
      LOG.log(
          Level.INFO,
          "peer {0} needs signed cluster requests ({1}); signing towards it for {2}",
          new Object[] {peer, reason, SIGNED_FOR});
    }
  }

  /**
   * Does an answer ask for a signed request: a 401 whose text says a signature is required (this
   * release) or missing (earlier releases)? Null when it does not; the reason otherwise.
   */
  static String signatureAsked(int status, byte[] body) {
    if (status != 401 || body == null) {
      return null;
    }
    String text = new String(body, 0, Math.min(body.length, 512), StandardCharsets.UTF_8);
    int at = text.indexOf(ClusterAuth.SIGNATURE_REQUIRED);
    if (at >= 0) {
      String reason = text.substring(at + ClusterAuth.SIGNATURE_REQUIRED.length()).strip();
      return reason.length() > 120 ? reason.substring(0, 120) : reason;
    }
    return text.contains(MISSING_SIGNATURE) ? MISSING_SIGNATURE : null;
  }
}
