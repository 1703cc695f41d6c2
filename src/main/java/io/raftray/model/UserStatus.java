package io.raftray.model;

/** Lifecycle of a user; only {@link #ACTIVE} users are provisioned into Xray. */
public enum UserStatus {
  ACTIVE,
  DISABLED,
  LIMITED,
  EXPIRED,
  ON_HOLD
}
