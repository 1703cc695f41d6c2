package io.raftray.model;

/** Reading cause chains: what an operator needs of an exception, in one line. */
public final class Causes {
  private Causes() {}

  /** The innermost non-blank message in the cause chain; null when none has one. */
  public static String innermostMessage(Throwable e) {
    String message = null;
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        message = t.getMessage();
      }
    }
    return message;
  }

  /** The innermost message, or the innermost exception's simple class name when none has one. */
  public static String rootMessage(Throwable e) {
    String message = innermostMessage(e);
    if (message != null) {
      return message;
    }
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName();
  }

  /** Whether {@code e} or one of its causes is a {@code type}. */
  public static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }
}
