package io.raftray.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftray.model.Enums;
import io.raftray.model.ErrorKind;
import io.raftray.model.FieldError;
import io.raftray.model.Protocol;
import io.raftray.model.RaftrayException;
import io.raftray.model.ResetStrategy;
import io.raftray.model.UserStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Marzban's {@code UserCreate} / {@code UserModify} bodies read and checked as its Pydantic models
 * do (app/models/user.py, proxy.py of 0.8.4): every problem at once, as 422 with FastAPI's {@code
 * loc}/{@code msg} list. Unknown fields are ignored, as Pydantic does; {@code on_hold_timeout},
 * {@code auto_delete_in_days} and {@code next_plan} are accepted and have no effect (Raftray has no
 * such feature). Nothing here reads the state: tags are resolved by {@link MarzbanUsers}.
 */
final class MarzbanInput {
  static final String REQUIRED = "Field required";
  static final String DEFAULT_SS_METHOD = "chacha20-ietf-poly1305";

  /** The last second of year 9999: a later {@code expire} is a mistake (and beyond ISO dates). */
  static final long MAX_EXPIRE = 253_402_300_799L;

  static final Pattern USERNAME =
      Pattern.compile("^(?=\\w{3,32}\\b)[a-zA-Z0-9_@.\\-]+(?:_[a-zA-Z0-9_@.\\-]+)*$");
  private static final Set<String> FLOWS = Set.of("", "xtls-rprx-vision");
  private static final Set<String> SS_METHODS =
      Set.of("aes-128-gcm", "aes-256-gcm", DEFAULT_SS_METHOD);

  /**
   * One checked body; null fields were not given (or, for {@code expire}/{@code data_limit}, given
   * as null: "no change"). {@code expire} 0 and {@code data_limit} 0 mean never / unlimited. {@code
   * proxies} maps each given type to its given secrets ({@code id} or {@code password}; an absent
   * one means "a new random one", as Marzban's defaults are).
   */
  record Body(
      String username,
      UserStatus status,
      Long expire,
      Long dataLimit,
      ResetStrategy reset,
      String note,
      Long onHoldExpire,
      Map<Protocol, String> proxies,
      Map<Protocol, List<String>> inbounds) {

    Instant expireAt() {
      return expire == null || expire == 0 ? null : Instant.ofEpochSecond(expire);
    }
  }

  private final ObjectNode body;
  private final List<FieldError> errors = new ArrayList<>();

  private MarzbanInput(ObjectNode body) {
    this.body = body;
  }

  /** The request body as an object; a 422 as FastAPI gives for malformed JSON. */
  static ObjectNode object(Call c) {
    try {
      return c.body();
    } catch (RaftrayException e) {
      if (e.kind() != ErrorKind.INVALID) {
        throw e;
      }
      throw new RaftrayException(
          ErrorKind.UNPROCESSABLE,
          "validation failed",
          List.of(new FieldError("body", "JSON decode error: " + e.getMessage())));
    }
  }

  /** A {@code UserCreate} body. */
  static Body create(ObjectNode n) {
    MarzbanInput in = new MarzbanInput(n);
    String username = in.username();
    Map<Protocol, String> proxies = in.proxies(true);
    Body b =
        new Body(
            username,
            in.status(EnumSet.of(UserStatus.ACTIVE, UserStatus.ON_HOLD)),
            in.integer("expire", 0, MAX_EXPIRE),
            in.integer("data_limit", 0, UsersHandler.MAX_DATA_LIMIT),
            in.reset(),
            in.note(),
            in.integer("on_hold_expire_duration", 0, UsersHandler.MAX_ON_HOLD_EXPIRE_SECONDS),
            proxies,
            in.inbounds());
    in.onHold(b);
    in.throwIfInvalid();
    return b;
  }

  /** A {@code UserModify} body: every field optional. */
  static Body modify(ObjectNode n) {
    MarzbanInput in = new MarzbanInput(n);
    Body b =
        new Body(
            null,
            in.status(EnumSet.of(UserStatus.ACTIVE, UserStatus.DISABLED, UserStatus.ON_HOLD)),
            in.integer("expire", 0, MAX_EXPIRE),
            in.integer("data_limit", 0, UsersHandler.MAX_DATA_LIMIT),
            in.reset(),
            in.note(),
            in.integer("on_hold_expire_duration", 0, UsersHandler.MAX_ON_HOLD_EXPIRE_SECONDS),
            in.proxies(false),
            in.inbounds());
    in.onHold(b);
    in.throwIfInvalid();
    return b;
  }

  private void error(String loc, String msg) {
    errors.add(new FieldError("body." + loc, msg));
  }

  private void throwIfInvalid() {
    if (!errors.isEmpty()) {
      throw new RaftrayException(ErrorKind.UNPROCESSABLE, "validation failed", errors);
    }
  }

  private JsonNode given(String field) {
    JsonNode v = body.get(field);
    return v == null || v.isNull() ? null : v;
  }

  private String username() {
    JsonNode v = body.get("username");
    if (v == null) {
      error("username", REQUIRED);
      return null;
    }
    if (!v.isTextual()) {
      error("username", "Input should be a valid string");
      return null;
    }
    if (!USERNAME.matcher(v.textValue()).matches()) {
      error(
          "username",
          "Value error, Username only can be 3 to 32 characters and contain a-z, 0-9, and"
              + " underscores in between.");
      return null;
    }
    return v.textValue();
  }

  private Long integer(String field, long min, long max) {
    JsonNode v = given(field);
    if (v == null) {
      return null;
    }
    // Pydantic accepts floats with no fraction for int fields (and data_limit casts any float).
    if (!v.isIntegralNumber()
        && !(v.isFloatingPointNumber() && v.asDouble() == Math.rint(v.asDouble()))) {
      error(field, "Input should be a valid integer");
      return null;
    }
    long n = v.asLong();
    if (n < min) {
      error(field, "Input should be greater than or equal to " + min);
      return null;
    }
    if (n > max) {
      error(field, "Input should be less than or equal to " + max);
      return null;
    }
    return n;
  }

  private UserStatus status(Set<UserStatus> allowed) {
    JsonNode v = given("status");
    if (v == null) {
      return null;
    }
    UserStatus s = v.isTextual() ? Enums.parse(UserStatus.class, v.textValue()) : null;
    if (s == null || !allowed.contains(s)) {
      error("status", "Input should be " + choices(allowed.stream().map(Enums::wire).toList()));
      return null;
    }
    return s;
  }

  private ResetStrategy reset() {
    JsonNode v = given("data_limit_reset_strategy");
    if (v == null) {
      return null;
    }
    ResetStrategy r = v.isTextual() ? Enums.parse(ResetStrategy.class, v.textValue()) : null;
    if (r == null) {
      error(
          "data_limit_reset_strategy",
          "Input should be " + choices(List.of("no_reset", "day", "week", "month", "year")));
    }
    return r;
  }

  private String note() {
    JsonNode v = body.get("note");
    if (v == null) {
      return null;
    }
    if (v.isNull()) {
      return "";
    }
    if (!v.isTextual()) {
      error("note", "Input should be a valid string");
      return null;
    }
    if (v.textValue().length() > 500) {
      error("note", "Value error, User's note can be a maximum of 500 character");
      return null;
    }
    return v.textValue();
  }

  /** Marzban's on_hold rules: a duration, and no expiry. */
  private void onHold(Body b) {
    if (b.status() != UserStatus.ON_HOLD) {
      return;
    }
    if (b.onHoldExpire() == null || b.onHoldExpire() == 0) {
      error(
          "status", "Value error, User cannot be on hold without a valid on_hold_expire_duration.");
    } else if (b.expire() != null && b.expire() != 0) {
      error("status", "Value error, User cannot be on hold with specified expire.");
    }
  }

  private static Protocol type(String name) {
    for (Protocol p : MarzbanInbounds.TYPES) {
      if (MarzbanInbounds.type(p).equals(name)) {
        return p;
      }
    }
    return null;
  }

  private static final String TYPES = "Input should be 'vmess', 'vless', 'trojan' or 'shadowsocks'";

  /**
   * {@code proxies}: type to its secret ({@code id} for VMess/VLESS, {@code password} for Trojan
   * and Shadowsocks; null = generate), checked as Raftray checks credentials. Required and
   * non-empty on create; an absent or empty one on modify is "no change" (an empty map).
   */
  private Map<Protocol, String> proxies(boolean create) {
    JsonNode v = given("proxies");
    Map<Protocol, String> out = new EnumMap<>(Protocol.class);
    if (v == null || (v.isObject() && v.isEmpty())) {
      if (create) {
        error("proxies", "Value error, Each user needs at least one proxy");
      }
      return out;
    }
    if (!v.isObject()) {
      error("proxies", "Input should be a valid dictionary");
      return out;
    }
    v.properties()
        .forEach(
            e -> {
              Protocol p = type(e.getKey());
              String at = "proxies." + e.getKey();
              if (p == null) {
                error(at + ".[key]", TYPES);
                return;
              }
              JsonNode s = e.getValue().isNull() ? body.objectNode() : e.getValue();
              if (!s.isObject()) {
                error(at, "Input should be a valid dictionary");
                return;
              }
              out.put(p, secret(p, s, at));
            });
    return out;
  }

  private String secret(Protocol p, JsonNode s, String at) {
    String key = p == Protocol.VMESS || p == Protocol.VLESS ? "id" : "password";
    JsonNode flow = s.get("flow");
    if ((p == Protocol.VLESS || p == Protocol.TROJAN)
        && flow != null
        && !flow.isNull()
        && !(flow.isTextual() && FLOWS.contains(flow.textValue()))) {
      error(at + ".flow", "Input should be '' or 'xtls-rprx-vision'");
    }
    JsonNode method = s.get("method");
    if (p == Protocol.SHADOWSOCKS
        && method != null
        && !method.isNull()
        && !(method.isTextual() && SS_METHODS.contains(method.textValue()))) {
      error(
          at + ".method",
          "Input should be " + choices(List.copyOf(new java.util.TreeSet<>(SS_METHODS))));
    }
    JsonNode secret = s.get(key);
    if (secret == null || secret.isNull()) {
      return null;
    }
    String text = secret.isTextual() ? secret.textValue() : "";
    boolean ok =
        key.equals("id")
            ? Credentials.UUID_TEXT.matcher(text).matches()
            : Credentials.PASSWORD.matcher(text).matches();
    if (!ok) {
      error(
          at + "." + key,
          key.equals("id")
              ? "Input should be a valid UUID"
              : "Value error, password " + Credentials.PASSWORD_RULE);
      return null;
    }
    return key.equals("id") ? text.toLowerCase(java.util.Locale.ROOT) : text;
  }

  /** {@code inbounds}: type to its tags, as given (null when absent or empty). */
  private Map<Protocol, List<String>> inbounds() {
    JsonNode v = given("inbounds");
    if (v == null || (v.isObject() && v.isEmpty())) {
      return null;
    }
    if (!v.isObject()) {
      error("inbounds", "Input should be a valid dictionary");
      return null;
    }
    Map<Protocol, List<String>> out = new LinkedHashMap<>();
    v.properties()
        .forEach(
            e -> {
              Protocol p = type(e.getKey());
              String at = "inbounds." + e.getKey();
              if (p == null) {
                error(at + ".[key]", TYPES);
                return;
              }
              JsonNode list = e.getValue();
              if (!list.isArray() || list.size() > UsersHandler.MAX_GROUPS) {
                error(at, "Input should be a valid list");
                return;
              }
              List<String> tags = new ArrayList<>();
              for (int i = 0; i < list.size(); i++) {
                if (!list.get(i).isTextual()) {
                  error(at + "." + i, "Input should be a valid string");
                  return;
                }
                tags.add(list.get(i).textValue());
              }
              out.put(p, tags);
            });
    return out;
  }

  /** An unknown tag, reported as Marzban's inbounds validator does. */
  static RaftrayException unknownInbound(String tag) {
    String shown = tag.length() > 64 ? tag.substring(0, 64) + "..." : tag;
    return new RaftrayException(
        ErrorKind.UNPROCESSABLE,
        "validation failed",
        List.of(
            new FieldError("body.inbounds", "Value error, Inbound " + shown + " doesn't exist")));
  }

  private static String choices(List<String> names) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < names.size(); i++) {
      if (i > 0) {
        sb.append(i == names.size() - 1 ? " or " : ", ");
      }
      sb.append('\'').append(names.get(i)).append('\'');
    }
    return sb.toString();
  }
}
