package io.raftray.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.raftray.model.Causes;
import io.raftray.model.Json;
import io.raftray.model.Webhook;
import io.raftray.model.WebhookDelivery;
import io.raftray.model.WebhookEvent;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One POST of one event to one webhook. The body is the event as JSON ({@link #body}); headers name
 * the event, the webhook and the time, and sign {@code <timestamp>.<body>} ({@link Signatures}).
 * Only a 2xx answer counts as delivered; redirects are not followed (a receiver that moved answers
 * 3xx: update its url). The answer's body is not read beyond discarding it.
 */
final class WebhookSender implements Sink {
  static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final int ERROR_MAX = 200;

  private final HttpClient http;
  private final Clock clock;
  private final String clusterId;

  WebhookSender(HttpClient http, Clock clock, String clusterId) {
    this.http = http;
    this.clock = clock;
    this.clusterId = clusterId;
  }

  static HttpClient client() {
    return HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(5))
        .followRedirects(HttpClient.Redirect.NEVER)
        .version(HttpClient.Version.HTTP_1_1)
        .build();
  }

  /** The delivery body: the same bytes for every attempt of an event (only the headers change). */
  static byte[] body(WebhookEvent e, String clusterId) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", e.id());
    m.put("type", e.type());
    m.put("created_at", e.at().toString());
    m.put("cluster_id", clusterId);
    m.put("seq", e.seq());
    m.put("data", e.data());
    try {
      return Json.mapper().writeValueAsBytes(m);
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException("cannot encode webhook event", ex);
    }
  }

  /** Sends {@code e} to {@code h}; never throws for the receiver's failure, returns it. */
  @Override
  public WebhookDelivery send(Webhook h, WebhookEvent e, int attempt) {
    Instant start = clock.instant();
    byte[] body = body(e, clusterId);
    long ts = start.getEpochSecond();
    int status = 0;
    String error = null;
    try {
      HttpRequest req =
          HttpRequest.newBuilder(URI.create(h.url()))
              .timeout(TIMEOUT)
              .header("Content-Type", "application/json")
              .header("User-Agent", "raftray-webhook/1")
              .header(Signatures.EVENT_ID_HEADER, e.id())
              .header(Signatures.EVENT_TYPE_HEADER, e.type())
              .header(Signatures.WEBHOOK_ID_HEADER, h.id())
              .header(Signatures.TIMESTAMP_HEADER, Long.toString(ts))
              .header(Signatures.SIGNATURE_HEADER, Signatures.sign(h.secret(), ts, body))
              .POST(HttpRequest.BodyPublishers.ofByteArray(body))
              .build();
      HttpResponse<Void> resp = http.send(req, HttpResponse.BodyHandlers.discarding());
      status = resp.statusCode();
      if (status < 200 || status > 299) {
        error = "receiver answered " + status;
      }
    } catch (IOException | IllegalArgumentException ex) {
      // The message names the host at most (never the query or a secret).
      error = clip(Causes.rootMessage(ex));
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      error = "interrupted";
    }
    long ms = Duration.between(start, clock.instant()).toMillis();
    return Sink.attempt(e, start, attempt, status, error, ms);
  }

  private static String clip(String s) {
    String t = s == null ? "connection failed" : s;
    return t.length() <= ERROR_MAX ? t : t.substring(0, ERROR_MAX);
  }
}
