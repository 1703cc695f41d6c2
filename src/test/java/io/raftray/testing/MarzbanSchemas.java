package io.raftray.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.raftray.model.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Marzban's response schemas (test resource {@code marzban/schemas.json}, written from its Pydantic
 * models) and a JSON Schema 2020-12 validator for them: the contract the Marzban-compatible API's
 * answers are checked against.
 */
public final class MarzbanSchemas {
  private static final JsonNode DOCUMENT = load();
  private static final SchemaRegistry REGISTRY =
      SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
  private static final Map<String, Schema> SCHEMAS = new ConcurrentHashMap<>();

  private MarzbanSchemas() {}

  private static JsonNode load() {
    try (InputStream in =
        MarzbanSchemas.class.getClassLoader().getResourceAsStream("marzban/schemas.json")) {
      if (in == null) {
        throw new IllegalStateException("marzban/schemas.json is missing from the test classpath");
      }
      return Json.mapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The problems of {@code answer} against the definition {@code name}; empty when it conforms. */
  public static List<String> problems(String name, JsonNode answer) {
    if (!DOCUMENT.path("$defs").has(name)) {
      throw new IllegalArgumentException("no schema named " + name);
    }
    Schema schema =
        SCHEMAS.computeIfAbsent(
            name,
            n -> {
              ObjectNode root = DOCUMENT.deepCopy();
              root.put("$ref", "#/$defs/" + n);
              return REGISTRY.getSchema(
                  SchemaLocation.of("https://raftray.test/marzban/" + n + ".json"), root);
            });
    return schema.validate(answer).stream().map(Error::toString).toList();
  }
}
