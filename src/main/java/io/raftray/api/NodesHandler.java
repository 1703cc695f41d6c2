package io.raftray.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftray.model.Enums;
import io.raftray.model.ErrorKind;
import io.raftray.model.Node;
import io.raftray.model.NodeStatus;
import io.raftray.model.RaftrayException;
import io.raftray.state.Command;
import io.raftray.state.Replicated.RaftStatus;
import io.raftray.state.State;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code /cluster} and {@code /nodes}: membership as the replicated state and Raft see it. */
final class NodesHandler {
  private final Deps deps;

  NodesHandler(Deps deps) {
    this.deps = deps;
  }

  void routes(Router r) {
    r.get("/cluster", this::cluster);
    r.get("/nodes", this::list);
    r.get("/nodes/{id}", this::get);
    r.patch("/nodes/{id}", this::update);
    r.delete("/nodes/{id}", this::delete);
  }

  private void cluster(Call c) {
    c.query();
    State s = c.read();
    RaftStatus st = deps.backend().status();
    String leader = st.leaderId().orElse(null);
    List<Object> members = new ArrayList<>();
    for (Node n : s.nodes().values()) {
      if (n.status() == NodeStatus.REMOVED) {
        continue;
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("node_id", n.id());
      m.put("name", n.name());
      m.put("api_base_url", n.apiBaseUrl());
      m.put("role", Enums.wire(n.role()));
      m.put("is_leader", n.id().equals(leader));
      // Until node heartbeats exist, healthy means: in the Raft configuration and, for the
      // group as a whole, a leader is known.
      m.put("healthy", leader != null && st.memberIds().contains(n.id()));
      members.add(m);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("cluster_id", s.clusterId());
    out.put("leader_id", leader);
    out.put("term", st.term());
    out.put("local_node_id", st.localId());
    out.put("local_role", st.role().toLowerCase(java.util.Locale.ROOT));
    out.put("commit_index", st.commitIndex());
    out.put("applied_index", s.appliedIndex());
    // Equal on every node that applied the same index: a cheap divergence check.
    out.put("state_digest", io.raftray.state.SnapshotCodec.digest(s));
    out.put("members", members);
    c.reply(200, out, s);
  }

  private void list(Call c) {
    Query q = c.query("status");
    String status = q.filter("status");
    State s = c.read();
    c.reply(
        200,
        q.page(
            s.nodes(), n -> status == null || Enums.wire(n.status()).equals(status), Views::node),
        s);
  }

  private void get(Call c) {
    c.query();
    State s = c.read();
    c.reply(200, Views.node(find(s, c.id())), s);
  }

  private static Node find(State s, String id) {
    Node n = s.nodes().get(id);
    if (n == null) {
      throw Call.notFound("node", id);
    }
    return n;
  }

  private void update(Call c) {
    Node n = find(c.current(), c.id());
    ObjectNode body = c.body();
    Validator v = Validator.of(body, Set.of("name", "access_host", "labels"));
    String name = v.matching("name", false, Validator.NAME, Validator.NAME_RULE);
    String host = v.matching("access_host", false, EndpointRules.HOST, EndpointRules.HOST_RULE);
    Map<String, String> labels = v.labels("labels");
    v.throwIfInvalid();
    if (body.isEmpty()) {
      State s = c.current();
      c.reply(200, Views.node(n), s);
      return;
    }
    State after = c.submit(new Command.UpdateNode(n.id(), name, host, labels));
    c.reply(200, Views.node(find(after, n.id())), after);
  }

  private void delete(Call c) {
    State s = c.current();
    Node n = find(s, c.id());
    long active = s.nodes().values().stream().filter(x -> x.status() != NodeStatus.REMOVED).count();
    if (n.status() == NodeStatus.REMOVED) {
      throw new RaftrayException(ErrorKind.CONFLICT, "node " + n.id() + " is already removed");
    }
    if (active <= 1) {
      throw new RaftrayException(ErrorKind.CONFLICT, "cannot remove the last node of the cluster");
    }
    // Removal needs a Raft membership change and certificate revocation, which arrive with the
    // cluster package; refuse clearly instead of pretending.
    throw new RaftrayException(
        ErrorKind.CONFLICT,
        "removing a node from a multi-node cluster is not supported by this version yet");
  }
}
