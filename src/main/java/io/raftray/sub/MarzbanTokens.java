package io.raftray.sub;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftray.model.Json;
import io.raftray.model.User;
import io.raftray.state.State;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Subscription tokens that Marzban issued, checked with its JWT secret (the cluster setting {@code
 * marzban_jwt_secret}) so the links of users imported from Marzban keep working. Two layouts
 * (interface facts of Marzban 0.8): the current one, {@code b64url_nopad("<username>,<unix
 * seconds>")} followed by the first 10 characters of {@code b64url(sha256(<that part> + secret))};
 * and the older HS256 JWT with {@code sub}, {@code access = "subscription"} and {@code iat}. A
 * token names a user; it is refused (null, the same 404 as an unknown token) when the signature
 * does not match, the user does not exist, or the token is older than the user's creation or its
 * {@code sub_revoked_at}, as Marzban does.
 */
final class MarzbanTokens {
  /** The longest Marzban token looked at: a JWT of a 64-character name is about 200. */
  static final int MAX_LENGTH = 512;

  /** Marzban checks the JWT form by this exact header ({@code {"alg":"HS256","typ":"JWT"}}). */
  private static final String JWT_HEADER = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.";

  private static final int SIGNATURE_CHARS = 10;

  private MarzbanTokens() {}

  /** A token's claim: the user name and when it was issued. */
  record Claim(String username, Instant issuedAt) {}

  /** The user {@code token} names, when it is a valid Marzban token for them in {@code view}. */
  static User user(State view, String token, Instant now) {
    String secret = view.settings().marzbanJwtSecret();
    if (secret == null || token.length() < 15 || token.length() > MAX_LENGTH) {
      return null;
    }
    Claim claim = verify(token, secret, now).orElse(null);
    if (claim == null) {
      return null;
    }
    String id = view.userIdByName().get(claim.username());
    User u = id == null ? null : view.users().get(id);
    if (u == null) {
      return null;
    }
    // As Marzban: refused when the user was created, or its subscription revoked, after the token.
    Instant issued = claim.issuedAt();
    if (u.createdAt() != null && u.createdAt().isAfter(issued)) {
      return null;
    }
    if (u.subRevokedAt() != null && u.subRevokedAt().isAfter(issued)) {
      return null;
    }
    return u;
  }

  /** The claim of {@code token} when its signature is the one {@code secret} makes. */
  static Optional<Claim> verify(String token, String secret, Instant now) {
    try {
      return token.startsWith(JWT_HEADER) ? jwt(token, secret, now) : compact(token, secret);
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      return Optional.empty(); // malformed: the same answer as a bad signature
    }
  }

  private static Optional<Claim> compact(String token, String secret)
      throws GeneralSecurityException {
    String data = token.substring(0, token.length() - SIGNATURE_CHARS);
    String signature = token.substring(token.length() - SIGNATURE_CHARS);
    if (!equal(signature, compactSignature(data, secret))) {
      return Optional.empty();
    }
    String text = new String(Base64.getUrlDecoder().decode(data), StandardCharsets.UTF_8);
    int comma = text.indexOf(',');
    if (comma <= 0) {
      return Optional.empty();
    }
    int end = text.indexOf(',', comma + 1);
    long seconds = Long.parseLong(text.substring(comma + 1, end < 0 ? text.length() : end));
    return Optional.of(new Claim(text.substring(0, comma), Instant.ofEpochSecond(seconds)));
  }

  /** The 10 signature characters Marzban appends to {@code data}. */
  static String compactSignature(String data, String secret) throws GeneralSecurityException {
    byte[] digest =
        MessageDigest.getInstance("SHA-256")
            .digest((data + secret).getBytes(StandardCharsets.UTF_8));
    return Base64.getUrlEncoder().encodeToString(digest).substring(0, SIGNATURE_CHARS);
  }

  private static Optional<Claim> jwt(String token, String secret, Instant now)
      throws GeneralSecurityException {
    int dot = token.lastIndexOf('.');
    if (dot <= JWT_HEADER.length()) {
      return Optional.empty();
    }
    String signed = token.substring(0, dot);
    if (!equal(token.substring(dot + 1), hs256(signed, secret))) {
      return Optional.empty();
    }
    byte[] payload = Base64.getUrlDecoder().decode(signed.substring(JWT_HEADER.length()));
    JsonNode claims;
    try {
      claims = Json.mapper().readTree(payload);
    } catch (java.io.IOException e) {
      return Optional.empty();
    }
    JsonNode sub = claims.get("sub");
    JsonNode iat = claims.get("iat");
    JsonNode exp = claims.get("exp");
    if (sub == null
        || !sub.isTextual()
        || iat == null
        || !iat.isNumber()
        || !"subscription".equals(claims.path("access").asText(null))) {
      return Optional.empty();
    }
    if (exp != null && exp.isNumber() && Instant.ofEpochSecond(exp.asLong()).isBefore(now)) {
      return Optional.empty();
    }
    return Optional.of(new Claim(sub.textValue(), Instant.ofEpochSecond(iat.asLong())));
  }

  /** The base64url (no padding) HS256 signature of {@code signed}. */
  static String hs256(String signed, String secret) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
  }

  private static boolean equal(String a, String b) {
    return MessageDigest.isEqual(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  /** Marzban's client types and the format each is answered in. */
  static final Map<String, Format> CLIENT_TYPES =
      Map.of(
          "sing-box", Format.SINGBOX,
          "clash-meta", Format.CLASH,
          "clash", Format.CLASH,
          "outline", Format.LINKS,
          "v2ray", Format.BASE64,
          "v2ray-json", Format.XRAY);
}
