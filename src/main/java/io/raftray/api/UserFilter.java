package io.raftray.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftray.model.Enums;
import io.raftray.model.ErrorKind;
import io.raftray.model.FieldError;
import io.raftray.model.RaftrayException;
import io.raftray.model.User;
import io.raftray.model.UserStatus;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * Which users a list ({@code GET /users?...}) or a bulk action ({@code "filter": {...}}) means; the
 * keys are the same in both. Every key narrows: {@code status}, {@code q} (in name or note, any
 * case), {@code expire_before} (users with an expiry before that time; never-expiring users do not
 * match), {@code used_over} (period usage above that many bytes), {@code group_id} (members of that
 * group), {@code online_since} (users whose last traffic, {@code online_at}, is at or after that
 * time; users never online do not match). A pure predicate over one user.
 */
record UserFilter(
    UserStatus status,
    String text,
    Instant expireBefore,
    Long usedOver,
    String groupId,
    Instant onlineSince)
    implements Predicate<User> {
  static final List<String> KEYS =
      List.of("status", "q", "expire_before", "used_over", "group_id", "online_since");

  @Override
  public boolean test(User u) {
    return (status == null || u.status() == status)
        && (text == null
            || u.name().toLowerCase(Locale.ROOT).contains(text)
            || u.note().toLowerCase(Locale.ROOT).contains(text))
        && (expireBefore == null || (u.expireAt() != null && u.expireAt().isBefore(expireBefore)))
        && (usedOver == null || u.usedBytes() > usedOver)
        && (groupId == null || u.inGroup(groupId))
        && (onlineSince == null || (u.onlineAt() != null && !u.onlineAt().isBefore(onlineSince)));
  }

  /** From the list's query parameters (already checked against {@link #KEYS}). */
  static UserFilter of(Query q) {
    return of(q, new ArrayList<>());
  }

  /**
   * From the list's query parameters, with the problems already found in the others ({@code
   * errors}, e.g. {@code sort}): all are reported together.
   */
  static UserFilter of(Query q, List<FieldError> errors) {
    UserStatus status = null;
    if (q.filter("status") != null) {
      status = Enums.parse(UserStatus.class, q.filter("status"));
      if (status == null) {
        errors.add(new FieldError("status", "must be one of: " + Enums.choices(UserStatus.class)));
      }
    }
    Instant before = time(q, "expire_before", errors);
    Instant online = time(q, "online_since", errors);
    Long used = null;
    if (q.filter("used_over") != null) {
      try {
        used = Long.parseLong(q.filter("used_over"));
      } catch (NumberFormatException e) {
        used = -1L;
      }
      if (used < 0) {
        errors.add(new FieldError("used_over", "must be a non-negative integer (bytes)"));
      }
    }
    if (!errors.isEmpty()) {
      throw new RaftrayException(ErrorKind.INVALID, "invalid query parameters", errors);
    }
    String text = q.filter("q") == null ? null : q.filter("q").toLowerCase(Locale.ROOT);
    return new UserFilter(status, text, before, used, q.filter("group_id"), online);
  }

  static Instant time(Query q, String key, List<FieldError> errors) {
    if (q.filter(key) == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(q.filter(key), DateTimeFormatter.ISO_OFFSET_DATE_TIME)
          .toInstant();
    } catch (DateTimeParseException e) {
      errors.add(new FieldError(key, "must be an RFC 3339 date-time"));
      return null;
    }
  }

  /**
   * From a bulk request's {@code filter} object: the same keys, with JSON types ({@code used_over}
   * a number). Problems go to {@code v}, whose prefix is {@code filter.}.
   */
  static UserFilter of(Validator v) {
    v.rejectUnknown(KEYS, "unknown filter key");
    UserStatus status =
        v.choice("status", false, UserStatus.class, EnumSet.allOf(UserStatus.class));
    String text = v.string("q", false, 1, 256);
    Instant before = v.has("expire_before") ? v.instantOrNull("expire_before") : null;
    if (v.has("expire_before") && v.node().get("expire_before").isNull()) {
      v.error("expire_before", "must be an RFC 3339 date-time");
    }
    Long used = v.integer("used_over", false, 0, Long.MAX_VALUE);
    String group = v.string("group_id", false, 1, 64);
    Instant online = v.has("online_since") ? v.instantOrNull("online_since") : null;
    if (v.has("online_since") && v.node().get("online_since").isNull()) {
      v.error("online_since", "must be an RFC 3339 date-time");
    }
    return new UserFilter(
        status, text == null ? null : text.toLowerCase(Locale.ROOT), before, used, group, online);
  }

  /** For a validator over a JSON body field that must be an object. */
  static boolean isObject(ObjectNode body, String field) {
    return body.get(field) instanceof ObjectNode;
  }
}
