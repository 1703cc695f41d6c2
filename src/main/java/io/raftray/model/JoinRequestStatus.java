package io.raftray.model;

/** Where a join request stands; single-use tokens create requests that are approved at once. */
public enum JoinRequestStatus {
  PENDING,
  APPROVED,
  REJECTED
}
