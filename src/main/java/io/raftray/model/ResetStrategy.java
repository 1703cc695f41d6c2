package io.raftray.model;

/** How often a user's period usage goes back to zero. */
public enum ResetStrategy {
  NO_RESET,
  DAY,
  WEEK,
  MONTH,
  YEAR
}
