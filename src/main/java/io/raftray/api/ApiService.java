package io.raftray.api;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.raftray.http.Mount;
import io.raftray.http.Problems;
import io.raftray.http.RouteLabel;
import io.raftray.model.ErrorKind;
import io.raftray.model.RaftrayException;
import io.raftray.pki.PublicCertificates;
import io.raftray.state.Replica;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The admin REST API. Mount it with {@code routing.register(ApiService.MOUNT, apiService)}.
 *
 * <p>Every request goes: rate-limit gate, bearer authentication (401), route match (404 / 405),
 * role check (403), then the resource handler, which validates, submits one command and reads the
 * result back. Every answer carries {@code X-Raftray-Applied-Index}; every error is a problem.
 */
public final class ApiService implements HttpService {
  /** Where the daemon mounts this service; also the prefix of the metrics route labels. */
  public static final String MOUNT = Mount.API.path();

  private static final Logger LOG = Logger.getLogger(ApiService.class.getName());

  private final Replica replica;
  private final Deps deps;
  private final Router router = new Router();
  private final MarzbanApi marzban;
  private final OpenApi openApi;

  /** Without fleet visibility: {@code host} is null in node views, logs and restarts 503. */
  public ApiService(Replica replica, Clock clock, ApiSettings settings) {
    this(replica, clock, settings, null, Fleet.NONE);
  }

  /**
   * With this node's operator certificates ({@code public_tls}; null without any), which its own
   * record in {@code GET /nodes} reports, and {@code fleet} answering host reports, logs and core
   * restarts of members.
   */
  public ApiService(
      Replica replica,
      Clock clock,
      ApiSettings settings,
      PublicCertificates publicTls,
      Fleet fleet) {
    this.replica = Objects.requireNonNull(replica, "replica");
    this.deps = new Deps(replica, clock, settings, new Auth(clock, settings));
    new NodesHandler(deps, publicTls, new HostReports(fleet)).routes(router);
    new NodeHostHandler(fleet).routes(router);
    new EndpointsHandler(deps).routes(router);
    // before UsersHandler: /users/batch and /users/bulk, not /users/{id}, name their metrics
    new UserBatchHandler(deps).routes(router);
    new UsersHandler(deps).routes(router);
    new UserTemplatesHandler().routes(router);
    new GrantsHandler().routes(router);
    new GroupsHandler().routes(router);
    new AdminTokensHandler(deps).routes(router);
    new AdminsHandler().routes(router);
    new AccountHandler(deps).routes(router);
    new JoinHandler(deps).routes(router);
    new AuditHandler().routes(router);
    new SubscriptionSettingsHandler().routes(router);
    new SettingsHandler().routes(router);
    new StatsHandler().routes(router);
    new BackupHandler().routes(router);
    new WebhooksHandler().routes(router);
    // Public: the same document on every node, built from the routes above (no secrets, no
    // version of this node); Swagger UI at /api/docs loads it without a credential.
    router.get(
        "/openapi.json",
        Router.Access.PUBLIC,
        c -> c.reply(200, openApi().document(), c.deps().replica().view()));
    this.openApi = new OpenApi(router.routes());
    this.marzban = new MarzbanApi(deps);
  }

  /** The OpenAPI document of this service's routes. */
  OpenApi openApi() {
    return openApi;
  }

  /**
   * The Marzban-compatible API, sharing this API's authentication and failed-login limits: mount it
   * at {@link Mount#MARZBAN} after this service (it answers only while {@code marzban_compat_api}
   * is on).
   */
  public HttpService marzbanCompat() {
    return marzban;
  }

  @Override
  public void routing(HttpRules rules) {
    rules.any(this::handle);
  }

  private void handle(ServerRequest req, ServerResponse res) {
    String method = req.prologue().method().text();
    String path = req.path().path();
    String template = router.template(path);
    RouteLabel.set(MOUNT + (template == null ? "/{unknown}" : template));
    try {
      refuseIfHalted(replica);
      Router.Match m = router.match(method, path);
      Principal who =
          m != null && m.route().access() == Router.Access.PUBLIC
              ? Principal.ANONYMOUS
              : deps.auth().authenticate(req, replica.view());
      if (who.cookie() != null) {
        // Sliding idle expiry: the cookie comes back with a fresh activity time.
        res.header(
            "Set-Cookie",
            deps.auth().sessions().setCookie(who.cookie(), who.session().session().expiresAt()));
      }
      if (m == null) {
        List<String> allowed = List.copyOf(router.allowed(path));
        if (allowed.isEmpty()) {
          throw new RaftrayException(
              ErrorKind.NOT_FOUND, "no such resource: " + MOUNT + bounded(path));
        }
        throw new HttpProblem(
            ErrorKind.METHOD_NOT_ALLOWED,
            method + " is not allowed here; allowed: " + String.join(", ", allowed),
            Map.of("Allow", String.join(", ", allowed)));
      }
      authorize(who, m.route());
      if (who.session() != null && !method.equals("GET") && !method.equals("HEAD")) {
        // A cookie is sent by the browser on its own; the CSRF token only by the console's script.
        String csrf =
            req.headers()
                .first(io.helidon.http.HeaderNames.create(Sessions.CSRF_HEADER))
                .orElse(null);
        if (!io.raftray.state.AdminSessions.csrfMatches(who.session().session(), csrf)) {
          throw new RaftrayException(ErrorKind.FORBIDDEN, "csrf token missing or wrong");
        }
      }
      run(deps, new Call(req, res, m.params(), who, deps), m.route().handler());
    } catch (RaftrayException e) {
      fail(res, () -> Problems.send(res, e));
    } catch (HttpProblem p) {
      fail(
          res,
          () -> {
            p.headers().forEach(res::header);
            Problems.send(res, p.kind(), p.getMessage());
          });
    } catch (Exception e) {
      // Log the route template, never the raw path or body: they may hold secrets.
      LOG.log(Level.SEVERE, "unexpected error in " + method + " " + MOUNT + template, e);
      fail(res, () -> Problems.send(res, ErrorKind.INTERNAL, "internal error; see the node log"));
    }
  }

  /** 503 on a halted replica: its view stops at an entry it could not apply. */
  static void refuseIfHalted(Replica replica) {
    replica
        .halted()
        .ifPresent(
            reason -> {
              // Neither writes nor reads: the local view stops at an entry this replica
              // could not apply, so any answer could be wrong.
              throw new RaftrayException(ErrorKind.UNAVAILABLE, reason);
            });
  }

  /**
   * Runs a routed, authorized request: a write is refused (409) on a node removed from the cluster,
   * and one refused by a check on the local view is checked once more on a linearizable view.
   */
  static void run(Deps deps, Call call, Router.Handler handler) throws Exception {
    String method = call.request().prologue().method().text();
    Replica replica = deps.replica();
    if (!method.equals("GET")) {
      SelfRemoval.reason(replica, replica.view(), deps.settings().localNodeId())
          .ifPresent(
              reason -> {
                throw new RaftrayException(ErrorKind.CONFLICT, reason);
              });
    }
    try {
      handler.handle(call);
    } catch (RaftrayException e) {
      if (method.equals("GET") || !call.mayRetryLinearizable(e)) {
        throw e;
      }
      // The local view may lag (a restarted or cut-off node): check once more against a
      // linearizable view before answering 404/409/400 to a write.
      call.syncForRetry();
      handler.handle(call);
    }
  }

  private void fail(ServerResponse res, Runnable send) {
    if (res.isSent()) {
      return;
    }
    res.header(Call.APPLIED_INDEX, Long.toString(replica.view().appliedIndex()));
    send.run();
  }

  private static void authorize(Principal who, Router.Route route) {
    if (!route.access().allows(who.role())) {
      throw new RaftrayException(ErrorKind.FORBIDDEN, route.access().denial());
    }
  }

  private static String bounded(String path) {
    return path.length() > 100 ? path.substring(0, 100) + "..." : path;
  }
}
