package io.raftray.model;

import java.time.Instant;

/** An API credential. Only the SHA-256 of its secret is stored; revoked tokens stay listed. */
public record AdminToken(
    String id, String name, Role role, String secretHash, Instant createdAt, boolean revoked) {

  public AdminToken revoke() {
    return new AdminToken(id, name, role, secretHash, createdAt, true);
  }
}
