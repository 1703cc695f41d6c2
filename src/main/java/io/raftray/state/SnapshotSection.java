package io.raftray.state;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.NullNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * One top-level field of a snapshot body: how one part of the {@link State} is written and read
 * back. {@link SnapshotCodec} lists the sections in file order; an entity's section is one {@link
 * #entities} line there.
 *
 * <p>Both directions stream: a writer returns the object to serialize (never a JSON tree of it),
 * and a reader reads its value from the body's parser, so a large state (100,000 users, a year of
 * usage history) is never held as a tree of nodes next to its bytes.
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
    /**
     * The object serialized as the field's value (with the codec's mapper, so map entries in key
     * order); null leaves the field out, {@link NullNode#instance} writes JSON null.
     */
    @Nullable Object write(State s);
  }

  interface Reader {
    /**
     * Reads the field's value from {@code value}, whose current token is the value's first one, and
     * leaves it at the value's last token; {@code value} is null when the field is absent.
     */
    void read(@Nullable JsonParser value, State.Builder into, Decoding context) throws IOException;
  }

  /** A reader of a small field that takes the value as a tree (null when the field is absent). */
  interface TreeReader {
    void read(@Nullable JsonNode value, State.Builder into, Decoding context) throws IOException;
  }

  /** What a reader may need besides the field's value. */
  record Decoding(ObjectMapper json, int auditRetention) {}

  /** A section whose (small) value is read as a tree. */
  static SnapshotSection tree(String field, Writer writer, TreeReader reader) {
    return new SnapshotSection(
        field, writer, (p, b, ctx) -> reader.read(p == null ? null : tree(p, ctx), b, ctx));
  }

  /** The value at the parser as a tree; JSON null is {@link NullNode}. */
  static JsonNode tree(JsonParser p, Decoding ctx) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NULL) {
      return NullNode.instance;
    }
    return ctx.json().readTree(p);
  }

  /** Whether the field is absent or JSON null. */
  static boolean absentOrNull(@Nullable JsonParser p) {
    return p == null || p.currentToken() == JsonToken.VALUE_NULL;
  }

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
        s -> get.apply(s).values(),
        (p, b, ctx) -> {
          TreeMap<String, T> byId = new TreeMap<>();
          forEachInList(p, field, type, presence, ctx, item -> byId.put(id.apply(item), item));
          set.accept(b, State.sorted(byId));
        });
  }

  /** A string; null is written as JSON null, and an absent field reads as null. */
  static SnapshotSection text(
      String field, Function<State, String> get, BiConsumer<State.Builder, String> set) {
    return tree(
        field,
        s -> get.apply(s) == null ? NullNode.instance : get.apply(s),
        (n, b, ctx) -> set.accept(b, n == null || n.isNull() ? null : n.asText()));
  }

  /** A number; an absent field reads as 0. */
  static SnapshotSection number(
      String field, Function<State, Long> get, BiConsumer<State.Builder, Long> set) {
    return tree(field, get::apply, (n, b, ctx) -> set.accept(b, n == null ? 0L : n.asLong()));
  }

  /** Each element of a JSON array; absent is an error unless the field is {@code OPTIONAL}. */
  static <T> void forEachInList(
      @Nullable JsonParser p,
      String field,
      TypeReference<List<T>> type,
      Presence presence,
      Decoding ctx,
      java.util.function.Consumer<T> each)
      throws IOException {
    if (p == null && presence == Presence.OPTIONAL) {
      return;
    }
    if (p == null || p.currentToken() != JsonToken.START_ARRAY) {
      throw new IOException("snapshot lacks '" + field + "'");
    }
    JavaType element = ctx.json().getTypeFactory().constructType(type).getContentType();
    ObjectReader reader = ctx.json().readerFor(element);
    while (p.nextToken() != JsonToken.END_ARRAY) {
      if (p.currentToken() == null) {
        throw new IOException("snapshot field '" + field + "' is truncated");
      }
      each.accept(reader.readValue(p));
    }
  }

  /** A JSON array read as a list; absent is an error unless the field is {@code OPTIONAL}. */
  static <T> List<T> readList(
      @Nullable JsonParser p,
      String field,
      TypeReference<List<T>> type,
      Presence presence,
      Decoding ctx)
      throws IOException {
    List<T> out = new ArrayList<>();
    forEachInList(p, field, type, presence, ctx, out::add);
    return out;
  }

  /** A JSON object read as a map; an absent field (an older snapshot) reads as empty. */
  static <T> Map<String, T> readOptionalMap(
      @Nullable JsonParser p, String field, TypeReference<Map<String, T>> type, Decoding ctx)
      throws IOException {
    if (p == null) {
      return Map.of();
    }
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw new IOException("snapshot field '" + field + "' is not an object");
    }
    return ctx.json().readerFor(type).readValue(p);
  }
}
