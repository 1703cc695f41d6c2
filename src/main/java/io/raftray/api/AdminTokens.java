package io.raftray.api;

import io.raftray.model.AdminToken;
import io.raftray.model.Ids;
import io.raftray.model.Role;
import io.raftray.state.State;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * Issues and checks admin tokens. The plaintext is {@code rrt_<token id>.<secret>} with a 32-byte
 * base64url secret; only the hex SHA-256 of the secret text is stored, so the state (and its
 * snapshots and log) never holds a usable credential.
 */
public final class AdminTokens {
  /** Prefix of every admin token, so scanners and humans can recognise one. */
  public static final String PREFIX = "rrt_";

  private static final int MAX_BEARER_LENGTH = 256;

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
    if (bearer == null || bearer.length() > MAX_BEARER_LENGTH || !bearer.startsWith(PREFIX)) {
      return Optional.empty();
    }
    int dot = bearer.indexOf('.');
    if (dot < 0) {
      return Optional.empty();
    }
    String id = bearer.substring(PREFIX.length(), dot);
    String presented = hash(bearer.substring(dot + 1));
    AdminToken t = state.adminTokens().get(id);
    if (t == null || t.revoked()) {
      return Optional.empty();
    }
    boolean same =
        MessageDigest.isEqual(
            presented.getBytes(StandardCharsets.US_ASCII),
            t.secretHash().getBytes(StandardCharsets.US_ASCII));
    return same ? Optional.of(t) : Optional.empty();
  }

  static String hash(String secret) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha.digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from the JDK", e);
    }
  }
}
