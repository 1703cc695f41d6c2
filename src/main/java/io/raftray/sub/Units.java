package io.raftray.sub;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Sizes and dates as the titles, notices and the HTML page show them. */
final class Units {
  private static final DateTimeFormatter DAY =
      DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

  private Units() {}

  /** The UTC date of {@code t}, e.g. {@code 2026-05-31}. */
  static String day(Instant t) {
    return DAY.format(t);
  }

  /** Bytes in binary units with one decimal, e.g. {@code 1.5 GiB}. */
  static String bytes(long b) {
    if (b < 1024) {
      return b + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double v = b;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
