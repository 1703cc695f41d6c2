package io.raftray.state;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * One top-level field of a snapshot body: how one part of the {@link State} is written and read
 * back. {@link SnapshotCodec} lists the sections in file order; an entity's section is one {@link
 * #entities} line there.
 *
 * @param field the JSON field name (part of the snapshot format: never rename one)
 * @param writer the field's value, or null to leave the field out
 * @param reader sets the part on a builder from the field's value (null when the field is absent)
 */
record SnapshotSection(String field, Writer writer, Reader reader) {

  /** Whether a snapshot without the field is damaged or just older than the field. */
  enum Presence {
    REQUIRED,
    /** Added after schema 1 was first written: older snapshots lack it and read it as empty. */
    OPTIONAL
  }

  interface Writer {
    JsonNode write(State s, ObjectMapper json);
  }

  interface Reader {
    void read(JsonNode value, State.Builder into, Decoding context) throws IOException;
  }

  /** What a reader may need besides the field's value. */
  record Decoding(ObjectMapper json, int auditRetention) {}

  /** A map by id of records, written as a JSON array in id order. */
  static <T> SnapshotSection entities(
      String field,
      TypeReference<List<T>> type,
      Function<State, NavigableMap<String, T>> get,
      Function<T, String> id,
      BiConsumer<State.Builder, NavigableMap<String, T>> set,
      Presence presence) {
    return new SnapshotSection(
        field,
        (s, json) -> json.valueToTree(get.apply(s).values()),
        (n, b, ctx) -> {
          TreeMap<String, T> byId = new TreeMap<>();
          for (T item : readList(n, field, type, presence, ctx)) {
            byId.put(id.apply(item), item);
          }
          set.accept(b, State.sorted(byId));
        });
  }

  /** A string; null is written as JSON null, and an absent field reads as null. */
  static SnapshotSection text(
      String field, Function<State, String> get, BiConsumer<State.Builder, String> set) {
    return new SnapshotSection(
        field,
        (s, json) -> get.apply(s) == null ? NullNode.instance : TextNode.valueOf(get.apply(s)),
        (n, b, ctx) -> set.accept(b, n == null || n.isNull() ? null : n.asText()));
  }

  /** A number; an absent field reads as 0. */
  static SnapshotSection number(
      String field, Function<State, Long> get, BiConsumer<State.Builder, Long> set) {
    return new SnapshotSection(
        field,
        (s, json) -> LongNode.valueOf(get.apply(s)),
        (n, b, ctx) -> set.accept(b, n == null ? 0L : n.asLong()));
  }

  /** A JSON array read as a list; absent is an error unless the field is {@code OPTIONAL}. */
  static <T> List<T> readList(
      JsonNode n, String field, TypeReference<List<T>> type, Presence presence, Decoding ctx)
      throws IOException {
    if (n == null && presence == Presence.OPTIONAL) {
      return List.of();
    }
    if (n == null || !n.isArray()) {
      throw new IOException("snapshot lacks '" + field + "'");
    }
    return ctx.json().readerFor(type).readValue(n);
  }

  /** A JSON object read as a map; an absent field (an older snapshot) reads as empty. */
  static <T> Map<String, T> readOptionalMap(
      JsonNode n, String field, TypeReference<Map<String, T>> type, Decoding ctx)
      throws IOException {
    if (n == null) {
      return Map.of();
    }
    if (!n.isObject()) {
      throw new IOException("snapshot field '" + field + "' is not an object");
    }
    return ctx.json().readerFor(type).readValue(n);
  }
}
