package io.raftray.state;

import io.raftray.model.Enums;
import io.raftray.model.User;
import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code data} of webhook events, shared by the apply-time and the observed events. */
public final class WebhookData {
  private WebhookData() {}

  /** What a user event says about the user: never a credential or the subscription token. */
  public static Map<String, Object> user(User u) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("user_id", u.id());
    d.put("username", u.name());
    d.put("status", Enums.wire(u.status()));
    d.put("data_limit_bytes", u.dataLimitBytes());
    d.put("used_bytes", u.usedBytes());
    d.put("expire_at", u.expireAt() == null ? null : u.expireAt().toString());
    return d;
  }

  /** The dedupe key of an observed event with a time ({@code Webhooks#notified}). */
  public static String dedupeKey(java.time.Instant until, String subject) {
    return String.format("%015d|%s", until.toEpochMilli(), subject);
  }
}
