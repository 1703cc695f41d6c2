package io.raftray.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;
import io.raftray.model.ErrorKind;
import io.raftray.model.FieldError;
import io.raftray.model.Json;
import io.raftray.model.RaftrayException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;

/**
 * THE error edge: the one table from the error vocabulary ({@link ErrorKind}) to HTTP status and
 * title, and the one place that writes an error answer. Every service on the port (admin API, join,
 * subscriptions, cluster routes) answers errors through {@link #send}; only the body differs by
 * {@link Renderer}. A facade with another error shape (for example {@code {"detail": ...}}) adds
 * one more renderer, never another table.
 */
@NullMarked
public final class Problems {
  /** The RFC 9457 media type. */
  public static final String MEDIA_TYPE = "application/problem+json";

  /** Turns one error into a body; the status, title and common headers are decided here. */
  public interface Renderer {
    String mediaType();

    byte[] body(ErrorKind kind, String detail, List<FieldError> errors);
  }

  /**
   * RFC 9457 problem+json: {@code type} ({@code urn:raftray:problem:<kind>}), {@code title}, {@code
   * status}, {@code detail} and, when fields were wrong, {@code errors[]}.
   */
  public static final Renderer RFC_9457 =
      new Renderer() {
        @Override
        public String mediaType() {
          return MEDIA_TYPE;
        }

        @Override
        public byte[] body(ErrorKind kind, String detail, List<FieldError> errors) {
          Map<String, Object> body = new LinkedHashMap<>();
          body.put("type", "urn:raftray:problem:" + slug(kind));
          body.put("title", title(kind));
          body.put("status", status(kind));
          body.put("detail", detail);
          if (!errors.isEmpty()) {
            List<Map<String, String>> list = new ArrayList<>();
            for (FieldError f : errors) {
              list.add(Map.of("field", f.field(), "message", f.message()));
            }
            body.put("errors", list);
          }
          try {
            return Json.mapper().writeValueAsBytes(body);
          } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode problem", e);
          }
        }
      };

  /**
   * One line of text: the answer of the node-to-node routes ({@code /cluster/v1/raft}, {@code
   * /renew}). Their only reader is the calling node, which puts the line into its log and its
   * exception message (Ratis carries errors as strings), so a JSON envelope would add nothing.
   */
  public static final Renderer PLAIN_TEXT =
      new Renderer() {
        @Override
        public String mediaType() {
          return "text/plain; charset=utf-8";
        }

        @Override
        public byte[] body(ErrorKind kind, String detail, List<FieldError> errors) {
          return detail.getBytes(StandardCharsets.UTF_8);
        }
      };

  private Problems() {}

  /** The one mapping from the vocabulary to HTTP status; the compiler checks it is complete. */
  public static int status(ErrorKind kind) {
    return switch (kind) {
      case INVALID -> 400;
      case UNPROCESSABLE -> 422;
      case UNAUTHORIZED -> 401;
      case FORBIDDEN -> 403;
      case NOT_FOUND -> 404;
      case METHOD_NOT_ALLOWED -> 405;
      case CONFLICT -> 409;
      case TOO_LARGE -> 413;
      case RATE_LIMITED -> 429;
      case INTERNAL -> 500;
      case UNAVAILABLE -> 503;
    };
  }

  /** The HTTP reason phrase of the kind's status. */
  public static String title(ErrorKind kind) {
    return switch (kind) {
      case INVALID -> "Bad Request";
      case UNPROCESSABLE -> "Unprocessable Content";
      case UNAUTHORIZED -> "Unauthorized";
      case FORBIDDEN -> "Forbidden";
      case NOT_FOUND -> "Not Found";
      case METHOD_NOT_ALLOWED -> "Method Not Allowed";
      case CONFLICT -> "Conflict";
      case TOO_LARGE -> "Content Too Large";
      case RATE_LIMITED -> "Too Many Requests";
      case INTERNAL -> "Internal Server Error";
      case UNAVAILABLE -> "Service Unavailable";
    };
  }

  /** {@code not-found}, {@code method-not-allowed}, ...: the last part of the problem type. */
  public static String slug(ErrorKind kind) {
    return kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Answers {@code e} as problem+json. */
  public static void send(ServerResponse res, RaftrayException e) {
    send(res, RFC_9457, e.kind(), e.getMessage(), e.errors());
  }

  /** Answers one error of the kind as problem+json. */
  public static void send(ServerResponse res, ErrorKind kind, @Nullable String detail) {
    send(res, RFC_9457, kind, detail, List.of());
  }

  /** Answers one error as one line of text (the node-to-node routes). */
  public static void sendText(ServerResponse res, ErrorKind kind, @Nullable String detail) {
    send(res, PLAIN_TEXT, kind, detail, List.of());
  }

  /**
   * Answers one error with the renderer's body. Headers set on {@code res} before (such as {@code
   * Allow}) are kept; every error gets {@code Cache-Control: no-store}, a 503 {@code Retry-After:
   * 1} unless one is set, and a problem+json 401 {@code WWW-Authenticate: Bearer}. Does nothing
   * when the answer was sent already.
   */
  public static void send(
      ServerResponse res,
      Renderer renderer,
      ErrorKind kind,
      @Nullable String detail,
      List<FieldError> errors) {
    if (res.isSent()) {
      return;
    }
    String text = detail == null ? title(kind).toLowerCase(Locale.ROOT) : detail;
    int status = status(kind);
    if (status == 401 && renderer == RFC_9457) {
      // Bearer tokens are the credential of the problem+json routes; node-to-node routes sign.
      res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"raftray\"");
    }
    if (status == 503 && !res.headers().contains(HeaderNames.RETRY_AFTER)) {
      res.header(HeaderNames.RETRY_AFTER, "1");
    }
    res.status(status);
    res.header(HeaderNames.CONTENT_TYPE, renderer.mediaType());
    res.header(HeaderNames.CACHE_CONTROL, "no-store");
    res.send(renderer.body(kind, text, errors));
  }
}
