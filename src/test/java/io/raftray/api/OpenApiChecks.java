package io.raftray.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.raftray.model.Json;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Checks of an OpenAPI document against real answers: JSON Schema 2020-12 validation (the dialect
 * of OpenAPI 3.1, networknt json-schema-validator) and a field-by-field comparison both ways, each
 * problem worded as what to change.
 */
final class OpenApiChecks {
  private static final SchemaRegistry REGISTRY =
      SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

  private final JsonNode doc;
  private final Map<String, Schema> compiled = new LinkedHashMap<>();

  OpenApiChecks(JsonNode doc) {
    this.doc = doc;
  }

  /** The validation errors of {@code value} against the schema at the JSON pointer (a "#/..."). */
  List<String> validate(JsonNode value, String pointer) {
    Schema schema =
        compiled.computeIfAbsent(
            pointer,
            p -> {
              // Only components: every reference of a schema points there.
              ObjectNode root = Json.mapper().createObjectNode();
              root.set("components", doc.path("components").deepCopy());
              root.put("$schema", SpecificationVersion.DRAFT_2020_12.getDialectId());
              root.put("$ref", p);
              return REGISTRY.getSchema(root);
            });
    List<String> out = new ArrayList<>();
    for (Error e : schema.validate(value)) {
      out.add(pointer + ": " + e.getInstanceLocation() + " " + e.getMessage());
    }
    return out;
  }

  /** The operation object for a route of /api/v1, or null. */
  JsonNode operation(String method, String template) {
    JsonNode op =
        doc.path("paths").path(ApiService.MOUNT + template).path(method.toLowerCase(Locale.ROOT));
    return op.isMissingNode() ? null : op;
  }

  /** The JSON schema pointer of the route's answer with that status, or null. */
  String answerSchema(String method, String template, int status) {
    JsonNode op = operation(method, template);
    if (op == null) {
      return null;
    }
    JsonNode ref =
        op.path("responses")
            .path(Integer.toString(status))
            .path("content")
            .path("application/json")
            .path("schema")
            .path("$ref");
    return ref.isTextual() ? ref.asText() : null;
  }

  /**
   * Every field the answer has and the schema lacks, and every property the schema has and the
   * answer lacks, recursively through objects and arrays ({@code $ref} and {@code allOf} followed).
   * Objects the schema leaves free (no properties, such as endpoint settings) are not compared, nor
   * properties marked {@code x-raftray-when} (only some answers carry them) when they are absent.
   */
  List<String> fieldDifferences(JsonNode answer, String pointer, String where) {
    List<String> out = new ArrayList<>();
    compare(answer, resolve(pointer), where, name(pointer), out);
    return out;
  }

  private void compare(
      JsonNode value, JsonNode schema, String where, String schemaName, List<String> out) {
    if (value == null || value.isNull() || schema == null) {
      return;
    }
    if (value.isObject()) {
      Map<String, JsonNode> props = properties(schema);
      if (props.isEmpty()) {
        return;
      }
      for (Iterator<String> it = value.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (!props.containsKey(f)) {
          out.add(
              where
                  + ": field `"
                  + f
                  + "` is answered but missing from schema "
                  + schemaName
                  + " (add it to its properties in "
                  + OpenApi.COMPONENTS
                  + ")");
        }
      }
      for (Map.Entry<String, JsonNode> p : props.entrySet()) {
        if (!value.has(p.getKey())
            && !deref(p.getValue()).has("x-raftray-when")
            && !p.getValue().has("x-raftray-when")) {
          out.add(
              where
                  + ": schema "
                  + schemaName
                  + " has property `"
                  + p.getKey()
                  + "` that the answer does not carry");
        } else {
          JsonNode sub = p.getValue();
          String subName =
              sub.has("$ref") ? name(sub.get("$ref").asText()) : schemaName + "." + p.getKey();
          compare(value.get(p.getKey()), deref(sub), where + "." + p.getKey(), subName, out);
        }
      }
    } else if (value.isArray()) {
      JsonNode items = items(schema);
      if (items != null) {
        String subName = items.has("$ref") ? name(items.get("$ref").asText()) : schemaName + "[]";
        for (int i = 0; i < value.size(); i++) {
          compare(value.get(i), deref(items), where + "[" + i + "]", subName, out);
        }
      }
    }
  }

  /** The properties of a schema, through $ref and allOf (later parts win). */
  Map<String, JsonNode> properties(JsonNode schema) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    JsonNode s = deref(schema);
    for (JsonNode part : s.path("allOf")) {
      out.putAll(properties(part));
    }
    s.path("properties").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  private JsonNode items(JsonNode schema) {
    JsonNode s = deref(schema);
    JsonNode items = s.get("items");
    for (JsonNode part : s.path("allOf")) {
      JsonNode i = items(part);
      if (i != null) {
        items = i;
      }
    }
    return items;
  }

  JsonNode resolve(String pointer) {
    return doc.at(pointer.substring(1));
  }

  private JsonNode deref(JsonNode schema) {
    JsonNode s = schema;
    while (s != null && s.has("$ref")) {
      s = resolve(s.get("$ref").asText());
    }
    return s;
  }

  private static String name(String pointer) {
    return pointer.substring(pointer.lastIndexOf('/') + 1);
  }
}
