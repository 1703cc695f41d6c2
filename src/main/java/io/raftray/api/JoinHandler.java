package io.raftray.api;

import io.raftray.api.Router.Access;
import io.raftray.join.JoinTokens;
import io.raftray.model.Enums;
import io.raftray.model.ErrorKind;
import io.raftray.model.FieldError;
import io.raftray.model.JoinRequest;
import io.raftray.model.JoinRequestStatus;
import io.raftray.model.JoinToken;
import io.raftray.model.Node;
import io.raftray.model.NodeRole;
import io.raftray.model.NodeStatus;
import io.raftray.model.RaftrayException;
import io.raftray.pki.PemFiles;
import io.raftray.pki.PkiException;
import io.raftray.pki.TlsContexts;
import io.raftray.state.Command;
import io.raftray.state.State;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /join-tokens} and {@code /join-requests} (admins and owners): issuing and revoking join
 * tokens, and deciding the requests made with multi-use tokens. The token text is returned once.
 */
final class JoinHandler {
  static final long DEFAULT_TTL_SECONDS = 15 * 60;
  static final long MAX_TTL_SECONDS = 24 * 3600;
  static final int MAX_USES = 1000;
  static final int MAX_URLS = 5;

  private final Deps deps;

  JoinHandler(Deps deps) {
    this.deps = deps;
  }

  void routes(Router r) {
    r.get("/join-tokens", Access.MANAGE_JOINS, this::listTokens);
    r.post("/join-tokens", Access.ISSUE_JOINS, this::createToken);
    r.get("/join-tokens/{id}", Access.MANAGE_JOINS, this::getToken);
    r.delete("/join-tokens/{id}", Access.MANAGE_JOINS, this::revokeToken);
    r.get("/join-requests", Access.MANAGE_JOINS, this::listRequests);
    r.get("/join-requests/{id}", Access.MANAGE_JOINS, this::getRequest);
    r.post("/join-requests/{id}/approve", Access.MANAGE_JOINS, this::approve);
    r.post("/join-requests/{id}/reject", Access.MANAGE_JOINS, this::reject);
  }

  // ---- tokens

  private Map<String, Object> view(JoinToken t, Instant now) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", t.id());
    m.put("role", Enums.wire(t.role()));
    m.put("status", t.status(now));
    m.put("ttl_seconds", t.ttlSeconds());
    m.put("max_uses", t.maxUses());
    m.put("used_count", t.usedCount());
    m.put("expires_at", Views.time(t.expiresAt()));
    m.put("created_at", Views.time(t.createdAt()));
    m.put("created_by", t.createdBy());
    m.put("revoked", t.revoked());
    m.put("ca_holder", t.makesCaHolder());
    return m;
  }

  private void listTokens(Call c) {
    Query q = c.query();
    State s = c.read();
    Instant now = c.now();
    c.reply(200, q.page(s.joinTokens(), t -> true, t -> view(t, now)), s);
  }

  private void getToken(Call c) {
    c.query();
    State s = c.read();
    c.reply(200, view(token(s, c.id()), c.now()), s);
  }

  private static JoinToken token(State s, String id) {
    JoinToken t = s.joinTokens().get(id);
    if (t == null) {
      throw Call.notFound("join token", id);
    }
    return t;
  }

  private void createToken(Call c) {
    Validator v = Validator.of(c.body(), Set.of("ttl_seconds", "max_uses", "role", "ca_holder"));
    Long ttl = v.integer("ttl_seconds", false, 1, MAX_TTL_SECONDS);
    Long maxUses = v.integer("max_uses", false, 1, MAX_USES);
    NodeRole role = v.choice("role", false, NodeRole.class, EnumSet.of(NodeRole.VOTER));
    Boolean caHolder = v.bool("ca_holder", false);
    v.throwIfInvalid();
    State s = c.current();
    if (!s.bootstrapped()) {
      throw new RaftrayException(ErrorKind.UNAVAILABLE, "cluster is not bootstrapped yet");
    }
    String pin;
    try {
      pin = TlsContexts.caPin(PemFiles.parseCertificate(s.caCertPem(), "cluster CA certificate"));
    } catch (PkiException e) {
      throw new RaftrayException(ErrorKind.UNAVAILABLE, "the cluster CA certificate is unreadable");
    }
    JoinTokens.Issued issued =
        JoinTokens.issue(
            s.clusterId(),
            urls(s),
            pin,
            ttl == null ? DEFAULT_TTL_SECONDS : ttl,
            maxUses == null ? 1 : maxUses.intValue(),
            role == null ? NodeRole.VOTER : role,
            caHolder != null && caHolder,
            c.actorId(),
            deps.clock());
    State after = c.submit(issued.command());
    Map<String, Object> out = view(token(after, issued.command().id()), c.now());
    out.put("token", issued.text());
    c.reply(201, out, after);
  }

  /** This node first (the admin reached it, so presumably the new host can), then other members. */
  private List<String> urls(State s) {
    List<String> urls = new ArrayList<>();
    urls.add(deps.settings().apiBaseUrl());
    for (Node n : s.nodes().values()) {
      String u = n.apiBaseUrl().replaceAll("/+$", "");
      if (n.status() == NodeStatus.ACTIVE && !urls.contains(u) && urls.size() < MAX_URLS) {
        urls.add(u);
      }
    }
    return urls;
  }

  private void revokeToken(Call c) {
    JoinToken t = token(c.current(), c.id());
    if (t.revoked()) {
      throw Call.notFound("join token", t.id());
    }
    c.noContent(c.submit(new Command.RevokeJoinToken(t.id())));
  }

  // ---- requests

  static Map<String, Object> view(JoinRequest r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", r.id());
    m.put("status", Enums.wire(r.status()));
    m.put("token_id", r.tokenId());
    m.put("node_id", r.nodeId());
    m.put("node_name", r.nodeName());
    m.put("api_base_url", r.apiBaseUrl());
    m.put("access_host", r.accessHost());
    m.put("facts", r.facts());
    m.put("created_at", Views.time(r.createdAt()));
    m.put("decided_at", Views.time(r.decidedAt()));
    m.put("decided_by", r.decidedBy());
    m.put("reason", r.reason());
    return m;
  }

  private void listRequests(Call c) {
    Query q = c.query("status");
    String status = q.filter("status");
    if (status != null && Enums.parse(JoinRequestStatus.class, status) == null) {
      throw new RaftrayException(
          ErrorKind.INVALID,
          "invalid query parameters",
          List.of(
              new FieldError(
                  "status", "must be one of: " + Enums.choices(JoinRequestStatus.class))));
    }
    State s = c.read();
    c.reply(
        200,
        q.page(
            s.joinRequests(),
            r -> status == null || Enums.wire(r.status()).equals(status),
            JoinHandler::view),
        s);
  }

  private void getRequest(Call c) {
    c.query();
    State s = c.read();
    c.reply(200, view(request(s, c.id())), s);
  }

  private static JoinRequest request(State s, String id) {
    JoinRequest r = s.joinRequests().get(id);
    if (r == null) {
      throw Call.notFound("join request", id);
    }
    return r;
  }

  private void approve(Call c) {
    c.noBody();
    JoinRequest r = pending(c.current(), c.id());
    State after = c.submit(new Command.ApproveJoinRequest(r.id(), c.actorId()));
    c.reply(200, view(request(after, r.id())), after);
  }

  private void reject(Call c) {
    Validator v = Validator.of(c.optionalBody(), Set.of("reason"));
    String reason = v.string("reason", false, 0, 256);
    v.throwIfInvalid();
    JoinRequest r = pending(c.current(), c.id());
    State after = c.submit(new Command.RejectJoinRequest(r.id(), c.actorId(), reason));
    c.reply(200, view(request(after, r.id())), after);
  }

  private static JoinRequest pending(State s, String id) {
    JoinRequest r = request(s, id);
    if (r.status() != JoinRequestStatus.PENDING) {
      throw new RaftrayException(
          ErrorKind.CONFLICT, "join request " + id + " is already " + Enums.wire(r.status()));
    }
    return r;
  }
}
