package io.raftray.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftray.api.Router.Access;
import io.raftray.model.Enums;
import io.raftray.model.ErrorKind;
import io.raftray.model.FieldError;
import io.raftray.model.Group;
import io.raftray.model.GroupSelector;
import io.raftray.model.Ids;
import io.raftray.model.Protocol;
import io.raftray.model.RaftrayException;
import io.raftray.state.Command;
import io.raftray.state.State;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code /groups}: named sets of endpoints (ids and/or a selector). Members are users whose {@code
 * group_ids} name the group; a group change writes no user.
 */
final class GroupsHandler {
  private static final Set<String> FIELDS =
      Set.of("name", "description", "endpoint_ids", "selector");
  private static final Set<String> SELECTOR_FIELDS =
      Set.of("protocols", "node_labels", "endpoint_labels");
  static final int MAX_ENDPOINT_IDS = 1000;

  void routes(Router r) {
    r.get("/groups", Access.READ, this::list);
    r.post("/groups", Access.WRITE, this::create);
    r.get("/groups/{id}", Access.READ, this::get);
    r.patch("/groups/{id}", Access.WRITE, this::update);
    r.delete("/groups/{id}", Access.WRITE, this::delete);
  }

  private void list(Call c) {
    Query q = c.query();
    State s = c.read();
    c.reply(200, q.page(s.groups(), g -> true, g -> Views.group(g, s)), s);
  }

  private void get(Call c) {
    c.query();
    State s = c.read();
    c.reply(200, Views.group(find(s, c.id()), s), s);
  }

  private static Group find(State s, String id) {
    Group g = s.groups().get(id);
    if (g == null) {
      throw Call.notFound("group", id);
    }
    return g;
  }

  /** The fields of a request, validated; null when absent. */
  private record Fields(
      String name,
      String description,
      List<String> endpointIds,
      boolean hasSelector,
      GroupSelector selector) {

    static Fields read(ObjectNode body, boolean create, State s) {
      Validator v = Validator.of(body, FIELDS);
      String name = v.matching("name", create, Validator.NAME, Validator.NAME_RULE);
      String description = v.string("description", false, 0, 1000);
      List<String> endpoints =
          v.strings(
              "endpoint_ids", false, MAX_ENDPOINT_IDS, UsersHandler.ID, "must be an endpoint id");
      if (endpoints != null) {
        for (int i = 0; i < endpoints.size(); i++) {
          if (!s.endpoints().containsKey(endpoints.get(i))) {
            v.error("endpoint_ids[" + i + "]", "no such endpoint: " + endpoints.get(i));
          }
        }
        endpoints = List.copyOf(new LinkedHashSet<>(endpoints));
      }
      boolean hasSelector = body.has("selector");
      GroupSelector selector = hasSelector ? selector(v, body.get("selector")) : null;
      v.throwIfInvalid();
      return new Fields(name, description, endpoints, hasSelector, selector);
    }

    /** {@code null} removes the selector; an object needs at least one criterion. */
    private static GroupSelector selector(Validator v, JsonNode n) {
      if (n.isNull()) {
        return null;
      }
      if (!n.isObject()) {
        v.error("selector", "must be an object or null");
        return null;
      }
      Validator sv = v.object("selector");
      sv.rejectUnknown(SELECTOR_FIELDS, "unknown field");
      List<Protocol> protocols = new ArrayList<>();
      List<String> names =
          sv.strings(
              "protocols",
              false,
              Protocol.values().length,
              Pattern.compile("[a-z]{1,16}"),
              "must be one of: vless, vmess, trojan, shadowsocks");
      if (names != null) {
        for (int i = 0; i < names.size(); i++) {
          Protocol p = Enums.parse(Protocol.class, names.get(i));
          if (p == null) {
            sv.error("protocols[" + i + "]", "must be one of: vless, vmess, trojan, shadowsocks");
          } else if (!protocols.contains(p)) {
            protocols.add(p);
          }
        }
      }
      Map<String, String> nodeLabels = sv.labels("node_labels");
      Map<String, String> endpointLabels = sv.labels("endpoint_labels");
      GroupSelector sel = new GroupSelector(protocols, nodeLabels, endpointLabels);
      if (sv.ok() && sel.noCriteria()) {
        v.error(
            "selector",
            "needs at least one of protocols, node_labels, endpoint_labels (null for no selector)");
      }
      return sel;
    }
  }

  private static void checkName(State s, String name, String exceptId) {
    for (Group o : s.groups().values()) {
      if (o.name().equals(name) && !o.id().equals(exceptId)) {
        String msg = "group name '" + name + "' is taken";
        throw new RaftrayException(ErrorKind.CONFLICT, msg, List.of(new FieldError("name", msg)));
      }
    }
  }

  private void create(Call c) {
    State s = c.current();
    Fields f = Fields.read(c.body(), true, s);
    checkName(s, f.name(), null);
    Instant now = c.now();
    Group g =
        new Group(
            Ids.newId("grp", now.toEpochMilli()),
            f.name(),
            f.description(),
            f.endpointIds(),
            f.selector(),
            now,
            now);
    State after = c.submit(new Command.CreateGroup(g));
    c.reply(201, Views.group(find(after, g.id()), after), after);
  }

  private void update(Call c) {
    State s = c.current();
    Group g = find(s, c.id());
    ObjectNode body = c.body();
    Fields f = Fields.read(body, false, s);
    if (f.name() != null) {
      checkName(s, f.name(), g.id());
    }
    if (body.isEmpty()) {
      c.reply(200, Views.group(g, s), s);
      return;
    }
    State after =
        c.submit(
            new Command.UpdateGroup(
                g.id(), f.name(), f.description(), f.endpointIds(), f.hasSelector(), f.selector()));
    c.reply(200, Views.group(find(after, g.id()), after), after);
  }

  private void delete(Call c) {
    Group g = find(c.current(), c.id());
    c.noContent(c.submit(new Command.DeleteGroup(g.id())));
  }
}
