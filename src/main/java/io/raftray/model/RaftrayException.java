package io.raftray.model;

import java.util.List;

/** A failure with a kind from the error vocabulary, a lowercase message and field errors. */
public final class RaftrayException extends RuntimeException {
  private final ErrorKind kind;
  private final List<FieldError> errors;

  public RaftrayException(ErrorKind kind, String message) {
    this(kind, message, List.of(), null);
  }

  public RaftrayException(ErrorKind kind, String message, Throwable cause) {
    this(kind, message, List.of(), cause);
  }

  public RaftrayException(ErrorKind kind, String message, List<FieldError> errors) {
    this(kind, message, errors, null);
  }

  public RaftrayException(
      ErrorKind kind, String message, List<FieldError> errors, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.errors = List.copyOf(errors);
  }

  public ErrorKind kind() {
    return kind;
  }

  public List<FieldError> errors() {
    return errors;
  }
}
