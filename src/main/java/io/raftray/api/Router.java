package io.raftray.api;

import io.raftray.model.Role;
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

  /** Who may call a route, beyond being authenticated; declared with each route. */
  enum Access {
    /** Any valid token. */
    READ("any token may read"),
    /** Admin and owner tokens. */
    WRITE("viewer tokens may only read"),
    /** Admin and owner tokens, even to read: node logs and core restarts (fleet visibility). */
    OPERATE("viewer tokens may not read node logs or restart a node's core"),
    /** Admin and owner tokens, even to read: join tokens and requests decide who enters. */
    MANAGE_JOINS("only admin and owner tokens may manage joining nodes"),
    /** Owner tokens only. */
    OWNER("only owner tokens may manage admin tokens"),
    /** Owner tokens only: a join token hands its holder the cluster CA key. */
    ISSUE_JOINS("only owner tokens may create join tokens: a join token hands out the CA key"),
    /** Owner tokens only: a backup holds every credential of the cluster. */
    BACKUP("only owner tokens may take backups: a backup holds every credential"),
    /** No credential: the route authenticates the caller itself (login). */
    PUBLIC("anyone may call it"),
    /** Any signed-in admin, for its own account (the handler requires a console session). */
    SELF("any admin may manage its own account");

    private final String denial;

    Access(String denial) {
      this.denial = denial;
    }

    boolean allows(Role role) {
      return switch (this) {
        case READ, PUBLIC, SELF -> true;
        case WRITE, OPERATE, MANAGE_JOINS -> role.canWrite();
        case OWNER, ISSUE_JOINS, BACKUP -> role.canManageTokens();
      };
    }

    /** The 403 detail for a role this access does not allow. */
    String denial() {
      return denial;
    }
  }

  record Route(String method, String template, String[] segments, Access access, Handler handler) {}

  record Match(Route route, Map<String, String> params) {}

  private final List<Route> routes = new ArrayList<>();

  void get(String template, Access access, Handler h) {
    add("GET", template, access, h);
  }

  void post(String template, Access access, Handler h) {
    add("POST", template, access, h);
  }

  void patch(String template, Access access, Handler h) {
    add("PATCH", template, access, h);
  }

  void put(String template, Access access, Handler h) {
    add("PUT", template, access, h);
  }

  void delete(String template, Access access, Handler h) {
    add("DELETE", template, access, h);
  }

  private void add(String method, String template, Access access, Handler h) {
    routes.add(new Route(method, template, split(template), access, h));
  }

  /** Every route, in registration order (the OpenAPI document is built from them). */
  List<Route> routes() {
    return List.copyOf(routes);
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
