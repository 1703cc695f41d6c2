package io.raftray.api;

import java.util.Map;

/**
 * An HTTP-level refusal outside the domain error vocabulary (405, 429, 500), with extra headers
 * such as {@code Allow} or {@code Retry-After}.
 */
final class HttpProblem extends RuntimeException {
  private final int status;
  private final String slug;
  private final Map<String, String> headers;

  HttpProblem(int status, String slug, String detail, Map<String, String> headers) {
    super(detail, null, false, false);
    this.status = status;
    this.slug = slug;
    this.headers = Map.copyOf(headers);
  }

  int status() {
    return status;
  }

  String slug() {
    return slug;
  }

  Map<String, String> headers() {
    return headers;
  }
}
