package io.raftray.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Tiny route table of the admin API. Matching here (rather than in Helidon) gives one place that
 * decides 404 vs 405 after authentication, and the route template used as the metrics label.
 */
final class Router {

  /** Handles one matched request. */
  interface Handler {
    void handle(Call call) throws Exception;
  }

  /** Who may call a route, beyond being authenticated. */
  enum Access {
    READ,
    WRITE,
    OWNER
  }

  record Route(String method, String template, String[] segments, Access access, Handler handler) {}

  record Match(Route route, Map<String, String> params) {}

  private final List<Route> routes = new ArrayList<>();

  void get(String template, Handler h) {
    add("GET", template, h);
  }

  void post(String template, Handler h) {
    add("POST", template, h);
  }

  void patch(String template, Handler h) {
    add("PATCH", template, h);
  }

  void put(String template, Handler h) {
    add("PUT", template, h);
  }

  void delete(String template, Handler h) {
    add("DELETE", template, h);
  }

  private void add(String method, String template, Handler h) {
    // Join tokens and requests decide who enters the cluster: admins and owners only, even to read.
    Access access =
        template.startsWith("/admin-tokens")
            ? Access.OWNER
            : method.equals("GET") && !template.startsWith("/join-") ? Access.READ : Access.WRITE;
    routes.add(new Route(method, template, split(template), access, h));
  }

  /** The route for method and path, or null. */
  Match match(String method, String path) {
    String[] segs = split(path);
    for (Route r : routes) {
      if (r.method().equals(method)) {
        Map<String, String> params = bind(r.segments(), segs);
        if (params != null) {
          return new Match(r, params);
        }
      }
    }
    return null;
  }

  /** Methods that have a route for this path; empty when the path is unknown. */
  Set<String> allowed(String path) {
    String[] segs = split(path);
    Set<String> out = new TreeSet<>();
    for (Route r : routes) {
      if (bind(r.segments(), segs) != null) {
        out.add(r.method());
      }
    }
    return out;
  }

  /** Template of the first route whose path matches, for metrics labels; null when none. */
  String template(String path) {
    String[] segs = split(path);
    for (Route r : routes) {
      if (bind(r.segments(), segs) != null) {
        return r.template();
      }
    }
    return null;
  }

  private static Map<String, String> bind(String[] pattern, String[] path) {
    if (pattern.length != path.length) {
      return null;
    }
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < pattern.length; i++) {
      String p = pattern[i];
      if (p.startsWith("{")) {
        if (path[i].isEmpty()) {
          return null;
        }
        params.put(p.substring(1, p.length() - 1), path[i]);
      } else if (!p.equals(path[i])) {
        return null;
      }
    }
    return params;
  }

  private static String[] split(String path) {
    String p = path;
    while (p.startsWith("/")) {
      p = p.substring(1);
    }
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p.isEmpty() ? new String[0] : p.split("/", -1);
  }
}
