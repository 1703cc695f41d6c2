package io.raftray.state;

import io.raftray.model.Webhook;
import io.raftray.model.WebhookEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.NavigableSet;
import org.jspecify.annotations.Nullable;
import org.pcollections.TreePMap;
import org.pcollections.TreePSet;

/**
 * The replicated webhook part of the state (docs/webhooks.md): the webhooks, the outbox of events
 * not yet delivered to every target, the last event sequence number handed out (never reused, so
 * event ids stay unique after the outbox empties), the nodes the leader reported down (so {@code
 * node.down}/{@code node.up} alternate), the dedupe keys of time-based events ({@code
 * user.expiring}, {@code certificate.expiring}: {@code <millis, 15 digits>|<subject>}, dropped once
 * that time has passed) and the two thresholds of derived events. Maps are persistent trees, like
 * every map of {@link State}.
 */
public record Webhooks(
    NavigableMap<String, Webhook> hooks,
    NavigableMap<Long, WebhookEvent> outbox,
    long lastSeq,
    NavigableSet<String> downNodes,
    NavigableMap<String, String> notified,
    @Nullable Integer expiringDays,
    @Nullable Integer limitNearPercent) {
  /** At most this many events wait in the outbox; beyond it the oldest are dropped. */
  public static final int OUTBOX_MAX = 10_000;

  /** Delivery log entries kept per webhook. */
  public static final int DELIVERY_LOG = 100;

  /** At most this many webhooks. */
  public static final int MAX_HOOKS = 32;

  public static final int DEFAULT_EXPIRING_DAYS = 3;
  public static final int DEFAULT_LIMIT_NEAR_PERCENT = 80;

  private static final Webhooks EMPTY = new Webhooks(null, null, 0, null, null, null, null);

  public Webhooks {
    hooks = hooks == null ? TreePMap.empty() : State.tree(hooks);
    outbox = outbox == null ? TreePMap.empty() : longTree(outbox);
    downNodes = downNodes == null ? TreePSet.empty() : State.set(downNodes);
    notified = notified == null ? TreePMap.empty() : State.tree(notified);
  }

  public static Webhooks empty() {
    return EMPTY;
  }

  /** Nothing here: the snapshot leaves the section out. */
  public boolean isEmpty() {
    return hooks.isEmpty()
        && outbox.isEmpty()
        && lastSeq == 0
        && downNodes.isEmpty()
        && notified.isEmpty()
        && expiringDays == null
        && limitNearPercent == null;
  }

  public int effectiveExpiringDays() {
    return expiringDays == null ? DEFAULT_EXPIRING_DAYS : expiringDays;
  }

  public int effectiveLimitNearPercent() {
    return limitNearPercent == null ? DEFAULT_LIMIT_NEAR_PERCENT : limitNearPercent;
  }

  /** Whether some enabled webhook wants {@code type} (a scan of at most {@link #MAX_HOOKS}). */
  public boolean anyWants(String type) {
    for (Webhook h : hooks.values()) {
      if (h.wants(type)) {
        return true;
      }
    }
    return false;
  }

  /** Whether any webhook is enabled: without one no event is made at all. */
  public boolean anyEnabled() {
    for (Webhook h : hooks.values()) {
      if (h.enabled()) {
        return true;
      }
    }
    return false;
  }

  /**
   * The events after {@code afterSeq} that go to webhook {@code hookId}, oldest first, at most
   * {@code max} (the leader's delivery order).
   */
  public List<WebhookEvent> pending(String hookId, long afterSeq, int max) {
    List<WebhookEvent> out = new ArrayList<>();
    for (WebhookEvent e : outbox.tailMap(afterSeq, false).values()) {
      if (e.targets().contains(hookId)) {
        out.add(e);
        if (out.size() >= max) {
          break;
        }
      }
    }
    return out;
  }

  TreePMap<Long, WebhookEvent> outboxTree() {
    return longTree(outbox);
  }

  private static TreePMap<Long, WebhookEvent> longTree(NavigableMap<Long, WebhookEvent> in) {
    if (in instanceof TreePMap<Long, WebhookEvent> p) {
      return p;
    }
    return TreePMap.from(in);
  }

  Webhooks withHooks(NavigableMap<String, Webhook> h) {
    return new Webhooks(h, outbox, lastSeq, downNodes, notified, expiringDays, limitNearPercent);
  }

  Webhooks withOutbox(NavigableMap<Long, WebhookEvent> o, long seq) {
    return new Webhooks(hooks, o, seq, downNodes, notified, expiringDays, limitNearPercent);
  }

  Webhooks withDown(NavigableSet<String> d) {
    return new Webhooks(hooks, outbox, lastSeq, d, notified, expiringDays, limitNearPercent);
  }

  Webhooks withNotified(NavigableMap<String, String> n) {
    return new Webhooks(hooks, outbox, lastSeq, downNodes, n, expiringDays, limitNearPercent);
  }

  Webhooks withSettings(@Nullable Integer days, @Nullable Integer percent) {
    return new Webhooks(hooks, outbox, lastSeq, downNodes, notified, days, percent);
  }
}
