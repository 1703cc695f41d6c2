package io.raftray.state;

import io.raftray.model.Admin;
import io.raftray.model.AdminSession;
import io.raftray.model.Ids;
import io.raftray.model.Passwords;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The console's session cookie and the proofs an admin account sends to the leader; one check for
 * the API edge and the leader ({@link Authority}), so both accept the same sessions.
 *
 * <p>Cookie value: {@code rrs_<admin id>.<session id>.<secret>.<last activity, epoch s>.<mac>}. The
 * secret (32 random bytes) is the credential: the state holds only its SHA-256, in the admin's
 * {@link AdminSession}. The MAC (HMAC-SHA-256 under the session's {@code idleKey}, which the cookie
 * holder never sees) covers the last-activity time, so every node can enforce the idle timeout
 * without a write per request: a node re-issues the cookie with a fresh time as it is used.
 *
 * <p>Login proof: {@code rrl_<totp code or empty>:<password>}, sent with {@code admin.login} (and,
 * without a code, with {@code admin.change_password}): the leader verifies the password itself.
 */
public final class AdminSessions {
  /** Prefix of a session cookie value. */
  public static final String COOKIE_PREFIX = "rrs_";

  /** Prefix of a password proof. */
  public static final String LOGIN_PREFIX = "rrl_";

  /** Default idle timeout: a session unused this long is over. */
  public static final Duration IDLE_TIMEOUT = Duration.ofMinutes(30);

  /** Default absolute lifetime of a session, however active. */
  public static final Duration ABSOLUTE_TIMEOUT = Duration.ofHours(12);

  private static final int MAX_COOKIE_LENGTH = 400;
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private AdminSessions() {}

  /** A new session and its secret (shown only inside the cookie). */
  public record Issued(AdminSession session, String secret) {
    @Override
    public String toString() {
      return "Issued[session=" + session.id() + ", secret=<redacted>]";
    }
  }

  /** A cookie that proves a live session of an enabled admin, with its last-activity time. */
  public record Verified(Admin admin, AdminSession session, long lastActivity) {}

  /** A parsed password proof. */
  public record LoginProof(String code, String password) {
    @Override
    public String toString() {
      return "LoginProof[<redacted>]";
    }
  }

  /** A new session starting {@code now} that ends {@code absolute} later. */
  public static Issued issue(Instant now, Duration absolute) {
    String secret = Ids.secret(32);
    AdminSession s =
        new AdminSession(
            Ids.newId("ses", now.toEpochMilli()),
            Authority.tokenHash(secret),
            Ids.secret(32),
            now,
            now.plus(absolute));
    return new Issued(s, secret);
  }

  /** The cookie value of a session with {@code lastActivity} (epoch seconds). */
  public static String cookie(String adminId, AdminSession s, String secret, long lastActivity) {
    return COOKIE_PREFIX
        + adminId
        + "."
        + s.id()
        + "."
        + secret
        + "."
        + lastActivity
        + "."
        + mac(s, adminId + "." + s.id() + "." + lastActivity);
  }

  /** The same cookie with a new last-activity time. */
  public static String touch(String cookie, Verified v, long lastActivity) {
    String[] p = split(cookie);
    return cookie(v.admin().id(), v.session(), p[2], lastActivity);
  }

  /** The CSRF token of a session: an HMAC of its id under its idle key. */
  public static String csrf(AdminSession s) {
    return mac(s, "csrf." + s.id());
  }

  /** Whether {@code presented} is the session's CSRF token (constant time). */
  public static boolean csrfMatches(AdminSession s, String presented) {
    return presented != null
        && MessageDigest.isEqual(
            csrf(s).getBytes(StandardCharsets.US_ASCII),
            presented.getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * The session a cookie proves: admin known and enabled, session live in the state, secret and MAC
   * right. Says nothing about time: the caller checks the idle and absolute expiry with its clock.
   */
  public static Optional<Verified> verify(State state, String cookie) {
    if (!isCookie(cookie)) {
      return Optional.empty();
    }
    String[] p = split(cookie);
    if (p == null) {
      return Optional.empty();
    }
    Admin a = state.admins().get(p[0]);
    if (a == null || a.disabled()) {
      return Optional.empty();
    }
    AdminSession s = a.session(p[1]);
    if (s == null) {
      return Optional.empty();
    }
    long last;
    try {
      last = Long.parseLong(p[3]);
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    boolean secretOk =
        MessageDigest.isEqual(
            Authority.tokenHash(p[2]).getBytes(StandardCharsets.US_ASCII),
            s.secretHash().getBytes(StandardCharsets.US_ASCII));
    boolean macOk =
        MessageDigest.isEqual(
            mac(s, p[0] + "." + p[1] + "." + p[3]).getBytes(StandardCharsets.US_ASCII),
            p[4].getBytes(StandardCharsets.US_ASCII));
    return secretOk && macOk ? Optional.of(new Verified(a, s, last)) : Optional.empty();
  }

  /** Whether {@code value} has the form of a session cookie. */
  public static boolean isCookie(String value) {
    return value != null && value.length() <= MAX_COOKIE_LENGTH && value.startsWith(COOKIE_PREFIX);
  }

  /** A password proof for the leader. */
  public static String loginProof(String code, String password) {
    return LOGIN_PREFIX + (code == null ? "" : code) + ":" + password;
  }

  /** The parts of a password proof, or empty when {@code value} is not one. */
  public static Optional<LoginProof> parseLogin(String value) {
    if (value == null || !value.startsWith(LOGIN_PREFIX)) {
      return Optional.empty();
    }
    int colon = value.indexOf(':');
    if (colon < 0 || colon - LOGIN_PREFIX.length() > 8) {
      return Optional.empty();
    }
    return Optional.of(
        new LoginProof(value.substring(LOGIN_PREFIX.length(), colon), value.substring(colon + 1)));
  }

  /** Whether a password proof holds {@code admin}'s password. */
  static boolean passwordOk(Admin admin, LoginProof proof) {
    return Passwords.verify(proof.password(), admin.passwordHash());
  }

  private static String[] split(String cookie) {
    String[] p = cookie.substring(COOKIE_PREFIX.length()).split("\\.", -1);
    return p.length == 5 ? p : null;
  }

  private static String mac(AdminSession s, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(s.idleKey().getBytes(StandardCharsets.US_ASCII), "HmacSHA256"));
      return B64.encodeToString(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from the JDK", e);
    }
  }
}
