package io.raftray.model;

/**
 * What {@code POST /users/bulk} does to every selected user. Part of the log format ({@code
 * users.bulk} entries carry it by its lowercase name): add constants, never rename one.
 */
public enum BulkAction {
  /** {@code expire_at} later by {@code amount} seconds, counted from now if it already passed. */
  EXTEND,
  /** {@code data_limit_bytes} raised by {@code amount} bytes (unlimited users stay unlimited). */
  ADD_DATA,
  /** {@code data_limit_bytes} set to {@code amount} (0 = unlimited). */
  SET_LIMIT,
  RESET_USAGE,
  /** Disabled users become active (limited/expired then derived as always). */
  ENABLE,
  DISABLE,
  ROTATE_SUBSCRIPTION,
  DELETE,
  /** The groups in {@code group_ids} added to each user's {@code group_ids}. */
  ADD_GROUPS,
  /** The groups in {@code group_ids} taken out of each user's {@code group_ids}. */
  REMOVE_GROUPS;

  /** Whether the action needs an {@code amount}. */
  public boolean takesAmount() {
    return this == EXTEND || this == ADD_DATA || this == SET_LIMIT;
  }

  /** Whether the action needs {@code group_ids}. */
  public boolean takesGroups() {
    return this == ADD_GROUPS || this == REMOVE_GROUPS;
  }
}
