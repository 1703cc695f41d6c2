package io.raftray.cli.admin;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Relative durations ({@code 30d}, {@code 12h}, {@code 1w2d}) and RFC 3339 expiry times. */
final class Durations {
  private static final Pattern WHOLE = Pattern.compile("(\\d+[smhdw])+");
  private static final Pattern PART = Pattern.compile("(\\d+)([smhdw])");

  private Durations() {}

  /** Parses {@code 30d}, {@code 90m}, {@code 1w2d12h}; units s, m (minutes), h, d, w. */
  static Duration parse(String text) {
    String s = text.strip().toLowerCase(Locale.ROOT);
    if (!WHOLE.matcher(s).matches()) {
      throw new IllegalArgumentException(
          "invalid duration '" + text + "': expected e.g. 30d, 12h, 1w2d (units s, m, h, d, w)");
    }
    Duration total = Duration.ZERO;
    Matcher m = PART.matcher(s);
    try {
      while (m.find()) {
        long n = Long.parseLong(m.group(1));
        total =
            total.plus(
                switch (m.group(2)) {
                  case "s" -> Duration.ofSeconds(n);
                  case "m" -> Duration.ofMinutes(n);
                  case "h" -> Duration.ofHours(n);
                  case "d" -> Duration.ofDays(n);
                  default -> Duration.ofDays(Math.multiplyExact(n, 7));
                });
      }
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException("invalid duration '" + text + "': too large", e);
    }
    if (total.isZero()) {
      throw new IllegalArgumentException("invalid duration '" + text + "': must be positive");
    }
    return total;
  }

  /**
   * Parses {@code --expire-at}: an RFC 3339 time (any offset, normalised to UTC) or {@code never}.
   * Returns null for {@code never}.
   */
  static Instant parseExpireAt(String text) {
    String s = text.strip();
    if (s.equalsIgnoreCase("never")) {
      return null;
    }
    try {
      return OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "invalid time '" + text + "': expected RFC 3339 such as 2030-01-31T00:00:00Z, or never",
          e);
    }
  }

  /** RFC 3339 UTC with whole seconds, the form the API uses. */
  static String rfc3339(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  /** Picocli converter for {@code --expire-in}. */
  static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      try {
        return parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  /** Picocli converter for {@code --expire-at}; {@code never} becomes {@link Expiry#NEVER}. */
  static final class ExpiryConverter implements ITypeConverter<Expiry> {
    @Override
    public Expiry convert(String value) {
      try {
        return new Expiry(parseExpireAt(value));
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  /** An expiry time, or none ({@code at == null}). */
  record Expiry(Instant at) {
    static final Expiry NEVER = new Expiry(null);
  }
}
