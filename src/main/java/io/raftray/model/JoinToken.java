package io.raftray.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A one-time (or {@code maxUses}-time) credential that lets a new host join the cluster; {@code
 * expiresAt} is the leader-stamped creation time plus the TTL. Revoked and used-up tokens stay
 * listed until they are cleaned up by an admin.
 *
 * <p>What verifies the token: tokens of this release store {@code verifyKey}, the public half
 * (base64 DER SubjectPublicKeyInfo, P-256) of the key pair whose private half is the token's
 * secret, and {@code secretHash} is null; the joiner signs its request with the secret. Tokens
 * created before (format 1) store {@code secretHash} = hex SHA-256 of the secret, which is also the
 * key of their HMAC proofs. {@code caHolder} true: the joiner becomes a CA holder and receives the
 * CA key (absent or false: an ordinary node without it).
 */
public record JoinToken(
    String id,
    @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String secretHash,
    NodeRole role,
    long ttlSeconds,
    int maxUses,
    int usedCount,
    Instant createdAt,
    Instant expiresAt,
    String createdBy,
    boolean revoked,
    @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String verifyKey,
    @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Boolean caHolder) {

  /** A token record as written before {@code verifyKey} and {@code caHolder} existed. */
  public JoinToken(
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
    this(
        id,
        secretHash,
        role,
        ttlSeconds,
        maxUses,
        usedCount,
        createdAt,
        expiresAt,
        createdBy,
        revoked,
        null,
        null);
  }

  /** Whether a join with this token makes the new node a CA holder. */
  public boolean makesCaHolder() {
    return caHolder != null && caHolder;
  }

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
        revoked,
        verifyKey,
        caHolder);
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
        true,
        verifyKey,
        caHolder);
  }

  @Override
  public String toString() {
    return "JoinToken[" + id + ", uses " + usedCount + "/" + maxUses + "]";
  }
}
