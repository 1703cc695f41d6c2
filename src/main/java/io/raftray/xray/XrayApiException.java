package io.raftray.xray;

/**
 * A failed call to the core's gRPC API. {@link Kind#ALREADY_EXISTS} and {@link Kind#NOT_FOUND} are
 * what the core answers for adding something present or removing something absent; the reconciler
 * treats them as success. The message never contains a credential.
 */
public final class XrayApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public enum Kind {
    ALREADY_EXISTS,
    NOT_FOUND,
    /** The core is not reachable (not started, restarting, wrong address). */
    UNAVAILABLE,
    /** The core refused the request (bad config, port in use...). */
    REJECTED,
    /** The endpoint cannot be built (unreadable certificate file, unsupported combination). */
    INVALID
  }

  private final Kind kind;

  public XrayApiException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public XrayApiException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
