package io.raftray.api;

import io.raftray.api.Router.Access;
import io.raftray.model.AdminToken;
import io.raftray.model.ErrorKind;
import io.raftray.model.RaftrayException;
import io.raftray.model.Role;
import io.raftray.state.Command;
import io.raftray.state.State;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** {@code /admin-tokens}, owner only: the plaintext is returned once, on creation. */
final class AdminTokensHandler {
  private final Deps deps;

  AdminTokensHandler(Deps deps) {
    this.deps = deps;
  }

  void routes(Router r) {
    r.get("/admin-tokens", Access.OWNER, this::list);
    r.post("/admin-tokens", Access.OWNER, this::create);
    r.get("/admin-tokens/{id}", Access.OWNER, this::get);
    r.delete("/admin-tokens/{id}", Access.OWNER, this::revoke);
  }

  private Map<String, Object> view(AdminToken t) {
    return Views.token(t, deps.auth().lastUsed(t.id()));
  }

  private void list(Call c) {
    Query q = c.query();
    State s = c.read();
    c.reply(200, q.page(s.adminTokens(), t -> true, t -> view(t)), s);
  }

  private void get(Call c) {
    c.query();
    State s = c.read();
    c.reply(200, view(find(s, c.id())), s);
  }

  private static AdminToken find(State s, String id) {
    AdminToken t = s.adminTokens().get(id);
    if (t == null) {
      throw Call.notFound("admin token", id);
    }
    return t;
  }

  private void create(Call c) {
    Validator v = Validator.of(c.body(), Set.of("name", "role"));
    String name = v.matching("name", true, Validator.NAME, Validator.NAME_RULE);
    Role role = v.choice("role", true, Role.class, EnumSet.allOf(Role.class));
    v.throwIfInvalid();
    AdminTokens.Issued issued = AdminTokens.issue(name, role, deps.clock());
    State after = c.submit(new Command.CreateAdminToken(issued.token()));
    Map<String, Object> out = new LinkedHashMap<>(view(find(after, issued.token().id())));
    out.put("token", issued.plaintext());
    c.reply(201, out, after);
  }

  private void revoke(Call c) {
    State s = c.current();
    AdminToken t = find(s, c.id());
    if (t.revoked()) {
      throw Call.notFound("admin token", t.id());
    }
    if (t.role() == Role.OWNER
        && s.adminTokens().values().stream()
                .filter(o -> o.role() == Role.OWNER && !o.revoked())
                .count()
            <= 1) {
      throw new RaftrayException(ErrorKind.CONFLICT, "cannot revoke the last owner token");
    }
    c.noContent(c.submit(new Command.RevokeAdminToken(t.id())));
  }
}
