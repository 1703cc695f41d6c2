package io.raftray.api;

import io.helidon.common.uri.UriQuery;
import io.raftray.model.ErrorKind;
import io.raftray.model.FieldError;
import io.raftray.model.RaftrayException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Validated query parameters: {@code limit} (1-1000, default 100), {@code cursor} (the last id of
 * the previous page, or an opaque position for a sorted list: {@link UserSort}), {@code
 * consistency} and the filters a resource allows. Unknown parameters are rejected so a typo in a
 * filter never silently returns everything.
 */
record Query(int limit, String cursor, boolean linearizable, Map<String, String> filters) {
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;
  private static final Set<String> COMMON = Set.of("limit", "cursor", "consistency");
  private static final Pattern CURSOR = Pattern.compile("[A-Za-z0-9_-]{1,256}");

  static Query parse(UriQuery q, Set<String> allowedFilters) {
    List<FieldError> errors = new ArrayList<>();
    Map<String, String> values = new HashMap<>();
    for (String name : q.names()) {
      String shown = name.length() > 64 ? name.substring(0, 64) + "..." : name;
      if (!COMMON.contains(name) && !allowedFilters.contains(name)) {
        errors.add(new FieldError(shown, "unknown query parameter"));
        continue;
      }
      List<String> all = q.all(name);
      if (all.size() != 1) {
        errors.add(new FieldError(shown, "must be given once"));
      } else if (all.get(0).length() > 256) {
        errors.add(new FieldError(shown, "must be at most 256 characters"));
      } else {
        values.put(name, all.get(0));
      }
    }
    int limit = DEFAULT_LIMIT;
    String l = values.remove("limit");
    if (l != null) {
      try {
        limit = Integer.parseInt(l);
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > MAX_LIMIT) {
        errors.add(new FieldError("limit", "must be an integer between 1 and " + MAX_LIMIT));
      }
    }
    String cursor = values.remove("cursor");
    if (cursor != null && !CURSOR.matcher(cursor).matches()) {
      errors.add(new FieldError("cursor", "must be the next_cursor of a previous page"));
    }
    String consistency = values.remove("consistency");
    if (consistency != null
        && !consistency.equals("linearizable")
        && !consistency.equals("local")) {
      errors.add(new FieldError("consistency", "must be one of: local, linearizable"));
    }
    if (!errors.isEmpty()) {
      throw new RaftrayException(ErrorKind.INVALID, "invalid query parameters", errors);
    }
    return new Query(limit, cursor, "linearizable".equals(consistency), Map.copyOf(values));
  }

  String filter(String name) {
    return filters.get(name);
  }

  /** One page of {@code map} (sorted by id) after the cursor, keeping entries {@code keep}. */
  <V> Map<String, Object> page(
      NavigableMap<String, V> map, Predicate<V> keep, Function<V, Object> render) {
    NavigableMap<String, V> tail = cursor == null ? map : map.tailMap(cursor, false);
    List<Object> items = new ArrayList<>();
    String last = null;
    boolean more = false;
    for (Map.Entry<String, V> e : tail.entrySet()) {
      if (!keep.test(e.getValue())) {
        continue;
      }
      if (items.size() == limit) {
        more = true;
        break;
      }
      items.add(render.apply(e.getValue()));
      last = e.getKey();
    }
    return list(items, more ? last : null);
  }

  static Map<String, Object> list(List<Object> items, String nextCursor) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("items", items);
    out.put("next_cursor", nextCursor);
    return out;
  }
}
