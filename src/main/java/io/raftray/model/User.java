package io.raftray.model;

import java.time.Instant;

/**
 * A proxy user. {@code uplinkBytes}/{@code downlinkBytes} count the current period (reset by the
 * reset strategy or an admin), {@code lifetimeUsedBytes} never goes back. A null {@code expireAt}
 * means the user never expires; {@code dataLimitBytes == 0} means unlimited. {@code
 * onHoldExpireSeconds} (0 = none) is how long an {@code on_hold} user stays valid once its first
 * traffic activates it: {@code expireAt} becomes that moment plus this duration. It is boxed so
 * that records written before the field existed (snapshots, log entries) read as 0.
 */
public record User(
    String id,
    String name,
    String note,
    UserStatus status,
    long dataLimitBytes,
    Instant expireAt,
    ResetStrategy resetStrategy,
    long uplinkBytes,
    long downlinkBytes,
    long lifetimeUsedBytes,
    String subscriptionToken,
    Instant periodStartedAt,
    Instant createdAt,
    Instant updatedAt,
    Long onHoldExpireSeconds) {

  public User {
    onHoldExpireSeconds = onHoldExpireSeconds == null ? 0L : onHoldExpireSeconds;
  }

  /** A user without an on-hold expiry duration (the shape before that field existed). */
  public User(
      String id,
      String name,
      String note,
      UserStatus status,
      long dataLimitBytes,
      Instant expireAt,
      ResetStrategy resetStrategy,
      long uplinkBytes,
      long downlinkBytes,
      long lifetimeUsedBytes,
      String subscriptionToken,
      Instant periodStartedAt,
      Instant createdAt,
      Instant updatedAt) {
    this(
        id,
        name,
        note,
        status,
        dataLimitBytes,
        expireAt,
        resetStrategy,
        uplinkBytes,
        downlinkBytes,
        lifetimeUsedBytes,
        subscriptionToken,
        periodStartedAt,
        createdAt,
        updatedAt,
        0L);
  }

  /** Bytes used in the current period. */
  public long usedBytes() {
    return uplinkBytes + downlinkBytes;
  }

  public User withStatus(UserStatus s, Instant at) {
    return new User(
        id,
        name,
        note,
        s,
        dataLimitBytes,
        expireAt,
        resetStrategy,
        uplinkBytes,
        downlinkBytes,
        lifetimeUsedBytes,
        subscriptionToken,
        periodStartedAt,
        createdAt,
        at,
        onHoldExpireSeconds);
  }

  public User withSubscriptionToken(String token, Instant at) {
    return new User(
        id,
        name,
        note,
        status,
        dataLimitBytes,
        expireAt,
        resetStrategy,
        uplinkBytes,
        downlinkBytes,
        lifetimeUsedBytes,
        token,
        periodStartedAt,
        createdAt,
        at,
        onHoldExpireSeconds);
  }

  /** Usage of the current period set back to zero, starting a new period at {@code at}. */
  public User withUsageReset(Instant at) {
    return new User(
        id,
        name,
        note,
        status,
        dataLimitBytes,
        expireAt,
        resetStrategy,
        0,
        0,
        lifetimeUsedBytes,
        subscriptionToken,
        at,
        createdAt,
        at,
        onHoldExpireSeconds);
  }

  /**
   * Period and lifetime usage grown by {@code up}/{@code down} bytes (saturating: a counter never
   * wraps to negative).
   */
  public User withTraffic(long up, long down) {
    return new User(
        id,
        name,
        note,
        status,
        dataLimitBytes,
        expireAt,
        resetStrategy,
        NodeUsage.add(uplinkBytes, up),
        NodeUsage.add(downlinkBytes, down),
        NodeUsage.add(lifetimeUsedBytes, NodeUsage.add(up, down)),
        subscriptionToken,
        periodStartedAt,
        createdAt,
        updatedAt,
        onHoldExpireSeconds);
  }

  /**
   * An {@code on_hold} user's first traffic: active from {@code at}, its period starting then, and
   * expiring {@code onHoldExpireSeconds} later when that is set.
   */
  public User activatedFromHold(Instant at) {
    return new User(
        id,
        name,
        note,
        UserStatus.ACTIVE,
        dataLimitBytes,
        onHoldExpireSeconds > 0 ? at.plusSeconds(onHoldExpireSeconds) : expireAt,
        resetStrategy,
        uplinkBytes,
        downlinkBytes,
        lifetimeUsedBytes,
        subscriptionToken,
        at,
        createdAt,
        at,
        onHoldExpireSeconds);
  }
}
