package io.raftray.state;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.DatabindContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.jsontype.impl.TypeIdResolverBase;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON type names of commands (the {@code "type"} of a log entry's command), taken from the
 * {@link Action} of each record the sealed {@link Command} permits: the action is the one place a
 * command is named, for the log and for the audit. Checked when the class loads: every command has
 * an action and no two share one.
 */
final class CommandTypes extends TypeIdResolverBase {
  private static final Map<Class<?>, String> NAMES;
  private static final Map<String, Class<?>> TYPES;
  private static final Map<Class<?>, Origin> ORIGINS;

  static {
    Map<Class<?>, String> names = new LinkedHashMap<>();
    Map<String, Class<?>> types = new LinkedHashMap<>();
    Map<Class<?>, Origin> origins = new LinkedHashMap<>();
    for (Class<?> c : Command.class.getPermittedSubclasses()) {
      Action a = c.getAnnotation(Action.class);
      if (a == null) {
        throw new IllegalStateException("command " + c.getSimpleName() + " has no @Action");
      }
      Class<?> clash = types.put(a.value(), c);
      if (clash != null) {
        throw new IllegalStateException(
            "commands " + clash.getSimpleName() + " and " + c.getSimpleName() + " share an action");
      }
      names.put(c, a.value());
      origins.put(c, a.by());
    }
    NAMES = Collections.unmodifiableMap(names);
    TYPES = Collections.unmodifiableMap(types);
    ORIGINS = Collections.unmodifiableMap(origins);
  }

  /** Jackson creates one per use of {@link Command}'s type information. */
  CommandTypes() {}

  /** The action of a command class. */
  static String name(Class<?> type) {
    String name = NAMES.get(type);
    if (name == null) {
      throw new IllegalArgumentException(type.getName() + " is not a command");
    }
    return name;
  }

  /** Who may submit a command of this class. */
  static Origin origin(Class<?> type) {
    Origin o = ORIGINS.get(type);
    if (o == null) {
      throw new IllegalArgumentException(type.getName() + " is not a command");
    }
    return o;
  }

  /** Every action, in declaration order. */
  static Iterable<String> names() {
    return TYPES.keySet();
  }

  @Override
  public String idFromValue(Object value) {
    return name(value.getClass());
  }

  @Override
  public String idFromValueAndType(Object value, Class<?> type) {
    return name(type);
  }

  @Override
  public JavaType typeFromId(DatabindContext context, String id) {
    Class<?> type = TYPES.get(id);
    // null makes Jackson report the unknown type id (and the known ones) as it always did
    return type == null ? null : context.constructType(type);
  }

  @Override
  public String getDescForKnownTypeIds() {
    return String.join(", ", TYPES.keySet());
  }

  @Override
  public JsonTypeInfo.Id getMechanism() {
    return JsonTypeInfo.Id.CUSTOM;
  }
}
