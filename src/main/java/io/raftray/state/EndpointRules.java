package io.raftray.state;

import static io.raftray.model.ErrorKind.CONFLICT;
import static io.raftray.model.ErrorKind.INVALID;
import static io.raftray.model.ErrorKind.NOT_FOUND;

import io.raftray.model.Endpoint;
import io.raftray.model.Node;
import io.raftray.model.NodeStatus;
import io.raftray.state.Command.CreateEndpoint;
import io.raftray.state.Command.DeleteEndpoint;
import io.raftray.state.Command.UpdateEndpoint;
import io.raftray.state.Store.Changed;
import io.raftray.state.Store.Rejection;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Endpoints, applied by {@link Store}: an endpoint belongs to a node that was not removed, port and
 * tag are unique per node, and deleting an endpoint deletes its grants and leaves the groups that
 * named it. The settings themselves are validated by the API before the command is logged.
 */
final class EndpointRules {
  private EndpointRules() {}

  static Changed create(State s, CreateEndpoint c) {
    Endpoint e = c.endpoint();
    if (s.endpoints().containsKey(e.id())) {
      throw new Rejection(CONFLICT, "id", "endpoint id already exists");
    }
    Node node = s.nodes().get(e.nodeId());
    if (node == null || node.status() == NodeStatus.REMOVED) {
      throw new Rejection(INVALID, "node_id", "no such node: " + e.nodeId());
    }
    checkUnique(s, e);
    return new Changed(s.withEndpoints(State.with(s.endpoints(), e.id(), e)), e.id());
  }

  static Changed update(State s, UpdateEndpoint c, Instant now) {
    Endpoint e = endpoint(s, c.id());
    Endpoint n =
        new Endpoint(
            e.id(),
            e.nodeId(),
            c.tag() != null ? c.tag() : e.tag(),
            e.protocol(),
            c.port() != null ? c.port() : e.port(),
            e.transport(),
            e.security(),
            settings(e, c),
            e.secrets(),
            c.enabled() != null ? c.enabled() : e.enabled(),
            e.createdAt(),
            now,
            c.labels() != null ? c.labels() : e.labels());
    checkUnique(s, n);
    MembershipRules.checkEnable(s, n);
    return new Changed(s.withEndpoints(State.with(s.endpoints(), e.id(), n)), e.id());
  }

  /** The settings after {@code c}: unchanged, replaced, or the current ones with the patch. */
  private static Map<String, Object> settings(Endpoint e, UpdateEndpoint c) {
    if (c.settings() == null) {
      return e.settings();
    }
    if (c.settingsKeys() == null) {
      return c.settings();
    }
    Map<String, Object> merged = new LinkedHashMap<>(e.settings());
    for (String k : c.settingsKeys()) {
      if (c.settings().containsKey(k)) {
        merged.put(k, c.settings().get(k));
      } else {
        merged.remove(k);
      }
    }
    return merged;
  }

  static Changed delete(State s, DeleteEndpoint d) {
    Endpoint e = endpoint(s, d.id());
    State n =
        s.withEndpoints(State.without(s.endpoints(), e.id()))
            .withGrants(GrantRules.without(s.grants(), g -> g.endpointId().equals(e.id())));
    n = GroupRules.withoutEndpoint(n, e.id());
    return new Changed(n, e.id());
  }

  private static Endpoint endpoint(State s, String id) {
    Endpoint e = s.endpoints().get(id);
    if (e == null) {
      throw new Rejection(NOT_FOUND, null, "endpoint " + id + " not found");
    }
    return e;
  }

  private static void checkUnique(State s, Endpoint e) {
    for (Endpoint o : s.endpoints().values()) {
      if (o.id().equals(e.id()) || !o.nodeId().equals(e.nodeId())) {
        continue;
      }
      if (o.port() == e.port()) {
        throw new Rejection(
            CONFLICT,
            "port",
            "port " + e.port() + " is already used by endpoint " + o.id() + " on this node");
      }
      if (o.tag().equals(e.tag())) {
        throw new Rejection(CONFLICT, "tag", "tag '" + e.tag() + "' is already used on this node");
      }
    }
  }
}
