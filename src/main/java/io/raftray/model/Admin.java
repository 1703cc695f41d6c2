package io.raftray.model;

import java.time.Instant;
import java.util.List;

/**
 * An admin account of the console: a user name and password (Argon2id, PHC string) with the same
 * roles as admin tokens, an optional TOTP second factor, and its live sessions. Never shown as a
 * whole: {@code api/Views} writes the public fields one by one.
 *
 * @param passwordHash PHC string {@code $argon2id$v=19$m=..,t=..,p=..$salt$hash}
 * @param totpSecret base32 TOTP secret once confirmed; null without a second factor
 * @param totpPending base32 secret enrolled but not confirmed yet; null when none
 * @param lastTotpStep the last RFC 6238 time step accepted for this admin (replays refused)
 * @param lastLoginAt the last successful login, as recorded by {@code admin.login}
 * @param sessions the live sessions, oldest first; bounded by {@link #MAX_SESSIONS}
 */
public record Admin(
    String id,
    String username,
    Role role,
    String passwordHash,
    boolean disabled,
    boolean passwordResetRequired,
    String totpSecret,
    String totpPending,
    long lastTotpStep,
    Instant createdAt,
    Instant updatedAt,
    Instant lastLoginAt,
    List<AdminSession> sessions) {

  /** Sessions kept per admin; a new login past it ends the oldest one. */
  public static final int MAX_SESSIONS = 16;

  public Admin {
    sessions = sessions == null ? List.of() : List.copyOf(sessions);
  }

  /** A new, enabled account without second factor or sessions. */
  public static Admin create(
      String id, String username, Role role, String passwordHash, Instant at, boolean reset) {
    return new Admin(
        id, username, role, passwordHash, false, reset, null, null, 0, at, at, null, List.of());
  }

  public boolean totpEnabled() {
    return totpSecret != null;
  }

  /** The live session {@code sessionId}, or null. */
  public AdminSession session(String sessionId) {
    for (AdminSession s : sessions) {
      if (s.id().equals(sessionId)) {
        return s;
      }
    }
    return null;
  }

  /** A copy that other fields are set on; see {@link Edit}. */
  public Edit edit() {
    return new Edit(this);
  }

  @Override
  public String toString() {
    return "Admin[id=" + id + ", username=" + username + ", role=" + role + "]";
  }

  /** Changes a few fields of an admin; unset fields stay as they were. */
  public static final class Edit {
    private Role role;
    private String passwordHash;
    private boolean disabled;
    private boolean passwordResetRequired;
    private String totpSecret;
    private String totpPending;
    private long lastTotpStep;
    private Instant updatedAt;
    private Instant lastLoginAt;
    private List<AdminSession> sessions;
    private final Admin a;

    private Edit(Admin a) {
      this.a = a;
      role = a.role;
      passwordHash = a.passwordHash;
      disabled = a.disabled;
      passwordResetRequired = a.passwordResetRequired;
      totpSecret = a.totpSecret;
      totpPending = a.totpPending;
      lastTotpStep = a.lastTotpStep;
      updatedAt = a.updatedAt;
      lastLoginAt = a.lastLoginAt;
      sessions = a.sessions;
    }

    public Edit role(Role v) {
      role = v;
      return this;
    }

    public Edit passwordHash(String v) {
      passwordHash = v;
      return this;
    }

    public Edit disabled(boolean v) {
      disabled = v;
      return this;
    }

    public Edit passwordResetRequired(boolean v) {
      passwordResetRequired = v;
      return this;
    }

    public Edit totpSecret(String v) {
      totpSecret = v;
      return this;
    }

    public Edit totpPending(String v) {
      totpPending = v;
      return this;
    }

    public Edit lastTotpStep(long v) {
      lastTotpStep = v;
      return this;
    }

    public Edit updatedAt(Instant v) {
      updatedAt = v;
      return this;
    }

    public Edit lastLoginAt(Instant v) {
      lastLoginAt = v;
      return this;
    }

    public Edit sessions(List<AdminSession> v) {
      sessions = v;
      return this;
    }

    public Admin build() {
      return new Admin(
          a.id,
          a.username,
          role,
          passwordHash,
          disabled,
          passwordResetRequired,
          totpSecret,
          totpPending,
          lastTotpStep,
          a.createdAt,
          updatedAt,
          lastLoginAt,
          sessions);
    }
  }
}
