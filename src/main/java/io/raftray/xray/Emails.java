package io.raftray.xray;

import java.util.Locale;
import java.util.Optional;

/**
 * The {@code email} a grant's user gets in Xray: {@code <user id>.<grant id>} in lower case. It is
 * stable for the grant's life and names the user, so counters read after the grant was deleted
 * still find their user. Ids use upper-case Crockford base32 after a lower-case prefix, so lower
 * casing is undone by comparing ignoring case.
 */
public final class Emails {
  private Emails() {}

  public static String of(String userId, String grantId) {
    return (userId + "." + grantId).toLowerCase(Locale.ROOT);
  }

  /** The user and grant id parts (lower case) of an email made by {@link #of}. */
  public record Parts(String userId, String grantId) {
    public boolean isUser(String id) {
      return userId.equalsIgnoreCase(id);
    }

    public boolean isGrant(String id) {
      return grantId.equalsIgnoreCase(id);
    }
  }

  public static Optional<Parts> parse(String email) {
    if (email == null) {
      return Optional.empty();
    }
    int dot = email.indexOf('.');
    if (dot <= 0 || dot == email.length() - 1 || email.indexOf('.', dot + 1) >= 0) {
      return Optional.empty();
    }
    return Optional.of(new Parts(email.substring(0, dot), email.substring(dot + 1)));
  }
}
