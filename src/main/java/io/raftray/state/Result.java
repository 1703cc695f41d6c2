package io.raftray.state;

import io.raftray.model.ErrorKind;
import io.raftray.model.FieldError;
import io.raftray.model.RaftrayException;
import java.util.List;

/**
 * Outcome of applying one command. On success {@code error} is null and {@code targetId} names the
 * affected entity; the caller reads it back from a view at or after {@code index}.
 */
public record Result(ErrorKind error, String message, String field, String targetId, long index) {

  public static Result ok(String targetId, long index) {
    return new Result(null, null, null, targetId, index);
  }

  public static Result rejected(ErrorKind kind, String field, String message, long index) {
    return new Result(kind, message, field, null, index);
  }

  public boolean ok() {
    return error == null;
  }

  /** A rejection as an exception; its field, when set, becomes an {@code errors[]} entry. */
  public RaftrayException toException() {
    List<FieldError> errors = field == null ? List.of() : List.of(new FieldError(field, message));
    return new RaftrayException(error, message, errors);
  }
}
