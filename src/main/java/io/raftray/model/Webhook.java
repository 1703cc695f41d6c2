package io.raftray.model;

import java.time.Instant;
import java.util.List;

/**
 * A receiver of cluster events (docs/webhooks.md). {@code secret} signs every delivery
 * (HMAC-SHA256) and is never shown or logged; {@code events} filters by type (empty: every type).
 * {@code deliveredSeq} is the replicated acknowledgement: every outbox event up to that sequence
 * number was delivered (or given up on by the outbox bound, counted in {@code droppedEvents}); the
 * leader resumes after it. {@code deliveries} is the bounded delivery log, newest last.
 */
public record Webhook(
    String id,
    String url,
    String secret,
    List<String> events,
    boolean enabled,
    Instant createdAt,
    Instant updatedAt,
    long deliveredSeq,
    long droppedEvents,
    List<WebhookDelivery> deliveries) {
  public Webhook {
    events = events == null ? List.of() : List.copyOf(events);
    deliveries = deliveries == null ? List.of() : List.copyOf(deliveries);
  }

  /** Whether this webhook wants events of {@code type}. */
  public boolean wants(String type) {
    return enabled && (events.isEmpty() || events.contains(type));
  }

  public Webhook withProgress(long seq, long dropped, List<WebhookDelivery> log) {
    return new Webhook(id, url, secret, events, enabled, createdAt, updatedAt, seq, dropped, log);
  }

  /** Never the secret: records are printed by tests and debuggers. */
  @Override
  public String toString() {
    return "Webhook[" + id + " " + url + " events=" + events + " enabled=" + enabled + "]";
  }
}
