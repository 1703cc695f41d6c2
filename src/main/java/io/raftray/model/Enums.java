package io.raftray.model;

import java.util.Locale;

/** Small vocabulary types shared by the domain records. Wire form is the lowercase name. */
public final class Enums {
  private Enums() {}

  /** Lowercase wire name of an enum constant, as used in JSON and the CLI. */
  public static String wire(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  /** Parses a wire name; returns null when it names no constant. */
  public static <E extends Enum<E>> E parse(Class<E> type, String value) {
    if (value == null) {
      return null;
    }
    for (E c : type.getEnumConstants()) {
      if (wire(c).equals(value)) {
        return c;
      }
    }
    return null;
  }

  /** Comma separated wire names of all constants, for error messages. */
  public static String choices(Class<? extends Enum<?>> type) {
    StringBuilder sb = new StringBuilder();
    for (Enum<?> c : type.getEnumConstants()) {
      if (!sb.isEmpty()) {
        sb.append(", ");
      }
      sb.append(wire(c));
    }
    return sb.toString();
  }
}
