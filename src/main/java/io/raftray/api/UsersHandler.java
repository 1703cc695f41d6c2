package io.raftray.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftray.api.Router.Access;
import io.raftray.model.Device;
import io.raftray.model.Enums;
import io.raftray.model.ErrorKind;
import io.raftray.model.FieldError;
import io.raftray.model.Ids;
import io.raftray.model.RaftrayException;
import io.raftray.model.ResetStrategy;
import io.raftray.model.User;
import io.raftray.model.UserCredentials;
import io.raftray.model.UserStatus;
import io.raftray.model.UserTemplate;
import io.raftray.state.Access.Entry;
import io.raftray.state.Command;
import io.raftray.state.State;
import io.raftray.state.UpdateUserBuilder;
import io.raftray.sub.QrSvg;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code /users}: CRUD, usage reset, subscription and credential rotation, effective access. Every
 * new user gets its own credentials generated here (or the ones given).
 */
final class UsersHandler {
  static final long MAX_DATA_LIMIT = 1L << 60;

  /** Ten years: longer on-hold validity is a mistake, not a plan. */
  static final long MAX_ON_HOLD_EXPIRE_SECONDS = 10L * 366 * 86_400;

  private static final Set<String> FIELDS =
      Set.of(
          "name",
          "note",
          "status",
          "data_limit_bytes",
          "expire_at",
          "reset_strategy",
          "on_hold_expire_seconds",
          "credentials",
          "group_ids",
          "hwid_device_limit");

  /** At most this many groups per user. */
  static final int MAX_GROUPS = 100;

  static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");

  /** What a create (alone or in a batch) may hold: the fields and the template to start from. */
  static final Set<String> CREATE_FIELDS = union(FIELDS, "template_id");

  // limited and expired are derived by the state machine from usage and expiry.
  private static final Set<UserStatus> SETTABLE =
      EnumSet.of(UserStatus.ACTIVE, UserStatus.DISABLED, UserStatus.ON_HOLD);

  /** The list's query parameters: the filters and {@code sort}. */
  private static final String[] LIST_KEYS =
      java.util.stream.Stream.concat(UserFilter.KEYS.stream(), java.util.stream.Stream.of("sort"))
          .toArray(String[]::new);

  private final Deps deps;

  private static Set<String> union(Set<String> a, String b) {
    java.util.HashSet<String> out = new java.util.HashSet<>(a);
    out.add(b);
    return Set.copyOf(out);
  }

  UsersHandler(Deps deps) {
    this.deps = deps;
  }

  void routes(Router r) {
    r.get("/users", Access.READ, this::list);
    r.post("/users", Access.WRITE, this::create);
    r.get("/users/{id}", Access.READ, this::get);
    r.patch("/users/{id}", Access.WRITE, this::update);
    r.delete("/users/{id}", Access.WRITE, this::delete);
    r.post("/users/{id}/reset-usage", Access.WRITE, this::resetUsage);
    r.post("/users/{id}/rotate-subscription", Access.WRITE, this::rotate);
    r.post("/users/{id}/rotate-credentials", Access.WRITE, this::rotateCredentials);
    r.get("/users/{id}/access", Access.READ, this::access);
    r.get("/users/{id}/subscription-qr", Access.READ, this::subscriptionQr);
    r.get("/users/{id}/devices", Access.READ, this::devices);
    r.delete("/users/{id}/devices/{hwid}", Access.WRITE, this::deleteDevice);
  }

  /** The user's registered devices in hwid order, with the limit in effect. */
  private void devices(Call c) {
    c.query();
    State s = c.read();
    User u = find(s, c.id());
    List<Map<String, Object>> items = new ArrayList<>();
    s.devices(u.id()).values().forEach(d -> items.add(Views.device(d)));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("user_id", u.id());
    out.put("hwid_device_limit", s.settings().deviceLimitOf(u));
    out.put("limit_from", u.hwidDeviceLimit() != null ? "user" : "settings");
    out.put("count", items.size());
    out.put("items", items);
    c.reply(200, out, s);
  }

  private void deleteDevice(Call c) {
    User u = find(c.current(), c.id());
    String hwid = c.param("hwid");
    if (!Device.validHwid(hwid) || !c.current().devices(u.id()).containsKey(hwid)) {
      throw new RaftrayException(ErrorKind.NOT_FOUND, "device not found");
    }
    c.noContent(c.submit(new Command.DeleteDevice(u.id(), hwid)));
  }

  private void list(Call c) {
    Query q = c.query(LIST_KEYS);
    List<FieldError> errors = new ArrayList<>();
    UserSort sort = UserSort.parse(q.filter("sort"), errors);
    UserFilter filter = UserFilter.of(q, errors);
    State s = c.read();
    java.util.function.Function<User, Object> render =
        u -> Views.user(u, s, deps.settings(), c.secretsVisible());
    c.reply(
        200,
        sort == null
            ? q.page(s.users(), filter, render)
            : sort.page(s.users().values(), filter, q.limit(), q.cursor(), render),
        s);
  }

  private void get(Call c) {
    c.query();
    State s = c.read();
    c.reply(200, detail(c, s, find(s, c.id())), s);
  }

  /** One user with its per-node usage (single-user answers; lists leave the breakdown out). */
  private Object detail(Call c, State s, User u) {
    return Views.userDetail(u, s, deps.settings(), c.secretsVisible());
  }

  private static User find(State s, String id) {
    User u = s.users().get(id);
    if (u == null) {
      throw Call.notFound("user", id);
    }
    return u;
  }

  private void create(Call c) {
    ObjectNode body = c.body();
    Fields f = Fields.read(body, true, null, c.current());
    State view = c.current();
    UserTemplate t = template(view, f);
    if (view.userIdByName().containsKey(f.name())) {
      conflictName(f.name());
    }
    User u = newUser(f, t, c.now());
    State after = c.submit(new Command.CreateUser(u));
    c.reply(201, detail(c, after, find(after, u.id())), after);
  }

  /** The template a create names, or null; 400 on {@code template_id} when there is none. */
  static UserTemplate template(State view, Fields f) {
    if (f.templateId() == null) {
      return null;
    }
    UserTemplate t = view.userTemplates().get(f.templateId());
    if (t == null) {
      String msg = "no user template with this id";
      throw new RaftrayException(
          ErrorKind.INVALID, msg, List.of(new FieldError("template_id", msg)));
    }
    return t;
  }

  /**
   * A new user from validated fields: what the request gives wins, then the template's defaults
   * ({@code t} may be null), then the built-in ones. Ids and the subscription token are made here.
   */
  static User newUser(Fields f, UserTemplate t, Instant now) {
    UserStatus status =
        f.status() != null
            ? f.status()
            : t != null && t.onHold() ? UserStatus.ON_HOLD : UserStatus.ACTIVE;
    Instant expireAt = f.expireAt();
    if (!f.expireAtGiven() && t != null && t.expireSeconds() > 0 && status != UserStatus.ON_HOLD) {
      expireAt = now.plusSeconds(t.expireSeconds());
    }
    return User.builder()
        .id(Ids.newId("usr", now.toEpochMilli()))
        .name(f.name())
        .note(f.note() != null ? f.note() : t != null ? t.note() : "")
        .status(status)
        .dataLimitBytes(f.limit() != null ? f.limit() : t != null ? t.dataLimitBytes() : 0)
        .expireAt(expireAt)
        .resetStrategy(
            f.reset() != null ? f.reset() : t != null ? t.resetStrategy() : ResetStrategy.NO_RESET)
        .subscriptionToken(Ids.secret(24))
        .created(now)
        .onHoldExpireSeconds(
            f.onHoldExpire() != null ? f.onHoldExpire() : t != null ? t.onHoldExpireSeconds() : 0L)
        .credentials(f.credentials() != null ? f.credentials() : Credentials.generate())
        .groupIds(
            f.groupIds() != null ? f.groupIds() : t != null ? t.groupIds() : List.<String>of())
        .hwidDeviceLimit(
            f.hwidDeviceLimit() == null
                    || f.hwidDeviceLimit() == Command.UpdateUser.DEFAULT_DEVICE_LIMIT
                ? null
                : f.hwidDeviceLimit())
        .build();
  }

  /** The writable fields of a user, each validated (all problems at once); null when absent. */
  record Fields(
      String name,
      String note,
      UserStatus status,
      Long limit,
      Instant expireAt,
      ResetStrategy reset,
      Long onHoldExpire,
      UserCredentials credentials,
      List<String> groupIds,
      String templateId,
      boolean expireAtGiven,
      Integer hwidDeviceLimit) {

    /**
     * {@code base}: the user's current credentials, which given ones are merged into (null for a
     * new user or one from before per-user credentials: the missing ones are generated).
     */
    static Fields read(ObjectNode body, boolean create, UserCredentials base, State s) {
      Validator v = Validator.of(body, create ? CREATE_FIELDS : FIELDS);
      Fields f = read(v, create, base, s);
      v.throwIfInvalid();
      return f;
    }

    /** The fields {@code v} holds (unknown ones already reported); problems collected in it. */
    static Fields read(Validator v, boolean create, UserCredentials base, State s) {
      return new Fields(
          v.matching("name", create, Validator.NAME, Validator.NAME_RULE),
          v.string("note", false, 0, 1000),
          v.choice("status", false, UserStatus.class, SETTABLE),
          v.integer("data_limit_bytes", false, 0, MAX_DATA_LIMIT),
          v.instantOrNull("expire_at"),
          v.choice(
              "reset_strategy", false, ResetStrategy.class, EnumSet.allOf(ResetStrategy.class)),
          v.integer("on_hold_expire_seconds", false, 0, MAX_ON_HOLD_EXPIRE_SECONDS),
          Credentials.read(v, "credentials", base),
          UsersHandler.groupIds(v, s),
          create ? v.matching("template_id", false, Validator.NAME, "must be a template id") : null,
          v.has("expire_at"),
          deviceLimit(v));
    }
  }

  /**
   * {@code hwid_device_limit}: 0 (unlimited) to {@link Device#HARD_CAP}, or null for the cluster
   * default ({@link Command.UpdateUser#DEFAULT_DEVICE_LIMIT}); null when absent.
   */
  static Integer deviceLimit(Validator v) {
    if (!v.has("hwid_device_limit")) {
      return null;
    }
    if (v.node().get("hwid_device_limit").isNull()) {
      return Command.UpdateUser.DEFAULT_DEVICE_LIMIT;
    }
    Long n = v.integer("hwid_device_limit", false, 0, Device.HARD_CAP);
    return n == null ? null : n.intValue();
  }

  /** {@code group_ids}: existing group ids, at most {@link #MAX_GROUPS}; null when absent. */
  static List<String> groupIds(Validator v, State s) {
    List<String> ids = v.strings("group_ids", false, MAX_GROUPS, ID, "must be a group id");
    if (ids == null) {
      return null;
    }
    for (int i = 0; i < ids.size(); i++) {
      if (!s.groups().containsKey(ids.get(i))) {
        v.error("group_ids[" + i + "]", "no such group: " + ids.get(i));
      }
    }
    return ids;
  }

  private static void conflictName(String name) {
    String msg = "user name '" + name + "' is taken";
    throw new RaftrayException(ErrorKind.CONFLICT, msg, List.of(new FieldError("name", msg)));
  }

  private void update(Call c) {
    User u = find(c.current(), c.id());
    ObjectNode body = c.body();
    Fields f = Fields.read(body, false, u.credentials(), c.current());
    if (f.name() != null
        && !f.name().equals(u.name())
        && c.current().userIdByName().containsKey(f.name())) {
      conflictName(f.name());
    }
    if (body.isEmpty()) {
      State s = c.current();
      c.reply(200, detail(c, s, find(s, u.id())), s);
      return;
    }
    UpdateUserBuilder update =
        Command.UpdateUser.of(u.id())
            .name(f.name())
            .note(f.note())
            .status(f.status())
            .dataLimitBytes(f.limit())
            .resetStrategy(f.reset())
            .onHoldExpireSeconds(f.onHoldExpire())
            .groupIds(f.groupIds())
            .hwidDeviceLimit(f.hwidDeviceLimit());
    // A user from before per-user credentials gets them with its first change (see docs/api.md).
    if (f.credentials() != null) {
      update.credentials(f.credentials());
    } else if (u.credentials() == null) {
      update.credentials(Credentials.generate());
    }
    if (body.has("expire_at")) {
      update.expireAt(f.expireAt());
    }
    State after = c.submit(update.build());
    c.reply(200, detail(c, after, find(after, u.id())), after);
  }

  private void delete(Call c) {
    User u = find(c.current(), c.id());
    c.noContent(c.submit(new Command.DeleteUser(u.id())));
  }

  private void resetUsage(Call c) {
    User u = find(c.current(), c.id());
    c.noBody();
    State after = c.submit(new Command.ResetUsage(u.id()));
    c.reply(200, detail(c, after, find(after, u.id())), after);
  }

  private void rotateCredentials(Call c) {
    User u = find(c.current(), c.id());
    c.noBody();
    State after = c.submit(new Command.RotateCredentials(u.id(), Credentials.generate()));
    c.reply(200, detail(c, after, find(after, u.id())), after);
  }

  /**
   * The user's subscription address as a QR code ({@code image/svg+xml}, drawn like the end user's
   * page). It is the address itself, so only roles that see {@code subscription_url} get it.
   */
  private void subscriptionQr(Call c) {
    c.query();
    State s = c.read();
    User u = find(s, c.id());
    if (!c.secretsVisible()) {
      throw new RaftrayException(
          ErrorKind.FORBIDDEN, "viewer tokens do not see subscription addresses");
    }
    String url = deps.settings().subscriptionUrl(s, u.subscriptionToken());
    String svg =
        QrSvg.svg(url, "QR code of the subscription address of " + u.name())
            .orElseThrow(
                () ->
                    new RaftrayException(
                        ErrorKind.INVALID, "the subscription address is too long for a QR code"));
    c.replyBytes(200, "image/svg+xml", svg.getBytes(StandardCharsets.UTF_8), s);
  }

  /** The endpoints the user reaches and through what (grant and/or groups). */
  private void access(Call c) {
    c.query();
    State s = c.read();
    User u = find(s, c.id());
    List<Map<String, Object>> items = new ArrayList<>();
    for (Entry e : io.raftray.state.Access.of(s, u)) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("endpoint_id", e.endpoint().id());
      row.put("node_id", e.endpoint().nodeId());
      row.put("tag", e.endpoint().tag());
      row.put("protocol", Enums.wire(e.endpoint().protocol()));
      row.put("port", e.endpoint().port());
      List<Map<String, String>> sources = new ArrayList<>();
      if (e.grant() != null) {
        sources.add(Map.of("type", "grant", "id", e.grant().id()));
      }
      for (String g : e.groupIds()) {
        sources.add(Map.of("type", "group", "id", g));
      }
      row.put("sources", sources);
      row.put(
          "credential_from",
          !e.usable()
              ? null
              : e.grant() != null && e.grant().credential() != null ? "grant" : "user");
      items.add(row);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("user_id", u.id());
    out.put("connects", io.raftray.xray.Desired.mayConnect(u.status()));
    out.put("items", items);
    c.reply(200, out, s);
  }

  private void rotate(Call c) {
    User u = find(c.current(), c.id());
    c.noBody();
    State after = c.submit(new Command.RotateSubscription(u.id(), Ids.secret(24)));
    c.reply(200, detail(c, after, find(after, u.id())), after);
  }
}
