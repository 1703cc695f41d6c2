package io.raftray.api;

import io.raftray.model.Admin;
import io.raftray.model.ErrorKind;
import io.raftray.model.FieldError;
import io.raftray.model.Passwords;
import io.raftray.model.RaftrayException;
import io.raftray.state.AdminSessions;
import io.raftray.state.Command;
import io.raftray.state.State;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /api/admin/token}: Marzban's OAuth2 password login (form fields {@code username},
 * {@code password}) with an admin account of {@code /api/v1/admins}.
 *
 * <p>Decision: the access token is an admin session ({@code admin.login} through Raft, the password
 * checked by the leader as for a console login), so it works on every node and ends with the
 * account (disabled, deleted, password changed) like a console session. It lives {@link #LIFETIME}
 * (Marzban's default {@code ACCESS_TOKEN_EXPIRE_MINUTES}), without the console's idle timeout. An
 * account with a second factor cannot log in here: Marzban's form has no field for the code.
 */
final class MarzbanToken {
  /** How long an access token lives: Marzban's default, 1440 minutes. */
  static final Duration LIFETIME = Duration.ofHours(24);

  private final Deps deps;

  MarzbanToken(Deps deps) {
    this.deps = deps;
  }

  void token(Call c) {
    Map<String, String> form = form(c);
    List<FieldError> missing = new ArrayList<>();
    for (String f : List.of("username", "password")) {
      if (form.get(f) == null) {
        missing.add(new FieldError("body." + f, MarzbanInput.REQUIRED));
      }
    }
    String grant = form.get("grant_type");
    if (grant != null && !grant.isEmpty() && !grant.equals("password")) {
      missing.add(new FieldError("body.grant_type", "String should match pattern '^password$'"));
    }
    if (!missing.isEmpty()) {
      throw new RaftrayException(ErrorKind.UNPROCESSABLE, "validation failed", missing);
    }
    String username = form.get("username");
    String password = form.get("password");
    if (username.length() > 64 || password.length() > Passwords.MAX_LENGTH) {
      throw wrong();
    }
    Admin a;
    try {
      a = new AccountHandler(deps).checkPassword(c, username, password, "marzban api");
    } catch (RaftrayException e) {
      throw e.kind() == ErrorKind.UNAUTHORIZED ? wrong() : e;
    }
    if (a.totpEnabled()) {
      throw new RaftrayException(
          ErrorKind.UNAUTHORIZED,
          "this account has a second factor, which Marzban's login cannot carry: use an account"
              + " without one for bots");
    }
    Instant now = c.now();
    AdminSessions.Issued issued = AdminSessions.issue(now, LIFETIME);
    State after =
        c.submitAs(
            a.id(),
            AdminSessions.loginProof("", password),
            new Command.AdminLogin(a.id(), issued.session(), null));
    String token =
        AdminSessions.cookie(a.id(), issued.session(), issued.secret(), now.getEpochSecond());
    c.reply(200, Map.of("access_token", token, "token_type", "bearer"), after);
  }

  private static RaftrayException wrong() {
    return new RaftrayException(ErrorKind.UNAUTHORIZED, "Incorrect username or password");
  }

  /** The urlencoded form (an OAuth2 client's), or a JSON object some clients send instead. */
  private static Map<String, String> form(Call c) {
    String type = c.request().headers().contentType().map(t -> t.mediaType().text()).orElse("");
    Map<String, String> out = new HashMap<>();
    if (type.equals("application/json")) {
      c.body().properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
      return out;
    }
    String body = new String(c.bytes(), StandardCharsets.UTF_8);
    for (String pair : body.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      try {
        String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        out.putIfAbsent(k, v);
      } catch (IllegalArgumentException bad) {
        throw new RaftrayException(
            ErrorKind.UNPROCESSABLE,
            "validation failed",
            List.of(new FieldError("body", "malformed form body")));
      }
    }
    return out;
  }
}
