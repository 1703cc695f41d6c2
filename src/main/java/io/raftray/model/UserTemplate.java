package io.raftray.model;

import java.time.Instant;
import java.util.List;

/**
 * Defaults for new users: {@code POST /users} with {@code template_id} takes every field the
 * request leaves out from here. {@code expireSeconds} (0 = never) sets {@code expire_at} to the
 * creation time plus that long; {@code onHold} creates the user {@code on_hold} with {@code
 * onHoldExpireSeconds} of validity from its first traffic; {@code groupIds} become the user's
 * groups. The template is resolved by the node that takes the request: the user in the log is
 * complete, so a later change to the template does not touch users made from it.
 *
 * <p>The component order is the JSON field order of snapshots and log entries: append new
 * components at the end, boxed and defaulted in the compact constructor.
 */
public record UserTemplate(
    String id,
    String name,
    String note,
    long dataLimitBytes,
    long expireSeconds,
    ResetStrategy resetStrategy,
    boolean onHold,
    long onHoldExpireSeconds,
    Instant createdAt,
    Instant updatedAt,
    List<String> groupIds) {

  public UserTemplate {
    note = note == null ? "" : note;
    groupIds = Values.sortedDistinct(groupIds);
    resetStrategy = resetStrategy == null ? ResetStrategy.NO_RESET : resetStrategy;
  }

  public UserTemplate withUpdatedAt(Instant at) {
    return new UserTemplate(
        id,
        name,
        note,
        dataLimitBytes,
        expireSeconds,
        resetStrategy,
        onHold,
        onHoldExpireSeconds,
        createdAt,
        at,
        groupIds);
  }
}
