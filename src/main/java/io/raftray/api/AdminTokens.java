package io.raftray.api;

import io.raftray.model.AdminToken;
import io.raftray.model.Ids;
import io.raftray.model.Role;
import io.raftray.state.Authority;
import io.raftray.state.State;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;

/**
 * Issues and checks admin tokens. The plaintext is {@code rrt_<token id>.<secret>} with a 32-byte
 * base64url secret; only the hex SHA-256 of the secret text is stored, so the state (and its
 * snapshots and log) never holds a usable credential.
 */
public final class AdminTokens {
  /** Prefix of every admin token, so scanners and humans can recognise one. */
  public static final String PREFIX = Authority.TOKEN_PREFIX;

  private AdminTokens() {}

  /** A new token and its plaintext, which is shown once and never stored. */
  public record Issued(AdminToken token, String plaintext) {
    @Override
    public String toString() {
      return "Issued[token=" + token.id() + ", plaintext=<redacted>]";
    }
  }

  /** Creates a token; submit {@code Command.CreateAdminToken(issued.token())} to make it valid. */
  public static Issued issue(String name, Role role, Clock clock) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(role, "role");
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    String id = Ids.newId("tok", now.toEpochMilli());
    String secret = Ids.secret(32);
    AdminToken token = new AdminToken(id, name, role, hash(secret), now, false);
    return new Issued(token, PREFIX + id + "." + secret);
  }

  /** The live (not revoked) token the bearer string proves, if any. Constant-time comparison. */
  public static Optional<AdminToken> authenticate(State state, String bearer) {
    // One check for the API edge and the leader (Authority), so both accept the same tokens.
    return Authority.adminToken(state, bearer);
  }

  static String hash(String secret) {
    return Authority.tokenHash(secret);
  }
}
