package io.raftray.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.raftray.http.Mount;
import io.raftray.http.Problems;
import io.raftray.http.RouteLabel;
import io.raftray.model.ErrorKind;
import io.raftray.model.FieldError;
import io.raftray.model.Json;
import io.raftray.model.RaftrayException;
import io.raftray.state.Replica;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The Marzban-compatible API at Marzban's own paths ({@code /api/admin/token}, {@code /api/user},
 * {@code /api/users}, {@code /api/system}, {@code /api/inbounds}; docs/migrating-from-marzban.md),
 * for the bots and shops written against Marzban. It answers only while the replicated setting
 * {@code marzban_compat_api} is on; otherwise it passes the request on, so the paths answer 404
 * like any unknown path. Same port, same roles, same command path as {@code /api/v1}: a write here
 * is the same {@code Command} through {@code Replica.submit}, audited like a v1 write. Errors are
 * FastAPI's: {@code {"detail": "..."}}, 422 with {@code {"detail": [{"loc", "msg", "type"}]}}.
 */
final class MarzbanApi implements HttpService {
  static final String MOUNT = Mount.MARZBAN.path();
  private static final Logger LOG = Logger.getLogger(MarzbanApi.class.getName());

  /** FastAPI's error bodies, through the one status table of {@link Problems}. */
  static final Problems.Renderer DETAIL =
      new Problems.Renderer() {
        @Override
        public String mediaType() {
          return "application/json";
        }

        @Override
        public byte[] body(ErrorKind kind, String detail, List<FieldError> errors) {
          Map<String, Object> body = new LinkedHashMap<>();
          if (kind == ErrorKind.UNPROCESSABLE && !errors.isEmpty()) {
            List<Map<String, Object>> list = new ArrayList<>();
            for (FieldError f : errors) {
              Map<String, Object> e = new LinkedHashMap<>();
              List<Object> loc = new ArrayList<>();
              for (String part : f.field().split("\\.", -1)) {
                loc.add(part.matches("[0-9]{1,9}") ? (Object) Integer.parseInt(part) : part);
              }
              e.put("loc", loc);
              e.put("msg", f.message());
              e.put("type", f.message().equals(MarzbanInput.REQUIRED) ? "missing" : "value_error");
              list.add(e);
            }
            body.put("detail", list);
          } else {
            body.put("detail", detail);
          }
          try {
            return Json.mapper().writeValueAsBytes(body);
          } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode error", e);
          }
        }
      };

  private final Deps deps;
  private final Router router = new Router();

  MarzbanApi(Deps deps) {
    this.deps = deps;
    router.post("/admin/token", Router.Access.PUBLIC, new MarzbanToken(deps)::token);
    new MarzbanUsers(deps).routes(router);
    new MarzbanSystem().routes(router);
  }

  @Override
  public void routing(HttpRules rules) {
    rules.any(this::handle);
  }

  private void handle(ServerRequest req, ServerResponse res) {
    Replica replica = deps.replica();
    if (!replica.view().settings().effectiveMarzbanCompatApi()) {
      // Switched off: not ours; the console's catch-all answers 404 as for any unknown path.
      res.next();
      return;
    }
    String method = req.prologue().method().text();
    String path = req.path().path();
    String template = router.template(path);
    RouteLabel.set(MOUNT + (template == null ? "/{unknown}" : template));
    try {
      ApiService.refuseIfHalted(replica);
      Router.Match m = router.match(method, path);
      if (m == null) {
        throw router.allowed(path).isEmpty()
            ? new RaftrayException(ErrorKind.NOT_FOUND, "Not Found")
            : new HttpProblem(
                ErrorKind.METHOD_NOT_ALLOWED,
                "Method Not Allowed",
                Map.of("Allow", String.join(", ", router.allowed(path))));
      }
      Principal who =
          m.route().access() == Router.Access.PUBLIC
              ? Principal.ANONYMOUS
              : deps.auth().authenticateBearer(req, replica.view());
      if (!m.route().access().allows(who.role())) {
        throw new RaftrayException(ErrorKind.FORBIDDEN, "You're not allowed");
      }
      ApiService.run(deps, new Call(req, res, m.params(), who, deps), m.route().handler());
    } catch (RaftrayException e) {
      send(res, e.kind(), detail(e), e.errors(), Map.of());
    } catch (HttpProblem p) {
      send(res, p.kind(), p.getMessage(), List.of(), p.headers());
    } catch (Exception e) {
      LOG.log(Level.SEVERE, "unexpected error in " + method + " " + MOUNT + template, e);
      send(res, ErrorKind.INTERNAL, "internal error; see the node log", List.of(), Map.of());
    }
  }

  /** Marzban's words for a bad bearer, which its clients test for. */
  private static String detail(RaftrayException e) {
    return e.kind() == ErrorKind.UNAUTHORIZED && e.getMessage().equals(Auth.UNAUTHORIZED)
        ? "Could not validate credentials"
        : e.getMessage();
  }

  private void send(
      ServerResponse res,
      ErrorKind kind,
      String detail,
      List<FieldError> errors,
      Map<String, String> headers) {
    if (res.isSent()) {
      return;
    }
    headers.forEach(res::header);
    if (kind == ErrorKind.UNAUTHORIZED) {
      res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer");
    }
    res.header(Call.APPLIED_INDEX, Long.toString(deps.replica().view().appliedIndex()));
    Problems.send(res, DETAIL, kind, detail, errors);
  }
}
