package io.raftray.daemon;

/** A node cannot start; the message is the one line an operator sees. */
public final class StartupException extends Exception {
  public StartupException(String message) {
    super(message);
  }

  public StartupException(String message, Throwable cause) {
    super(message, cause);
  }
}
