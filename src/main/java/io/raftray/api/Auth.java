package io.raftray.api;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.raftray.http.ClientAddress;
import io.raftray.http.FailureLimiter;
import io.raftray.model.AdminToken;
import io.raftray.model.ErrorKind;
import io.raftray.model.RaftrayException;
import io.raftray.state.AdminSessions;
import io.raftray.state.State;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bearer authentication with a per-source limit on failures, and the in-memory "last used" time of
 * each token.
 *
 * <p>The token is checked first: a valid token is never blocked, whatever its address did, so a
 * flood of bad guesses from a shared address (a NAT, a proxy, an IPv6 /64) cannot lock out the
 * admins behind it. A request that presents a bad credential counts as a failure; a request without
 * an Authorization header does not (it guesses nothing). Once a source reaches the limit within a
 * fixed window, its bad credentials get 429 instead of 401 until the window ends. The limit is not
 * what keeps tokens from being guessed (they carry 256 random bits); it keeps failing clients cheap
 * and visible. The source is the client address from {@link ClientAddress} (a trusted proxy's
 * header, IPv6 grouped by /64); at most {@link #MAX_TRACKED_SOURCES} sources are tracked, the least
 * recently seen dropped first.
 */
final class Auth {
  static final String UNAUTHORIZED = "a valid admin token is required";
  static final int MAX_TRACKED_SOURCES = 10_000;

  private final Clock clock;
  private final ApiSettings settings;
  private final FailureLimiter failures;
  // Kept only in this process and per node: it is a hint for operators, not replicated state,
  // because writing it through Raft on every request would turn each read into a log entry.
  private final Map<String, Instant> lastUsed = new ConcurrentHashMap<>();
  private final Sessions sessions;

  Auth(Clock clock, ApiSettings settings) {
    this.clock = clock;
    this.settings = settings;
    this.failures =
        new FailureLimiter(
            clock,
            settings.authFailureLimit(),
            settings.authFailureWindow().toMillis(),
            MAX_TRACKED_SOURCES);
    this.sessions = new Sessions(clock, settings);
  }

  /** Console sessions: login limits, cookies, expiry. */
  Sessions sessions() {
    return sessions;
  }

  /**
   * Who the request is: a bearer token when it has an {@code Authorization} header, else a console
   * session cookie; 401 for a missing or bad credential, 429 for a bad token while blocked.
   */
  Principal authenticate(ServerRequest req, State state) {
    Optional<String> header = req.headers().first(HeaderNames.AUTHORIZATION);
    if (header.isEmpty()) {
      Optional<String> cookie = Sessions.cookie(req);
      if (cookie.isPresent()) {
        return sessions.authenticate(cookie.get(), state);
      }
      throw new RaftrayException(ErrorKind.UNAUTHORIZED, UNAUTHORIZED);
    }
    if (!state.bootstrapped()) {
      // A starting node (or a joined one before its first snapshot) holds no tokens yet: it cannot
      // tell a good token from a bad one, so this is neither a 401 nor a failure to count. Counting
      // it would lock out every client of a restarting node's address for the whole window.
      throw new RaftrayException(
          ErrorKind.UNAVAILABLE, "node is starting: the cluster state is not loaded yet");
    }
    Optional<AdminToken> token = bearer(req).flatMap(b -> AdminTokens.authenticate(state, b));
    if (token.isPresent()) {
      lastUsed.put(token.get().id(), clock.instant());
      return new Principal(token.get().id(), token.get().role(), bearer(req).get(), null, null);
    }
    throw failed(req);
  }

  /**
   * The Marzban-compatible API's caller: {@code Authorization: Bearer} with an admin token or the
   * access token of a Marzban login ({@code /api/admin/token}: an admin session, live until its
   * absolute end; no idle timeout, as bots keep a token for hours). Never a cookie: these routes
   * have no CSRF token. 401 without a bearer, 401/429 for a bad one, as {@link #authenticate}.
   */
  Principal authenticateBearer(ServerRequest req, State state) {
    Optional<String> bearer = bearer(req);
    if (bearer.isEmpty()) {
      throw new RaftrayException(ErrorKind.UNAUTHORIZED, "Not authenticated");
    }
    if (!AdminSessions.isCookie(bearer.get())) {
      return authenticate(req, state);
    }
    if (!state.bootstrapped()) {
      throw new RaftrayException(
          ErrorKind.UNAVAILABLE, "node is starting: the cluster state is not loaded yet");
    }
    Instant now = clock.instant();
    Optional<AdminSessions.Verified> v =
        AdminSessions.verify(state, bearer.get())
            .filter(x -> now.isBefore(x.session().expiresAt()));
    if (v.isPresent()) {
      return new Principal(
          v.get().admin().id(), v.get().admin().role(), bearer.get(), v.get(), null);
    }
    throw failed(req);
  }

  /** Counts a bad credential of the request's source: 401, or 429 once it is blocked. */
  private RuntimeException failed(ServerRequest req) {
    String source = ClientAddress.limitKey(ClientAddress.of(req, settings.trustedProxies()));
    OptionalLong blocked = failures.blockedFor(source);
    if (blocked.isPresent()) {
      long retry = blocked.getAsLong();
      return new HttpProblem(
          ErrorKind.RATE_LIMITED,
          "too many failed authentications from this address; retry in " + retry + " s",
          Map.of("Retry-After", Long.toString(retry)));
    }
    failures.fail(source);
    return new RaftrayException(ErrorKind.UNAUTHORIZED, UNAUTHORIZED);
  }

  /** The bearer token of the request's {@code Authorization} header, if it has one. */
  static Optional<String> bearer(ServerRequest req) {
    return req.headers()
        .first(HeaderNames.AUTHORIZATION)
        .filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7))
        .map(h -> h.substring(7).trim());
  }

  /** When the token last authenticated on THIS node since it started; null when not seen. */
  Instant lastUsed(String tokenId) {
    return lastUsed.get(tokenId);
  }

  /** Sources tracked by the failure limit now (tests). */
  int trackedSources() {
    return failures.size();
  }
}
