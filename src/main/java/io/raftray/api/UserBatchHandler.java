package io.raftray.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftray.api.Router.Access;
import io.raftray.model.BulkAction;
import io.raftray.model.Enums;
import io.raftray.model.ErrorKind;
import io.raftray.model.FieldError;
import io.raftray.model.Ids;
import io.raftray.model.RaftrayException;
import io.raftray.model.User;
import io.raftray.model.UserTemplate;
import io.raftray.state.Command;
import io.raftray.state.State;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code POST /users/batch} (up to 1,000 new users in one Raft entry, all or nothing) and {@code
 * POST /users/bulk} (one action over users chosen by {@code ids[]} or a {@code filter}). Bulk
 * selections are resolved here, on a linearizable view, into the ids the command carries: the log
 * says exactly which users an action touched, and every replica applies it to the same users (see
 * docs/api.md "Bulk").
 */
final class UserBatchHandler {
  /** Users a bulk answer shows in {@code sample}. */
  static final int SAMPLE = 10;

  /** The most users one bulk action may select: about 1.5 MiB of ids in its log entry. */
  static final int MAX_SELECTION = 50_000;

  private static final Set<String> BULK_FIELDS =
      Set.of("action", "ids", "filter", "seconds", "bytes", "group_ids", "dry_run");
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  /**
   * A batch item's fields with {@code "import": true}: those of a create and the import-only ones.
   */
  private static final Set<String> IMPORT_ITEM_FIELDS = importItemFields();

  private final Deps deps;

  UserBatchHandler(Deps deps) {
    this.deps = deps;
  }

  void routes(Router r) {
    r.post("/users/batch", Access.WRITE, this::batch);
    r.post("/users/bulk", Access.WRITE, this::bulk);
  }

  private void batch(Call c) {
    ObjectNode body = c.body();
    Validator v = Validator.of(body, Set.of("users", "import"));
    boolean importing = Boolean.TRUE.equals(v.bool("import", false));
    JsonNode items = body.get("users");
    if (items == null || !items.isArray()) {
      v.error("users", "is required: a list of 1-" + Command.CreateUsers.MAX_BATCH + " users");
      v.throwIfInvalid();
      return;
    }
    if (items.size() > Command.CreateUsers.MAX_BATCH) {
      throw new RaftrayException(
          ErrorKind.TOO_LARGE,
          "a batch holds at most "
              + Command.CreateUsers.MAX_BATCH
              + " users, this one "
              + items.size()
              + "; split it",
          List.of(
              new FieldError(
                  "users", "must hold at most " + Command.CreateUsers.MAX_BATCH + " users")));
    }
    if (items.isEmpty()) {
      v.error("users", "must hold at least one user");
    }
    State view = c.current();
    List<UsersHandler.Fields> fields = new ArrayList<>();
    List<UserImportFields> history = new ArrayList<>();
    Set<String> allowed = importing ? IMPORT_ITEM_FIELDS : UsersHandler.CREATE_FIELDS;
    for (int i = 0; i < items.size(); i++) {
      String at = "users[" + i + "]";
      if (!(items.get(i) instanceof ObjectNode item)) {
        v.error(at, "must be an object");
        fields.add(null);
        history.add(null);
        continue;
      }
      Validator iv = v.child(at, item);
      iv.rejectUnknown(allowed, "unknown field");
      UsersHandler.Fields f = UsersHandler.Fields.read(iv, true, null, view);
      history.add(importing ? UserImportFields.read(iv, c.now()) : null);
      if (f.templateId() != null && !view.userTemplates().containsKey(f.templateId())) {
        iv.error("template_id", "no user template with this id");
      }
      fields.add(f);
    }
    v.throwIfInvalid();
    // Conflicts: names taken in the view or given twice in this batch, every one reported.
    List<FieldError> conflicts = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < fields.size(); i++) {
      String name = fields.get(i).name();
      Integer first = seen.putIfAbsent(name, i);
      if (view.userIdByName().containsKey(name)) {
        conflicts.add(new FieldError("users[" + i + "].name", "user name '" + name + "' is taken"));
      } else if (first != null) {
        conflicts.add(
            new FieldError(
                "users[" + i + "].name", "user name '" + name + "' is also users[" + first + "]"));
      }
    }
    if (!conflicts.isEmpty()) {
      throw new RaftrayException(
          ErrorKind.CONFLICT,
          conflicts.size() + " of " + fields.size() + " users conflict; nothing was created",
          conflicts);
    }
    Instant now = c.now();
    List<User> users = new ArrayList<>();
    for (int i = 0; i < fields.size(); i++) {
      UsersHandler.Fields f = fields.get(i);
      UserTemplate t = f.templateId() == null ? null : view.userTemplates().get(f.templateId());
      User u = UsersHandler.newUser(f, t, now);
      users.add(importing ? history.get(i).applyTo(u) : u);
    }
    State after = c.submit(new Command.CreateUsers(users, importing));
    List<Object> out = new ArrayList<>();
    for (User u : users) {
      User applied = after.users().get(u.id());
      out.add(
          Views.user(applied == null ? u : applied, after, deps.settings(), c.secretsVisible()));
    }
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("count", users.size());
    answer.put("items", out);
    c.reply(201, answer, after);
  }

  private void bulk(Call c) {
    ObjectNode body = c.body();
    Validator v = Validator.of(body, BULK_FIELDS);
    BulkAction action = v.choice("action", true, BulkAction.class, EnumSet.allOf(BulkAction.class));
    boolean dryRun = Boolean.TRUE.equals(v.bool("dry_run", false));
    Long amount = null;
    if (action != null) {
      amount = amount(v, action);
    }
    List<String> groups = null;
    if (action != null && action.takesGroups()) {
      groups = v.strings("group_ids", true, 100, ID, "must be a group id");
      if (groups != null && groups.isEmpty()) {
        v.error("group_ids", "must name at least one group");
      }
      for (int i = 0; groups != null && i < groups.size(); i++) {
        if (!c.current().groups().containsKey(groups.get(i))) {
          v.error("group_ids[" + i + "]", "no such group");
        }
      }
    } else if (v.has("group_ids")) {
      v.error("group_ids", "only add_groups and remove_groups take group_ids");
    }
    List<String> ids = null;
    UserFilter filter = null;
    if (v.has("ids") == v.has("filter")) {
      v.error(v.has("ids") ? "filter" : "ids", "give exactly one of ids and filter");
    } else if (v.has("ids")) {
      ids = v.strings("ids", true, MAX_SELECTION, ID, "must be a user id");
      if (ids != null && ids.isEmpty()) {
        v.error("ids", "must hold at least one id");
      }
    } else if (!UserFilter.isObject(body, "filter")) {
      v.error("filter", "must be an object of user list filters");
    } else {
      filter = UserFilter.of(v.object("filter"));
    }
    v.throwIfInvalid();
    // A dry run reads the answering node's view; a real one a linearizable view, so a lagging
    // follower cannot miss users the leader already has.
    State view = dryRun ? c.current() : c.deps().replica().linearizableView();
    List<String> selected = select(view, ids, filter);
    if (selected.size() > MAX_SELECTION) {
      throw new RaftrayException(
          ErrorKind.TOO_LARGE,
          "the filter selects "
              + selected.size()
              + " users, more than "
              + MAX_SELECTION
              + " in one action; narrow it");
    }
    State after = view;
    if (!dryRun && !selected.isEmpty()) {
      List<String> tokens = null;
      if (action == BulkAction.ROTATE_SUBSCRIPTION) {
        tokens = new ArrayList<>();
        for (int i = 0; i < selected.size(); i++) {
          tokens.add(Ids.secret(24));
        }
      }
      after = c.submit(new Command.BulkUsers(action, selected, amount, tokens, groups));
    }
    List<Object> sample = new ArrayList<>();
    for (String id : selected.subList(0, Math.min(SAMPLE, selected.size()))) {
      User u = after.users().get(id);
      sample.add(
          Views.user(
              u != null ? u : view.users().get(id), after, deps.settings(), c.secretsVisible()));
    }
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("action", Enums.wire(action));
    answer.put("dry_run", dryRun);
    answer.put("count", selected.size());
    answer.put("sample", sample);
    c.reply(200, answer, after);
  }

  private static Set<String> importItemFields() {
    Set<String> out = new java.util.HashSet<>(UsersHandler.CREATE_FIELDS);
    out.addAll(UserImportFields.FIELDS);
    return Set.copyOf(out);
  }

  /** {@code seconds} for extend, {@code bytes} for add_data and set_limit, nothing otherwise. */
  private static Long amount(Validator v, BulkAction action) {
    String wanted =
        switch (action) {
          case EXTEND -> "seconds";
          case ADD_DATA, SET_LIMIT -> "bytes";
          default -> null;
        };
    for (String f : List.of("seconds", "bytes")) {
      if (!f.equals(wanted) && v.has(f)) {
        v.error(f, "is not used by " + Enums.wire(action));
      }
    }
    if (wanted == null) {
      return null;
    }
    long max =
        action == BulkAction.EXTEND
            ? UserTemplatesHandler.MAX_EXPIRE_SECONDS
            : UsersHandler.MAX_DATA_LIMIT;
    return v.integer(wanted, true, 0, max);
  }

  /** The ids chosen, in id order for a filter and as given (duplicates dropped) for ids. */
  private static List<String> select(State view, List<String> ids, UserFilter filter) {
    if (ids == null) {
      List<String> out = new ArrayList<>();
      view.users().values().stream().filter(filter).forEach(u -> out.add(u.id()));
      return out;
    }
    Set<String> unique = new LinkedHashSet<>(ids);
    List<FieldError> missing = new ArrayList<>();
    int i = 0;
    for (String id : ids) {
      if (!view.users().containsKey(id)) {
        missing.add(new FieldError("ids[" + i + "]", "no such user"));
      }
      i++;
    }
    if (!missing.isEmpty()) {
      throw new RaftrayException(
          ErrorKind.INVALID,
          missing.size() + " of the ids name no user; nothing was changed",
          missing.subList(0, Math.min(100, missing.size())));
    }
    return List.copyOf(unique);
  }
}
