package io.raftray.telegram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftray.model.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The few Bot API methods Raftray uses ({@code sendMessage}, {@code getUpdates}), with the JDK HTTP
 * client: no Bot API library on Maven Central is small and maintained enough to be worth a
 * dependency for two JSON calls. The token is part of every URL, so no exception or log line made
 * here contains a URL: they name the method and Telegram's {@code description}.
 */
public final class BotApi {
  /** Where Telegram's Bot API is; a node may point elsewhere (a local Bot API server, tests). */
  public static final URI TELEGRAM = URI.create("https://api.telegram.org");

  /** Telegram refuses longer messages (4,096 UTF-16 units); longer text is cut with an ellipsis. */
  static final int MAX_TEXT = 4096;

  private static final ObjectMapper JSON = Json.mapper();

  private final HttpClient http;
  private final URI base;
  private final String token;

  public BotApi(HttpClient http, URI base, String token) {
    this.http = http;
    this.base = base;
    this.token = token;
  }

  /** An HTTP client for the Bot API: no redirects (a redirect would carry the token elsewhere). */
  public static HttpClient client() {
    return HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(5))
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  /** One incoming message: {@code chatId} it came from, its {@code text} (empty when none). */
  public record Update(long updateId, long chatId, String text) {}

  /**
   * A refusal or failure of a Bot API call; {@code retryAfterSeconds} is 0 when Telegram gave none.
   */
  public static final class BotApiException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final long retryAfterSeconds;

    BotApiException(String message, int status, long retryAfterSeconds) {
      super(message);
      this.status = status;
      this.retryAfterSeconds = retryAfterSeconds;
    }

    /** The HTTP status, 0 when there was no answer. */
    public int status() {
      return status;
    }

    public long retryAfterSeconds() {
      return retryAfterSeconds;
    }
  }

  /** Sends {@code text} (plain, no parse mode, so nothing needs escaping) to {@code chatId}. */
  public void sendMessage(long chatId, String text) throws IOException {
    ObjectNode body = JSON.createObjectNode();
    body.put("chat_id", chatId);
    body.put("text", cut(text));
    body.put("disable_web_page_preview", true);
    call("sendMessage", body, Duration.ofSeconds(15));
  }

  /**
   * Long-polls for messages after {@code offset} (the last seen update id + 1, which also confirms
   * the earlier ones to Telegram), waiting at most {@code waitSeconds} on the server.
   */
  public List<Update> getUpdates(long offset, int waitSeconds) throws IOException {
    ObjectNode body = JSON.createObjectNode();
    body.put("offset", offset);
    body.put("timeout", waitSeconds);
    body.putArray("allowed_updates").add("message");
    JsonNode result = call("getUpdates", body, Duration.ofSeconds(waitSeconds + 10L));
    List<Update> out = new ArrayList<>();
    for (JsonNode u : result) {
      JsonNode m = u.path("message");
      out.add(
          new Update(
              u.path("update_id").asLong(),
              m.path("chat").path("id").asLong(),
              m.path("text").asText("")));
    }
    return out;
  }

  private JsonNode call(String method, ObjectNode body, Duration timeout) throws IOException {
    HttpRequest req =
        HttpRequest.newBuilder(base.resolve("/bot" + token + "/" + method))
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
            .build();
    HttpResponse<String> res;
    try {
      res = http.send(req, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BotApiException(method + ": interrupted", 0, 0);
    } catch (IOException e) {
      // The JDK's message may name the URL (and with it the token): keep only the kind.
      throw new BotApiException(method + ": " + e.getClass().getSimpleName(), 0, 0);
    }
    JsonNode answer;
    try {
      answer = JSON.readTree(res.body());
    } catch (IOException e) {
      throw new BotApiException(
          method + ": HTTP " + res.statusCode() + ", not JSON", res.statusCode(), 0);
    }
    if (res.statusCode() != 200 || !answer.path("ok").asBoolean(false)) {
      String description = answer.path("description").asText("no description");
      long retry = answer.path("parameters").path("retry_after").asLong(0);
      throw new BotApiException(
          method + ": HTTP " + res.statusCode() + ": " + redact(description),
          res.statusCode(),
          retry);
    }
    return answer.path("result");
  }

  /** Telegram's own descriptions do not hold the token, but nothing here relies on that. */
  private String redact(String text) {
    return token.isEmpty() ? text : text.replace(token, "<token>");
  }

  static String cut(String text) {
    return text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT - 1) + "…";
  }
}
