package io.raftray.api;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.raftray.http.FailureLimiter;
import io.raftray.model.ErrorKind;
import io.raftray.model.RaftrayException;
import io.raftray.state.AdminSessions;
import io.raftray.state.State;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Console sessions at the API edge: the {@code raftray_session} cookie, its idle and absolute
 * expiry with this node's clock, the sliding re-issue, CSRF and the failed-login limits (per source
 * address and per user name). The cookie's identity part is checked by {@link AdminSessions}, like
 * the leader does. See docs/console.md.
 */
final class Sessions {
  static final String COOKIE = "raftray_session";
  static final String CSRF_HEADER = "X-CSRF-Token";
  static final String EXPIRED = "the console session has expired or ended; log in again";

  /** The cookie is re-issued with a fresh activity time once it is this old. */
  static final Duration REISSUE_AFTER = Duration.ofMinutes(1);

  private final Clock clock;
  private final Duration idle;
  private final FailureLimiter logins;

  Sessions(Clock clock, ApiSettings settings) {
    this.clock = clock;
    this.idle = AdminSessions.IDLE_TIMEOUT;
    this.logins =
        new FailureLimiter(
            clock,
            settings.authFailureLimit(),
            settings.authFailureWindow().toMillis(),
            Auth.MAX_TRACKED_SOURCES);
  }

  Duration idleTimeout() {
    return idle;
  }

  /** The session cookie of the request, if it sends one. */
  static Optional<String> cookie(ServerRequest req) {
    for (String header : req.headers().all(HeaderNames.COOKIE, java.util.List::of)) {
      for (String part : header.split(";")) {
        String p = part.trim();
        if (p.startsWith(COOKIE + "=")) {
          String v = p.substring(COOKIE.length() + 1).trim();
          if (!v.isEmpty()) {
            return Optional.of(v);
          }
        }
      }
    }
    return Optional.empty();
  }

  /** The session a cookie proves now; 401 (and the cookie cleared) when it does not. */
  Principal authenticate(String cookie, State state) {
    if (!state.bootstrapped()) {
      throw new RaftrayException(
          ErrorKind.UNAVAILABLE, "node is starting: the cluster state is not loaded yet");
    }
    Instant now = clock.instant();
    AdminSessions.Verified v =
        AdminSessions.verify(state, cookie)
            .filter(x -> now.isBefore(x.session().expiresAt()))
            .filter(x -> now.getEpochSecond() - x.lastActivity() <= idle.toSeconds())
            .orElseThrow(() -> ended());
    long nowSec = now.getEpochSecond();
    String out =
        nowSec - v.lastActivity() >= REISSUE_AFTER.toSeconds()
            ? AdminSessions.touch(cookie, v, nowSec)
            : null;
    return new Principal(v.admin().id(), v.admin().role(), cookie, v, out);
  }

  /** 401 that also clears the browser's cookie. */
  static HttpProblem ended() {
    return new HttpProblem(ErrorKind.UNAUTHORIZED, EXPIRED, Map.of("Set-Cookie", clearCookie()));
  }

  /** The {@code Set-Cookie} value for a session cookie, living until the session's absolute end. */
  String setCookie(String value, Instant expiresAt) {
    long maxAge = Math.max(0, Duration.between(clock.instant(), expiresAt).toSeconds());
    return COOKIE
        + "="
        + value
        + "; Path=/; Max-Age="
        + maxAge
        + "; HttpOnly; Secure; SameSite=Strict";
  }

  static String clearCookie() {
    return COOKIE + "=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict";
  }

  /** 429 when this source or this user name failed too often; nothing otherwise. */
  void checkLoginLimit(String source, String username) {
    OptionalLong bySource = logins.blockedFor("src:" + source);
    OptionalLong byName = logins.blockedFor("user:" + username);
    if (bySource.isPresent() || byName.isPresent()) {
      long retry = Math.max(bySource.orElse(0), byName.orElse(0));
      throw new HttpProblem(
          ErrorKind.RATE_LIMITED,
          "too many failed logins from this address or for this user name; retry in "
              + retry
              + " s",
          Map.of("Retry-After", Long.toString(retry)));
    }
  }

  /** Counts one failed login of this source and user name. */
  void loginFailed(String source, String username) {
    logins.fail("src:" + source);
    logins.fail("user:" + username);
  }
}
