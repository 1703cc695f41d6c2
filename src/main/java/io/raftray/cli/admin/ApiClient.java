package io.raftray.cli.admin;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftray.model.Causes;
import io.raftray.model.Digests;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * A thin JSON client for {@code /api/v1}. Answers are parsed into {@link JsonNode}s; error statuses
 * become {@link ApiException}, transport problems {@link TransportException}. Redirects are not
 * followed, so the bearer token only ever goes to the configured server.
 */
final class ApiClient {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
  private static final int MAX_PAGES = 10_000;

  private final HttpClient http;
  private final String server;
  private final String base;
  private final String authorization;
  private final ObjectMapper json;

  ApiClient(URI server, String token, SSLContext tls, ObjectMapper json) {
    SSLParameters params = new SSLParameters();
    params.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
    this.http =
        HttpClient.newBuilder()
            .sslContext(tls)
            .sslParameters(params)
            .connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    this.server = server.toString().replaceAll("/+$", "");
    this.base = this.server + "/api/v1/";
    this.authorization = "Bearer " + token;
    this.json = json;
  }

  /** Joins path segments, percent-encoding each one (ids are opaque strings). */
  static String path(String... segments) {
    return Arrays.stream(segments).map(ApiClient::encode).collect(Collectors.joining("/"));
  }

  JsonNode get(String path) throws ApiException, TransportException {
    return send("GET", path, Map.of(), null);
  }

  JsonNode get(String path, Map<String, String> query) throws ApiException, TransportException {
    return send("GET", path, query, null);
  }

  JsonNode post(String path, JsonNode body) throws ApiException, TransportException {
    return send("POST", path, Map.of(), body);
  }

  JsonNode patch(String path, JsonNode body) throws ApiException, TransportException {
    return send("PATCH", path, Map.of(), body);
  }

  JsonNode delete(String path) throws ApiException, TransportException {
    return send("DELETE", path, Map.of(), null);
  }

  /**
   * GETs a list. With {@code all}, follows {@code next_cursor} until it is null and returns every
   * item in one {@code {"items": [...], "next_cursor": null}} object.
   */
  JsonNode list(String path, Map<String, String> query, boolean all)
      throws ApiException, TransportException {
    JsonNode page = get(path, query);
    if (!all) {
      return page;
    }
    ArrayNode items = json.createArrayNode();
    Set<String> seen = new HashSet<>();
    for (int pages = 1; ; pages++) {
      items.addAll((ArrayNode) page.withArray("items"));
      JsonNode cursor = page.path("next_cursor");
      if (!cursor.isTextual() || cursor.asText().isEmpty()) {
        break;
      }
      if (!seen.add(cursor.asText()) || pages >= MAX_PAGES) {
        throw new TransportException("server returned a repeating next_cursor for " + path, null);
      }
      Map<String, String> next = new LinkedHashMap<>(query);
      next.put("cursor", cursor.asText());
      page = get(path, next);
    }
    ObjectNode result = json.createObjectNode();
    result.set("items", items);
    result.putNull("next_cursor");
    return result;
  }

  JsonNode send(String method, String path, Map<String, String> query, JsonNode body)
      throws ApiException, TransportException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path + queryString(query)))
            .timeout(REQUEST_TIMEOUT)
            .header("Authorization", authorization)
            .header("Accept", "application/json, application/problem+json")
            .header("User-Agent", "raftray-cli");
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request
          .header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
    }
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TransportException("interrupted while waiting for " + server, e);
    } catch (IOException e) {
      throw new TransportException(describe(e), e);
    }
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      try {
        return parse(response.body());
      } catch (JacksonException e) {
        throw new TransportException(
            "unexpected response from "
                + server
                + ": "
                + method
                + " /api/v1/"
                + path
                + " did not return JSON",
            e);
      }
    }
    JsonNode problem;
    try {
      problem = parse(response.body());
    } catch (JacksonException e) {
      problem = MissingNode.getInstance();
    }
    throw ApiException.of(status, problem);
  }

  /** A GET answered with bytes (a backup): the answer's headers, the body's length and SHA-256. */
  record Download(java.net.http.HttpHeaders headers, long length, String sha256Hex) {}

  /**
   * GETs {@code path} and streams the body into {@code into} (an existing file, truncated), hashing
   * it on the way: a backup of a big cluster is never held in memory. {@code timeout} bounds the
   * wait for the answer to begin.
   */
  Download download(String path, Duration timeout, Path into)
      throws ApiException, TransportException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(timeout)
            .header("Authorization", authorization)
            .header("Accept", "application/octet-stream, application/problem+json")
            .header("User-Agent", "raftray-cli")
            .GET()
            .build();
    HttpResponse<InputStream> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TransportException("interrupted while waiting for " + server, e);
    } catch (IOException e) {
      throw new TransportException(describe(e), e);
    }
    byte[] problemBytes;
    try (InputStream in = response.body()) {
      if (response.statusCode() >= 200 && response.statusCode() < 300) {
        MessageDigest sha = Digests.sha256();
        long length;
        try (OutputStream out =
            Files.newOutputStream(
                into, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
          length = in.transferTo(new DigestOutputStream(out, sha));
        }
        return new Download(response.headers(), length, HexFormat.of().formatHex(sha.digest()));
      }
      problemBytes = in.readNBytes(1 << 16);
    } catch (IOException e) {
      throw new TransportException(describe(e), e);
    }
    JsonNode problem;
    try {
      problem = parse(new String(problemBytes, StandardCharsets.UTF_8));
    } catch (JacksonException e) {
      problem = MissingNode.getInstance();
    }
    throw ApiException.of(response.statusCode(), problem);
  }

  private JsonNode parse(String body) throws JacksonException {
    return body == null || body.isBlank() ? MissingNode.getInstance() : json.readTree(body);
  }

  private String describe(IOException e) {
    if (e instanceof HttpConnectTimeoutException) {
      return "cannot connect to " + server + ": connection timed out";
    }
    if (e instanceof HttpTimeoutException) {
      return "no answer from " + server + " within " + REQUEST_TIMEOUT.toSeconds() + "s";
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SSLException) {
        return "TLS connection to " + server + " failed: " + rootMessage(t);
      }
    }
    if (e instanceof ConnectException) {
      return "cannot connect to " + server + ": " + rootMessage(e);
    }
    return "request to " + server + " failed: " + rootMessage(e);
  }

  /** The most specific message in the cause chain, on one line; a plain word when none has one. */
  private static String rootMessage(Throwable t) {
    if (Causes.hasCause(t, UnresolvedAddressException.class)
        || Causes.hasCause(t, UnknownHostException.class)) {
      return "unknown host";
    }
    String message = Causes.innermostMessage(t);
    if (message == null) {
      // The JDK client often throws a bare ConnectException for a refused connection.
      return t instanceof ConnectException ? "connection refused" : "I/O error";
    }
    return message.lines().findFirst().orElse(message);
  }

  private static String queryString(Map<String, String> query) {
    if (query.isEmpty()) {
      return "";
    }
    return query.entrySet().stream()
        .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
        .collect(Collectors.joining("&", "?", ""));
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
