package io.raftray.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftray.api.Router.Access;
import io.raftray.model.Endpoint;
import io.raftray.model.Enums;
import io.raftray.model.ErrorKind;
import io.raftray.model.FieldError;
import io.raftray.model.Ids;
import io.raftray.model.Json;
import io.raftray.model.Node;
import io.raftray.model.NodeStatus;
import io.raftray.model.Protocol;
import io.raftray.model.RaftrayException;
import io.raftray.model.Security;
import io.raftray.model.Transport;
import io.raftray.model.XrayReport;
import io.raftray.state.Command;
import io.raftray.state.State;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** {@code /endpoints}: Xray inbounds with validated settings and server-generated keys. */
final class EndpointsHandler {
  private static final Set<String> CREATE_FIELDS =
      Set.of(
          "node_id",
          "tag",
          "protocol",
          "port",
          "transport",
          "security",
          "settings",
          "enabled",
          "labels");
  private static final Set<String> FIXED = Set.of("node_id", "protocol", "transport", "security");

  private final Deps deps;

  EndpointsHandler(Deps deps) {
    this.deps = deps;
  }

  void routes(Router r) {
    r.get("/endpoints", Access.READ, this::list);
    r.post("/endpoints", Access.WRITE, this::create);
    r.get("/endpoints/{id}", Access.READ, this::get);
    r.patch("/endpoints/{id}", Access.WRITE, this::update);
    r.delete("/endpoints/{id}", Access.WRITE, this::delete);
  }

  private void list(Call c) {
    Query q = c.query("node_id");
    String node = q.filter("node_id");
    State s = c.read();
    c.reply(
        200,
        q.page(
            s.endpoints(),
            e -> node == null || e.nodeId().equals(node),
            ep -> Views.endpoint(ep, c.secretsVisible())),
        s);
  }

  private void get(Call c) {
    c.query();
    State s = c.read();
    c.reply(200, Views.endpoint(find(s, c.id()), c.secretsVisible()), s);
  }

  static Endpoint find(State s, String id) {
    Endpoint e = s.endpoints().get(id);
    if (e == null) {
      throw Call.notFound("endpoint", id);
    }
    return e;
  }

  private void create(Call c) {
    ObjectNode body = c.body();
    Validator v = Validator.of(body, CREATE_FIELDS);
    Map<String, String> labels = v.labels("labels");
    State s = c.current();
    String nodeId =
        body.has("node_id") ? v.string("node_id", true, 1, 128) : deps.settings().localNodeId();
    if (nodeId != null && !isActiveNode(s, nodeId)) {
      v.error("node_id", "no such node");
    }
    String tag = v.matching("tag", false, Validator.TAG, Validator.TAG_RULE);
    Protocol p = v.choice("protocol", true, Protocol.class, EnumSet.allOf(Protocol.class));
    Long port = v.integer("port", true, 1, 65535);
    Transport t =
        body.has("transport")
            ? v.choice("transport", true, Transport.class, EnumSet.allOf(Transport.class))
            : Transport.TCP;
    Security sec =
        body.has("security")
            ? v.choice("security", true, Security.class, EnumSet.allOf(Security.class))
            : Security.NONE;
    Boolean enabled = v.bool("enabled", false);
    JsonNode raw = body.get("settings");
    ObjectNode settings = raw == null ? JsonNodeFactory.instance.objectNode() : null;
    if (raw instanceof ObjectNode o) {
      settings = o;
    } else if (raw != null) {
      v.error("settings", "must be an object");
    }
    EndpointChecks.Resolved m = null;
    Optional<XrayReport> core = nodeId == null ? Optional.empty() : EndpointChecks.core(s, nodeId);
    if (p != null && t != null && sec != null) {
      EndpointChecks.checkCombination(v, p, t, sec);
      if (settings != null) {
        if (p == Protocol.SHADOWSOCKS && !settings.has("method")) {
          settings = settings.deepCopy().put("method", EndpointChecks.defaultSsMethod(core));
        }
        m = EndpointChecks.settings(v, p, t, sec, settings, null);
        EndpointChecks.checkCore(v, core, p, t, sec, m.settings());
      }
    }
    v.throwIfInvalid();
    String finalTag = tag != null ? tag : Enums.wire(p) + "-" + port;
    checkUnique(s, null, nodeId, port.intValue(), finalTag);
    Instant now = c.now();
    Endpoint e =
        new Endpoint(
            Ids.newId("ep", now.toEpochMilli()),
            nodeId,
            finalTag,
            p,
            port.intValue(),
            t,
            sec,
            m.settings(),
            m.secrets(),
            enabled == null || enabled,
            now,
            now,
            labels);
    State after = c.submit(new Command.CreateEndpoint(e));
    c.reply(201, Views.endpoint(find(after, e.id()), c.secretsVisible()), after);
  }

  private void update(Call c) {
    Endpoint e = find(c.current(), c.id());
    ObjectNode body = c.body();
    Set<String> allowed = new HashSet<>(CREATE_FIELDS);
    Validator v = Validator.of(body, allowed);
    for (String f : FIXED) {
      if (body.has(f)) {
        v.error(f, "cannot be changed; create a new endpoint instead");
      }
    }
    String tag = v.matching("tag", false, Validator.TAG, Validator.TAG_RULE);
    Long port = v.integer("port", false, 1, 65535);
    Boolean enabled = v.bool("enabled", false);
    Map<String, String> labels = v.labels("labels");
    Map<String, Object> settings = null;
    JsonNode raw = body.get("settings");
    if (raw != null && !raw.isObject()) {
      v.error("settings", "must be an object");
    } else if (raw != null) {
      // JSON merge patch over the current settings: null removes a key, other values replace.
      ObjectNode merged = Json.mapper().valueToTree(e.settings());
      EndpointChecks.GENERATED.forEach(merged::remove);
      raw.properties()
          .forEach(
              f -> {
                if (f.getValue().isNull()) {
                  merged.remove(f.getKey());
                } else {
                  merged.set(f.getKey(), f.getValue());
                }
              });
      settings =
          EndpointChecks.settings(v, e.protocol(), e.transport(), e.security(), merged, e)
              .settings();
    }
    State s = c.current();
    if (settings != null || Boolean.TRUE.equals(enabled)) {
      // Turning an endpoint on or changing its settings must leave something its core can run.
      EndpointChecks.checkCore(
          v,
          EndpointChecks.core(s, e.nodeId()),
          e.protocol(),
          e.transport(),
          e.security(),
          settings != null ? settings : e.settings());
    }
    v.throwIfInvalid();
    if (body.isEmpty()) {
      c.reply(200, Views.endpoint(e, c.secretsVisible()), s);
      return;
    }
    checkUnique(
        s,
        e.id(),
        e.nodeId(),
        port != null ? port.intValue() : e.port(),
        tag != null ? tag : e.tag());
    // Only the keys this PATCH changes go into the command, merged at apply into the settings of
    // that index: the whole map from this (possibly lagging) view would undo a concurrent change.
    Map<String, Object> changed = null;
    List<String> keys = null;
    if (settings != null) {
      changed = new LinkedHashMap<>();
      Set<String> all = new TreeSet<>(settings.keySet());
      all.addAll(e.settings().keySet());
      keys = new ArrayList<>();
      for (String k : all) {
        if (!Objects.equals(settings.get(k), e.settings().get(k))) {
          keys.add(k);
          if (settings.containsKey(k)) {
            changed.put(k, settings.get(k));
          }
        }
      }
    }
    State after =
        c.submit(
            new Command.UpdateEndpoint(
                e.id(),
                tag,
                port == null ? null : port.intValue(),
                changed,
                enabled,
                keys,
                labels));
    c.reply(200, Views.endpoint(find(after, e.id()), c.secretsVisible()), after);
  }

  private void delete(Call c) {
    Endpoint e = find(c.current(), c.id());
    c.noContent(c.submit(new Command.DeleteEndpoint(e.id())));
  }

  private static boolean isActiveNode(State s, String id) {
    Node n = s.nodes().get(id);
    return n != null && n.status() != NodeStatus.REMOVED;
  }

  /** Port and tag are unique per node; checked here so a conflict never reaches the log. */
  private static void checkUnique(State s, String selfId, String nodeId, int port, String tag) {
    for (Endpoint o : s.endpoints().values()) {
      if (o.id().equals(selfId) || !o.nodeId().equals(nodeId)) {
        continue;
      }
      if (o.port() == port) {
        conflict(
            "port", "port " + port + " is already used by endpoint " + o.id() + " on this node");
      }
      if (o.tag().equals(tag)) {
        conflict("tag", "tag '" + tag + "' is already used on this node");
      }
    }
  }

  private static void conflict(String field, String msg) {
    throw new RaftrayException(ErrorKind.CONFLICT, msg, List.of(new FieldError(field, msg)));
  }
}
