package io.raftray.api;

import io.raftray.api.Router.Access;
import io.raftray.http.ClientAddress;
import io.raftray.model.Admin;
import io.raftray.model.ErrorKind;
import io.raftray.model.FieldError;
import io.raftray.model.Passwords;
import io.raftray.model.RaftrayException;
import io.raftray.model.Totp;
import io.raftray.state.AdminSessions;
import io.raftray.state.Command;
import io.raftray.state.State;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * {@code /auth/...}: console login and the signed-in admin's own account (session, logout,
 * password, second factor). See docs/console.md for the session design.
 */
final class AccountHandler {
  private static final Logger LOG = Logger.getLogger(AccountHandler.class.getName());
  static final String WRONG = "wrong username or password";
  private static final String NEEDS_SESSION = "this needs a console session: log in first";

  private final Deps deps;

  AccountHandler(Deps deps) {
    this.deps = deps;
  }

  void routes(Router r) {
    r.post("/auth/login", Access.PUBLIC, this::login);
    r.get("/auth/session", Access.SELF, this::session);
    r.post("/auth/logout", Access.SELF, this::logout);
    r.post("/auth/password", Access.SELF, this::password);
    r.post("/auth/totp/enroll", Access.SELF, this::enroll);
    r.post("/auth/totp/confirm", Access.SELF, this::confirm);
    r.delete("/auth/totp", Access.SELF, this::disable);
  }

  private Sessions sessions() {
    return deps.auth().sessions();
  }

  private String source(Call c) {
    return ClientAddress.limitKey(ClientAddress.of(c.request(), deps.settings().trustedProxies()));
  }

  private void login(Call c) {
    String type = c.request().headers().contentType().map(t -> t.mediaType().text()).orElse("");
    if (!type.equals("application/json")) {
      // A cross-site form can post text/plain; a login needs a script of this origin.
      throw new RaftrayException(ErrorKind.INVALID, "login needs Content-Type: application/json");
    }
    Validator v = Validator.of(c.body(), Set.of("username", "password", "totp_code"));
    String username = v.string("username", true, 1, 64);
    String password = v.string("password", true, 1, Passwords.MAX_LENGTH);
    String code = v.string("totp_code", false, 0, 16);
    v.throwIfInvalid();
    Admin a = checkPassword(c, username, password, "console");
    String source = source(c);
    Instant now = c.now();
    Long step = null;
    if (a.totpEnabled()) {
      if (code == null || code.isEmpty()) {
        throw new RaftrayException(
            ErrorKind.UNAUTHORIZED,
            "a second factor code is required",
            List.of(new FieldError("totp_code", "enter the 6-digit code of your authenticator")));
      }
      long matched = Totp.match(a.totpSecret(), code, now, a.lastTotpStep());
      if (matched < 0) {
        sessions().loginFailed(source, username);
        LOG.info("failed console login (second factor) from " + source);
        throw new RaftrayException(
            ErrorKind.UNAUTHORIZED,
            "the second factor code is wrong or was already used",
            List.of(new FieldError("totp_code", "wrong or already used code")));
      }
      step = matched;
    }
    AdminSessions.Issued issued = AdminSessions.issue(now, AdminSessions.ABSOLUTE_TIMEOUT);
    State after =
        c.submitAs(
            a.id(),
            AdminSessions.loginProof(code, password),
            new Command.AdminLogin(a.id(), issued.session(), step));
    Admin stored = AdminsHandler.find(after, a.id());
    String cookie =
        AdminSessions.cookie(a.id(), issued.session(), issued.secret(), now.getEpochSecond());
    c.response().header("Set-Cookie", sessions().setCookie(cookie, issued.session().expiresAt()));
    c.reply(200, body(stored, issued.session()), after);
  }

  /**
   * The enabled admin account whose password this is, under the failed-login limits (per source and
   * user name, 429 when blocked); 401 {@link #WRONG} otherwise. {@code what} names the login in the
   * log line (never the password or the name).
   */
  Admin checkPassword(Call c, String username, String password, String what) {
    State s = c.current();
    if (!s.bootstrapped()) {
      throw new RaftrayException(
          ErrorKind.UNAVAILABLE, "node is starting: the cluster state is not loaded yet");
    }
    String source = source(c);
    sessions().checkLoginLimit(source, username);
    Admin a = s.adminByUsername(username);
    boolean ok;
    if (a == null) {
      Passwords.verifyDummy(password); // the same time as a wrong password
      ok = false;
    } else {
      ok = Passwords.verify(password, a.passwordHash()) && !a.disabled();
    }
    if (!ok) {
      sessions().loginFailed(source, username);
      LOG.info("failed " + what + " login from " + source);
      throw new RaftrayException(ErrorKind.UNAUTHORIZED, WRONG);
    }
    return a;
  }

  private Map<String, Object> body(Admin a, io.raftray.model.AdminSession session) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("admin", Views.admin(a));
    m.put("csrf_token", AdminSessions.csrf(session));
    m.put("expires_at", Views.time(session.expiresAt()));
    m.put("idle_timeout_seconds", sessions().idleTimeout().toSeconds());
    m.put("session_id", session.id());
    return m;
  }

  private static AdminSessions.Verified session(Principal p) {
    if (p.session() == null) {
      throw new RaftrayException(ErrorKind.UNAUTHORIZED, NEEDS_SESSION);
    }
    return p.session();
  }

  private void session(Call c) {
    c.query();
    AdminSessions.Verified v = session(c.principal());
    State s = c.read();
    c.reply(200, body(AdminsHandler.find(s, v.admin().id()), v.session()), s);
  }

  private void logout(Call c) {
    c.noBody();
    AdminSessions.Verified v = session(c.principal());
    State after = c.submit(new Command.AdminLogout(v.admin().id(), v.session().id()));
    c.response().header("Set-Cookie", Sessions.clearCookie());
    c.noContent(after);
  }

  private void password(Call c) {
    AdminSessions.Verified v = session(c.principal());
    Validator val = Validator.of(c.body(), Set.of("current_password", "new_password"));
    String current = val.string("current_password", true, 1, Passwords.MAX_LENGTH);
    String next = AdminsHandler.password(val, "new_password", true);
    val.throwIfInvalid();
    Admin a = AdminsHandler.find(c.current(), v.admin().id());
    String source = source(c);
    sessions().checkLoginLimit(source, a.username());
    if (!Passwords.verify(current, a.passwordHash())) {
      sessions().loginFailed(source, a.username());
      throw new RaftrayException(
          ErrorKind.INVALID,
          "the current password is wrong",
          List.of(new FieldError("current_password", "wrong password")));
    }
    State after =
        c.submitAs(
            a.id(),
            AdminSessions.loginProof("", current),
            new Command.ChangeAdminPassword(a.id(), Passwords.hash(next)));
    // Every session of the admin ended, this one too: the console logs in again.
    c.response().header("Set-Cookie", Sessions.clearCookie());
    c.noContent(after);
  }

  private void enroll(Call c) {
    c.noBody();
    AdminSessions.Verified v = session(c.principal());
    String secret = Totp.newSecret();
    State after = c.submit(new Command.EnrollTotp(v.admin().id(), secret));
    Admin a = AdminsHandler.find(after, v.admin().id());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("secret", secret);
    m.put("otpauth_uri", Totp.uri("Raftray", a.username(), secret));
    c.reply(200, m, after);
  }

  private String code(Call c) {
    Validator val = Validator.of(c.body(), Set.of("code"));
    String code = val.string("code", true, 6, 6);
    val.throwIfInvalid();
    return code;
  }

  private static RaftrayException wrongCode() {
    return new RaftrayException(
        ErrorKind.INVALID,
        "the code is wrong or was already used",
        List.of(new FieldError("code", "wrong or already used code")));
  }

  private void confirm(Call c) {
    AdminSessions.Verified v = session(c.principal());
    String code = code(c);
    Admin a = AdminsHandler.find(c.current(), v.admin().id());
    if (a.totpPending() == null) {
      throw new RaftrayException(ErrorKind.CONFLICT, "no second factor enrolment to confirm");
    }
    long step = Totp.match(a.totpPending(), code, c.now(), a.lastTotpStep());
    if (step < 0) {
      throw wrongCode();
    }
    State after = c.submit(new Command.ConfirmTotp(a.id(), step));
    c.reply(200, Views.admin(AdminsHandler.find(after, a.id())), after);
  }

  private void disable(Call c) {
    AdminSessions.Verified v = session(c.principal());
    String code = code(c);
    Admin a = AdminsHandler.find(c.current(), v.admin().id());
    if (!a.totpEnabled()) {
      throw new RaftrayException(ErrorKind.CONFLICT, "no second factor is enabled");
    }
    long step = Totp.match(a.totpSecret(), code, c.now(), a.lastTotpStep());
    if (step < 0) {
      throw wrongCode();
    }
    State after = c.submit(new Command.DisableTotp(a.id(), step));
    c.reply(200, Views.admin(AdminsHandler.find(after, a.id())), after);
  }
}
