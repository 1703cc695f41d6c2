package io.raftray.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for Telegram's Bot API on loopback (Telegram cannot be reached from tests): it answers
 * {@code POST /bot<token>/sendMessage} and {@code /getUpdates} as the real API does (the {@code
 * {"ok", "result"}} envelope), records every request, and hands out the chat messages a test queues
 * with {@link #say}. A wrong token gets Telegram's 401 answer; {@link #failNext} makes the next
 * sendMessage calls fail with 429 and {@code retry_after}.
 */
public final class StandInBotApi implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One recorded call: the method and its JSON body. */
  public record Call(String method, JsonNode body) {}

  private final HttpServer server;
  private final String token;
  private final List<Call> calls = new ArrayList<>();
  private final LinkedBlockingQueue<ObjectNode> pending = new LinkedBlockingQueue<>();
  private long nextUpdateId = 1000;
  private int failures;

  public StandInBotApi(String token) throws IOException {
    this.token = token;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", this::handle);
    server.start();
  }

  public URI base() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Queues a text message from {@code chatId}, delivered by the next getUpdates. */
  public synchronized void say(long chatId, String text) {
    ObjectNode u = JSON.createObjectNode();
    u.put("update_id", nextUpdateId++);
    ObjectNode m = u.putObject("message");
    m.put("message_id", nextUpdateId);
    m.putObject("chat").put("id", chatId).put("type", "private");
    m.put("text", text);
    pending.add(u);
  }

  /** The next {@code n} sendMessage calls answer 429 with {@code retry_after: 1}. */
  public synchronized void failNext(int n) {
    failures = n;
  }

  public synchronized List<Call> calls() {
    return List.copyOf(calls);
  }

  /** The texts sent to {@code chatId}, in order. */
  public synchronized List<String> sentTo(long chatId) {
    return calls.stream()
        .filter(
            c -> c.method().equals("sendMessage") && c.body().path("chat_id").asLong() == chatId)
        .map(c -> c.body().path("text").asText())
        .toList();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      JsonNode body = JSON.readTree(ex.getRequestBody().readAllBytes());
      String prefix = "/bot" + token + "/";
      if (!path.startsWith(prefix)) {
        reply(ex, 401, error(401, "Unauthorized"));
        return;
      }
      String method = path.substring(prefix.length());
      synchronized (this) {
        calls.add(new Call(method, body));
      }
      switch (method) {
        case "sendMessage" -> sendMessage(ex);
        case "getUpdates" -> getUpdates(ex, body);
        default -> reply(ex, 404, error(404, "Not Found: method not found"));
      }
    }
  }

  private void sendMessage(HttpExchange ex) throws IOException {
    boolean fail;
    synchronized (this) {
      fail = failures > 0;
      if (fail) {
        failures--;
      }
    }
    if (fail) {
      ObjectNode e = error(429, "Too Many Requests: retry after 1");
      e.putObject("parameters").put("retry_after", 1);
      reply(ex, 429, e);
      return;
    }
    ObjectNode ok = JSON.createObjectNode().put("ok", true);
    ok.putObject("result").put("message_id", 1);
    reply(ex, 200, ok);
  }

  private void getUpdates(HttpExchange ex, JsonNode body) throws IOException {
    long offset = body.path("offset").asLong(0);
    int wait = Math.min(body.path("timeout").asInt(0), 5);
    ArrayNode result = JSON.createArrayNode();
    try {
      ObjectNode first = pending.poll(wait, TimeUnit.SECONDS);
      if (first != null) {
        if (first.path("update_id").asLong() >= offset) {
          result.add(first);
        }
        ObjectNode more;
        while ((more = pending.poll()) != null) {
          result.add(more);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    ObjectNode ok = JSON.createObjectNode().put("ok", true);
    ok.set("result", result);
    reply(ex, 200, ok);
  }

  private static ObjectNode error(int code, String description) {
    return JSON.createObjectNode()
        .put("ok", false)
        .put("error_code", code)
        .put("description", description);
  }

  private static void reply(HttpExchange ex, int status, JsonNode body) throws IOException {
    byte[] b = JSON.writeValueAsBytes(body);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, b.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(b);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
