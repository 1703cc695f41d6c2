package io.raftray.api;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.raftray.model.AdminToken;
import io.raftray.model.ErrorKind;
import io.raftray.model.RaftrayException;
import io.raftray.state.State;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bearer authentication with a per-source-address limit on failures, and the in-memory "last used"
 * time of each token.
 *
 * <p>A request that presents a bad credential counts as a failure; a request without an
 * Authorization header does not (it guesses nothing). Once an address reaches the limit within a
 * fixed window, every request from it gets 429 until the window ends, even with a valid token, so
 * guesses are never evaluated while blocked.
 */
final class Auth {
  private static final String UNAUTHORIZED = "a valid admin token is required";
  private static final int MAX_TRACKED_ADDRESSES = 10_000;

  private final Clock clock;
  private final int limit;
  private final long windowMillis;
  private final Map<String, Window> failures = new ConcurrentHashMap<>();
  // Kept only in this process and per node: it is a hint for operators, not replicated state,
  // because writing it through Raft on every request would turn each read into a log entry.
  private final Map<String, Instant> lastUsed = new ConcurrentHashMap<>();

  private static final class Window {
    long start;
    int count;
  }

  Auth(Clock clock, ApiSettings settings) {
    this.clock = clock;
    this.limit = settings.authFailureLimit();
    this.windowMillis = settings.authFailureWindow().toMillis();
  }

  /** The token of the request; 429 when its address is blocked, 401 for a missing or bad one. */
  AdminToken authenticate(ServerRequest req, State state) {
    String address = address(req);
    long now = clock.millis();
    Window w = failures.get(address);
    if (w != null) {
      synchronized (w) {
        if (now - w.start >= windowMillis) {
          failures.remove(address, w);
        } else if (w.count >= limit) {
          long retry = Math.max(1, (w.start + windowMillis - now + 999) / 1000);
          throw new HttpProblem(
              ErrorKind.RATE_LIMITED,
              "too many failed authentications from this address; retry in " + retry + " s",
              Map.of("Retry-After", Long.toString(retry)));
        }
      }
    }
    Optional<String> header = req.headers().first(HeaderNames.AUTHORIZATION);
    if (header.isEmpty()) {
      throw new RaftrayException(ErrorKind.UNAUTHORIZED, UNAUTHORIZED);
    }
    if (!state.bootstrapped()) {
      // A starting node (or a joined one before its first snapshot) holds no tokens yet: it cannot
      // tell a good token from a bad one, so this is neither a 401 nor a failure to count. Counting
      // it would lock out every client of a restarting node's address for the whole window.
      throw new RaftrayException(
          ErrorKind.UNAVAILABLE, "node is starting: the cluster state is not loaded yet");
    }
    String h = header.get();
    Optional<AdminToken> token =
        h.regionMatches(true, 0, "Bearer ", 0, 7)
            ? AdminTokens.authenticate(state, h.substring(7).trim())
            : Optional.empty();
    if (token.isEmpty()) {
      recordFailure(address, now);
      throw new RaftrayException(ErrorKind.UNAUTHORIZED, UNAUTHORIZED);
    }
    lastUsed.put(token.get().id(), clock.instant());
    return token.get();
  }

  /** When the token last authenticated on THIS node since it started; null when not seen. */
  Instant lastUsed(String tokenId) {
    return lastUsed.get(tokenId);
  }

  private void recordFailure(String address, long now) {
    if (failures.size() >= MAX_TRACKED_ADDRESSES) {
      failures.values().removeIf(x -> now - x.start >= windowMillis);
    }
    Window w = failures.computeIfAbsent(address, a -> new Window());
    synchronized (w) {
      if (w.count == 0 || now - w.start >= windowMillis) {
        w.start = now;
        w.count = 0;
      }
      w.count++;
    }
  }

  private static String address(ServerRequest req) {
    SocketAddress a = req.remotePeer().address();
    if (a instanceof InetSocketAddress i && i.getAddress() != null) {
      return i.getAddress().getHostAddress();
    }
    return String.valueOf(a);
  }
}
