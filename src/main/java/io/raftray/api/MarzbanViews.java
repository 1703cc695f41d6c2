package io.raftray.api;

import io.raftray.model.Enums;
import io.raftray.model.Protocol;
import io.raftray.model.User;
import io.raftray.model.UserCredentials;
import io.raftray.state.State;
import io.raftray.sub.UserLinks;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Marzban's {@code UserResponse} of a Raftray user, field by field (app/models/user.py of 0.8.4).
 * Times are naive UTC ISO datetimes, as Marzban writes them; {@code expire} is unix seconds, null
 * when the user never expires, and {@code data_limit} null when unlimited (Marzban stores 0 as
 * NULL). {@code admin}, {@code on_hold_timeout}, {@code auto_delete_in_days} and {@code next_plan}
 * have no Raftray counterpart and are null. A viewer gets the credentials, links and subscription
 * URL left out, as on {@code /api/v1}.
 */
final class MarzbanViews {
  private static final DateTimeFormatter NAIVE = DateTimeFormatter.ISO_LOCAL_DATE_TIME;

  private MarzbanViews() {}

  static String time(Instant t) {
    return t == null
        ? null
        : LocalDateTime.ofInstant(t.truncatedTo(ChronoUnit.SECONDS), ZoneOffset.UTC).format(NAIVE);
  }

  static Map<String, Object> user(
      User u, State s, MarzbanInbounds in, ApiSettings settings, boolean secrets) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("proxies", proxies(u, in, secrets));
    m.put("expire", u.expireAt() == null ? null : u.expireAt().getEpochSecond());
    m.put("data_limit", u.dataLimitBytes() == 0 ? null : u.dataLimitBytes());
    m.put("data_limit_reset_strategy", Enums.wire(u.resetStrategy()));
    m.put("inbounds", in.inbounds(u));
    m.put("note", u.note().isEmpty() ? null : u.note());
    m.put("sub_updated_at", time(u.subUpdatedAt()));
    m.put("sub_last_user_agent", u.subLastUserAgent());
    m.put("online_at", time(u.onlineAt()));
    m.put("on_hold_expire_duration", u.onHoldExpireSeconds() == 0 ? null : u.onHoldExpireSeconds());
    m.put("on_hold_timeout", null);
    m.put("auto_delete_in_days", null);
    m.put("next_plan", null);
    m.put("username", u.name());
    m.put("status", Enums.wire(u.status()));
    m.put("used_traffic", u.usedBytes());
    m.put("lifetime_used_traffic", u.lifetimeUsedBytes());
    m.put("created_at", time(u.createdAt()));
    m.put("links", secrets ? UserLinks.of(s, u) : List.of());
    m.put("subscription_url", secrets ? settings.subscriptionUrl(s, u.subscriptionToken()) : "");
    m.put("excluded_inbounds", in.excluded(u));
    m.put("admin", null);
    return m;
  }

  /**
   * {@code proxies}: per proxy type, Marzban's settings object from the user's credentials. The
   * VLESS flow and the Shadowsocks method belong to endpoints in Raftray: they come from the first
   * such endpoint of the user's groups.
   */
  private static Map<String, Object> proxies(User u, MarzbanInbounds in, boolean secrets) {
    Map<String, Object> out = new LinkedHashMap<>();
    UserCredentials c = u.credentials();
    for (Protocol p : in.types(u)) {
      Map<String, Object> settings = new LinkedHashMap<>();
      if (secrets && c != null) {
        switch (p) {
          case VMESS -> settings.put("id", c.vmessUuid());
          case VLESS -> {
            settings.put("id", c.vlessUuid());
            settings.put("flow", in.setting(u, p, "flow", ""));
          }
          case TROJAN -> {
            settings.put("password", c.trojanPassword());
            settings.put("flow", "");
          }
          case SHADOWSOCKS -> {
            settings.put("password", c.shadowsocksPassword());
            settings.put("method", in.setting(u, p, "method", MarzbanInput.DEFAULT_SS_METHOD));
          }
        }
      }
      out.put(MarzbanInbounds.type(p), settings);
    }
    return out;
  }
}
