package io.raftray.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftray.api.Router.Access;
import io.raftray.model.Enums;
import io.raftray.model.ErrorKind;
import io.raftray.model.FieldError;
import io.raftray.model.Ids;
import io.raftray.model.RaftrayException;
import io.raftray.model.ResetStrategy;
import io.raftray.model.UserTemplate;
import io.raftray.state.Command;
import io.raftray.state.State;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /user-templates}: defaults for new users ({@code POST /users} with {@code template_id}).
 * PATCH merges the given fields into the template as the answering node sees it and commits the
 * whole template.
 */
final class UserTemplatesHandler {
  /** A hundred years; {@code expire_seconds} beyond that is a mistake. */
  static final long MAX_EXPIRE_SECONDS = 100L * 366 * 86_400;

  private static final Set<String> FIELDS =
      Set.of(
          "name",
          "note",
          "data_limit_bytes",
          "expire_seconds",
          "reset_strategy",
          "on_hold",
          "on_hold_expire_seconds",
          "group_ids");

  void routes(Router r) {
    r.get("/user-templates", Access.READ, this::list);
    r.post("/user-templates", Access.WRITE, this::create);
    r.get("/user-templates/{id}", Access.READ, this::get);
    r.patch("/user-templates/{id}", Access.WRITE, this::update);
    r.delete("/user-templates/{id}", Access.WRITE, this::delete);
  }

  private void list(Call c) {
    Query q = c.query();
    State s = c.read();
    c.reply(200, q.page(s.userTemplates(), t -> true, UserTemplatesHandler::view), s);
  }

  private void get(Call c) {
    c.query();
    State s = c.read();
    c.reply(200, view(find(s, c.id())), s);
  }

  private void create(Call c) {
    ObjectNode body = c.body();
    Validator v = Validator.of(body, FIELDS);
    String name = v.matching("name", true, Validator.NAME, Validator.NAME_RULE);
    UserTemplate t = read(v, Ids.newId("utp", c.now().toEpochMilli()), name, null);
    v.throwIfInvalid();
    checkName(c.current(), t);
    checkGroups(c.current(), t);
    State after = c.submit(new Command.CreateUserTemplate(t));
    c.reply(201, view(find(after, t.id())), after);
  }

  private void update(Call c) {
    UserTemplate old = find(c.current(), c.id());
    ObjectNode body = c.body();
    Validator v = Validator.of(body, FIELDS);
    String name = v.matching("name", false, Validator.NAME, Validator.NAME_RULE);
    UserTemplate t = read(v, old.id(), name == null ? old.name() : name, old);
    v.throwIfInvalid();
    if (body.isEmpty()) {
      State s = c.current();
      c.reply(200, view(old), s);
      return;
    }
    checkName(c.current(), t);
    checkGroups(c.current(), t);
    State after = c.submit(new Command.UpdateUserTemplate(t));
    c.reply(200, view(find(after, t.id())), after);
  }

  private void delete(Call c) {
    UserTemplate t = find(c.current(), c.id());
    c.noContent(c.submit(new Command.DeleteUserTemplate(t.id())));
  }

  /** The template's fields from {@code v}, absent ones from {@code old} (or the defaults). */
  private static UserTemplate read(Validator v, String id, String name, UserTemplate old) {
    String note = v.string("note", false, 0, 1000);
    Long limit = v.integer("data_limit_bytes", false, 0, UsersHandler.MAX_DATA_LIMIT);
    Long expire = v.integer("expire_seconds", false, 0, MAX_EXPIRE_SECONDS);
    ResetStrategy reset =
        v.choice("reset_strategy", false, ResetStrategy.class, EnumSet.allOf(ResetStrategy.class));
    Boolean onHold = v.bool("on_hold", false);
    Long onHoldExpire =
        v.integer("on_hold_expire_seconds", false, 0, UsersHandler.MAX_ON_HOLD_EXPIRE_SECONDS);
    List<String> groups = v.strings("group_ids", false, 100, GROUP_ID, "must be a group id");
    return new UserTemplate(
        id,
        name == null ? "" : name,
        note != null ? note : old != null ? old.note() : "",
        limit != null ? limit : old != null ? old.dataLimitBytes() : 0,
        expire != null ? expire : old != null ? old.expireSeconds() : 0,
        reset != null ? reset : old != null ? old.resetStrategy() : ResetStrategy.NO_RESET,
        onHold != null ? onHold : old != null && old.onHold(),
        onHoldExpire != null ? onHoldExpire : old != null ? old.onHoldExpireSeconds() : 0,
        old == null ? null : old.createdAt(),
        old == null ? null : old.updatedAt(),
        groups != null ? groups : old != null ? old.groupIds() : List.of());
  }

  static final java.util.regex.Pattern GROUP_ID =
      java.util.regex.Pattern.compile("[A-Za-z0-9_-]{1,64}");

  /** 400 naming every group id of the template that names no group. */
  private static void checkGroups(State s, UserTemplate t) {
    List<FieldError> errors = new java.util.ArrayList<>();
    for (int i = 0; i < t.groupIds().size(); i++) {
      if (!s.groups().containsKey(t.groupIds().get(i))) {
        errors.add(new FieldError("group_ids[" + i + "]", "no such group"));
      }
    }
    if (!errors.isEmpty()) {
      throw new RaftrayException(ErrorKind.INVALID, "unknown group ids", errors);
    }
  }

  private static void checkName(State s, UserTemplate t) {
    for (UserTemplate other : s.userTemplates().values()) {
      if (other.name().equals(t.name()) && !other.id().equals(t.id())) {
        String msg = "user template name '" + t.name() + "' is taken";
        throw new RaftrayException(ErrorKind.CONFLICT, msg, List.of(new FieldError("name", msg)));
      }
    }
  }

  private static UserTemplate find(State s, String id) {
    UserTemplate t = s.userTemplates().get(id);
    if (t == null) {
      throw Call.notFound("user template", id);
    }
    return t;
  }

  static Map<String, Object> view(UserTemplate t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", t.id());
    m.put("name", t.name());
    m.put("note", t.note());
    m.put("data_limit_bytes", t.dataLimitBytes());
    m.put("expire_seconds", t.expireSeconds());
    m.put("reset_strategy", Enums.wire(t.resetStrategy()));
    m.put("on_hold", t.onHold());
    m.put("on_hold_expire_seconds", t.onHoldExpireSeconds());
    m.put("group_ids", t.groupIds());
    m.put("created_at", Views.time(t.createdAt()));
    m.put("updated_at", Views.time(t.updatedAt()));
    return m;
  }
}
