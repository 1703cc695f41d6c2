package io.raftray.sub;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.LinkedHashMap;
import java.util.Map;

/** A JSON/YAML object whose keys keep their insertion order; null values are left out. */
final class Doc {
  private final Map<String, Object> map = new LinkedHashMap<>();

  static Doc of() {
    return new Doc();
  }

  Doc put(String key, Object value) {
    if (value != null) {
      map.put(key, value);
    }
    return this;
  }

  @JsonValue
  Map<String, Object> map() {
    return map;
  }
}
