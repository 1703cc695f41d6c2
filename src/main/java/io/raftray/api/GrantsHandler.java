package io.raftray.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftray.api.Router.Access;
import io.raftray.model.Endpoint;
import io.raftray.model.ErrorKind;
import io.raftray.model.FieldError;
import io.raftray.model.Grant;
import io.raftray.model.Ids;
import io.raftray.model.RaftrayException;
import io.raftray.model.XrayReport;
import io.raftray.state.Command;
import io.raftray.state.State;
import io.raftray.xray.Capabilities;
import io.raftray.xray.Flavor;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * {@code /grants}: a user's access to one endpoint. The grant's credential is the one given, else
 * none (the user's own credentials apply), or, for a user from before per-user credentials, one
 * generated here.
 */
final class GrantsHandler {
  private static final Set<String> CREATE_FIELDS =
      Set.of("user_id", "endpoint_id", "enabled", "credential");

  void routes(Router r) {
    r.get("/grants", Access.READ, this::list);
    r.post("/grants", Access.WRITE, this::create);
    r.get("/grants/{id}", Access.READ, this::get);
    r.patch("/grants/{id}", Access.WRITE, this::update);
    r.delete("/grants/{id}", Access.WRITE, this::delete);
  }

  private void list(Call c) {
    Query q = c.query("user_id", "endpoint_id");
    String user = q.filter("user_id");
    String endpoint = q.filter("endpoint_id");
    State s = c.read();
    c.reply(
        200,
        q.page(
            s.grants(),
            g ->
                (user == null || g.userId().equals(user))
                    && (endpoint == null || g.endpointId().equals(endpoint)),
            g -> Views.grant(g, s, c.secretsVisible())),
        s);
  }

  private void get(Call c) {
    c.query();
    State s = c.read();
    c.reply(200, Views.grant(find(s, c.id()), s, c.secretsVisible()), s);
  }

  private static Grant find(State s, String id) {
    Grant g = s.grants().get(id);
    if (g == null) {
      throw Call.notFound("grant", id);
    }
    return g;
  }

  private void create(Call c) {
    ObjectNode body = c.body();
    Validator v = Validator.of(body, CREATE_FIELDS);
    State s = c.current();
    String userId = v.string("user_id", true, 1, 128);
    if (userId != null && !s.users().containsKey(userId)) {
      v.error("user_id", "no such user");
    }
    String endpointId = v.string("endpoint_id", true, 1, 128);
    Endpoint e = endpointId == null ? null : s.endpoints().get(endpointId);
    if (endpointId != null && e == null) {
      v.error("endpoint_id", "no such endpoint");
    }
    Boolean enabled = v.bool("enabled", false);
    String credential = v.string("credential", false, 1, 128);
    if (credential != null && e != null) {
      Credentials.checkGrantCredential(v, "credential", credential, e);
    }
    v.throwIfInvalid();
    for (Grant o : s.grants().values()) {
      if (o.userId().equals(userId) && o.endpointId().equals(endpointId)) {
        String msg = "user already has grant " + o.id() + " for this endpoint";
        throw new RaftrayException(
            ErrorKind.CONFLICT, msg, List.of(new FieldError("endpoint_id", msg)));
      }
    }
    if (enabled == null || enabled) {
      checkSingleUser(s, e, null);
    }
    Instant now = c.now();
    Grant g =
        new Grant(
            Ids.newId("grt", now.toEpochMilli()),
            userId,
            endpointId,
            credential != null
                ? credential
                : s.users().get(userId).credentials() != null ? null : Material.credential(e),
            enabled == null || enabled,
            now,
            now);
    State after = c.submit(new Command.CreateGrant(g));
    c.reply(201, Views.grant(find(after, g.id()), after, c.secretsVisible()), after);
  }

  private void update(Call c) {
    Grant g = find(c.current(), c.id());
    ObjectNode body = c.body();
    Validator v = Validator.of(body, CREATE_FIELDS);
    for (String f : List.of("user_id", "endpoint_id", "credential")) {
      if (body.has(f)) {
        v.error(f, "cannot be changed; create a new grant instead");
      }
    }
    Boolean enabled = v.bool("enabled", false);
    v.throwIfInvalid();
    if (enabled == null) {
      State s = c.current();
      c.reply(200, Views.grant(g, s, c.secretsVisible()), s);
      return;
    }
    if (enabled && !g.enabled()) {
      State s = c.current();
      checkSingleUser(s, s.endpoints().get(g.endpointId()), g.id());
    }
    State after = c.submit(new Command.UpdateGrant(g.id(), enabled));
    c.reply(200, Views.grant(find(after, g.id()), after, c.secretsVisible()), after);
  }

  /**
   * An endpoint whose node's core serves one user on it (V2Ray 4.x Shadowsocks, see {@link
   * Capabilities#singleUser}) takes one enabled grant.
   */
  private static void checkSingleUser(State s, Endpoint e, String exceptGrant) {
    if (e == null) {
      return;
    }
    XrayReport r = s.xrayReports().get(e.nodeId());
    Flavor flavor = r == null ? null : Flavor.parse(r.flavor()).orElse(null);
    if (flavor == null || !Capabilities.singleUser(flavor, e.protocol())) {
      return;
    }
    for (Grant o : s.grants().values()) {
      if (o.enabled() && o.endpointId().equals(e.id()) && !o.id().equals(exceptGrant)) {
        String msg =
            "this Shadowsocks endpoint runs on V2Ray, which serves one user per endpoint; grant "
                + o.id()
                + " is enabled on it (disable it first, or use Xray on that node)";
        throw new RaftrayException(
            ErrorKind.CONFLICT, msg, List.of(new FieldError("endpoint_id", msg)));
      }
    }
  }

  private void delete(Call c) {
    Grant g = find(c.current(), c.id());
    c.noContent(c.submit(new Command.DeleteGrant(g.id())));
  }
}
