package io.raftray.model;

/** Admin token role: owner may do everything, admin everything but admin tokens, viewer reads. */
public enum Role {
  OWNER,
  ADMIN,
  VIEWER;

  /** True when this role may perform writes on ordinary resources. */
  public boolean canWrite() {
    return this != VIEWER;
  }

  /** True when this role may manage admin tokens. */
  public boolean canManageTokens() {
    return this == OWNER;
  }
}
