package io.raftray.cli.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Writes command results: the API's JSON pretty-printed with {@code --output json}, otherwise a
 * table (lists) or a {@code key: value} block (single resources). Hints go to stderr so that stdout
 * stays parseable.
 */
final class Printer {
  private final PrintWriter out;
  private final PrintWriter err;
  private final OutputFormat format;
  private final ObjectMapper json;

  Printer(PrintWriter out, PrintWriter err, OutputFormat format, ObjectMapper json) {
    this.out = out;
    this.err = err;
    this.format = format;
    this.json = json;
  }

  boolean isJson() {
    return format == OutputFormat.JSON;
  }

  /** Prints a JSON body as received (pretty); prints nothing for an empty body. */
  void json(JsonNode body) {
    if (body.isMissingNode()) {
      return;
    }
    try {
      out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(body));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    out.flush();
  }

  /** Prints one resource: every top-level field, {@code *_bytes} also in human units. */
  void resource(JsonNode resource) {
    if (isJson()) {
      json(resource);
      return;
    }
    List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
    resource.properties().forEach(fields::add);
    int width = fields.stream().mapToInt(f -> f.getKey().length()).max().orElse(0);
    for (Map.Entry<String, JsonNode> f : fields) {
      String key = f.getKey() + ":";
      out.println(key + " ".repeat(width + 2 - key.length()) + value(f.getKey(), f.getValue()));
    }
    out.flush();
  }

  /**
   * Prints a just-created resource whose {@code token} field is a secret the API shows only now. As
   * text, the secret is set apart below the other fields, after {@code heading}, so it cannot be
   * mistaken or overlooked; {@code notes} follow after a blank line.
   */
  void createdSecret(JsonNode created, String heading, String... notes) {
    if (isJson()) {
      json(created);
      return;
    }
    ObjectNode shown = created.deepCopy();
    shown.remove("token");
    resource(shown);
    out.println();
    out.println(heading);
    out.println(created.path("token").asText());
    if (notes.length > 0) {
      out.println();
      for (String note : notes) {
        out.println(note);
      }
    }
    out.flush();
  }

  /** Prints a list page: a table of its items, and a hint on stderr when more pages exist. */
  void list(JsonNode page, Table table, Function<JsonNode, List<?>> row) {
    if (isJson()) {
      json(page);
      return;
    }
    for (JsonNode item : page.path("items")) {
      table.row(row.apply(item));
    }
    table.print(out);
    String cursor = text(page, "next_cursor");
    if (cursor != null) {
      err.println("more results: repeat with --cursor " + cursor + " or use --all");
      err.flush();
    }
  }

  /** A one-line message for people; suppressed with {@code --output json}, which prints body. */
  void done(String message, JsonNode body) {
    if (isJson()) {
      json(body);
    } else {
      out.println(message);
      out.flush();
    }
  }

  PrintWriter out() {
    return out;
  }

  /** A field's text, or null when absent, JSON null or empty. Dots walk into objects. */
  static String text(JsonNode node, String path) {
    JsonNode v = node;
    for (String part : path.split("\\.")) {
      v = v.path(part);
    }
    if (v.isMissingNode() || v.isNull()) {
      return null;
    }
    String s = v.isValueNode() ? v.asText() : v.toString();
    return s.isEmpty() ? null : s;
  }

  /** A byte count in human units; null when the field is absent. */
  static String size(JsonNode node, String field) {
    JsonNode v = node.path(field);
    return v.canConvertToLong() ? Sizes.format(v.asLong()) : null;
  }

  /** A boolean as yes/no; null when absent. */
  static String yesNo(JsonNode node, String field) {
    JsonNode v = node.path(field);
    return v.isBoolean() ? (v.asBoolean() ? "yes" : "no") : null;
  }

  private static String value(String key, JsonNode v) {
    if (v.isNull()) {
      return "-";
    }
    if (v.isValueNode()) {
      String s = v.asText();
      if (key.endsWith("_bytes") && v.canConvertToLong()) {
        return s + " (" + Sizes.format(v.asLong()) + ")";
      }
      return s.isEmpty() ? "-" : s;
    }
    return v.toString();
  }
}
