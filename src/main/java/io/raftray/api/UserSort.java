package io.raftray.api;

import io.raftray.model.ErrorKind;
import io.raftray.model.FieldError;
import io.raftray.model.RaftrayException;
import io.raftray.model.User;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The order of a sorted user list ({@code GET /users?sort=[-]key}) and its cursors. Ties are broken
 * by id (ascending in both directions) and users without an {@code expire_at} / {@code online_at}
 * come last in both directions, so every user has exactly one place and a page never repeats or
 * skips one. {@code name} compares case-insensitively first, then exactly.
 *
 * <p>A page is chosen in one pass over the users, keeping only the {@code limit + 1} smallest after
 * the cursor in a bounded heap: O(n log limit) time and O(limit) memory, no sorted copy of the map.
 * There is no sorted index in the state: usage and activity change many users per entry, and a
 * second tree per key would make every usage batch pay for reads that are rare (measured in
 * bench/console-users.sh).
 *
 * <p>The cursor is the position of the last user of the page: the sort, that user's key and id,
 * base64url encoded. It does not depend on the user still existing or keeping its key.
 */
record UserSort(Key key, boolean descending) {
  /** The sortable fields, by their wire name. */
  enum Key {
    NAME("name"),
    CREATED_AT("created_at"),
    USED_BYTES("used_bytes"),
    EXPIRE_AT("expire_at"),
    ONLINE_AT("online_at");

    final String wire;

    Key(String wire) {
      this.wire = wire;
    }

    static String choices() {
      List<String> out = new ArrayList<>();
      for (Key k : values()) {
        out.add(k.wire);
      }
      return String.join(", ", out);
    }
  }

  /** The position of one user in this order: its key (null for none) and id. */
  record Position(Object value, String id) {}

  private static final Comparator<String> NAMES =
      String.CASE_INSENSITIVE_ORDER.thenComparing(Comparator.naturalOrder());

  /**
   * {@code sort} as given ({@code name}, {@code -used_bytes}, ...), or null when absent or invalid
   * (then the problem is added to {@code errors}).
   */
  static UserSort parse(String sort, List<FieldError> errors) {
    if (sort == null) {
      return null;
    }
    boolean desc = sort.startsWith("-");
    String name = desc ? sort.substring(1) : sort;
    for (Key k : Key.values()) {
      if (k.wire.equals(name)) {
        return new UserSort(k, desc);
      }
    }
    errors.add(
        new FieldError(
            "sort", "must be one of: " + Key.choices() + " (a leading '-' sorts descending)"));
    return null;
  }

  /** The wire form of this sort, as {@link #parse} reads it. */
  String wire() {
    return (descending ? "-" : "") + key.wire;
  }

  Position position(User u) {
    Object v =
        switch (key) {
          case NAME -> u.name();
          case CREATED_AT -> u.createdAt();
          case USED_BYTES -> u.usedBytes();
          case EXPIRE_AT -> u.expireAt();
          case ONLINE_AT -> u.onlineAt();
        };
    return new Position(v, u.id());
  }

  /** Negative when {@code a} comes before {@code b} in this order. */
  int compare(Position a, Position b) {
    if (a.value() == null || b.value() == null) {
      int nulls = Boolean.compare(a.value() == null, b.value() == null);
      if (nulls != 0) {
        return nulls; // no value: last in both directions
      }
    } else {
      int c = compareValues(a.value(), b.value());
      if (c != 0) {
        return descending ? -c : c;
      }
    }
    return a.id().compareTo(b.id());
  }

  private int compareValues(Object a, Object b) {
    return switch (key) {
      case NAME -> NAMES.compare((String) a, (String) b);
      case USED_BYTES -> Long.compare((Long) a, (Long) b);
      case CREATED_AT, EXPIRE_AT, ONLINE_AT -> ((Instant) a).compareTo((Instant) b);
    };
  }

  /**
   * One page of {@code users} in this order after {@code cursor} (a {@code next_cursor} of this
   * sort, or null), keeping users {@code keep}.
   */
  Map<String, Object> page(
      Collection<User> users,
      Predicate<User> keep,
      int limit,
      String cursor,
      Function<User, Object> render) {
    Position after = cursor == null ? null : decode(cursor);
    Comparator<Position> order = this::compare;
    // The limit + 1 first positions seen so far, the last of them on top.
    PriorityQueue<Entry> heap = new PriorityQueue<>(limit + 2, (a, b) -> compare(b.pos, a.pos));
    for (User u : users) {
      Position p = position(u);
      if (after != null && order.compare(p, after) <= 0) {
        continue;
      }
      if (heap.size() > limit && order.compare(p, heap.peek().pos) >= 0) {
        continue;
      }
      if (!keep.test(u)) {
        continue;
      }
      heap.add(new Entry(p, u));
      if (heap.size() > limit + 1) {
        heap.poll();
      }
    }
    boolean more = heap.size() > limit;
    if (more) {
      heap.poll();
    }
    List<Entry> page = new ArrayList<>(heap);
    page.sort((a, b) -> compare(a.pos, b.pos));
    List<Object> items = new ArrayList<>(page.size());
    for (Entry e : page) {
      items.add(render.apply(e.user));
    }
    return Query.list(items, more ? encode(page.get(page.size() - 1).pos) : null);
  }

  private record Entry(Position pos, User user) {}

  /** The cursor after {@code p}: this sort, the id and the key, base64url without padding. */
  String encode(Position p) {
    String v =
        p.value() == null
            ? "n"
            : "v"
                + switch (key) {
                  case NAME -> (String) p.value();
                  case USED_BYTES -> Long.toString((Long) p.value());
                  case CREATED_AT, EXPIRE_AT, ONLINE_AT -> p.value().toString();
                };
    String raw = wire() + "\n" + p.id() + "\n" + v;
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  /** The position a cursor of this sort names; 400 on {@code cursor} for anything else. */
  Position decode(String cursor) {
    try {
      String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      String[] parts = raw.split("\n", 3);
      if (parts.length == 3
          && parts[0].equals(wire())
          && UsersHandler.ID.matcher(parts[1]).matches()
          && !parts[2].isEmpty()) {
        String v = parts[2].substring(1);
        if (parts[2].equals("n")) {
          if (key == Key.EXPIRE_AT || key == Key.ONLINE_AT) {
            return new Position(null, parts[1]);
          }
        } else if (parts[2].charAt(0) == 'v') {
          return new Position(value(v), parts[1]);
        }
      }
    } catch (IllegalArgumentException | DateTimeParseException e) {
      // falls through to the 400 below: not a cursor of this sort
    }
    throw new RaftrayException(
        ErrorKind.INVALID,
        "invalid query parameters",
        List.of(
            new FieldError(
                "cursor", "must be the next_cursor of a previous page with sort=" + wire())));
  }

  private Object value(String v) {
    return switch (key) {
      case NAME -> v;
      case USED_BYTES -> Long.parseLong(v);
      case CREATED_AT, EXPIRE_AT, ONLINE_AT -> Instant.parse(v);
    };
  }
}
