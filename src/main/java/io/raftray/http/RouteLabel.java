package io.raftray.http;

import org.jspecify.annotations.Nullable;

/**
 * The route template a handler names for its request ({@code /sub/{token}}, {@code
 * /api/v1/users/{id}}), read by the HTTP metrics filter for its labels: never a raw path, which
 * carries ids and subscription tokens. Here, not in {@code api}, so that every service can label
 * its requests without depending on {@code api}.
 *
 * <p>Kept per thread: Helidon runs a connection's requests one after another on that connection's
 * virtual thread, filters and handler alike, so the filter that {@link #take}s the label after the
 * handler returned reads what that handler {@link #set}. (The request's Helidon context did the
 * same job, but creating it per request, with its id string and registry, was about 4% of a {@code
 * /sub} fetch's CPU in a JFR of {@code bench/sub.sh}.) A handler must name its template on the
 * request's thread, before it returns.
 */
public final class RouteLabel {
  private static final ThreadLocal<@Nullable String> CURRENT = new ThreadLocal<>();

  private RouteLabel() {}

  /** Names the route template of the request this thread is handling. */
  public static void set(String template) {
    CURRENT.set(template);
  }

  /** The template named since the last call on this thread, or null; clears it. */
  public static @Nullable String take() {
    String t = CURRENT.get();
    if (t != null) {
      CURRENT.remove();
    }
    return t;
  }
}
