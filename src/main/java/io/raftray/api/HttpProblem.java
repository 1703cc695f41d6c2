package io.raftray.api;

import io.raftray.model.ErrorKind;
import java.util.Map;

/**
 * A refusal of the HTTP edge (405, 429) that must carry headers such as {@code Allow} or {@code
 * Retry-After}; answered by {@link io.raftray.http.Problems} like every other error.
 */
final class HttpProblem extends RuntimeException {
  private final ErrorKind kind;
  private final Map<String, String> headers;

  HttpProblem(ErrorKind kind, String detail, Map<String, String> headers) {
    super(detail, null, false, false);
    this.kind = kind;
    this.headers = Map.copyOf(headers);
  }

  ErrorKind kind() {
    return kind;
  }

  Map<String, String> headers() {
    return headers;
  }
}
