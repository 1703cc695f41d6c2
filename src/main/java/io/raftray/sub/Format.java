package io.raftray.sub;

import java.util.Locale;
import java.util.Optional;

/**
 * Subscription document formats; the wire names are part of the public API (docs/subscriptions.md).
 */
public enum Format {
  BASE64,
  LINKS,
  CLASH,
  SINGBOX,
  XRAY,
  HTML;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Format> parse(String s) {
    if (s == null) {
      return Optional.empty();
    }
    for (Format f : values()) {
      if (f.wire().equals(s)) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }
}
