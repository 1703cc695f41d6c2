package io.raftray.model;

import java.time.Instant;

/**
 * One console session of an admin account, replicated so that every node accepts its cookie. Only
 * the SHA-256 of the cookie's secret is stored. {@code idleKey} (random, generated before
 * submission) MACs the cookie's last-activity time and derives the CSRF token: the cookie holder
 * does not know it, so it cannot stretch its own idle timeout.
 *
 * @param expiresAt absolute expiry (creation plus the absolute session lifetime)
 */
public record AdminSession(
    String id, String secretHash, String idleKey, Instant createdAt, Instant expiresAt) {

  @Override
  public String toString() {
    return "AdminSession[id=" + id + ", expiresAt=" + expiresAt + "]";
  }
}
