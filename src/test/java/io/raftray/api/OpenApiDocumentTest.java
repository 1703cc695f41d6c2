package io.raftray.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftray.model.Role;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The OpenAPI document at {@code /api/v1/openapi.json} against the router and the real answers of
 * the API ({@link ApiFixture}: the real listener and handlers over a local replica). Fails when a
 * route, a field or an error status is missing from the document, and when an example does not
 * validate against its schema.
 */
@Timeout(120)
class OpenApiDocumentTest {
  static ApiFixture f;
  static JsonNode doc;
  static List<Router.Route> routes;
  static List<ApiSamples.Sample> samples;

  @BeforeAll
  static void start() {
    f = ApiFixture.start();
    ApiFixture.Resp r = f.send("GET", "/api/v1/openapi.json", null, null);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.header("Content-Type")).startsWith("application/json");
    doc = r.json();
    routes =
        new ApiService(f.replica, f.clock, ApiSettings.of(ApiFixture.NODE_ID, ApiFixture.BASE_URL))
            .openApi()
            .routes();
    samples =
        ApiSamples.collect(
            (m, p, j) -> {
              ApiFixture.Resp a = f.send(m, p, f.owner, j);
              return new ApiSamples.Answer(a.status(), a.body().isEmpty() ? null : a.json());
            },
            ApiFixture.NODE_ID);
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  @Test
  void everyRouteIsDocumented_andEveryDocumentedOperationIsARoute() {
    OpenApi api = new OpenApi(routes);
    List<String> missing = new ArrayList<>();
    for (Router.Route r : routes) {
      if (api.undocumented().contains(OpenApi.key(r))) {
        missing.add(OpenApi.skeleton(r));
      }
    }
    assertThat(missing)
        .as("routes without an entry: add these to " + OpenApi.OPERATIONS + "\n" + missing)
        .isEmpty();
    assertThat(api.unrouted())
        .as("entries of " + OpenApi.OPERATIONS + " that name no route: remove or fix them")
        .isEmpty();

    Set<String> routed = new TreeSet<>();
    routes.forEach(r -> routed.add(r.method() + " " + ApiService.MOUNT + r.template()));
    Set<String> documented = new TreeSet<>();
    for (Iterator<Map.Entry<String, JsonNode>> p = doc.path("paths").fields(); p.hasNext(); ) {
      Map.Entry<String, JsonNode> path = p.next();
      path.getValue()
          .fieldNames()
          .forEachRemaining(m -> documented.add(m.toUpperCase(Locale.ROOT) + " " + path.getKey()));
    }
    assertThat(documented).as("the served document's operations").isEqualTo(routed);
    assertThat(routed).hasSizeGreaterThan(70);
  }

  @Test
  void aRouteWithoutAnEntryFails_withTheEntryToAdd() {
    Router extra = new Router();
    extra.get("/widgets/{id}/parts", Router.Access.READ, c -> {});
    OpenApi api = new OpenApi(extra.routes());
    assertThat(api.undocumented()).containsExactly("GET /widgets/{id}/parts");
    assertThat(OpenApi.skeleton(extra.routes().get(0)))
        .startsWith("GET /widgets/{id}/parts:\n  tag: widgets\n")
        .contains("ok: {200: <SchemaName>}");
    JsonNode op = api.document().at("/paths/~1api~1v1~1widgets~1{id}~1parts/get");
    assertThat(op.path("x-raftray-undocumented").asBoolean()).isTrue();
    assertThat(op.path("responses").has("404")).isTrue();
  }

  @Test
  void eachRouteDocumentsTheErrorsItsAccessAndPathCanAnswer() {
    List<String> problems = new ArrayList<>();
    for (Router.Route r : routes) {
      JsonNode responses =
          new OpenApiChecks(doc).operation(r.method(), r.template()).path("responses");
      Set<Integer> expected = new TreeSet<>(List.of(400));
      boolean write = !r.method().equals("GET");
      if (r.access() != Router.Access.PUBLIC) {
        expected.add(401);
        if (!r.access().allows(Role.VIEWER) || write) {
          expected.add(403);
        }
      }
      if (r.template().contains("{")) {
        expected.add(404);
      }
      if (write) {
        expected.add(409);
      }
      for (int s : expected) {
        if (!responses.has(Integer.toString(s))) {
          problems.add(OpenApi.key(r) + " does not document " + s);
        }
      }
      responses
          .fieldNames()
          .forEachRemaining(
              s -> {
                if (s.startsWith("4") || s.startsWith("5")) {
                  JsonNode ref = responses.get(s).path("$ref");
                  if (!doc.at(ref.asText().substring(1))
                      .path("content")
                      .has("application/problem+json")) {
                    problems.add(OpenApi.key(r) + " " + s + " is not a problem answer");
                  }
                }
              });
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void everyStatusTheRoutesAnswerToBadRequestsIsDocumented() {
    String viewer = f.token(Role.VIEWER);
    List<String> problems = new ArrayList<>();
    for (Router.Route r : routes) {
      String path = ApiService.MOUNT + r.template().replaceAll("\\{[^}]+}", "nope");
      boolean write = !r.method().equals("GET");
      String body = write ? "{}" : null;
      probe(problems, r, "no credential", f.send(r.method(), path, null, body));
      probe(problems, r, "viewer", f.send(r.method(), path, viewer, body));
      probe(problems, r, "unknown query", f.send(r.method(), path + "?bogus=1", f.owner, body));
      if (write) {
        probe(problems, r, "unknown field", f.send(r.method(), path, f.owner, "{\"bogus\":1}"));
        probe(problems, r, "broken JSON", f.send(r.method(), path, f.owner, "{"));
        probe(problems, r, "empty object", f.send(r.method(), path, f.owner, "{}"));
      } else {
        probe(problems, r, "unknown id", f.send(r.method(), path, f.owner, null));
      }
    }
    assertThat(problems).isEmpty();
  }

  private static void probe(
      List<String> problems, Router.Route r, String what, ApiFixture.Resp res) {
    JsonNode op = new OpenApiChecks(doc).operation(r.method(), r.template());
    if (!op.path("responses").has(Integer.toString(res.status()))) {
      problems.add(
          OpenApi.key(r)
              + " ("
              + what
              + ") answered "
              + res.status()
              + " which it does not document: "
              + res.body());
    }
  }

  /**
   * Each request body property of the document is a field the route takes: a body with every
   * property (null) and one unknown field is refused (400, nothing changes) naming only the unknown
   * one. Routes that refuse before reading the body (a session-only route with a token) are
   * skipped; most are reached.
   */
  @Test
  void everyDocumentedRequestFieldIsOneTheRouteTakes() {
    OpenApiChecks checks = new OpenApiChecks(doc);
    Map<String, String> paths = new java.util.HashMap<>();
    samples.forEach(s -> paths.putIfAbsent(s.template(), s.path()));
    List<String> problems = new ArrayList<>();
    int probed = 0;
    for (Router.Route r : routes) {
      JsonNode schema =
          checks
              .operation(r.method(), r.template())
              .at("/requestBody/content/application~1json/schema");
      String path = r.template().contains("{") ? paths.get(r.template()) : r.template();
      if (schema.isMissingNode() || path == null) {
        continue;
      }
      ObjectNode body = io.raftray.model.Json.mapper().createObjectNode();
      checks.properties(schema).keySet().forEach(body::putNull);
      body.put("x_probe", 1);
      ApiFixture.Resp res = f.send(r.method(), ApiService.MOUNT + path, f.owner, body.toString());
      Set<String> unknown = new TreeSet<>();
      res.json()
          .path("errors")
          .forEach(
              e -> {
                if (e.path("message").asText().equals("unknown field")) {
                  unknown.add(e.path("field").asText());
                }
              });
      if (!unknown.contains("x_probe")) {
        continue;
      }
      probed++;
      unknown.remove("x_probe");
      unknown.forEach(
          u ->
              problems.add(
                  OpenApi.key(r)
                      + ": the document's request field `"
                      + u
                      + "` is refused as unknown"));
    }
    assertThat(problems).isEmpty();
    assertThat(probed).as("routes whose request fields were probed").isGreaterThan(20);
  }

  @Test
  void everyExampleValidatesAgainstItsSchema() {
    OpenApiChecks checks = new OpenApiChecks(doc);
    List<String> problems = new ArrayList<>();
    int[] count = {0};
    walk(doc.path("components"), "#/components", checks, problems, count);
    assertThat(problems).isEmpty();
    assertThat(count[0]).as("examples checked").isGreaterThan(30);
  }

  /** Schema {@code examples} anywhere under components, and {@code example} next to a schema. */
  private static void walk(
      JsonNode node, String pointer, OpenApiChecks checks, List<String> problems, int[] count) {
    if (node.isObject()) {
      if (node.has("examples") && node.get("examples").isArray() && pointer.contains("/schemas/")) {
        for (JsonNode example : node.get("examples")) {
          count[0]++;
          problems.addAll(checks.validate(example, pointer));
        }
      }
      if (node.has("example") && node.has("schema")) {
        count[0]++;
        problems.addAll(checks.validate(node.get("example"), pointer + "/schema"));
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        walk(
            e.getValue(),
            pointer + "/" + e.getKey().replace("~", "~0").replace("/", "~1"),
            checks,
            problems,
            count);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        walk(node.get(i), pointer + "/" + i, checks, problems, count);
      }
    }
  }

  @Test
  void aWrongExampleFailsValidation() {
    OpenApiChecks checks = new OpenApiChecks(doc);
    ObjectNode user = doc.at("/components/schemas/User/examples/0").deepCopy();
    assertThat(checks.validate(user, "#/components/schemas/User")).isEmpty();
    user.put("status", "sleeping");
    user.remove("name");
    assertThat(checks.validate(user, "#/components/schemas/User")).hasSize(2);
  }

  @Test
  void realAnswersValidate_andCarryExactlyTheSchemasFields() {
    assertThat(problems(doc, samples)).isEmpty();
  }

  @Test
  void viewerAnswers_areRedacted_andStillValidate() {
    String viewer = f.token(Role.VIEWER);
    List<ApiSamples.Sample> redacted =
        ApiSamples.reread(
            samples,
            (m, p, j) -> {
              ApiFixture.Resp a = f.send(m, p, viewer, j);
              return new ApiSamples.Answer(a.status(), a.body().isEmpty() ? null : a.json());
            });
    OpenApiChecks checks = new OpenApiChecks(doc);
    List<String> problems = new ArrayList<>();
    for (ApiSamples.Sample s : redacted) {
      if (s.status() == 403) {
        assertThat(checks.operation("GET", s.template()).path("responses").has("403")).isTrue();
        continue;
      }
      String schema = checks.answerSchema("GET", s.template(), s.status());
      assertThat(schema).as(s.route() + " " + s.status()).isNotNull();
      checks.validate(s.body(), schema).forEach(e -> problems.add(s.route() + ": " + e));
    }
    assertThat(problems).isEmpty();
    assertThat(redacted)
        .filteredOn(s -> s.template().equals("/users/{id}"))
        .singleElement()
        .satisfies(s -> assertThat(s.body().has("credentials")).isFalse());
  }

  @Test
  void aFieldMissingFromTheSchemaOrTheAnswerFails() {
    ObjectNode changed = doc.deepCopy();
    ObjectNode props = (ObjectNode) changed.at("/components/schemas/Group/properties");
    props.remove("member_count");
    props.putObject("colour").put("type", "string");
    List<String> found = problems(changed, samples);
    assertThat(found)
        .anyMatch(
            s ->
                s.contains("GET /groups/{id}")
                    && s.contains("`member_count` is answered but missing from schema Group"))
        .anyMatch(
            s ->
                s.contains("GET /groups") && s.contains("[0]: schema Group has property `colour`"));
  }

  /** Validation errors and field differences of each sample against the document. */
  static List<String> problems(JsonNode document, List<ApiSamples.Sample> samples) {
    OpenApiChecks checks = new OpenApiChecks(document);
    List<String> out = new ArrayList<>();
    for (ApiSamples.Sample s : samples) {
      String schema = checks.answerSchema(s.method(), s.template(), s.status());
      if (schema == null) {
        out.add(
            s.route()
                + " answered "
                + s.status()
                + " with JSON, which the document does not describe");
        continue;
      }
      checks.validate(s.body(), schema).forEach(e -> out.add(s.route() + ": " + e));
      out.addAll(checks.fieldDifferences(s.body(), schema, s.route()));
    }
    return out;
  }
}
