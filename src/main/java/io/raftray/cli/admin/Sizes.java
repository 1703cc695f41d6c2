package io.raftray.cli.admin;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Byte sizes as typed by people: {@code 0}, {@code 1048576}, {@code 10GB} (SI, powers of 1000),
 * {@code 512MiB} (IEC, powers of 1024), {@code 1.5 GB}. Output uses SI units so that what was typed
 * as {@code 10GB} reads back as {@code 10 GB}.
 */
final class Sizes {
  private static final Pattern SIZE =
      Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([a-z]*)", Pattern.CASE_INSENSITIVE);
  private static final Map<String, Long> UNITS =
      Map.ofEntries(
          Map.entry("", 1L),
          Map.entry("b", 1L),
          Map.entry("kb", 1_000L),
          Map.entry("mb", 1_000_000L),
          Map.entry("gb", 1_000_000_000L),
          Map.entry("tb", 1_000_000_000_000L),
          Map.entry("pb", 1_000_000_000_000_000L),
          Map.entry("kib", 1L << 10),
          Map.entry("mib", 1L << 20),
          Map.entry("gib", 1L << 30),
          Map.entry("tib", 1L << 40),
          Map.entry("pib", 1L << 50));
  private static final String[] SI = {"B", "KB", "MB", "GB", "TB", "PB", "EB"};

  private Sizes() {}

  /** Parses a size into bytes; throws IllegalArgumentException with a readable reason. */
  static long parse(String text) {
    Matcher m = SIZE.matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "invalid size '" + text + "': expected bytes or a number with a unit such as 10GB");
    }
    Long unit = UNITS.get(m.group(2).toLowerCase(Locale.ROOT));
    if (unit == null) {
      throw new IllegalArgumentException(
          "invalid size '"
              + text
              + "': unknown unit '"
              + m.group(2)
              + "' (use B, KB, MB, GB, TB,"
              + " KiB, MiB, GiB or TiB)");
    }
    BigDecimal bytes = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit));
    try {
      return bytes.longValueExact();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(
          "invalid size '" + text + "': not a whole number of bytes or too large", e);
    }
  }

  /** Formats bytes for tables: {@code 0 B}, {@code 999 B}, {@code 1.5 GB}, {@code 10 GB}. */
  static String format(long bytes) {
    if (bytes < 1000) {
      return bytes + " B";
    }
    double value = bytes;
    int unit = 0;
    while (value >= 999.95 && unit < SI.length - 1) {
      value /= 1000;
      unit++;
    }
    String number = String.format(Locale.ROOT, "%.1f", value);
    if (number.endsWith(".0")) {
      number = number.substring(0, number.length() - 2);
    }
    return number + " " + SI[unit];
  }

  /** Picocli converter for {@code --data-limit}. */
  static final class Converter implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      try {
        return parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
