package io.raftray.state;

import static io.raftray.model.ErrorKind.CONFLICT;
import static io.raftray.model.ErrorKind.NOT_FOUND;

import io.raftray.model.UserTemplate;
import io.raftray.state.Command.CreateUserTemplate;
import io.raftray.state.Command.DeleteUserTemplate;
import io.raftray.state.Command.UpdateUserTemplate;
import io.raftray.state.Store.Changed;
import io.raftray.state.Store.Rejection;
import java.time.Instant;

/**
 * User templates, applied by {@link Store}: names are unique among templates. Users do not refer to
 * the template they were made from (the API copies its defaults into the user), so deleting one
 * touches no user.
 */
final class UserTemplateRules {
  private UserTemplateRules() {}

  static Changed create(State s, CreateUserTemplate c, Instant now) {
    UserTemplate t = c.template();
    if (s.userTemplates().containsKey(t.id())) {
      throw new Rejection(CONFLICT, "id", "user template id already exists");
    }
    checkName(s, t);
    GroupRules.checkGroupsExist(s, t.groupIds());
    UserTemplate stamped =
        new UserTemplate(
            t.id(),
            t.name(),
            t.note(),
            t.dataLimitBytes(),
            t.expireSeconds(),
            t.resetStrategy(),
            t.onHold(),
            t.onHoldExpireSeconds(),
            now,
            now,
            t.groupIds());
    return new Changed(s.withUserTemplates(State.with(s.userTemplates(), t.id(), stamped)), t.id());
  }

  static Changed update(State s, UpdateUserTemplate u, Instant now) {
    UserTemplate old = template(s, u.template().id());
    UserTemplate t = u.template();
    checkName(s, t);
    GroupRules.checkGroupsExist(s, t.groupIds());
    UserTemplate next =
        new UserTemplate(
            t.id(),
            t.name(),
            t.note(),
            t.dataLimitBytes(),
            t.expireSeconds(),
            t.resetStrategy(),
            t.onHold(),
            t.onHoldExpireSeconds(),
            old.createdAt(),
            now,
            t.groupIds());
    return new Changed(s.withUserTemplates(State.with(s.userTemplates(), t.id(), next)), t.id());
  }

  static Changed delete(State s, DeleteUserTemplate d) {
    UserTemplate t = template(s, d.id());
    return new Changed(s.withUserTemplates(State.without(s.userTemplates(), t.id())), t.id());
  }

  private static void checkName(State s, UserTemplate t) {
    for (UserTemplate other : s.userTemplates().values()) {
      if (other.name().equals(t.name()) && !other.id().equals(t.id())) {
        throw new Rejection(CONFLICT, "name", "user template name '" + t.name() + "' is taken");
      }
    }
  }

  private static UserTemplate template(State s, String id) {
    UserTemplate t = s.userTemplates().get(id);
    if (t == null) {
      throw new Rejection(NOT_FOUND, null, "user template " + id + " not found");
    }
    return t;
  }
}
