package io.raftray.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.raftray.http.Problems;
import io.raftray.model.ErrorKind;
import io.raftray.model.Json;
import io.raftray.model.Role;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The OpenAPI 3.1 document of {@code /api/v1}, assembled from the {@link Router}'s routes and the
 * hand-written parts in the classpath folder {@code openapi/}. Decision: assembled, not one
 * hand-written file, so the paths, methods, path parameters, access, security and the error
 * statuses each route can answer come from the one route table and cannot drift from it; only what
 * the router does not know (summaries, query parameters, bodies, answer schemas) is written by
 * hand, once per route in {@code operations.yaml}, and the schemas in {@code components.yaml}. A
 * route without an entry is still in the document (marked {@code x-raftray-undocumented}), so the
 * daemon never fails over the document; {@code OpenApiDocumentTest} fails on it and prints the
 * entry to add.
 */
final class OpenApi {
  static final String VERSION = "3.1.0";
  static final String OPERATIONS = "openapi/operations.yaml";
  static final String COMPONENTS = "openapi/components.yaml";

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final List<Router.Route> routes;
  private final ObjectNode operations;
  private final ObjectNode components;
  private volatile JsonNode document;

  OpenApi(List<Router.Route> routes) {
    this.routes = List.copyOf(routes);
    this.operations = read(OPERATIONS);
    this.components = read(COMPONENTS);
  }

  /** The document; built on first use (the route table is complete by then), then kept. */
  JsonNode document() {
    JsonNode d = document;
    if (d == null) {
      d = build();
      document = d;
    }
    return d;
  }

  /** The routes the document is built from. */
  List<Router.Route> routes() {
    return routes;
  }

  /** Routes with no entry in {@code operations.yaml}, as {@code METHOD /template}. */
  List<String> undocumented() {
    List<String> out = new ArrayList<>();
    for (Router.Route r : routes) {
      if (!operations.has(key(r))) {
        out.add(key(r));
      }
    }
    return out;
  }

  /** Entries of {@code operations.yaml} that name no route. */
  List<String> unrouted() {
    List<String> keys = new ArrayList<>();
    operations.fieldNames().forEachRemaining(keys::add);
    for (Router.Route r : routes) {
      keys.remove(key(r));
    }
    return keys;
  }

  /** The entry to add to {@code operations.yaml} for a route that has none. */
  static String skeleton(Router.Route r) {
    String resource = r.template().split("/")[1];
    return key(r)
        + ":\n  tag: "
        + resource
        + "\n  summary: <what it does>\n"
        + (r.method().equals("GET") ? "  query: [consistency]\n" : "  body: <SchemaName>\n")
        + "  ok: {"
        + (r.method().equals("POST") ? "201" : r.method().equals("DELETE") ? "204" : "200")
        + ": "
        + (r.method().equals("DELETE") ? "\"-\"" : "<SchemaName>")
        + "}\n";
  }

  static String key(Router.Route r) {
    return r.method() + " " + r.template();
  }

  /**
   * The error statuses a route can answer, from what the router knows of it: every route refuses
   * bad input (unknown query parameters included, 400) and answers 500/503; a route that needs a
   * credential 401 and 429 (failed-auth limit); 403 when its access leaves a role out or, for a
   * write, a console session without the CSRF token; 404 with a path parameter; 409 for a write (a
   * removed node refuses every write); 413 with a request body.
   */
  static SortedSet<Integer> errorStatuses(Router.Route r, boolean hasBody) {
    SortedSet<Integer> s = new TreeSet<>(List.of(400, 500, 503));
    boolean write = !r.method().equals("GET");
    if (r.access() != Router.Access.PUBLIC) {
      s.addAll(List.of(401, 429));
      if (write || !Arrays.stream(Role.values()).allMatch(r.access()::allows)) {
        s.add(403);
      }
    }
    if (r.template().contains("{")) {
      s.add(404);
    }
    if (write) {
      s.add(409);
    }
    if (hasBody) {
      s.add(413);
    }
    return s;
  }

  private JsonNode build() {
    ObjectMapper m = Json.mapper();
    ObjectNode doc = m.createObjectNode();
    doc.put("openapi", VERSION);
    doc.set("info", components.get("info"));
    doc.set("tags", components.get("tags"));
    ObjectNode paths = doc.putObject("paths");
    for (Router.Route r : routes) {
      String path = ApiService.MOUNT + r.template();
      ObjectNode item = paths.has(path) ? (ObjectNode) paths.get(path) : paths.putObject(path);
      item.set(r.method().toLowerCase(Locale.ROOT), operation(r));
    }
    ObjectNode comps = doc.putObject("components");
    comps.set("securitySchemes", components.get("securitySchemes"));
    comps.set("parameters", components.get("parameters"));
    comps.set("responses", errorResponses());
    comps.set("schemas", components.get("schemas"));
    return doc;
  }

  private ObjectNode operation(Router.Route r) {
    JsonNode entry = operations.get(key(r));
    ObjectNode op = Json.mapper().createObjectNode();
    op.put("operationId", operationId(r));
    String resource = r.template().split("/")[1];
    op.putArray("tags").add(entry == null ? resource : entry.path("tag").asText(resource));
    op.put("summary", entry == null ? key(r) : entry.path("summary").asText());
    op.put("description", "Access: " + roles(r.access()) + ".");
    op.put("x-raftray-access", r.access().name().toLowerCase(Locale.ROOT));
    if (entry == null) {
      op.put("x-raftray-undocumented", true);
    }
    op.set("security", security(r));
    ArrayNode params = op.putArray("parameters");
    for (String seg : r.segments()) {
      if (seg.startsWith("{")) {
        ObjectNode p = params.addObject();
        p.put("name", seg.substring(1, seg.length() - 1));
        p.put("in", "path");
        p.put("required", true);
        p.putObject("schema").put("type", "string");
      }
    }
    boolean hasBody = entry != null && entry.hasNonNull("body");
    if (entry != null) {
      for (JsonNode q : entry.path("query")) {
        params.addObject().put("$ref", "#/components/parameters/" + q.asText());
      }
    }
    if (hasBody) {
      ObjectNode body = op.putObject("requestBody");
      body.put("required", !entry.path("body_optional").asBoolean(false));
      body.putObject("content")
          .putObject("application/json")
          .set("schema", ref(entry.get("body").asText()));
    }
    ObjectNode responses = op.putObject("responses");
    if (entry != null) {
      for (Iterator<Map.Entry<String, JsonNode>> it = entry.path("ok").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> ok = it.next();
        responses.set(ok.getKey(), success(ok.getValue()));
      }
    }
    SortedSet<Integer> errors = errorStatuses(r, hasBody);
    if (entry != null) {
      entry.path("errors").forEach(e -> errors.add(e.asInt()));
    }
    for (int status : errors) {
      responses.putObject(Integer.toString(status)).put("$ref", "#/components/responses/" + status);
    }
    return op;
  }

  private static ObjectNode success(JsonNode spec) {
    ObjectNode res = Json.mapper().createObjectNode();
    if (spec.isTextual() && spec.asText().equals("-")) {
      res.put("description", "Done; no body");
      return res;
    }
    String media = spec.isObject() ? spec.path("media").asText() : "application/json";
    String schema = spec.isObject() ? spec.path("schema").asText() : spec.asText();
    res.put("description", schema);
    res.putObject("content").putObject(media).set("schema", ref(schema));
    return res;
  }

  private static ObjectNode ref(String schema) {
    return Json.mapper().createObjectNode().put("$ref", "#/components/schemas/" + schema);
  }

  private ObjectNode errorResponses() {
    ObjectNode out = Json.mapper().createObjectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = components.path("errors").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      int status = Integer.parseInt(e.getKey());
      ErrorKind kind =
          Arrays.stream(ErrorKind.values())
              .filter(k -> Problems.status(k) == status)
              .findFirst()
              .orElseThrow(() -> new IllegalStateException("no error kind answers " + status));
      String description = e.getValue().path("description").asText();
      ObjectNode res = out.putObject(e.getKey());
      res.put("description", Problems.title(kind) + ": " + description);
      if (status == 401) {
        res.putObject("headers")
            .putObject("WWW-Authenticate")
            .putObject("schema")
            .put("type", "string");
      } else if (status == 429 || status == 503) {
        res.putObject("headers")
            .putObject("Retry-After")
            .putObject("schema")
            .put("type", "integer");
      }
      ObjectNode media = res.putObject("content").putObject(Problems.MEDIA_TYPE);
      media.set("schema", ref("Problem"));
      ObjectNode example = media.putObject("example");
      example.put("type", "urn:raftray:problem:" + Problems.slug(kind));
      example.put("title", Problems.title(kind));
      example.put("status", status);
      example.put("detail", description.toLowerCase(Locale.ROOT));
    }
    return out;
  }

  private static ArrayNode security(Router.Route r) {
    ArrayNode s = Json.mapper().createArrayNode();
    boolean write = !r.method().equals("GET");
    switch (r.access()) {
      case PUBLIC -> {}
      case SELF -> session(s.addObject(), write);
      default -> {
        s.addObject().putArray("bearer");
        session(s.addObject(), write);
      }
    }
    return s;
  }

  private static void session(ObjectNode requirement, boolean write) {
    requirement.putArray("session");
    if (write) {
      requirement.putArray("csrf");
    }
  }

  /** Who may call a route, from the access itself (never a second list of roles). */
  static String roles(Router.Access access) {
    return switch (access) {
      case PUBLIC -> "anyone, no credential";
      case SELF -> "the signed-in admin, for its own account (a console session)";
      default ->
          String.join(
                  ", ",
                  Arrays.stream(Role.values())
                      .filter(access::allows)
                      .map(r -> r.name().toLowerCase(Locale.ROOT))
                      .toList())
              + " ("
              + access.denial()
              + ")";
    };
  }

  private static String operationId(Router.Route r) {
    StringBuilder b = new StringBuilder(r.method().toLowerCase(Locale.ROOT));
    for (String seg : r.segments()) {
      String word = seg.startsWith("{") ? "By_" + seg.substring(1, seg.length() - 1) : seg;
      for (String part : word.split("[-_.]")) {
        if (!part.isEmpty()) {
          b.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
      }
    }
    return b.toString();
  }

  private static ObjectNode read(String resource) {
    try (InputStream in = OpenApi.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      return (ObjectNode) YAML.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }
}
