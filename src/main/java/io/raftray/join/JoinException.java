package io.raftray.join;

/**
 * A join that cannot proceed, with a one-line reason. {@link #usage()} is true when the input (the
 * token or an option) is wrong rather than the cluster or the network.
 */
public final class JoinException extends Exception {
  private static final long serialVersionUID = 1L;
  private final boolean usage;

  private JoinException(String message, boolean usage, Throwable cause) {
    super(message, cause);
    this.usage = usage;
  }

  static JoinException usage(String message) {
    return new JoinException(message, true, null);
  }

  static JoinException failed(String message) {
    return new JoinException(message, false, null);
  }

  static JoinException failed(String message, Throwable cause) {
    return new JoinException(message, false, cause);
  }

  public boolean usage() {
    return usage;
  }
}
