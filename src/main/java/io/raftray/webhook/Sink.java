package io.raftray.webhook;

import io.raftray.model.Webhook;
import io.raftray.model.WebhookDelivery;
import io.raftray.model.WebhookEvent;

/**
 * Where a webhook's events go: one attempt of one event; never throws for the receiver's failure.
 */
interface Sink {
  WebhookDelivery send(Webhook h, WebhookEvent e, int attempt);
}
