package io.raftray.cli.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * An HTTPS stand-in for the Raftray API on 127.0.0.1: records every request and answers with canned
 * responses in order (404 problem+json when none is left).
 */
final class StubApiServer implements AutoCloseable {
  record Request(String method, String path, String query, String authorization, String body) {}

  record Response(int status, String contentType, String body, Map<String, String> headers) {}

  private final HttpsServer server;
  private final List<Request> requests = new ArrayList<>();
  private final Deque<Response> responses = new ArrayDeque<>();

  StubApiServer(SSLContext tls) throws IOException {
    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(tls));
    server.createContext("/", this::handle);
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  String url(String host) {
    return "https://" + host + ":" + port();
  }

  /** Queues a JSON answer. */
  StubApiServer json(int status, String body) {
    return respond(status, "application/json", body);
  }

  StubApiServer problem(int status, String body) {
    return respond(status, "application/problem+json", body);
  }

  synchronized StubApiServer respond(int status, String contentType, String body) {
    return respond(status, contentType, body, Map.of());
  }

  /** Queues an answer with extra response headers. */
  synchronized StubApiServer respond(
      int status, String contentType, String body, Map<String, String> headers) {
    responses.add(new Response(status, contentType, body, headers));
    return this;
  }

  synchronized List<Request> requests() {
    return List.copyOf(requests);
  }

  Request onlyRequest() {
    List<Request> all = requests();
    if (all.size() != 1) {
      throw new AssertionError("expected exactly one request, got " + all);
    }
    return all.get(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    Response response;
    synchronized (this) {
      requests.add(
          new Request(
              exchange.getRequestMethod(),
              exchange.getRequestURI().getRawPath(),
              exchange.getRequestURI().getRawQuery(),
              exchange.getRequestHeaders().getFirst("Authorization"),
              body));
      response = responses.poll();
    }
    if (response == null) {
      response =
          new Response(
              404,
              "application/problem+json",
              "{\"title\":\"Not Found\",\"status\":404}",
              Map.of());
    }
    byte[] bytes = response.body().getBytes(StandardCharsets.UTF_8);
    if (response.contentType() != null) {
      exchange.getResponseHeaders().set("Content-Type", response.contentType());
    }
    response.headers().forEach(exchange.getResponseHeaders()::set);
    exchange.sendResponseHeaders(response.status(), bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
