package io.raftray.api;

import io.raftray.model.Role;
import io.raftray.state.AdminSessions;

/**
 * Who a request authenticated as: an admin token or an admin account's console session. Both map to
 * the same roles, so every route's {@link Router.Access} applies to both.
 *
 * @param id the actor recorded in the audit: the token id or the admin id
 * @param credential what goes to the leader with a write: the bearer token or the session cookie
 * @param session the verified session when a cookie authenticated the request; null for a token
 * @param cookie the cookie value to send back (a re-issued one with a fresh activity time), or null
 */
record Principal(
    String id, Role role, String credential, AdminSessions.Verified session, String cookie) {

  /** The caller of a public route (login): no identity, nothing it may submit. */
  static final Principal ANONYMOUS = new Principal("anonymous", Role.VIEWER, null, null, null);

  @Override
  public String toString() {
    return "Principal[id=" + id + ", role=" + role + "]";
  }
}
