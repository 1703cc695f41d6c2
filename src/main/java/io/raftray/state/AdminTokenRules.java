package io.raftray.state;

import static io.raftray.model.ErrorKind.CONFLICT;
import static io.raftray.model.ErrorKind.NOT_FOUND;

import io.raftray.model.AdminToken;
import io.raftray.model.Role;
import io.raftray.state.Command.CreateAdminToken;
import io.raftray.state.Command.RevokeAdminToken;
import io.raftray.state.Store.Changed;
import io.raftray.state.Store.Rejection;

/**
 * Admin tokens, applied by {@link Store}: revoked tokens stay listed, and the last owner token
 * cannot be revoked (nobody could manage tokens any more).
 */
final class AdminTokenRules {
  private AdminTokenRules() {}

  static Changed create(State s, CreateAdminToken c) {
    AdminToken t = c.token();
    if (s.adminTokens().containsKey(t.id())) {
      throw new Rejection(CONFLICT, "id", "admin token id already exists");
    }
    return new Changed(s.withAdminTokens(State.with(s.adminTokens(), t.id(), t)), t.id());
  }

  static Changed revoke(State s, RevokeAdminToken r) {
    AdminToken t = s.adminTokens().get(r.id());
    if (t == null || t.revoked()) {
      throw new Rejection(NOT_FOUND, null, "admin token " + r.id() + " not found");
    }
    if (t.role() == Role.OWNER) {
      long owners =
          s.adminTokens().values().stream()
              .filter(o -> o.role() == Role.OWNER && !o.revoked())
              .count();
      if (owners <= 1) {
        throw new Rejection(CONFLICT, null, "cannot revoke the last owner token");
      }
    }
    return new Changed(s.withAdminTokens(State.with(s.adminTokens(), t.id(), t.revoke())), t.id());
  }
}
