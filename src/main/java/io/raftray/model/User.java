package io.raftray.model;

import java.time.Instant;

/**
 * A proxy user. {@code uplinkBytes}/{@code downlinkBytes} count the current period (reset by the
 * reset strategy or an admin), {@code lifetimeUsedBytes} never goes back. A null {@code expireAt}
 * means the user never expires; {@code dataLimitBytes == 0} means unlimited.
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
    Instant updatedAt) {

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
        at);
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
        at);
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
        at);
  }
}
