package io.raftray.state;

import io.raftray.model.Webhook;
import io.raftray.model.WebhookEvent;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** The snapshot form of {@link Webhooks}: lists in key order, the outbox by sequence number. */
record WebhooksForm(
    List<Webhook> hooks,
    List<WebhookEvent> outbox,
    long lastSeq,
    List<String> downNodes,
    Map<String, String> notified,
    Integer expiringDays,
    Integer limitNearPercent) {

  static WebhooksForm of(Webhooks w) {
    return new WebhooksForm(
        List.copyOf(w.hooks().values()),
        List.copyOf(w.outbox().values()),
        w.lastSeq(),
        List.copyOf(w.downNodes()),
        w.notified(),
        w.expiringDays(),
        w.limitNearPercent());
  }

  Webhooks toWebhooks() {
    TreeMap<String, Webhook> byId = new TreeMap<>();
    if (hooks != null) {
      hooks.forEach(h -> byId.put(h.id(), h));
    }
    TreeMap<Long, WebhookEvent> bySeq = new TreeMap<>();
    if (outbox != null) {
      outbox.forEach(e -> bySeq.put(e.seq(), e));
    }
    return new Webhooks(
        byId,
        bySeq,
        lastSeq,
        downNodes == null ? null : new TreeSet<>(downNodes),
        notified == null ? null : new TreeMap<>(notified),
        expiringDays,
        limitNearPercent);
  }
}
