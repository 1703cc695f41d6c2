package io.raftray.model;

import java.time.Instant;

/**
 * A one-time (or {@code maxUses}-time) credential that lets a new host join the cluster. Only the
 * hex SHA-256 of its secret is stored; {@code expiresAt} is the leader-stamped creation time plus
 * the TTL. Revoked and used-up tokens stay listed until they are cleaned up by an admin.
 */
public record JoinToken(
    String id,
    String secretHash,
    NodeRole role,
    long ttlSeconds,
    int maxUses,
    int usedCount,
    Instant createdAt,
    Instant expiresAt,
    String createdBy,
    boolean revoked) {

  /** Why the token cannot be used at {@code now}, or null when it can. */
  public String unusableReason(Instant now) {
    if (revoked) {
      return "join token " + id + " has been revoked";
    }
    if (!now.isBefore(expiresAt)) {
      return "join token " + id + " expired at " + expiresAt;
    }
    if (usedCount >= maxUses) {
      return "join token " + id + " has already been used";
    }
    return null;
  }

  /** {@code active}, {@code expired}, {@code used} or {@code revoked} at {@code now}. */
  public String status(Instant now) {
    if (revoked) {
      return "revoked";
    }
    if (usedCount >= maxUses) {
      return "used";
    }
    return now.isBefore(expiresAt) ? "active" : "expired";
  }

  public JoinToken withUse() {
    return new JoinToken(
        id,
        secretHash,
        role,
        ttlSeconds,
        maxUses,
        usedCount + 1,
        createdAt,
        expiresAt,
        createdBy,
        revoked);
  }

  public JoinToken revoke() {
    return new JoinToken(
        id,
        secretHash,
        role,
        ttlSeconds,
        maxUses,
        usedCount,
        createdAt,
        expiresAt,
        createdBy,
        true);
  }

  @Override
  public String toString() {
    return "JoinToken[" + id + ", uses " + usedCount + "/" + maxUses + "]";
  }
}
