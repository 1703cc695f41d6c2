package io.raftray.join;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.raftray.model.Ids;
import io.raftray.model.Json;
import io.raftray.model.NodeRole;
import io.raftray.pki.KeyPairs;
import io.raftray.pki.PkiException;
import io.raftray.state.Command;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Join token text: {@code rrj_} + base64url (no padding) of a small JSON object {@code {"v":2,
 * "cluster_id", "urls", "ca_pin", "token_id", "secret"}}, the secret being the 32-byte private
 * scalar of the token's P-256 key (base64url); format 1 (previous release) had 32 random bytes
 * whose SHA-256 the cluster stored. The token is self-contained so that a new host needs nothing
 * else to join.
 */
public final class JoinTokens {
  public static final String PREFIX = "rrj_";
  static final int MAX_TEXT = 4096;
  private static final Pattern PIN = Pattern.compile("sha256:[0-9a-f]{64}");

  private JoinTokens() {}

  /** The decoded content of a token. */
  public record Content(
      int v, String clusterId, List<String> urls, String caPin, String tokenId, String secret) {
    public Content {
      urls = List.copyOf(urls);
    }

    /** The raw secret bytes. */
    byte[] secretBytes() {
      return Base64.getUrlDecoder().decode(secret);
    }

    @Override
    public String toString() {
      return "JoinToken[" + tokenId + " of cluster " + clusterId + ", secret=<redacted>]";
    }
  }

  /** A new token: the command to submit and the text shown once. */
  public record Issued(Command.CreateJoinToken command, String text) {
    @Override
    public String toString() {
      return "Issued[token=" + command.id() + ", text=<redacted>]";
    }
  }

  /** Creates an ordinary token (the joiner gets no CA key). */
  public static Issued issue(
      String clusterId,
      List<String> urls,
      String caPin,
      long ttlSeconds,
      int maxUses,
      NodeRole role,
      String createdBy,
      Clock clock) {
    return issue(clusterId, urls, caPin, ttlSeconds, maxUses, role, false, createdBy, clock);
  }

  /**
   * Creates a token; submit {@code issued.command()} to make it valid. The command carries only the
   * token's public key: nothing in it (or in the log and snapshots) makes a proof. {@code
   * caHolder}: the joiner becomes a CA holder and receives the CA key.
   */
  public static Issued issue(
      String clusterId,
      List<String> urls,
      String caPin,
      long ttlSeconds,
      int maxUses,
      NodeRole role,
      boolean caHolder,
      String createdBy,
      Clock clock) {
    Objects.requireNonNull(clusterId, "clusterId");
    if (urls.isEmpty()) {
      throw new IllegalArgumentException("a join token needs at least one url");
    }
    String id = Ids.newId("jtk", clock.millis());
    KeyPair key = JoinCrypto.newTokenKey();
    byte[] secret = KeyPairs.privateScalar(key.getPrivate());
    Content c =
        new Content(
            2,
            clusterId,
            urls,
            caPin,
            id,
            Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
    String text;
    try {
      text =
          PREFIX
              + Base64.getUrlEncoder()
                  .withoutPadding()
                  .encodeToString(Json.mapper().writeValueAsBytes(c));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode join token", e);
    }
    return new Issued(
        new Command.CreateJoinToken(
            id,
            null,
            ttlSeconds,
            maxUses,
            role,
            createdBy,
            JoinCrypto.verifyKey(key.getPublic()),
            caHolder ? Boolean.TRUE : null),
        text);
  }

  /** Decodes and checks the shape of a token; the message never echoes the token. */
  public static Content decode(String text) throws JoinException {
    String t = text == null ? "" : text.strip();
    if (!t.startsWith(PREFIX) || t.length() > MAX_TEXT) {
      throw JoinException.usage("not a join token (expected text starting with " + PREFIX + ")");
    }
    Content c;
    try {
      byte[] json = Base64.getUrlDecoder().decode(t.substring(PREFIX.length()));
      c = Json.mapper().readValue(json, Content.class);
    } catch (IllegalArgumentException | IOException e) {
      throw JoinException.usage("join token is damaged (cannot decode it)");
    }
    if (c.v() != 1 && c.v() != 2) {
      throw JoinException.usage("join token version " + c.v() + " is not supported");
    }
    if (c.clusterId() == null
        || c.tokenId() == null
        || c.urls().isEmpty()
        || c.caPin() == null
        || !PIN.matcher(c.caPin()).matches()
        || c.secret() == null) {
      throw JoinException.usage("join token is damaged (fields missing)");
    }
    try {
      if (c.secretBytes().length < 16) {
        throw JoinException.usage("join token secret is too short");
      }
      if (c.v() == 2) {
        JoinCrypto.tokenKey(c.secretBytes());
      }
    } catch (IllegalArgumentException | PkiException e) {
      throw JoinException.usage("join token is damaged (bad secret)");
    }
    for (String u : c.urls()) {
      if (!u.startsWith("https://")) {
        throw JoinException.usage("join token holds a non-https url");
      }
    }
    return c;
  }

  /** The text of a decoded token, e.g. after a test tampered with it. */
  public static String encode(Content c) {
    try {
      return PREFIX
          + Base64.getUrlEncoder()
              .withoutPadding()
              .encodeToString(Json.mapper().writeValueAsBytes(c));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode join token", e);
    }
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
