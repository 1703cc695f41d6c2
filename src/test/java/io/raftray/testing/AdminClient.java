package io.raftray.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.raftray.model.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * A small JSON client for one node's admin API, with a bearer token, trusting the cluster CA.
 *
 * <p>Transport failures (refused, reset, timed out) surface as {@link UncheckedIOException}, so a
 * test can tell "the node answered 503" from "nobody answered".
 */
public final class AdminClient {
  private final HttpClient http;
  private final String baseUrl;
  private final String token;
  private final Duration timeout;
  private final java.util.Map<String, String> headers;

  public AdminClient(HttpClient http, String baseUrl, String token, Duration timeout) {
    this(http, baseUrl, token, timeout, java.util.Map.of());
  }

  private AdminClient(
      HttpClient http,
      String baseUrl,
      String token,
      Duration timeout,
      java.util.Map<String, String> headers) {
    this.http = http;
    this.baseUrl = baseUrl;
    this.token = token;
    this.timeout = timeout;
    this.headers = headers;
  }

  /**
   * A client of the same node without a bearer token that sends {@code headers} instead (a console
   * session's {@code Cookie} and {@code X-CSRF-Token}, or nothing: anonymous).
   */
  public AdminClient withHeaders(java.util.Map<String, String> headers) {
    return new AdminClient(http, baseUrl, null, timeout, java.util.Map.copyOf(headers));
  }

  /** One answer: status, parsed body (MissingNode when empty or not JSON), headers. */
  public record Response(int status, JsonNode body, HttpHeaders headers) {
    public boolean ok() {
      return status / 100 == 2;
    }

    public Optional<String> header(String name) {
      return headers.firstValue(name);
    }

    public String contentType() {
      return header("Content-Type").orElse("");
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  public String baseUrl() {
    return baseUrl;
  }

  public AdminClient withTimeout(Duration t) {
    return new AdminClient(http, baseUrl, token, t, headers);
  }

  public Response get(String path) {
    return send("GET", path, null);
  }

  public Response post(String path, Object body) {
    return send("POST", path, body);
  }

  public Response patch(String path, Object body) {
    return send("PATCH", path, body);
  }

  public Response delete(String path) {
    return send("DELETE", path, null);
  }

  /** {@code body} is a JSON string, a JsonNode or anything Jackson can write. */
  public Response send(String method, String path, Object body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .timeout(timeout)
            .header("Accept", "application/json");
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    headers.forEach(b::header);
    if (body == null) {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      b.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(json(body)));
    }
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), parse(r.body()), r.headers());
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + baseUrl + path + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static String json(Object body) {
    if (body instanceof String s) {
      return s;
    }
    try {
      return Json.mapper().writeValueAsString(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode parse(String body) {
    if (body == null || body.isBlank()) {
      return MissingNode.getInstance();
    }
    try {
      return Json.mapper().readTree(body);
    } catch (IOException e) {
      return MissingNode.getInstance();
    }
  }
}
