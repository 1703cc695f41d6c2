package io.raftray.sub;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a JSON/YAML object strictly: every key must be taken exactly once by the reader and {@link
 * #done()} fails on keys nobody took, so a document cannot carry fields the checks do not know.
 */
final class Strict {
  private final JsonNode node;
  private final String where;
  private final Set<String> left = new LinkedHashSet<>();

  Strict(JsonNode node, String where) {
    if (node == null || !node.isObject()) {
      throw new AssertionError(where + ": not an object: " + node);
    }
    this.node = node;
    this.where = where;
    node.fieldNames().forEachRemaining(left::add);
  }

  boolean has(String key) {
    return node.has(key);
  }

  private JsonNode take(String key) {
    if (!left.remove(key)) {
      throw new AssertionError(where + ": missing " + key);
    }
    return node.get(key);
  }

  String text(String key) {
    JsonNode n = take(key);
    if (!n.isTextual()) {
      throw new AssertionError(where + "." + key + ": not a string: " + n);
    }
    return n.asText();
  }

  String optText(String key) {
    return has(key) ? text(key) : null;
  }

  int integer(String key) {
    JsonNode n = take(key);
    if (!n.isInt()) {
      throw new AssertionError(where + "." + key + ": not an integer: " + n);
    }
    return n.asInt();
  }

  boolean bool(String key) {
    JsonNode n = take(key);
    if (!n.isBoolean()) {
      throw new AssertionError(where + "." + key + ": not a boolean: " + n);
    }
    return n.asBoolean();
  }

  void expect(String key, Object value) {
    Object actual =
        value instanceof Boolean ? bool(key) : value instanceof Integer ? integer(key) : text(key);
    if (!value.equals(actual)) {
      throw new AssertionError(where + "." + key + ": expected " + value + " but was " + actual);
    }
  }

  Strict obj(String key) {
    return new Strict(take(key), where + "." + key);
  }

  Strict optObj(String key) {
    return has(key) ? obj(key) : null;
  }

  List<JsonNode> array(String key) {
    JsonNode n = take(key);
    if (!n.isArray()) {
      throw new AssertionError(where + "." + key + ": not an array: " + n);
    }
    List<JsonNode> out = new ArrayList<>();
    n.forEach(out::add);
    return out;
  }

  List<String> texts(String key) {
    List<String> out = new ArrayList<>();
    for (JsonNode n : array(key)) {
      if (!n.isTextual()) {
        throw new AssertionError(where + "." + key + ": not a string item: " + n);
      }
      out.add(n.asText());
    }
    return out;
  }

  /** Fails if any key was not taken. */
  void done() {
    if (!left.isEmpty()) {
      throw new AssertionError(where + ": unexpected keys " + left);
    }
  }
}
