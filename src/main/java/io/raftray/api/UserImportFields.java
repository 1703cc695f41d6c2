package io.raftray.api;

import io.raftray.model.User;
import java.time.Instant;
import java.util.Set;

/**
 * The import-only fields of a {@code POST /users/batch} item, accepted only with {@code "import":
 * true} (admin and owner tokens, like every batch): a migration carries what a new user never has
 * (usage so far, creation time, the start of its period, Marzban's {@code sub_revoked_at} and
 * {@code on_hold_timeout}). The values travel in the command, so every replica applies the same
 * ones (docs/api.md, "Import fields").
 */
record UserImportFields(
    Long usedBytes,
    Long lifetimeUsedBytes,
    Instant createdAt,
    Instant periodStartedAt,
    Instant subRevokedAt,
    Instant onHoldTimeout) {

  static final Set<String> FIELDS =
      Set.of(
          "used_bytes",
          "lifetime_used_bytes",
          "created_at",
          "period_started_at",
          "sub_revoked_at",
          "on_hold_timeout");

  /** The largest usage accepted: far beyond any real counter, far from overflowing a sum. */
  static final long MAX_BYTES = 1L << 60;

  /**
   * The fields {@code v} holds, each checked (problems collected in {@code v}); {@code now} bounds
   * times.
   */
  static UserImportFields read(Validator v, Instant now) {
    Long used = v.integer("used_bytes", false, 0, MAX_BYTES);
    Long lifetime = v.integer("lifetime_used_bytes", false, 0, MAX_BYTES);
    if (used != null && lifetime != null && lifetime < used) {
      v.error("lifetime_used_bytes", "must be at least used_bytes");
    }
    UserImportFields f =
        new UserImportFields(
            used,
            lifetime,
            past(v, "created_at", now),
            past(v, "period_started_at", now),
            past(v, "sub_revoked_at", now),
            v.instantOrNull("on_hold_timeout"));
    if (f.createdAt != null
        && f.periodStartedAt != null
        && f.periodStartedAt.isBefore(f.createdAt)) {
      v.error("period_started_at", "must not be before created_at");
    }
    return f;
  }

  private static Instant past(Validator v, String field, Instant now) {
    Instant t = v.instantOrNull(field);
    if (t != null && t.isAfter(now)) {
      v.error(field, "must not be in the future");
      return null;
    }
    return t;
  }

  /** {@code u} (as {@link UsersHandler#newUser} made it) with these fields. */
  User applyTo(User u) {
    long used = usedBytes == null ? 0 : usedBytes;
    User.Builder b =
        u.toBuilder()
            .uplinkBytes(0)
            .downlinkBytes(used)
            .lifetimeUsedBytes(lifetimeUsedBytes == null ? used : lifetimeUsedBytes)
            .subRevokedAt(subRevokedAt)
            .onHoldTimeout(onHoldTimeout);
    if (createdAt != null) {
      b.createdAt(createdAt).periodStartedAt(periodStartedAt == null ? createdAt : periodStartedAt);
    } else if (periodStartedAt != null) {
      b.periodStartedAt(periodStartedAt);
    }
    return b.build();
  }
}
