package io.raftray.api;

import io.raftray.api.Router.Access;
import io.raftray.model.Admin;
import io.raftray.model.ErrorKind;
import io.raftray.model.FieldError;
import io.raftray.model.Ids;
import io.raftray.model.Passwords;
import io.raftray.model.RaftrayException;
import io.raftray.model.Role;
import io.raftray.state.Command;
import io.raftray.state.State;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code /admins}, owner only: admin accounts of the console. The password is hashed here
 * (Argon2id, {@link Passwords}) before the command is submitted, so neither the log nor the state
 * holds it.
 */
final class AdminsHandler {
  static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9._-]{2,31}");
  static final String USERNAME_RULE =
      "must be 3-32 characters of a-z, 0-9, '.', '_', '-', starting with a letter or digit";
  static final String PASSWORD_RULE =
      "must be " + Passwords.MIN_LENGTH + "-" + Passwords.MAX_LENGTH + " characters";

  void routes(Router r) {
    r.get("/admins", Access.OWNER, this::list);
    r.post("/admins", Access.OWNER, this::create);
    r.get("/admins/{id}", Access.OWNER, this::get);
    r.patch("/admins/{id}", Access.OWNER, this::update);
    r.delete("/admins/{id}", Access.OWNER, this::delete);
  }

  private void list(Call c) {
    Query q = c.query();
    State s = c.read();
    c.reply(200, q.page(s.admins(), a -> true, Views::admin), s);
  }

  private void get(Call c) {
    c.query();
    State s = c.read();
    c.reply(200, Views.admin(find(s, c.id())), s);
  }

  static Admin find(State s, String id) {
    Admin a = s.admins().get(id);
    if (a == null) {
      throw Call.notFound("admin", id);
    }
    return a;
  }

  /** A new password's value, or null with a field error when it breaks the rule. */
  static String password(Validator v, String field, boolean required) {
    return v.string(field, required, Passwords.MIN_LENGTH, Passwords.MAX_LENGTH);
  }

  private void create(Call c) {
    Validator v =
        Validator.of(c.body(), Set.of("username", "password", "role", "password_reset_required"));
    String username = v.matching("username", true, USERNAME, USERNAME_RULE);
    String password = password(v, "password", true);
    Role role = v.choice("role", true, Role.class, EnumSet.allOf(Role.class));
    Boolean reset = v.bool("password_reset_required", false);
    v.throwIfInvalid();
    if (c.current().adminByUsername(username) != null) {
      String taken = "username " + username + " is taken";
      throw new RaftrayException(
          ErrorKind.CONFLICT, taken, List.of(new FieldError("username", taken)));
    }
    String id = Ids.newId("adm", c.now().toEpochMilli());
    Admin a =
        Admin.create(
            id, username, role, Passwords.hash(password), c.now(), Boolean.TRUE.equals(reset));
    State after = c.submit(new Command.CreateAdmin(a));
    c.reply(201, Views.admin(find(after, id)), after);
  }

  private void update(Call c) {
    Validator v =
        Validator.of(c.body(), Set.of("role", "password", "disabled", "password_reset_required"));
    Role role = v.choice("role", false, Role.class, EnumSet.allOf(Role.class));
    String password = password(v, "password", false);
    Boolean disabled = v.bool("disabled", false);
    Boolean reset = v.bool("password_reset_required", false);
    v.throwIfInvalid();
    Admin a = find(c.current(), c.id());
    State after =
        c.submit(
            new Command.UpdateAdmin(
                a.id(), role, password == null ? null : Passwords.hash(password), disabled, reset));
    c.reply(200, Views.admin(find(after, a.id())), after);
  }

  private void delete(Call c) {
    Admin a = find(c.current(), c.id());
    c.noContent(c.submit(new Command.DeleteAdmin(a.id())));
  }
}
