package io.raftray.cli.admin;

/**
 * No usable answer from the server: connection refused, TLS failure, timeout or a malformed
 * response (exit code 1). The message is one line and never contains the token.
 */
final class TransportException extends Exception {
  private static final long serialVersionUID = 1L;

  TransportException(String message, Throwable cause) {
    super(message, cause);
  }
}
