package io.raftray.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Collections;
import java.util.List;

/**
 * A proxy user. {@code uplinkBytes}/{@code downlinkBytes} count the current period (reset by the
 * reset strategy or an admin), {@code lifetimeUsedBytes} never goes back. A null {@code expireAt}
 * means the user never expires; {@code dataLimitBytes == 0} means unlimited. {@code
 * onHoldExpireSeconds} (0 = none) is how long an {@code on_hold} user stays valid once its first
 * traffic activates it: {@code expireAt} becomes that moment plus this duration. It is boxed so
 * that records written before the field existed (snapshots, log entries) read as 0.
 *
 * <p>{@code credentials} (null for users created before per-user credentials existed, until they
 * are rotated or set) are the user's own credentials, used wherever no grant credential applies;
 * {@code groupIds} (sorted, distinct) name the groups whose endpoints the user reaches. Neither is
 * written while null or empty, so records from before keep their bytes.
 *
 * <p>{@code hwidDeviceLimit} is how many devices (by {@code x-hwid}) may fetch the subscription: 0
 * unlimited, null the cluster default ({@link ClusterSettings#hwidDeviceLimit}). {@code onlineAt}
 * (last traffic on any node, the leader stamp of the usage report that carried it), {@code
 * subUpdatedAt} and {@code subLastUserAgent} (last subscription fetch on any node, from the nodes'
 * activity batches) are activity; null until it happens and then not written, so older records keep
 * their bytes.
 *
 * <p>{@code subRevokedAt} (imported from Marzban, null otherwise) refuses Marzban subscription
 * tokens issued before it; {@code onHoldTimeout} (null: none) is when an {@code on_hold} user
 * becomes active without traffic (the leader's tick). Both not written while null.
 *
 * <p>The component order is the JSON field order of snapshots and log entries: append new
 * components at the end. Build users with {@link #builder()} or change one with {@link
 * #toBuilder()}.
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
    Long onHoldExpireSeconds,
    @JsonInclude(JsonInclude.Include.NON_NULL) UserCredentials credentials,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> groupIds,
    @JsonInclude(JsonInclude.Include.NON_NULL) Integer hwidDeviceLimit,
    @JsonInclude(JsonInclude.Include.NON_NULL) Instant onlineAt,
    @JsonInclude(JsonInclude.Include.NON_NULL) Instant subUpdatedAt,
    @JsonInclude(JsonInclude.Include.NON_NULL) String subLastUserAgent,
    @JsonInclude(JsonInclude.Include.NON_NULL) Instant subRevokedAt,
    @JsonInclude(JsonInclude.Include.NON_NULL) Instant onHoldTimeout) {

  public User {
    onHoldExpireSeconds = onHoldExpireSeconds == null ? 0L : onHoldExpireSeconds;
    groupIds = Values.sortedDistinct(groupIds);
  }

  /** Whether the user is a member of group {@code groupId}. */
  public boolean inGroup(String groupId) {
    return Collections.binarySearch(groupIds, groupId) >= 0;
  }

  /** A new active user with an empty note, no limit, no expiry and no periodic reset. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding every field of this user. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Bytes used in the current period. */
  public long usedBytes() {
    return uplinkBytes + downlinkBytes;
  }

  public User withStatus(UserStatus s, Instant at) {
    return toBuilder().status(s).updatedAt(at).build();
  }

  public User withSubscriptionToken(String token, Instant at) {
    return toBuilder().subscriptionToken(token).updatedAt(at).build();
  }

  /** Usage of the current period set back to zero, starting a new period at {@code at}. */
  public User withUsageReset(Instant at) {
    return toBuilder().uplinkBytes(0).downlinkBytes(0).periodStartedAt(at).updatedAt(at).build();
  }

  /**
   * Period and lifetime usage grown by {@code up}/{@code down} bytes (saturating: a counter never
   * wraps to negative).
   */
  public User withTraffic(long up, long down) {
    return toBuilder()
        .uplinkBytes(NodeUsage.add(uplinkBytes, up))
        .downlinkBytes(NodeUsage.add(downlinkBytes, down))
        .lifetimeUsedBytes(NodeUsage.add(lifetimeUsedBytes, NodeUsage.add(up, down)))
        .build();
  }

  /**
   * An {@code on_hold} user's first traffic: active from {@code at}, its period starting then, and
   * expiring {@code onHoldExpireSeconds} later when that is set.
   */
  public User activatedFromHold(Instant at) {
    return toBuilder()
        .status(UserStatus.ACTIVE)
        .expireAt(onHoldExpireSeconds > 0 ? at.plusSeconds(onHoldExpireSeconds) : expireAt)
        .periodStartedAt(at)
        .updatedAt(at)
        .build();
  }

  /** Last traffic at {@code at} (never moves back). */
  public User withOnlineAt(Instant at) {
    return onlineAt != null && !at.isAfter(onlineAt) ? this : toBuilder().onlineAt(at).build();
  }

  /** Sets fields by name; {@link #build()} makes the record. */
  public static final class Builder {
    private String id;
    private String name;
    private String note = "";
    private UserStatus status = UserStatus.ACTIVE;
    private long dataLimitBytes;
    private Instant expireAt;
    private ResetStrategy resetStrategy = ResetStrategy.NO_RESET;
    private long uplinkBytes;
    private long downlinkBytes;
    private long lifetimeUsedBytes;
    private String subscriptionToken;
    private Instant periodStartedAt;
    private Instant createdAt;
    private Instant updatedAt;
    private long onHoldExpireSeconds;
    private UserCredentials credentials;
    private List<String> groupIds = List.of();
    private Integer hwidDeviceLimit;
    private Instant onlineAt;
    private Instant subUpdatedAt;
    private String subLastUserAgent;
    private Instant subRevokedAt;
    private Instant onHoldTimeout;

    private Builder() {}

    private Builder(User u) {
      id = u.id;
      name = u.name;
      note = u.note;
      status = u.status;
      dataLimitBytes = u.dataLimitBytes;
      expireAt = u.expireAt;
      resetStrategy = u.resetStrategy;
      uplinkBytes = u.uplinkBytes;
      downlinkBytes = u.downlinkBytes;
      lifetimeUsedBytes = u.lifetimeUsedBytes;
      subscriptionToken = u.subscriptionToken;
      periodStartedAt = u.periodStartedAt;
      createdAt = u.createdAt;
      updatedAt = u.updatedAt;
      onHoldExpireSeconds = u.onHoldExpireSeconds;
      credentials = u.credentials;
      groupIds = u.groupIds;
      hwidDeviceLimit = u.hwidDeviceLimit;
      onlineAt = u.onlineAt;
      subUpdatedAt = u.subUpdatedAt;
      subLastUserAgent = u.subLastUserAgent;
      subRevokedAt = u.subRevokedAt;
      onHoldTimeout = u.onHoldTimeout;
    }

    public Builder id(String v) {
      id = v;
      return this;
    }

    public Builder name(String v) {
      name = v;
      return this;
    }

    public Builder note(String v) {
      note = v;
      return this;
    }

    public Builder status(UserStatus v) {
      status = v;
      return this;
    }

    public Builder dataLimitBytes(long v) {
      dataLimitBytes = v;
      return this;
    }

    /** Null: never expires. */
    public Builder expireAt(Instant v) {
      expireAt = v;
      return this;
    }

    public Builder resetStrategy(ResetStrategy v) {
      resetStrategy = v;
      return this;
    }

    public Builder uplinkBytes(long v) {
      uplinkBytes = v;
      return this;
    }

    public Builder downlinkBytes(long v) {
      downlinkBytes = v;
      return this;
    }

    public Builder lifetimeUsedBytes(long v) {
      lifetimeUsedBytes = v;
      return this;
    }

    public Builder subscriptionToken(String v) {
      subscriptionToken = v;
      return this;
    }

    public Builder periodStartedAt(Instant v) {
      periodStartedAt = v;
      return this;
    }

    public Builder createdAt(Instant v) {
      createdAt = v;
      return this;
    }

    public Builder updatedAt(Instant v) {
      updatedAt = v;
      return this;
    }

    /** Creation, period start and last update all at {@code at}: the user as it is created. */
    public Builder created(Instant at) {
      createdAt = at;
      updatedAt = at;
      periodStartedAt = at;
      return this;
    }

    public Builder onHoldExpireSeconds(long v) {
      onHoldExpireSeconds = v;
      return this;
    }

    /** Null: no own credentials (only grants with their own credential work). */
    public Builder credentials(UserCredentials v) {
      credentials = v;
      return this;
    }

    public Builder groupIds(List<String> v) {
      groupIds = v;
      return this;
    }

    /** Null: the cluster default; 0: unlimited. */
    public Builder hwidDeviceLimit(Integer v) {
      hwidDeviceLimit = v;
      return this;
    }

    public Builder onlineAt(Instant v) {
      onlineAt = v;
      return this;
    }

    public Builder subUpdatedAt(Instant v) {
      subUpdatedAt = v;
      return this;
    }

    public Builder subLastUserAgent(String v) {
      subLastUserAgent = v;
      return this;
    }

    /** Marzban tokens issued before this are refused; null: none. */
    public Builder subRevokedAt(Instant v) {
      subRevokedAt = v;
      return this;
    }

    /** When an on_hold user becomes active without traffic; null: never. */
    public Builder onHoldTimeout(Instant v) {
      onHoldTimeout = v;
      return this;
    }

    public User build() {
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
          subscriptionToken,
          periodStartedAt,
          createdAt,
          updatedAt,
          onHoldExpireSeconds,
          credentials,
          groupIds,
          hwidDeviceLimit,
          onlineAt,
          subUpdatedAt,
          subLastUserAgent,
          subRevokedAt,
          onHoldTimeout);
    }
  }
}
