package io.raftray.sub;

import io.raftray.model.SubscriptionSettings;
import io.raftray.model.User;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** The headers subscription clients read (see docs/subscriptions.md "Headers"). */
final class Headers {
  private Headers() {}

  /** What a format's body is: its media type and the file name extension clients save it as. */
  private record Media(String contentType, String extension) {}

  private static Media media(Format f) {
    return switch (f) {
      case BASE64, LINKS -> new Media("text/plain; charset=utf-8", "txt");
      case CLASH -> new Media("text/yaml; charset=utf-8", "yaml");
      case SINGBOX, XRAY -> new Media("application/json; charset=utf-8", "json");
      case HTML -> new Media("text/html; charset=utf-8", "html");
    };
  }

  static String contentType(Format f) {
    return media(f).contentType();
  }

  static String extension(Format f) {
    return media(f).extension();
  }

  /**
   * The client headers of a machine-readable document, in a fixed order (they are part of the
   * ETag). {@code title} is what clients show as the profile name.
   */
  static Map<String, String> client(User u, SubscriptionSettings s, String title, Format format) {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Content-Type", contentType(format));
    h.put("subscription-userinfo", userinfo(u));
    h.put("profile-update-interval", Integer.toString(s.updateIntervalHours()));
    h.put("profile-title", "base64:" + b64(title));
    h.put("Content-Disposition", disposition(title, extension(format)));
    if (s.supportUrl() != null) {
      h.put("support-url", s.supportUrl());
    }
    if (s.webPageUrl() != null) {
      h.put("profile-web-page-url", s.webPageUrl());
    }
    return h;
  }

  /** Period uplink and downlink, the data limit, the expiry in Unix seconds; 0 = none. */
  static String userinfo(User u) {
    return "upload="
        + u.uplinkBytes()
        + "; download="
        + u.downlinkBytes()
        + "; total="
        + u.dataLimitBytes()
        + "; expire="
        + (u.expireAt() == null ? 0 : Math.max(0, u.expireAt().getEpochSecond()));
  }

  /**
   * {@code attachment; filename="<ascii>.<ext>"}, plus {@code filename*=UTF-8''...} when the title
   * is not plain ASCII (clients that know RFC 6266 show the real name).
   */
  static String disposition(String title, String ext) {
    String ascii = asciiName(title);
    String v = "attachment; filename=\"" + ascii + "." + ext + "\"";
    if (!title.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
      v += "; filename*=UTF-8''" + pct(title + "." + ext);
    }
    return v;
  }

  /** A file name of A-Z a-z 0-9 . _ - only, at most 64 characters; "subscription" when empty. */
  static String asciiName(String title) {
    StringBuilder b = new StringBuilder();
    boolean gap = false;
    for (int i = 0; i < title.length() && b.length() < 64; i++) {
      char c = title.charAt(i);
      boolean ok = ShareLinks.isAlphaNum(c) || c == '-' || c == '_' || (c == '.' && !b.isEmpty());
      if (ok) {
        if (gap && !b.isEmpty()) {
          b.append('_');
        }
        b.append(c);
        gap = false;
      } else {
        gap = true;
      }
    }
    String s = b.toString();
    while (s.endsWith(".")) {
      s = s.substring(0, s.length() - 1);
    }
    return s.isEmpty() ? "subscription" : s;
  }

  /** RFC 5987 value characters: attr-char stays, everything else percent-encoded UTF-8. */
  static String pct(String s) {
    return ShareLinks.percentEncode(
        s, c -> ShareLinks.isAlphaNum(c) || "!#$&+-.^_`|~".indexOf(c) >= 0);
  }

  static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
