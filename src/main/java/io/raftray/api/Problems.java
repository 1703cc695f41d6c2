package io.raftray.api;

import io.helidon.webserver.http.ServerResponse;
import io.raftray.model.ErrorKind;
import io.raftray.model.FieldError;
import io.raftray.model.Json;
import io.raftray.model.RaftrayException;
import io.raftray.state.Result;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * RFC 9457 problem responses and THE table from the error vocabulary to HTTP status. Every error
 * the API answers goes through {@link #send}.
 */
final class Problems {
  static final String MEDIA_TYPE = "application/problem+json";

  /** The one mapping from {@link ErrorKind} to HTTP status. */
  private static final Map<ErrorKind, Integer> STATUS = new EnumMap<>(ErrorKind.class);

  static {
    STATUS.put(ErrorKind.INVALID, 400);
    STATUS.put(ErrorKind.NOT_FOUND, 404);
    STATUS.put(ErrorKind.CONFLICT, 409);
    STATUS.put(ErrorKind.UNAUTHORIZED, 401);
    STATUS.put(ErrorKind.FORBIDDEN, 403);
    STATUS.put(ErrorKind.TOO_LARGE, 413);
    STATUS.put(ErrorKind.UNAVAILABLE, 503);
    STATUS.put(ErrorKind.NOT_LEADER, 503);
  }

  private Problems() {}

  static int status(ErrorKind kind) {
    return STATUS.get(kind);
  }

  /** A Store rejection as an exception; its field, when set, becomes an {@code errors[]} entry. */
  static RaftrayException fromResult(Result r) {
    List<FieldError> errors =
        r.field() == null ? List.of() : List.of(new FieldError(r.field(), r.message()));
    return new RaftrayException(r.error(), r.message(), errors);
  }

  static void send(ServerResponse res, RaftrayException e) {
    send(res, status(e.kind()), slug(e.kind()), e.getMessage(), e.errors());
  }

  static void send(ServerResponse res, HttpProblem p) {
    p.headers().forEach(res::header);
    send(res, p.status(), p.slug(), p.getMessage(), List.of());
  }

  static void send(
      ServerResponse res, int status, String slug, String detail, List<FieldError> errors) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", "urn:raftray:problem:" + slug);
    body.put("title", title(status));
    body.put("status", status);
    body.put("detail", detail == null ? title(status).toLowerCase(Locale.ROOT) : detail);
    if (!errors.isEmpty()) {
      List<Map<String, String>> list = new ArrayList<>();
      for (FieldError f : errors) {
        list.add(Map.of("field", f.field(), "message", f.message()));
      }
      body.put("errors", list);
    }
    if (status == 401) {
      res.header("WWW-Authenticate", "Bearer realm=\"raftray\"");
    }
    if (status == 503 && !res.headers().contains(io.helidon.http.HeaderNames.RETRY_AFTER)) {
      res.header("Retry-After", "1");
    }
    res.status(status);
    res.header("Content-Type", MEDIA_TYPE);
    res.header("Cache-Control", "no-store");
    try {
      res.send(Json.mapper().writeValueAsBytes(body));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot encode problem", e);
    }
  }

  private static String slug(ErrorKind kind) {
    return kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  static String title(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 409 -> "Conflict";
      case 413 -> "Content Too Large";
      case 429 -> "Too Many Requests";
      case 503 -> "Service Unavailable";
      default -> status >= 500 ? "Internal Server Error" : "Error";
    };
  }
}
