package io.raftray.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftray.api.Router.Access;
import io.raftray.model.ErrorKind;
import io.raftray.model.FieldError;
import io.raftray.model.Json;
import io.raftray.model.Node;
import io.raftray.model.NodeStatus;
import io.raftray.model.RaftrayException;
import io.raftray.state.State;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code GET /nodes/{id}/logs?tail=N&source=daemon|core} and {@code POST /nodes/{id}/core/restart}:
 * answered by the node itself, relayed over the cluster channel when it is another one ({@link
 * Fleet}). Log lines are redacted on the node they come from. Neither is a Raft write.
 */
final class NodeHostHandler {
  static final int DEFAULT_TAIL = 200;
  static final int MAX_TAIL = 2000;
  static final Set<String> SOURCES = Set.of("daemon", "core");

  /** Logs and a restart may take longer than a report; still bounded. */
  static final Duration RELAY_TIMEOUT = Duration.ofSeconds(10);

  private final Fleet fleet;

  NodeHostHandler(Fleet fleet) {
    this.fleet = fleet;
  }

  void routes(Router r) {
    r.get("/nodes/{id}/logs", Access.OPERATE, this::logs);
    r.post("/nodes/{id}/core/restart", Access.OPERATE, this::restartCore);
  }

  private void logs(Call c) {
    Query q = c.query("tail", "source");
    List<FieldError> errors = new ArrayList<>();
    int tail = DEFAULT_TAIL;
    String t = q.filter("tail");
    if (t != null) {
      try {
        tail = Integer.parseInt(t);
      } catch (NumberFormatException e) {
        tail = -1;
      }
      if (tail < 1 || tail > MAX_TAIL) {
        errors.add(new FieldError("tail", "must be an integer between 1 and " + MAX_TAIL));
      }
    }
    String source = q.filter("source") == null ? "daemon" : q.filter("source");
    if (!SOURCES.contains(source)) {
      errors.add(new FieldError("source", "must be one of: core, daemon"));
    }
    if (!errors.isEmpty()) {
      throw new RaftrayException(ErrorKind.INVALID, "invalid query parameters", errors);
    }
    State s = c.read();
    c.reply(200, parse(fleet.logs(member(s, c.id()), source, tail, RELAY_TIMEOUT)), s);
  }

  private void restartCore(Call c) {
    c.query();
    c.noBody();
    State s = c.current();
    c.reply(200, parse(fleet.restartCore(member(s, c.id()), RELAY_TIMEOUT)), s);
  }

  private static Node member(State s, String id) {
    Node n = s.nodes().get(id);
    if (n == null) {
      throw Call.notFound("node", id);
    }
    if (n.status() == NodeStatus.REMOVED) {
      throw new RaftrayException(ErrorKind.CONFLICT, "node " + id + " is removed");
    }
    return n;
  }

  private static JsonNode parse(byte[] body) {
    try {
      return Json.mapper().readTree(body);
    } catch (IOException e) {
      throw new RaftrayException(ErrorKind.UNAVAILABLE, "the node's answer is unreadable", e);
    }
  }
}
