package io.raftray.state;

import io.raftray.model.ResetStrategy;
import io.raftray.model.UserCredentials;
import io.raftray.model.UserStatus;
import java.time.Instant;
import java.util.List;

/**
 * Builds a {@link Command.UpdateUser} (start with {@link Command.UpdateUser#of}): set the fields
 * that change; unset ones stay as they are.
 */
public final class UpdateUserBuilder {
  private final String id;
  private String name;
  private String note;
  private UserStatus status;
  private Long dataLimitBytes;
  private boolean setExpireAt;
  private Instant expireAt;
  private ResetStrategy resetStrategy;
  private Long onHoldExpireSeconds;
  private UserCredentials credentials;
  private List<String> groupIds;
  private Integer hwidDeviceLimit;

  UpdateUserBuilder(String id) {
    this.id = id;
  }

  public UpdateUserBuilder name(String v) {
    name = v;
    return this;
  }

  public UpdateUserBuilder note(String v) {
    note = v;
    return this;
  }

  public UpdateUserBuilder status(UserStatus v) {
    status = v;
    return this;
  }

  public UpdateUserBuilder dataLimitBytes(Long v) {
    dataLimitBytes = v;
    return this;
  }

  /** Changes the expiry; null means the user never expires. */
  public UpdateUserBuilder expireAt(Instant v) {
    setExpireAt = true;
    expireAt = v;
    return this;
  }

  public UpdateUserBuilder resetStrategy(ResetStrategy v) {
    resetStrategy = v;
    return this;
  }

  public UpdateUserBuilder onHoldExpireSeconds(Long v) {
    onHoldExpireSeconds = v;
    return this;
  }

  /** Replaces the user's own credentials. */
  public UpdateUserBuilder credentials(UserCredentials v) {
    credentials = v;
    return this;
  }

  /** Replaces the user's groups (an empty list: none). */
  public UpdateUserBuilder groupIds(List<String> v) {
    groupIds = v == null ? null : List.copyOf(v);
    return this;
  }

  /**
   * The user's own device limit (0 = unlimited), or {@link Command.UpdateUser#DEFAULT_DEVICE_LIMIT}
   * for the cluster default; null leaves it.
   */
  public UpdateUserBuilder hwidDeviceLimit(Integer v) {
    hwidDeviceLimit = v;
    return this;
  }

  public Command.UpdateUser build() {
    return new Command.UpdateUser(
        id,
        name,
        note,
        status,
        dataLimitBytes,
        setExpireAt,
        expireAt,
        resetStrategy,
        onHoldExpireSeconds,
        credentials,
        groupIds,
        hwidDeviceLimit);
  }
}
