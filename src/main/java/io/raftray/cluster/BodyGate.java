package io.raftray.cluster;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.raftray.model.ErrorKind;
import io.raftray.pki.ClusterCa;
import java.io.IOException;
import java.io.InputStream;
import java.util.OptionalLong;
import java.util.concurrent.Semaphore;

/**
 * What a node-to-node route checks before it reads a byte of the body, and the bounded read itself.
 * The signature covers a hash of the body, so it can only be verified once the body has arrived;
 * this gate makes sure that a stranger cannot make the node hold much memory until then:
 *
 * <ul>
 *   <li>a request without the signature headers (or with a malformed node id) is refused with 401
 *       and its body is never read; on the Raft routes the headers of connection mode (node id and
 *       certificate fingerprint) do as well, since the TLS client certificate they rest on was
 *       verified in the handshake;
 *   <li>a declared {@code Content-Length} above the route's cap is refused with 413 unread; a body
 *       without a declared length is read up to the cap and refused beyond it;
 *   <li>the bytes held by requests whose signature is not yet verified (or that are being handled)
 *       are bounded by one budget per route class, and so is their number (many small bodies would
 *       otherwise pass a byte budget); over either the request gets 503 unread.
 * </ul>
 *
 * <p>Thread-safe; one instance per route class and daemon.
 */
final class BodyGate {
  /** A request the gate refused: the kind and a short reason without secrets. */
  static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;
    final transient ErrorKind kind;

    Refused(ErrorKind kind, String reason) {
      super(reason, null, false, false);
      this.kind = kind;
    }
  }

  /** Bytes of the budget held by one admitted request; release it when the request is done. */
  final class Permit implements AutoCloseable {
    private final int units;
    private boolean released;

    private Permit(int units) {
      this.units = units;
    }

    /** Reads the admitted body: at most the declared length or the cap. */
    byte[] read(ServerRequest req) throws Refused {
      return BodyGate.this.read(req);
    }

    @Override
    public void close() {
      synchronized (this) {
        if (released) {
          return;
        }
        released = true;
      }
      budget.release(units);
      slots.release();
    }
  }

  private static final int UNIT = 1024;

  private final String what;
  private final int maxBody;
  private final Semaphore budget;
  private final Semaphore slots;

  /**
   * @param what the route class in messages ("raft request", "renewal request")
   * @param maxBody the largest body the route accepts, in bytes
   * @param budgetBytes the most body bytes all requests of the class may hold at once
   * @param maxInFlight the most requests of the class admitted and not yet answered
   */
  BodyGate(String what, int maxBody, long budgetBytes, int maxInFlight) {
    if (maxBody < 1 || budgetBytes < maxBody) {
      throw new IllegalArgumentException("the budget must hold at least one largest body");
    }
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("at least one request must be admitted");
    }
    this.what = what;
    this.maxBody = maxBody;
    this.budget = new Semaphore((int) Math.min(Integer.MAX_VALUE, budgetBytes / UNIT));
    this.slots = new Semaphore(maxInFlight);
  }

  int maxBody() {
    return maxBody;
  }

  /** Budget bytes free right now (tests, metrics). */
  long available() {
    return (long) budget.availablePermits() * UNIT;
  }

  /**
   * Checks the headers and the declared length and reserves the budget; nothing is read. The caller
   * must close the permit when it is done with the request (and its body).
   */
  Permit admit(ServerRequest req) throws Refused {
    return admit(req, true);
  }

  /** {@link #admit(ServerRequest)}; without the header check for unsigned transport tests. */
  Permit admit(ServerRequest req, boolean signed) throws Refused {
    if (signed) {
      signatureHeaders(req, false);
    }
    return reserve(req);
  }

  /**
   * {@link #admit(ServerRequest)} for the Raft routes: the headers of connection mode (node id and
   * certificate fingerprint, see {@link ClusterAuth#verifyRaft}) pass the gate too.
   */
  Permit admitRaft(ServerRequest req, boolean authenticated) throws Refused {
    if (authenticated) {
      signatureHeaders(req, true);
    }
    return reserve(req);
  }

  private static void signatureHeaders(ServerRequest req, boolean connectionMode) throws Refused {
    String node = req.headers().first(HeaderNames.create(ClusterSignature.NODE)).orElse(null);
    if (connectionMode
        && node != null
        && req.headers().contains(HeaderNames.create(ClusterSignature.FINGERPRINT))
        && !req.headers().contains(HeaderNames.create(ClusterSignature.SIGNATURE))) {
      if (!ClusterCa.isValidNodeId(node)) {
        throw new Refused(
            ErrorKind.UNAUTHORIZED, "cluster request not authenticated: malformed node id");
      }
      return;
    }
    for (String h :
        new String[] {
          ClusterSignature.TIMESTAMP, ClusterSignature.NONCE, ClusterSignature.SIGNATURE
        }) {
      if (node == null || !req.headers().contains(HeaderNames.create(h))) {
        throw new Refused(
            ErrorKind.UNAUTHORIZED, "cluster request not authenticated: missing signature headers");
      }
    }
    if (!ClusterCa.isValidNodeId(node)) {
      throw new Refused(
          ErrorKind.UNAUTHORIZED, "cluster request not authenticated: malformed node id");
    }
  }

  private Permit reserve(ServerRequest req) throws Refused {
    OptionalLong declared = req.headers().contentLength();
    if (declared.isPresent() && declared.getAsLong() > maxBody) {
      throw new Refused(ErrorKind.TOO_LARGE, what + " larger than " + maxBody + " bytes");
    }
    long size = declared.isPresent() ? declared.getAsLong() : maxBody;
    int units = (int) Math.max(1, (size + UNIT - 1) / UNIT);
    if (!slots.tryAcquire()) {
      throw new Refused(
          ErrorKind.UNAVAILABLE, "too many " + what + "s in progress on this node; retry");
    }
    if (!budget.tryAcquire(units)) {
      slots.release();
      throw new Refused(
          ErrorKind.UNAVAILABLE, "too many " + what + "s in progress on this node; retry");
    }
    return new Permit(units);
  }

  private byte[] read(ServerRequest req) throws Refused {
    if (!req.content().hasEntity()) {
      return new byte[0];
    }
    OptionalLong declared = req.headers().contentLength();
    int limit = declared.isPresent() ? (int) declared.getAsLong() : maxBody + 1;
    byte[] body;
    try (InputStream in = req.content().inputStream()) {
      body = in.readNBytes(limit);
    } catch (IOException | RuntimeException e) {
      throw new Refused(ErrorKind.INVALID, "cannot read the " + what + " body");
    }
    if (body.length > maxBody) {
      throw new Refused(ErrorKind.TOO_LARGE, what + " larger than " + maxBody + " bytes");
    }
    return body;
  }
}
