package io.raftray.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftray.api.Router.Access;
import io.raftray.model.Enums;
import io.raftray.model.ErrorKind;
import io.raftray.model.Node;
import io.raftray.model.NodeStatus;
import io.raftray.model.RaftrayException;
import io.raftray.pki.PublicCertificates;
import io.raftray.state.Command;
import io.raftray.state.Replica;
import io.raftray.state.Replica.RaftStatus;
import io.raftray.state.State;
import io.raftray.state.StateDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** {@code /cluster} and {@code /nodes}: membership as the replicated state and Raft see it. */
final class NodesHandler {
  static final Duration TRANSFER_TIMEOUT = Duration.ofSeconds(10);
  static final Duration REMOVE_TIMEOUT = Duration.ofSeconds(20);

  /** A peer the leader has not heard from for this long is reported unhealthy. */
  static final long UNHEALTHY_AFTER_MS = 5000;

  private final Deps deps;
  private final PublicCertificates publicTls;
  private final HostReports hosts;
  // Encoding the whole state per GET /cluster cost a snapshot each; once per applied index now.
  private final StateDigest digests = new StateDigest();

  NodesHandler(Deps deps, PublicCertificates publicTls, HostReports hosts) {
    this.deps = deps;
    this.publicTls = publicTls;
    this.hosts = hosts;
  }

  /**
   * A node record without fleet visibility (write answers); {@code public_tls} is known for the
   * answering node only (it is read from this node's files, not replicated).
   */
  private Map<String, Object> view(State s, Node n) {
    Map<String, Object> m = Views.node(n, s.xrayReports().get(n.id()));
    m.put(
        "public_tls",
        n.id().equals(deps.settings().localNodeId()) ? PublicTlsView.of(publicTls) : null);
    return m;
  }

  void routes(Router r) {
    r.get("/cluster", Access.READ, this::cluster);
    r.get("/nodes", Access.READ, this::list);
    r.get("/nodes/{id}", Access.READ, this::get);
    r.patch("/nodes/{id}", Access.WRITE, this::update);
    r.delete("/nodes/{id}", Access.WRITE, this::delete);
    r.post("/cluster/transfer-leadership", Access.WRITE, this::transfer);
  }

  private void cluster(Call c) {
    c.query();
    State s = c.read();
    c.reply(200, clusterView(s), s);
  }

  /**
   * Members come from the replicated state; Raft adds who leads and, from the answering node's view
   * ({@code view_from}), replication progress: on the leader every follower's match index, lag and
   * last contact; on a follower the leader's last contact and, as the leader reports them, the
   * other followers' (match index and lag are null there).
   */
  private Map<String, Object> clusterView(State s) {
    RaftStatus st = deps.replica().status();
    String leader = st.leaderId().orElse(null);
    Optional<Replica.Progress> progress = deps.replica().progress();
    boolean leaderView = st.localId().equals(leader);
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
      boolean voter = st.memberIds().contains(n.id());
      Replica.Peer peer = progress.map(p -> p.peers().get(n.id())).orElse(null);
      Long lastContact = null;
      Long match = null;
      Long lag = null;
      if (n.id().equals(st.localId())) {
        lastContact = 0L;
        if (leaderView) {
          match = st.commitIndex();
          lag = 0L;
        }
      } else if (peer != null) {
        lastContact = peer.lastContactMs();
        match = peer.matchIndex();
        lag = match == null ? null : Math.max(0, st.commitIndex() - match);
      }
      boolean healthy = leader != null && voter;
      if (lastContact != null) {
        healthy = healthy && lastContact <= UNHEALTHY_AFTER_MS;
      }
      m.put("healthy", healthy);
      m.put("voter", voter);
      m.put("last_contact_ms", lastContact);
      m.put("match_index", match);
      m.put("lag", lag);
      m.put("cert_not_after", n.certNotAfter());
      members.add(m);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("cluster_id", s.clusterId());
    out.put("leader_id", leader);
    out.put("term", st.term());
    out.put("local_node_id", st.localId());
    out.put("local_role", st.role().toLowerCase(Locale.ROOT));
    out.put("view_from", st.localId());
    out.put("commit_index", st.commitIndex());
    out.put("applied_index", s.appliedIndex());
    // Equal on every node that applied the same index: a cheap divergence check.
    out.put("state_digest", digests.of(s));
    // The command and snapshot schema every voter reads (docs/operations.md, "Rolling upgrades").
    out.put("feature_level", s.featureLevel());
    out.put("members", members);
    return out;
  }

  /** {@code POST /cluster/transfer-leadership {"node_id"}}: waits until the named voter leads. */
  private void transfer(Call c) {
    c.query();
    Validator v = Validator.of(c.body(), Set.of("node_id"));
    String target = v.string("node_id", true, 1, 128);
    v.throwIfInvalid();
    State s = c.current();
    Node n = s.nodes().get(target);
    if (n == null || n.status() == NodeStatus.REMOVED) {
      throw new RaftrayException(
          ErrorKind.CONFLICT, "node " + bounded(target) + " is not a member of the cluster");
    }
    if (!deps.replica().status().memberIds().contains(target)) {
      throw new RaftrayException(
          ErrorKind.CONFLICT, "node " + target + " is not a voter of the raft group");
    }
    deps.replica().transferLeadership(target, TRANSFER_TIMEOUT);
    awaitLocalLeader(target, Duration.ofSeconds(3));
    State after = c.current();
    c.reply(200, clusterView(after), after);
  }

  /** Until this node has heard from the new leader, so the answer names it. */
  private void awaitLocalLeader(String leader, Duration max) {
    long end = System.nanoTime() + max.toNanos();
    while (System.nanoTime() < end
        && !deps.replica().status().leaderId().map(leader::equals).orElse(false)) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static String bounded(String id) {
    return id.length() > 64 ? id.substring(0, 64) + "..." : id;
  }

  private void list(Call c) {
    Query q = c.query("status");
    String status = q.filter("status");
    State s = c.read();
    Map<String, Object> page =
        q.page(s.nodes(), n -> status == null || Enums.wire(n.status()).equals(status), n -> n);
    List<Node> nodes = new ArrayList<>();
    for (Object o : (List<?>) page.get("items")) {
      nodes.add((Node) o);
    }
    page.put("items", new ArrayList<Object>(withHosts(s, nodes)));
    c.reply(200, page, s);
  }

  private void get(Call c) {
    c.query();
    State s = c.read();
    Node n = find(s, c.id());
    c.reply(200, withHosts(s, List.of(n)).get(0), s);
  }

  /**
   * Each node's view with fleet visibility added: {@code last_contact_ms} (and {@code
   * last_heartbeat_at}) as the leader sees it, and {@code host} from the node itself, asked in
   * parallel ({@link HostReports}); {@code host} is null with a {@code host_error} when a node does
   * not answer.
   */
  private List<Map<String, Object>> withHosts(State s, List<Node> nodes) {
    RaftStatus st = deps.replica().status();
    Optional<Replica.Progress> progress = deps.replica().progress();
    Map<String, HostReports.Host> reports = hosts.of(nodes);
    Instant now = deps.clock().instant();
    List<Map<String, Object>> out = new ArrayList<>();
    for (Node n : nodes) {
      Map<String, Object> m = view(s, n);
      Long contact =
          n.status() == NodeStatus.REMOVED ? null : leaderContactMs(n.id(), st, progress);
      m.put("last_heartbeat_at", contact == null ? null : now.minusMillis(contact).toString());
      m.put("last_contact_ms", contact);
      HostReports.Host h = reports.get(n.id());
      m.put("host", h == null ? null : h.report());
      m.put("host_error", h == null ? "not asked" : h.error());
      out.add(m);
    }
    return out;
  }

  /**
   * Milliseconds since the leader last heard from {@code id}, as the leader sees it: 0 for the
   * leader itself; on a follower the leader's figures come from its group info (see {@link
   * #clusterView}). Null without a leader or when the leader did not say.
   */
  static Long leaderContactMs(String id, RaftStatus st, Optional<Replica.Progress> progress) {
    String leader = st.leaderId().orElse(null);
    if (leader == null) {
      return null;
    }
    if (id.equals(leader)) {
      return 0L;
    }
    Replica.Peer peer = progress.map(p -> p.peers().get(id)).orElse(null);
    return peer == null ? null : peer.lastContactMs();
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
    String host = v.matching("access_host", false, EndpointChecks.HOST, EndpointChecks.HOST_RULE);
    Map<String, String> labels = v.labels("labels");
    v.throwIfInvalid();
    if (body.isEmpty()) {
      State s = c.current();
      c.reply(200, view(s, n), s);
      return;
    }
    State after = c.submit(new Command.UpdateNode(n.id(), name, host, labels));
    c.reply(200, view(after, find(after, n.id())), after);
  }

  /**
   * Removes a node: moves leadership away from it when it leads, commits {@code RemoveNode} (status
   * removed, certificate serial denied everywhere, endpoints disabled), then drops it from the Raft
   * voters (retried while another membership change is in progress). Repeating the DELETE of a node
   * that is removed but still a voter finishes the Raft step. See {@code docs/membership.md}.
   */
  private void delete(Call c) {
    c.query();
    State s = c.current();
    Node n = find(s, c.id());
    RaftStatus st = deps.replica().status();
    boolean voter = st.memberIds().contains(n.id());
    if (n.status() == NodeStatus.REMOVED && !voter) {
      throw new RaftrayException(ErrorKind.CONFLICT, "node " + n.id() + " is already removed");
    }
    long members =
        s.nodes().values().stream().filter(x -> x.status() != NodeStatus.REMOVED).count();
    if (n.status() != NodeStatus.REMOVED && members <= 1) {
      throw new RaftrayException(ErrorKind.CONFLICT, "cannot remove the last node of the cluster");
    }
    if (voter && st.memberIds().size() <= 1) {
      throw new RaftrayException(ErrorKind.CONFLICT, "cannot remove the last voter of the cluster");
    }
    if (n.holdsCaKey() && s.nodes().values().stream().filter(Node::holdsCaKey).count() <= 1) {
      // Checked again by the state machine; here so that no leadership moves for nothing.
      throw new RaftrayException(
          ErrorKind.CONFLICT,
          "node "
              + n.id()
              + " is the last CA holder: join another node with a CA-holder token first");
    }
    if (n.id().equals(st.localId())) {
      throw new RaftrayException(
          ErrorKind.CONFLICT,
          "a node cannot remove itself: send the request to another member of the cluster");
    }
    if (voter && st.leaderId().map(n.id()::equals).orElse(false)) {
      // Ratis shuts down a leader that commits a configuration without itself: hand over first.
      // This node answers the request, so it is alive; it must be a voter to take over.
      String successor =
          st.memberIds().contains(st.localId())
              ? st.localId()
              : st.memberIds().stream().filter(id -> !id.equals(n.id())).findFirst().orElseThrow();
      deps.replica().transferLeadership(successor, TRANSFER_TIMEOUT);
    }
    if (n.status() != NodeStatus.REMOVED) {
      c.submit(new Command.RemoveNode(n.id()));
    }
    if (voter) {
      removeVoter(n.id());
    }
    c.noContent(deps.replica().view());
  }

  private void removeVoter(String id) {
    long end = System.nanoTime() + REMOVE_TIMEOUT.toNanos();
    long wait = 200;
    while (true) {
      try {
        deps.replica().removeVoter(id);
        return;
      } catch (RaftrayException e) {
        if (e.kind() != ErrorKind.UNAVAILABLE || System.nanoTime() + wait * 1_000_000 > end) {
          throw new RaftrayException(
              ErrorKind.UNAVAILABLE,
              "node "
                  + id
                  + " is removed and its certificate revoked, but leaving the raft group did not"
                  + " complete ("
                  + e.getMessage()
                  + "); repeat the DELETE to retry",
              e);
        }
      }
      try {
        Thread.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RaftrayException(ErrorKind.UNAVAILABLE, "interrupted", e);
      }
      wait = Math.min(wait * 2, 2000);
    }
  }
}
