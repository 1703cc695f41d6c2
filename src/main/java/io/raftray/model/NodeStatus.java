package io.raftray.model;

/** Membership status of a node. */
public enum NodeStatus {
  JOINING,
  ACTIVE,
  REMOVED
}
