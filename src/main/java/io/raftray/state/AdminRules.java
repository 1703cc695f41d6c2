package io.raftray.state;

import static io.raftray.model.ErrorKind.CONFLICT;
import static io.raftray.model.ErrorKind.INVALID;
import static io.raftray.model.ErrorKind.NOT_FOUND;
import static io.raftray.model.ErrorKind.UNAUTHORIZED;

import io.raftray.model.Admin;
import io.raftray.model.AdminSession;
import io.raftray.model.Role;
import io.raftray.state.Command.AdminLogin;
import io.raftray.state.Command.AdminLogout;
import io.raftray.state.Command.ChangeAdminPassword;
import io.raftray.state.Command.ConfirmTotp;
import io.raftray.state.Command.CreateAdmin;
import io.raftray.state.Command.DeleteAdmin;
import io.raftray.state.Command.DisableTotp;
import io.raftray.state.Command.EnrollTotp;
import io.raftray.state.Command.HostSetAdmin;
import io.raftray.state.Command.UpdateAdmin;
import io.raftray.state.Store.Changed;
import io.raftray.state.Store.Rejection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Admin accounts and their sessions, applied by {@link Store}. Sessions live inside their admin's
 * record, so deleting, disabling, demoting or re-keying an admin ends them everywhere at once;
 * expired sessions are dropped whenever the admin's record is written, and at most {@link
 * Admin#MAX_SESSIONS} are kept. The last enabled owner account cannot be deleted, disabled or
 * demoted while no live owner token exists (nobody could manage the cluster any more).
 */
final class AdminRules {
  private AdminRules() {}

  static Changed create(State s, CreateAdmin c, Instant now) {
    Admin a = c.admin();
    if (s.admins().containsKey(a.id())) {
      throw new Rejection(CONFLICT, "id", "admin id already exists");
    }
    if (s.adminByUsername(a.username()) != null) {
      throw new Rejection(CONFLICT, "username", "username " + a.username() + " is taken");
    }
    Admin stored = a.edit().sessions(List.of()).updatedAt(now).build();
    return put(s, stored);
  }

  static Changed update(State s, UpdateAdmin u, Instant now) {
    Admin a = find(s, u.id());
    Admin.Edit e = a.edit().updatedAt(now);
    boolean endSessions = false;
    if (u.role() != null && u.role() != a.role()) {
      e.role(u.role());
      endSessions = true;
    }
    if (u.passwordHash() != null) {
      e.passwordHash(u.passwordHash());
      endSessions = true;
    }
    if (u.disabled() != null) {
      e.disabled(u.disabled());
      endSessions |= u.disabled();
    }
    if (u.passwordResetRequired() != null) {
      e.passwordResetRequired(u.passwordResetRequired());
    }
    if (endSessions) {
      e.sessions(List.of());
    }
    Admin next = e.build();
    if (wasLiveOwner(a) && !wasLiveOwner(next)) {
      lastOwnerCheck(s, a);
    }
    return put(s, next);
  }

  static Changed delete(State s, DeleteAdmin d) {
    Admin a = find(s, d.id());
    if (wasLiveOwner(a)) {
      lastOwnerCheck(s, a);
    }
    return new Changed(s.withAdmins(State.without(s.admins(), a.id())), a.id());
  }

  static Changed login(State s, AdminLogin l, Instant now) {
    Admin a = find(s, l.adminId());
    if (a.disabled()) {
      throw new Rejection(UNAUTHORIZED, null, "admin " + a.id() + " is disabled");
    }
    Admin.Edit e = a.edit().lastLoginAt(now);
    if (a.totpEnabled()) {
      if (l.totpStep() == null || l.totpStep() <= a.lastTotpStep()) {
        throw new Rejection(
            UNAUTHORIZED, "totp_code", "this code was already used; wait for the next one");
      }
      e.lastTotpStep(l.totpStep());
    }
    if (a.session(l.session().id()) != null) {
      throw new Rejection(CONFLICT, "id", "session id already exists");
    }
    List<AdminSession> sessions = live(a.sessions(), now);
    sessions.add(l.session());
    while (sessions.size() > Admin.MAX_SESSIONS) {
      sessions.remove(0);
    }
    return put(s, e.sessions(sessions).build());
  }

  static Changed logout(State s, AdminLogout l, Instant now) {
    Admin a = find(s, l.adminId());
    List<AdminSession> sessions = live(a.sessions(), now);
    sessions.removeIf(x -> x.id().equals(l.sessionId()));
    return put(s, a.edit().sessions(sessions).build());
  }

  static Changed changePassword(State s, ChangeAdminPassword c, Instant now) {
    Admin a = find(s, c.adminId());
    return put(
        s,
        a.edit()
            .passwordHash(c.passwordHash())
            .passwordResetRequired(false)
            .sessions(List.of())
            .updatedAt(now)
            .build());
  }

  static Changed enrollTotp(State s, EnrollTotp c, Instant now) {
    Admin a = find(s, c.adminId());
    if (a.totpEnabled()) {
      throw new Rejection(CONFLICT, null, "a second factor is already enabled; disable it first");
    }
    return put(s, a.edit().totpPending(c.secret()).updatedAt(now).build());
  }

  static Changed confirmTotp(State s, ConfirmTotp c, Instant now) {
    Admin a = find(s, c.adminId());
    if (a.totpPending() == null) {
      throw new Rejection(CONFLICT, null, "no second factor enrolment to confirm");
    }
    if (c.step() <= a.lastTotpStep()) {
      throw new Rejection(INVALID, "code", "this code was already used; wait for the next one");
    }
    return put(
        s,
        a.edit()
            .totpSecret(a.totpPending())
            .totpPending(null)
            .lastTotpStep(c.step())
            .updatedAt(now)
            .build());
  }

  static Changed disableTotp(State s, DisableTotp c, Instant now) {
    Admin a = find(s, c.adminId());
    if (!a.totpEnabled()) {
      throw new Rejection(CONFLICT, null, "no second factor is enabled");
    }
    if (c.step() <= a.lastTotpStep()) {
      throw new Rejection(INVALID, "code", "this code was already used; wait for the next one");
    }
    return put(s, a.edit().totpSecret(null).lastTotpStep(c.step()).updatedAt(now).build());
  }

  static Changed hostSet(State s, HostSetAdmin h, Instant now) {
    Admin given = h.admin();
    Admin existing = s.adminByUsername(given.username());
    if (!h.reset()) {
      return create(s, new CreateAdmin(given), now);
    }
    if (existing == null) {
      throw new Rejection(NOT_FOUND, "username", "no admin is named " + given.username());
    }
    return put(
        s,
        existing
            .edit()
            .passwordHash(given.passwordHash())
            .passwordResetRequired(true)
            .disabled(false)
            .totpSecret(null)
            .totpPending(null)
            .sessions(List.of())
            .updatedAt(now)
            .build());
  }

  private static Admin find(State s, String id) {
    Admin a = s.admins().get(id);
    if (a == null) {
      throw new Rejection(NOT_FOUND, null, "admin " + id + " not found");
    }
    return a;
  }

  private static Changed put(State s, Admin a) {
    return new Changed(s.withAdmins(State.with(s.admins(), a.id(), a)), a.id());
  }

  private static List<AdminSession> live(List<AdminSession> sessions, Instant now) {
    List<AdminSession> out = new ArrayList<>();
    for (AdminSession x : sessions) {
      if (x.expiresAt().isAfter(now)) {
        out.add(x);
      }
    }
    return out;
  }

  private static boolean wasLiveOwner(Admin a) {
    return a.role() == Role.OWNER && !a.disabled();
  }

  private static void lastOwnerCheck(State s, Admin leaving) {
    boolean otherOwnerAdmin =
        s.admins().values().stream().anyMatch(o -> !o.id().equals(leaving.id()) && wasLiveOwner(o));
    boolean ownerToken =
        s.adminTokens().values().stream().anyMatch(t -> t.role() == Role.OWNER && !t.revoked());
    if (!otherOwnerAdmin && !ownerToken) {
      throw new Rejection(
          CONFLICT, null, "cannot remove the last owner: no other owner account or token exists");
    }
  }
}
