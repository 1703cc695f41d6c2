package io.raftray.model;

/** Raft role of a node in the group configuration (not leadership). */
public enum NodeRole {
  VOTER,
  NON_VOTER
}
