package io.raftray.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftray.model.Enums;
import io.raftray.model.ErrorKind;
import io.raftray.model.FieldError;
import io.raftray.model.RaftrayException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads fields of one JSON object and collects every problem instead of stopping at the first, so a
 * client learns all of them at once. Getters return null when a field is absent or invalid.
 */
final class Validator {
  static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");
  static final String NAME_RULE = "must be 1-64 characters of A-Z, a-z, 0-9, '.', '_', '@', '-'";
  static final Pattern TAG = Pattern.compile("[a-z0-9_-]{1,64}");
  static final String TAG_RULE = "must be 1-64 characters of a-z, 0-9, '_', '-'";
  static final Pattern LABEL_KEY = Pattern.compile("[A-Za-z0-9._/-]{1,63}");

  private final ObjectNode node;
  private final String prefix;
  private final List<FieldError> errors;

  private Validator(ObjectNode node, String prefix, List<FieldError> errors) {
    this.node = node;
    this.prefix = prefix;
    this.errors = errors;
  }

  /** Validates {@code body}; fields not in {@code allowed} are reported as unknown. */
  static Validator of(ObjectNode body, Collection<String> allowed) {
    Validator v = new Validator(body, "", new ArrayList<>());
    v.rejectUnknown(allowed, "unknown field");
    return v;
  }

  /** The object in {@code field} as a child validator sharing this one's errors. */
  Validator object(String field) {
    JsonNode n = node.get(field);
    ObjectNode obj = n instanceof ObjectNode o ? o : JsonNodeFactory.instance.objectNode();
    if (n != null && !n.isObject()) {
      error(field, "must be an object");
    }
    return new Validator(obj, prefix + field + ".", errors);
  }

  /** A child validator over {@code obj} whose field names are prefixed by {@code field.}. */
  Validator child(String field, ObjectNode obj) {
    return new Validator(obj, prefix + field + ".", errors);
  }

  void rejectUnknown(Collection<String> allowed, String message) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) {
        error(f, message);
      }
    }
  }

  boolean has(String field) {
    return node.has(field);
  }

  ObjectNode node() {
    return node;
  }

  void error(String field, String message) {
    String name = prefix + field;
    // Field names come from the client: bound what is echoed back.
    if (name.length() > 100) {
      name = name.substring(0, 100) + "...";
    }
    errors.add(new FieldError(name, message));
  }

  boolean ok() {
    return errors.isEmpty();
  }

  /** Throws 400 with every collected problem, if any. */
  void throwIfInvalid() {
    if (!errors.isEmpty()) {
      String detail =
          errors.stream()
              .limit(10)
              .map(e -> e.field() + " " + e.message())
              .collect(Collectors.joining("; ", "invalid request: ", ""));
      throw new RaftrayException(ErrorKind.INVALID, detail, errors);
    }
  }

  private JsonNode present(String field, boolean required) {
    JsonNode n = node.get(field);
    if (n == null) {
      if (required) {
        error(field, "is required");
      }
      return null;
    }
    if (n.isNull()) {
      error(field, "must not be null");
      return null;
    }
    return n;
  }

  String string(String field, boolean required, int min, int max) {
    String s = text(field, required);
    if (s == null) {
      return null;
    }
    if (s.length() < min || s.length() > max) {
      error(field, min == max ? "must be " + min + " characters" : lengthRule(min, max));
      return null;
    }
    if (s.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      error(field, "must not contain control characters");
      return null;
    }
    return s;
  }

  private static String lengthRule(int min, int max) {
    return min == 0
        ? "must be at most " + max + " characters"
        : "must be " + min + "-" + max + " characters";
  }

  String matching(String field, boolean required, Pattern p, String rule) {
    String s = text(field, required);
    if (s == null) {
      return null;
    }
    if (!p.matcher(s).matches()) {
      error(field, rule);
      return null;
    }
    return s;
  }

  /** The field's text; null (with an error when it is there but not a string) otherwise. */
  private String text(String field, boolean required) {
    JsonNode n = present(field, required);
    if (n == null) {
      return null;
    }
    if (!n.isTextual()) {
      error(field, "must be a string");
      return null;
    }
    return n.textValue();
  }

  Long integer(String field, boolean required, long min, long max) {
    JsonNode n = present(field, required);
    if (n == null) {
      return null;
    }
    String range = "must be an integer between " + min + " and " + max;
    if (!n.isNumber()) {
      error(field, "must be a number; " + range);
      return null;
    }
    if (!n.isIntegralNumber() || !n.canConvertToLong()) {
      error(field, range);
      return null;
    }
    long v = n.longValue();
    if (v < min || v > max) {
      error(field, range);
      return null;
    }
    return v;
  }

  Boolean bool(String field, boolean required) {
    JsonNode n = present(field, required);
    if (n == null) {
      return null;
    }
    if (!n.isBoolean()) {
      error(field, "must be true or false");
      return null;
    }
    return n.booleanValue();
  }

  /** One of {@code allowed}, given by its lowercase wire name. */
  <E extends Enum<E>> E choice(String field, boolean required, Class<E> type, Set<E> allowed) {
    String s = oneOf(field, required, allowed.stream().map(Enums::wire).toList());
    return s == null ? null : Enums.parse(type, s);
  }

  String oneOf(String field, boolean required, List<String> allowed) {
    JsonNode n = present(field, required);
    if (n == null) {
      return null;
    }
    if (!n.isTextual() || !allowed.contains(n.textValue())) {
      error(field, "must be one of: " + String.join(", ", allowed));
      return null;
    }
    return n.textValue();
  }

  /** RFC 3339 time or null (the caller checks {@link #has} to tell null from absent). */
  Instant instantOrNull(String field) {
    JsonNode n = node.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    String rule = "must be an RFC 3339 date-time such as 2030-01-31T00:00:00Z, or null";
    if (!n.isTextual() || n.textValue().length() > 64) {
      error(field, rule);
      return null;
    }
    try {
      return OffsetDateTime.parse(n.textValue(), DateTimeFormatter.ISO_OFFSET_DATE_TIME)
          .toInstant();
    } catch (DateTimeParseException e) {
      error(field, rule);
      return null;
    }
  }

  /** A list of strings each matching {@code item}; null when absent or invalid. */
  List<String> strings(String field, boolean required, int maxItems, Pattern item, String rule) {
    JsonNode n = present(field, required);
    if (n == null) {
      return null;
    }
    if (!n.isArray() || n.size() > maxItems) {
      error(field, "must be a list of at most " + maxItems + " strings");
      return null;
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n.size(); i++) {
      JsonNode e = n.get(i);
      if (!e.isTextual() || !item.matcher(e.textValue()).matches()) {
        error(field + "[" + i + "]", rule);
        return null;
      }
      out.add(e.textValue());
    }
    return out;
  }

  /** String to string map, e.g. labels: at most 32 entries, keys like Kubernetes label keys. */
  Map<String, String> labels(String field) {
    JsonNode n = present(field, false);
    if (n == null) {
      return null;
    }
    if (!n.isObject() || n.size() > 32) {
      error(field, "must be an object of at most 32 string entries");
      return null;
    }
    Map<String, String> out = new LinkedHashMap<>();
    boolean ok = true;
    for (Map.Entry<String, JsonNode> e : n.properties()) {
      if (!LABEL_KEY.matcher(e.getKey()).matches()) {
        error(field + "." + e.getKey(), "key must be 1-63 characters of A-Z, a-z, 0-9, . _ / -");
        ok = false;
      } else if (!e.getValue().isTextual() || e.getValue().textValue().length() > 256) {
        error(field + "." + e.getKey(), "must be a string of at most 256 characters");
        ok = false;
      } else {
        out.put(e.getKey(), e.getValue().textValue());
      }
    }
    return ok ? out : null;
  }
}
