package io.raftray.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftray.api.Router.Access;
import io.raftray.model.Ids;
import io.raftray.model.Webhook;
import io.raftray.model.WebhookDelivery;
import io.raftray.model.WebhookEventTypes;
import io.raftray.model.WebhookUrls;
import io.raftray.state.Command;
import io.raftray.state.State;
import io.raftray.state.Webhooks;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code /webhooks}: receivers of cluster events (docs/webhooks.md). Reads are for every role; the
 * secret is write-only: no answer carries it, except the one that created it when the cluster
 * generated it. Writes are for admins and the owner.
 */
final class WebhooksHandler {
  private static final Set<String> FIELDS = Set.of("url", "secret", "events", "enabled");
  private static final Set<String> SETTINGS_FIELDS = Set.of("expiring_days", "limit_near_percent");
  private static final Pattern EVENT = Pattern.compile("[a-z_]{1,32}\\.[a-z_]{1,32}");
  private static final String EVENT_RULE =
      "must be one of: " + String.join(", ", WebhookEventTypes.ALL);

  void routes(Router r) {
    r.get("/webhooks", Access.READ, this::list);
    r.post("/webhooks", Access.WRITE, this::create);
    r.get("/webhooks/settings", Access.READ, this::getSettings);
    r.patch("/webhooks/settings", Access.WRITE, this::updateSettings);
    r.get("/webhooks/{id}", Access.READ, this::get);
    r.patch("/webhooks/{id}", Access.WRITE, this::update);
    r.delete("/webhooks/{id}", Access.WRITE, this::delete);
    r.get("/webhooks/{id}/deliveries", Access.READ, this::deliveries);
  }

  private void list(Call c) {
    Query q = c.query();
    State s = c.read();
    c.reply(200, q.page(s.webhooks().hooks(), h -> true, h -> view(h, s.webhooks())), s);
  }

  private void get(Call c) {
    c.query();
    State s = c.read();
    c.reply(200, view(find(s, c.id()), s.webhooks()), s);
  }

  /** The delivery log, newest first (at most {@link Webhooks#DELIVERY_LOG} attempts). */
  private void deliveries(Call c) {
    c.query();
    State s = c.read();
    Webhook h = find(s, c.id());
    List<Object> items = new ArrayList<>();
    List<WebhookDelivery> log = h.deliveries();
    for (int i = log.size() - 1; i >= 0; i--) {
      WebhookDelivery d = log.get(i);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("event_id", d.eventId());
      m.put("seq", d.seq());
      m.put("type", d.type());
      m.put("at", d.at());
      m.put("attempt", d.attempt());
      m.put("status", d.status() == 0 ? null : d.status());
      m.put("outcome", d.outcome());
      m.put("error", d.error());
      m.put("duration_ms", d.durationMs());
      items.add(m);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("items", items);
    out.put("delivered_seq", h.deliveredSeq());
    out.put("pending", s.webhooks().pending(h.id(), h.deliveredSeq(), Webhooks.OUTBOX_MAX).size());
    out.put("dropped_events", h.droppedEvents());
    c.reply(200, out, s);
  }

  private static Webhook find(State s, String id) {
    Webhook h = s.webhooks().hooks().get(id);
    if (h == null) {
      throw Call.notFound("webhook", id);
    }
    return h;
  }

  static Map<String, Object> view(Webhook h, Webhooks w) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", h.id());
    m.put("url", h.url());
    m.put("secret_set", true);
    m.put("events", h.events());
    m.put("enabled", h.enabled());
    m.put("created_at", h.createdAt());
    m.put("updated_at", h.updatedAt());
    m.put("delivered_seq", h.deliveredSeq());
    m.put("pending", w.pending(h.id(), h.deliveredSeq(), Webhooks.OUTBOX_MAX).size());
    m.put("dropped_events", h.droppedEvents());
    WebhookDelivery last = h.deliveries().isEmpty() ? null : h.deliveries().getLast();
    m.put("last_delivery_at", last == null ? null : last.at());
    m.put("last_outcome", last == null ? null : last.outcome());
    return m;
  }

  /** The fields of a request, validated; null when absent. */
  private record Fields(String url, String secret, List<String> events, Boolean enabled) {
    static Fields read(ObjectNode body, boolean create) {
      Validator v = Validator.of(body, FIELDS);
      String url = v.string("url", create, 1, WebhookUrls.MAX_LENGTH);
      if (url != null) {
        WebhookUrls.problem(url).ifPresent(p -> v.error("url", p));
      }
      String secret = v.string("secret", false, 16, 256);
      List<String> events =
          v.strings("events", false, WebhookEventTypes.ALL.size(), EVENT, EVENT_RULE);
      if (events != null) {
        for (int i = 0; i < events.size(); i++) {
          if (!WebhookEventTypes.ALL.contains(events.get(i))) {
            v.error("events[" + i + "]", EVENT_RULE);
          }
        }
        events = List.copyOf(new LinkedHashSet<>(events));
      }
      Boolean enabled = v.bool("enabled", false);
      v.throwIfInvalid();
      return new Fields(url, secret, events, enabled);
    }
  }

  private void create(Call c) {
    Fields f = Fields.read(c.body(), true);
    Instant now = c.now();
    boolean generated = f.secret() == null;
    String secret = generated ? Ids.secret(32) : f.secret();
    Webhook h =
        new Webhook(
            Ids.newId("whk", now.toEpochMilli()),
            f.url(),
            secret,
            f.events() == null ? List.of() : f.events(),
            f.enabled() == null || f.enabled(),
            now,
            now,
            0,
            0,
            List.of());
    State after = c.submit(new Command.CreateWebhook(h));
    Map<String, Object> out = view(find(after, h.id()), after.webhooks());
    if (generated) {
      // Shown once, like a new admin token: the receiver needs it to verify signatures.
      out.put("secret", secret);
    }
    c.reply(201, out, after);
  }

  private void update(Call c) {
    State s = c.current();
    Webhook h = find(s, c.id());
    ObjectNode body = c.body();
    Fields f = Fields.read(body, false);
    if (body.isEmpty()) {
      c.reply(200, view(h, s.webhooks()), s);
      return;
    }
    State after =
        c.submit(new Command.UpdateWebhook(h.id(), f.url(), f.secret(), f.events(), f.enabled()));
    c.reply(200, view(find(after, h.id()), after.webhooks()), after);
  }

  private void delete(Call c) {
    Webhook h = find(c.current(), c.id());
    c.noContent(c.submit(new Command.DeleteWebhook(h.id())));
  }

  private static Map<String, Object> settingsView(Webhooks w) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("expiring_days", w.effectiveExpiringDays());
    m.put("limit_near_percent", w.effectiveLimitNearPercent());
    return m;
  }

  private void getSettings(Call c) {
    c.query();
    State s = c.read();
    c.reply(200, settingsView(s.webhooks()), s);
  }

  private void updateSettings(Call c) {
    ObjectNode body = c.body();
    Validator v = Validator.of(body, SETTINGS_FIELDS);
    Long days = v.integer("expiring_days", false, 1, 365);
    Long percent = v.integer("limit_near_percent", false, 1, 99);
    v.throwIfInvalid();
    if (body.isEmpty()) {
      State s = c.current();
      c.reply(200, settingsView(s.webhooks()), s);
      return;
    }
    State after =
        c.submit(
            new Command.UpdateWebhookSettings(
                days == null ? null : days.intValue(),
                percent == null ? null : percent.intValue()));
    c.reply(200, settingsView(after.webhooks()), after);
  }
}
