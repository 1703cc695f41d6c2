package io.raftray.model;

import java.time.Instant;

/**
 * One delivery attempt of one event to one webhook, as the leader that made it reported it. {@code
 * status} is the receiver's HTTP status (0: no answer); {@code outcome} {@code delivered} (2xx) or
 * {@code failed}; {@code error} a short reason without the URL's query or any secret.
 */
public record WebhookDelivery(
    long seq,
    String eventId,
    String type,
    Instant at,
    int attempt,
    int status,
    String outcome,
    String error,
    long durationMs) {
  public static final String DELIVERED = "delivered";
  public static final String FAILED = "failed";
}
