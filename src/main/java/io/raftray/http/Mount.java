package io.raftray.http;

import org.jspecify.annotations.NullMarked;

/**
 * Every path prefix mounted on the one port and how requests under it authenticate: the one list to
 * read before adding a service or a route. {@code /} is the web console, registered last so it only
 * sees what no other mount answered. The composition root ({@code daemon.Daemon}) registers each
 * service at its mount.
 */
@NullMarked
public enum Mount {
  /** Admin REST API; the role each route needs is declared with the route. */
  API("/api/v1", "bearer admin token (401 without, 403 when the route's access is not met)"),
  /**
   * Swagger UI for the admin API (static files from the jar); it loads the public OpenAPI document
   * {@code /api/v1/openapi.json}. Registered before anything else under {@code /api}.
   */
  API_DOCS("/api/docs", "none: public static files (Swagger UI); try-it-out sends your own token"),
  /**
   * The Marzban-compatible API ({@code /api/admin/token}, {@code /api/user}, ...), registered after
   * {@link #API}; it answers only while the cluster setting {@code marzban_compat_api} is on, else
   * the paths are unknown (404).
   */
  MARZBAN(
      "/api",
      "bearer: a Marzban login's access token or an admin token (401 without, 403 for viewers"
          + " on writes); only while the setting marzban_compat_api is on"),
  /** Subscriptions. */
  SUB("/sub", "none: the unguessable token in the path is the credential"),
  /** {@code /ca} (public) and {@code /join}, {@code /join/{id}}. */
  JOIN("/cluster/v1", "none for /ca; /join needs the join token's HMAC proof in the body"),
  /** {@code /raft}, {@code /raft/read-index}. */
  RAFT("/cluster/v1", "node request signature + the node's certificate (ClusterAuth)"),
  /** {@code /renew}, {@code /admit}: signing on a CA holder. */
  RENEW("/cluster/v1", "node request signature + the node's certificate (ClusterAuth)"),
  /**
   * {@code /member}: a member's record as the answering node's linearizable view has it; the answer
   * is signed by the answering node.
   */
  MEMBER("/cluster/v1", "node request signature + the node's certificate (ClusterAuth, own state)"),
  /**
   * {@code /host/report}, {@code /host/logs}, {@code /host/core-restart}: this node's host report,
   * its recent log lines (redacted) and a core restart, asked by another member that relays an
   * admin's {@code /api/v1/nodes} request (the admin's role is checked there); the answer is signed
   * by the answering node.
   */
  HOST("/cluster/v1", "node request signature + the node's certificate (ClusterAuth, own state)"),
  /**
   * {@code /host-admin}: {@code raftray admin create} / {@code reset-password} on the host, signed
   * with this node's own key from the data directory; only the node itself may call it.
   */
  HOST_ADMIN(
      "/cluster/v1", "node request signature of THIS node (its own key from the data directory)"),
  HEALTHZ("/healthz", "none (reveals nothing)"),
  READYZ("/readyz", "none (no secrets, no user ids)"),
  METRICS("/metrics", "none (no secrets, no tokens in labels)"),
  /**
   * The web console's static files (registered after every other mount); it signs in through {@code
   * /api/v1}. Never takes over another mount's prefix.
   */
  CONSOLE("/", "none: public static files; the console authenticates to /api/v1");

  private final String path;
  private final String authentication;

  Mount(String path, String authentication) {
    this.path = path;
    this.authentication = authentication;
  }

  /** The prefix (or, for probes, the exact path) the service is registered at. */
  public String path() {
    return path;
  }

  /** Who may call it, in a few words (docs, the console's "about"). */
  public String authentication() {
    return authentication;
  }
}
