package io.raftray.cli.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/** The writable user fields shared by {@code user create} and {@code user update}. */
final class UserFields {
  @Option(names = "--note", paramLabel = "TEXT", description = "Free-form note.")
  String note;

  @Option(
      names = "--data-limit",
      paramLabel = "SIZE",
      converter = Sizes.Converter.class,
      description =
          "Traffic limit: bytes or e.g. 10GB (1000^3), 512MiB (1024^2); 0 means unlimited.")
  Long dataLimit;

  @Option(
      names = "--expire-at",
      paramLabel = "TIME",
      converter = Durations.ExpiryConverter.class,
      description = "Expiry as RFC 3339 (e.g. 2030-01-31T00:00:00Z), or never.")
  Durations.Expiry expireAt;

  @Option(
      names = "--expire-in",
      paramLabel = "DURATION",
      converter = Durations.DurationConverter.class,
      description = "Expiry relative to now, e.g. 30d, 12h, 1w (units s, m, h, d, w).")
  Duration expireIn;

  @Option(
      names = "--reset-strategy",
      paramLabel = "STRATEGY",
      description = "Usage reset: no_reset, day, week, month or year.")
  String resetStrategy;

  @Option(names = "--status", paramLabel = "STATUS", description = "active, on_hold or disabled.")
  String status;

  @Option(
      names = "--on-hold-expire",
      paramLabel = "DURATION",
      converter = OnHoldExpireConverter.class,
      description =
          "For on_hold users: expire this long after the first traffic, e.g. 30d; none clears it.")
  Duration onHoldExpire;

  @Option(
      names = "--group",
      split = ",",
      paramLabel = "GROUP_ID",
      description =
          "Groups of the user; repeatable or comma-separated (update: replaces the list).")
  List<String> groups;

  @Option(names = "--no-groups", description = "No groups (update: takes the user out of all).")
  boolean noGroups;

  /** {@code none} (or {@code 0}) means no on-hold expiry; anything else is a duration. */
  static final class OnHoldExpireConverter implements picocli.CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      String v = value.strip();
      if (v.equalsIgnoreCase("none") || v.equals("0")) {
        return Duration.ZERO;
      }
      return new Durations.DurationConverter().convert(v);
    }
  }

  void validate() throws UsageException {
    if (expireAt != null && expireIn != null) {
      throw new UsageException("use either --expire-at or --expire-in, not both");
    }
    if (groups != null && noGroups) {
      throw new UsageException("use either --group or --no-groups, not both");
    }
  }

  boolean isEmpty() {
    return note == null
        && dataLimit == null
        && expireAt == null
        && expireIn == null
        && resetStrategy == null
        && status == null
        && onHoldExpire == null
        && groups == null
        && !noGroups;
  }

  /** Adds the given fields to a request body; absent options are left out. */
  void putInto(ObjectNode body, Clock clock) {
    if (note != null) {
      body.put("note", note);
    }
    if (dataLimit != null) {
      body.put("data_limit_bytes", dataLimit.longValue());
    }
    if (expireAt != null) {
      if (expireAt.at() == null) {
        body.putNull("expire_at");
      } else {
        body.put("expire_at", Durations.rfc3339(expireAt.at()));
      }
    } else if (expireIn != null) {
      body.put("expire_at", Durations.rfc3339(clock.instant().plus(expireIn)));
    }
    if (resetStrategy != null) {
      body.put("reset_strategy", resetStrategy);
    }
    if (status != null) {
      body.put("status", status);
    }
    if (onHoldExpire != null) {
      body.put("on_hold_expire_seconds", onHoldExpire.toSeconds());
    }
    if (groups != null || noGroups) {
      var a = body.putArray("group_ids");
      if (groups != null) {
        groups.forEach(a::add);
      }
    }
  }
}
