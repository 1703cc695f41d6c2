package io.raftray.daemon;

import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;

/** A node cannot start; the message is the one line an operator sees. */
@NullMarked
public final class StartupException extends Exception {
  public StartupException(String message) {
    super(message);
  }

  public StartupException(@Nullable String message, Throwable cause) {
    super(message, cause);
  }
}
