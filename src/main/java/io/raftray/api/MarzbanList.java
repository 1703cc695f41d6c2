package io.raftray.api;

import io.helidon.common.uri.UriQuery;
import io.raftray.model.Enums;
import io.raftray.model.ErrorKind;
import io.raftray.model.FieldError;
import io.raftray.model.RaftrayException;
import io.raftray.model.User;
import io.raftray.model.UserStatus;
import io.raftray.state.State;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code GET /api/users}: Marzban's list, {@code {"users": [...], "total": N}} with {@code total}
 * counted before {@code offset}/{@code limit}. Filters: {@code username} (repeatable, exact),
 * {@code search} (in the name or note, any case), {@code status}; {@code sort} is Marzban's
 * comma-separated options ({@code username}, {@code used_traffic}, {@code data_limit}, {@code
 * expire}, {@code created_at}, each with {@code -} for descending), else creation order. Unknown
 * query parameters are ignored, as FastAPI does. One pass over the users of the local view.
 */
final class MarzbanList {
  private static final Map<String, Comparator<User>> SORTS = sorts();

  private MarzbanList() {}

  private static Map<String, Comparator<User>> sorts() {
    Map<String, Comparator<User>> m = new LinkedHashMap<>();
    put(m, "username", User::name);
    put(m, "used_traffic", User::usedBytes);
    put(m, "data_limit", User::dataLimitBytes);
    put(m, "expire", u -> u.expireAt() == null ? Instant.EPOCH : u.expireAt());
    put(m, "created_at", User::createdAt);
    return Map.copyOf(m);
  }

  private static <T extends Comparable<? super T>> void put(
      Map<String, Comparator<User>> m, String name, Function<User, T> key) {
    Comparator<User> asc = Comparator.comparing(key);
    m.put(name, asc);
    m.put("-" + name, asc.reversed());
  }

  static void answer(Call c, Deps deps) {
    UriQuery q = c.request().query();
    List<FieldError> errors = new ArrayList<>();
    Long offset = integer(q, "offset", errors);
    Long limit = integer(q, "limit", errors);
    UserStatus status = null;
    if (q.contains("status")) {
      status = Enums.parse(UserStatus.class, q.get("status"));
      if (status == null) {
        errors.add(
            new FieldError(
                "query.status",
                "Input should be 'active', 'disabled', 'limited', 'expired' or 'on_hold'"));
      }
    }
    if (!errors.isEmpty()) {
      throw new RaftrayException(ErrorKind.UNPROCESSABLE, "validation failed", errors);
    }
    Comparator<User> order = sort(q);
    Set<String> names = q.contains("username") ? new HashSet<>(q.all("username")) : null;
    String search = q.contains("search") ? q.get("search").toLowerCase(Locale.ROOT) : "";
    State s = MarzbanUsers.view(c);
    List<User> matched = new ArrayList<>();
    for (User u : s.users().values()) {
      if ((names == null || names.contains(u.name()))
          && (status == null || u.status() == status)
          && (search.isEmpty()
              || u.name().toLowerCase(Locale.ROOT).contains(search)
              || u.note().toLowerCase(Locale.ROOT).contains(search))) {
        matched.add(u);
      }
    }
    // Ids grow with creation time: the view's order is Marzban's default (by id).
    if (order != null) {
      matched.sort(order);
    }
    int from = (int) Math.min(matched.size(), Math.max(0, offset == null ? 0 : offset));
    int to =
        limit == null || limit < 0 ? matched.size() : (int) Math.min(matched.size(), from + limit);
    MarzbanInbounds in = new MarzbanInbounds(s);
    List<Object> users = new ArrayList<>();
    for (User u : matched.subList(from, to)) {
      users.add(MarzbanViews.user(u, s, in, deps.settings(), c.secretsVisible()));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("users", users);
    out.put("total", matched.size());
    c.reply(200, out, s);
  }

  private static Long integer(UriQuery q, String name, List<FieldError> errors) {
    if (!q.contains(name)) {
      return null;
    }
    try {
      return Long.parseLong(q.get(name).trim());
    } catch (NumberFormatException e) {
      errors.add(
          new FieldError(
              "query." + name,
              "Input should be a valid integer, unable to parse string as an integer"));
      return null;
    }
  }

  /** Marzban's sort options, in order of priority; 400 for one it does not know, as Marzban. */
  private static Comparator<User> sort(UriQuery q) {
    if (!q.contains("sort")) {
      return null;
    }
    Comparator<User> out = null;
    for (String opt : q.get("sort").replaceAll("^,+|,+$", "").split(",")) {
      Comparator<User> c = SORTS.get(opt);
      if (c == null) {
        String shown = opt.length() > 64 ? opt.substring(0, 64) + "..." : opt;
        throw new RaftrayException(
            ErrorKind.INVALID, "\"" + shown + "\" is not a valid sort option");
      }
      out = out == null ? c : out.thenComparing(c);
    }
    return out;
  }
}
