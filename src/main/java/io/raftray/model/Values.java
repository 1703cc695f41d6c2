package io.raftray.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** Deep immutable copies of JSON-compatible values (maps, lists, strings, numbers, booleans). */
final class Values {
  private Values() {}

  static Map<String, Object> immutableMap(Map<String, ?> in) {
    if (in == null || in.isEmpty()) {
      return Map.of();
    }
    Map<String, Object> out = new LinkedHashMap<>();
    in.forEach((k, v) -> out.put(k, immutable(v)));
    return Collections.unmodifiableMap(out);
  }

  /** A string map sorted by key (so it encodes the same bytes on every JVM); null is empty. */
  static Map<String, String> sortedStrings(Map<String, String> in) {
    return in == null || in.isEmpty()
        ? Map.of()
        : Collections.unmodifiableSortedMap(new TreeMap<>(in));
  }

  /** Distinct strings in ascending order; null is empty. */
  static List<String> sortedDistinct(List<String> in) {
    return in == null || in.isEmpty() ? List.of() : List.copyOf(new TreeSet<>(in));
  }

  private static Object immutable(Object v) {
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, x) -> out.put(String.valueOf(k), immutable(x)));
      return Collections.unmodifiableMap(out);
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l.size());
      l.forEach(x -> out.add(immutable(x)));
      return Collections.unmodifiableList(out);
    }
    return v;
  }
}
