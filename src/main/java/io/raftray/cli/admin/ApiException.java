package io.raftray.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** The server answered with an error status; carries the problem+json fields when present. */
final class ApiException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String title;
  private final String detail;
  private final List<FieldError> errors;

  record FieldError(String field, String message) {}

  ApiException(int status, String title, String detail, List<FieldError> errors) {
    super("HTTP " + status + ": " + title);
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.errors = List.copyOf(errors);
  }

  /** Builds the exception from a response body; {@code problem} may be missing or not JSON. */
  static ApiException of(int status, JsonNode problem) {
    String title = text(problem, "title");
    if (title == null) {
      title = "HTTP " + status;
    }
    List<FieldError> errors = new ArrayList<>();
    for (JsonNode e : problem.path("errors")) {
      errors.add(new FieldError(e.path("field").asText("?"), e.path("message").asText("")));
    }
    return new ApiException(status, title, text(problem, "detail"), errors);
  }

  int status() {
    return status;
  }

  List<FieldError> errors() {
    return errors;
  }

  /** 401, 403 and 5xx are runtime failures (1); any other 4xx is a usage/validation error (2). */
  int exitCode() {
    return status >= 400 && status < 500 && status != 401 && status != 403 ? 2 : 1;
  }

  void print(PrintWriter err) {
    err.println("error: " + title + (detail == null || detail.equals(title) ? "" : ": " + detail));
    for (FieldError e : errors) {
      err.println("  - " + e.field() + ": " + e.message());
    }
    err.flush();
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.path(field);
    return v.isValueNode() && !v.isNull() && !v.asText().isBlank() ? v.asText() : null;
  }
}
