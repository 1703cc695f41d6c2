package io.raftray.state;

import static io.raftray.model.ErrorKind.CONFLICT;
import static io.raftray.model.ErrorKind.INVALID;
import static io.raftray.model.ErrorKind.NOT_FOUND;

import io.raftray.model.Webhook;
import io.raftray.model.WebhookDelivery;
import io.raftray.model.WebhookEvent;
import io.raftray.model.WebhookUrls;
import io.raftray.state.Command.AckWebhooks;
import io.raftray.state.Command.CreateWebhook;
import io.raftray.state.Command.DeleteWebhook;
import io.raftray.state.Command.ObserveEvents;
import io.raftray.state.Command.ObservedEvent;
import io.raftray.state.Command.UpdateWebhook;
import io.raftray.state.Command.UpdateWebhookSettings;
import io.raftray.state.Command.WebhookAck;
import io.raftray.state.Store.Changed;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.pcollections.TreePMap;

/**
 * Webhooks and their outbox (docs/webhooks.md). Pure, like every rules class: the events an entry
 * makes, the acknowledgements and the outbox bound are decided here, at apply, so every replica
 * holds the same outbox and a new leader resumes from the replicated {@code delivered_seq}.
 */
final class WebhookRules {
  private WebhookRules() {}

  static Changed create(State s, CreateWebhook c, Instant now) {
    Webhooks w = s.webhooks();
    Webhook h = c.webhook();
    if (w.hooks().containsKey(h.id())) {
      throw new Store.Rejection(CONFLICT, "id", "webhook " + h.id() + " exists");
    }
    if (w.hooks().size() >= Webhooks.MAX_HOOKS) {
      throw new Store.Rejection(
          CONFLICT, null, "at most " + Webhooks.MAX_HOOKS + " webhooks; delete one first");
    }
    check(h.url(), h.secret(), h.events());
    // Starts after the last event made so far: a new webhook is owed nothing from before it.
    Webhook stamped =
        new Webhook(
            h.id(),
            h.url(),
            h.secret(),
            h.events(),
            h.enabled(),
            now,
            now,
            w.lastSeq(),
            0,
            List.of());
    return new Changed(s.withWebhooks(w.withHooks(State.with(w.hooks(), h.id(), stamped))), h.id());
  }

  static Changed update(State s, UpdateWebhook u, Instant now) {
    Webhooks w = s.webhooks();
    Webhook h = find(w, u.id());
    String url = u.url() != null ? u.url() : h.url();
    String secret = u.secret() != null ? u.secret() : h.secret();
    List<String> events = u.events() != null ? u.events() : h.events();
    check(url, secret, events);
    Webhook next =
        new Webhook(
            h.id(),
            url,
            secret,
            events,
            u.enabled() != null ? u.enabled() : h.enabled(),
            h.createdAt(),
            now,
            h.deliveredSeq(),
            h.droppedEvents(),
            h.deliveries());
    return new Changed(s.withWebhooks(w.withHooks(State.with(w.hooks(), h.id(), next))), h.id());
  }

  static Changed delete(State s, DeleteWebhook d) {
    Webhooks w = s.webhooks();
    find(w, d.id());
    Webhooks next = w.withHooks(State.without(w.hooks(), d.id()));
    return new Changed(s.withWebhooks(prune(next)), d.id());
  }

  static Changed settings(State s, UpdateWebhookSettings u) {
    Integer days = u.expiringDays();
    if (days != null && (days < 1 || days > 365)) {
      throw new Store.Rejection(INVALID, "expiring_days", "expiring_days must be 1-365");
    }
    Integer percent = u.limitNearPercent();
    if (percent != null && (percent < 1 || percent > 99)) {
      throw new Store.Rejection(INVALID, "limit_near_percent", "limit_near_percent must be 1-99");
    }
    Webhooks w = s.webhooks();
    return new Changed(
        s.withWebhooks(
            w.withSettings(
                days != null ? days : w.expiringDays(),
                percent != null ? percent : w.limitNearPercent())),
        "webhook-settings");
  }

  /**
   * Moves each webhook's acknowledgement forward (never back: a batch from a former leader that
   * arrives late changes nothing it should not), appends the attempts to its bounded log and drops
   * the events every target has. Unknown webhooks (deleted meanwhile) are skipped.
   */
  static Changed ack(State s, AckWebhooks a) {
    Webhooks w = s.webhooks();
    TreePMap<String, Webhook> hooks = State.tree(w.hooks());
    for (WebhookAck ack : a.acks()) {
      Webhook h = hooks.get(ack.webhookId());
      if (h == null) {
        continue;
      }
      long seq = Math.min(Math.max(h.deliveredSeq(), ack.deliveredSeq()), w.lastSeq());
      hooks = hooks.plus(h.id(), h.withProgress(seq, h.droppedEvents(), log(h, ack.deliveries())));
    }
    return new Changed(s.withWebhooks(prune(w.withHooks(hooks))), "webhooks", false, null);
  }

  private static List<WebhookDelivery> log(Webhook h, List<WebhookDelivery> added) {
    if (added.isEmpty()) {
      return h.deliveries();
    }
    List<WebhookDelivery> all = new ArrayList<>(h.deliveries());
    all.addAll(added);
    int from = Math.max(0, all.size() - Webhooks.DELIVERY_LOG);
    return List.copyOf(all.subList(from, all.size()));
  }

  /**
   * Observed events: {@code node.down} only for a node not already down, {@code node.up} only for
   * one that is; an event with a dedupe time only once per subject and time. Expired dedupe keys go
   * first.
   */
  static Changed observe(State s, ObserveEvents o, Instant now) {
    Webhooks w = s.webhooks();
    TreePMap<String, String> notified = State.tree(w.notified());
    notified = notified.minusAll(notified.headMap(WebhookData.dedupeKey(now, ""), false).keySet());
    var down = State.set(w.downNodes());
    List<Pending> made = new ArrayList<>();
    for (ObservedEvent e : o.events()) {
      if (e.type().equals("node.down")) {
        if (down.contains(e.subject())) {
          continue;
        }
        down = down.plus(e.subject());
      } else if (e.type().equals("node.up")) {
        if (!down.contains(e.subject())) {
          continue;
        }
        down = down.minus(e.subject());
      }
      if (e.dedupeUntil() != null) {
        if (!e.dedupeUntil().isAfter(now)) {
          continue;
        }
        String k = WebhookData.dedupeKey(e.dedupeUntil(), e.subject());
        if (notified.containsKey(k)) {
          continue;
        }
        notified = notified.plus(k, e.type());
      }
      made.add(new Pending(e.type(), e.data()));
    }
    State next = s.withWebhooks(w.withDown(down).withNotified(notified));
    return new Changed(append(next, made, now), "webhooks", false, null);
  }

  /** An event to be made: its type and data. */
  record Pending(String type, Map<String, Object> data) {}

  /**
   * Appends {@code events} to the outbox, each to the enabled webhooks that want its type (none:
   * not made, and no sequence number used). Beyond {@link Webhooks#OUTBOX_MAX} the oldest events
   * are dropped: a webhook that had not been given one counts it in {@code dropped_events} and its
   * acknowledgement moves past it (decision: a receiver that is down for long loses the oldest
   * events, not the cluster its memory; docs/webhooks.md, "Bounds").
   */
  static State append(State s, List<Pending> events, Instant at) {
    if (events.isEmpty()) {
      return s;
    }
    Webhooks w = s.webhooks();
    TreePMap<Long, WebhookEvent> outbox = w.outboxTree();
    long seq = w.lastSeq();
    for (Pending p : events) {
      List<String> targets = new ArrayList<>();
      for (Webhook h : w.hooks().values()) {
        if (h.wants(p.type())) {
          targets.add(h.id());
        }
      }
      if (targets.isEmpty()) {
        continue;
      }
      seq++;
      outbox =
          outbox.plus(
              seq, new WebhookEvent(seq, WebhookEvent.idOf(seq), p.type(), at, p.data(), targets));
    }
    Webhooks next = w.withOutbox(outbox, seq);
    if (outbox.size() > Webhooks.OUTBOX_MAX) {
      next = dropOldest(next, outbox.size() - Webhooks.OUTBOX_MAX);
    }
    return s.withWebhooks(next);
  }

  private static Webhooks dropOldest(Webhooks w, int count) {
    TreePMap<Long, WebhookEvent> outbox = w.outboxTree();
    TreePMap<String, Webhook> hooks = State.tree(w.hooks());
    for (int i = 0; i < count; i++) {
      WebhookEvent e = outbox.firstEntry().getValue();
      outbox = outbox.minus(e.seq());
      for (String t : e.targets()) {
        Webhook h = hooks.get(t);
        if (h != null && h.deliveredSeq() < e.seq()) {
          hooks = hooks.plus(t, h.withProgress(e.seq(), h.droppedEvents() + 1, h.deliveries()));
        }
      }
    }
    return w.withHooks(hooks).withOutbox(outbox, w.lastSeq());
  }

  /** Drops events from the head of the outbox that every existing target acknowledged. */
  static Webhooks prune(Webhooks w) {
    TreePMap<Long, WebhookEvent> outbox = w.outboxTree();
    while (!outbox.isEmpty() && done(w, outbox.firstEntry().getValue())) {
      outbox = outbox.minus(outbox.firstKey());
    }
    return outbox == w.outbox() ? w : w.withOutbox(outbox, w.lastSeq());
  }

  private static boolean done(Webhooks w, WebhookEvent e) {
    for (String t : e.targets()) {
      Webhook h = w.hooks().get(t);
      if (h != null && h.deliveredSeq() < e.seq()) {
        return false;
      }
    }
    return true;
  }

  private static Webhook find(Webhooks w, String id) {
    Webhook h = w.hooks().get(id);
    if (h == null) {
      throw new Store.Rejection(NOT_FOUND, null, "no webhook " + id);
    }
    return h;
  }

  /** The API checks the same; this keeps a hand-made entry from storing an unusable webhook. */
  private static void check(String url, String secret, List<String> events) {
    String problem = WebhookUrls.problem(url).orElse(null);
    if (problem != null) {
      throw new Store.Rejection(INVALID, "url", "url " + problem);
    }
    if (secret == null || secret.length() < 16 || secret.length() > 256) {
      throw new Store.Rejection(INVALID, "secret", "secret must be 16-256 characters");
    }
    for (String e : events) {
      if (!io.raftray.model.WebhookEventTypes.ALL.contains(e)) {
        throw new Store.Rejection(INVALID, "events", "unknown event type " + e);
      }
    }
  }
}
