package io.raftray.webhook;

import io.raftray.model.Webhook;
import io.raftray.model.WebhookDelivery;
import io.raftray.model.WebhookEvent;

/**
 * Where a webhook's events go: one attempt of one event; never throws for the receiver's failure.
 */
interface Sink {
  WebhookDelivery send(Webhook h, WebhookEvent e, int attempt);

  /** The record of one attempt of {@code e}: delivered when {@code error} is null. */
  static WebhookDelivery attempt(
      WebhookEvent e, java.time.Instant start, int attempt, int status, String error, long ms) {
    return new WebhookDelivery(
        e.seq(),
        e.id(),
        e.type(),
        start,
        attempt,
        status,
        error == null ? WebhookDelivery.DELIVERED : WebhookDelivery.FAILED,
        error,
        ms);
  }
}
