package io.raftray.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One event in the replicated outbox: made at apply from a committed command, so every replica
 * holds the same one. {@code seq} orders the cluster's events (1, 2, ...; never reused, also across
 * a restore), {@code id} is what receivers deduplicate by, {@code at} is the leader's stamp of the
 * entry that made it, {@code targets} the webhooks it goes to (decided when it was made).
 */
public record WebhookEvent(
    long seq, String id, String type, Instant at, Map<String, Object> data, List<String> targets) {
  public WebhookEvent {
    data = data == null ? Map.of() : new TreeMap<>(data);
    targets = targets == null ? List.of() : List.copyOf(targets);
  }

  /** The event id of sequence number {@code seq}. */
  public static String idOf(long seq) {
    return "evt_" + seq;
  }
}
