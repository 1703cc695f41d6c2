package io.raftray.state;

import static io.raftray.model.ErrorKind.CONFLICT;
import static io.raftray.model.ErrorKind.INVALID;
import static io.raftray.model.ErrorKind.NOT_FOUND;

import io.raftray.model.Grant;
import io.raftray.state.Command.CreateGrant;
import io.raftray.state.Command.DeleteGrant;
import io.raftray.state.Command.UpdateGrant;
import io.raftray.state.Store.Changed;
import io.raftray.state.Store.Rejection;
import java.time.Instant;
import java.util.NavigableMap;
import java.util.function.Predicate;
import org.pcollections.TreePMap;

/**
 * Grants, applied by {@link Store}: a grant joins an existing user and endpoint, at most one per
 * pair. Grants go with their user or endpoint (see {@link #without}).
 */
final class GrantRules {
  private GrantRules() {}

  static Changed create(State s, CreateGrant c) {
    Grant g = c.grant();
    if (s.grants().containsKey(g.id())) {
      throw new Rejection(CONFLICT, "id", "grant id already exists");
    }
    if (!s.users().containsKey(g.userId())) {
      throw new Rejection(INVALID, "user_id", "no such user: " + g.userId());
    }
    if (!s.endpoints().containsKey(g.endpointId())) {
      throw new Rejection(INVALID, "endpoint_id", "no such endpoint: " + g.endpointId());
    }
    for (Grant o : s.grants().values()) {
      if (o.userId().equals(g.userId()) && o.endpointId().equals(g.endpointId())) {
        throw new Rejection(
            CONFLICT, "endpoint_id", "user already has grant " + o.id() + " for this endpoint");
      }
    }
    return new Changed(s.withGrants(State.with(s.grants(), g.id(), g)), g.id());
  }

  static Changed update(State s, UpdateGrant u, Instant now) {
    Grant g = grant(s, u.id());
    boolean enabled = u.enabled() == null ? g.enabled() : u.enabled();
    Grant n =
        new Grant(g.id(), g.userId(), g.endpointId(), g.credential(), enabled, g.createdAt(), now);
    return new Changed(s.withGrants(State.with(s.grants(), g.id(), n)), g.id());
  }

  static Changed delete(State s, DeleteGrant d) {
    Grant g = grant(s, d.id());
    return new Changed(s.withGrants(State.without(s.grants(), g.id())), g.id());
  }

  /** The grants without those matching {@code drop} (a deleted user's or endpoint's). */
  static NavigableMap<String, Grant> without(
      NavigableMap<String, Grant> grants, Predicate<Grant> drop) {
    // One pass to find them (a scan, no copy), then O(log n) per grant that goes.
    TreePMap<String, Grant> out = State.tree(grants);
    for (Grant g : grants.values()) {
      if (drop.test(g)) {
        out = out.minus(g.id());
      }
    }
    return out;
  }

  private static Grant grant(State s, String id) {
    Grant g = s.grants().get(id);
    if (g == null) {
      throw new Rejection(NOT_FOUND, null, "grant " + id + " not found");
    }
    return g;
  }
}
