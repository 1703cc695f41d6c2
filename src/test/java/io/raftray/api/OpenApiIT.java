package io.raftray.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftray.pki.NodeIdentity;
import io.raftray.pki.TlsContexts;
import io.raftray.state.Features;
import io.raftray.testing.AdminClient;
import io.raftray.testing.TestCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The OpenAPI document and Swagger UI on a real in-process daemon over HTTPS: the document parses
 * as OpenAPI 3.1 without a credential, the real answers of every main entity (the node with its
 * real host report included) validate against it field for field, and /api/docs serves the page and
 * its assets from the jar.
 */
@Timeout(180)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiIT {
  TestCluster cluster;
  HttpClient https;
  JsonNode doc;

  @BeforeAll
  void start() throws Exception {
    cluster = TestCluster.start(1);
    cluster.awaitLeader();
    // A new cluster raises its feature level with one entry soon after it forms (state/Features);
    // the samples create a webhook, which needs that level.
    AdminClient owner = cluster.adminClient(0);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                owner.send("GET", "/api/v1/cluster", null).body().path("feature_level").asInt()
                    >= Features.CURRENT);
    https =
        HttpClient.newBuilder()
            .sslContext(
                TlsContexts.client(
                    NodeIdentity.load(cluster.dataDir(0)).caCert(), Optional.empty()))
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    AdminClient.Response r =
        cluster.adminClient(0).withHeaders(Map.of()).get("/api/v1/openapi.json");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.contentType()).startsWith("application/json");
    doc = r.body();
  }

  @AfterAll
  void stop() {
    if (https != null) {
      https.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void theServedDocument_isOpenApi31_andEveryReferenceResolves() {
    assertThat(doc.path("openapi").asText()).startsWith("3.1.");
    assertThat(doc.path("info").path("title").asText()).isNotBlank();
    assertThat(doc.path("info").path("version").asText()).isNotBlank();
    Set<String> tags = new HashSet<>();
    doc.path("tags").forEach(t -> tags.add(t.path("name").asText()));
    Set<String> schemes = new HashSet<>();
    doc.path("components").path("securitySchemes").fieldNames().forEachRemaining(schemes::add);
    assertThat(schemes).containsExactlyInAnyOrder("bearer", "session", "csrf");
    Set<String> ids = new HashSet<>();
    List<String> problems = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> p = doc.path("paths").fields(); p.hasNext(); ) {
      Map.Entry<String, JsonNode> path = p.next();
      if (!path.getKey().startsWith("/api/v1/")) {
        problems.add("path outside /api/v1: " + path.getKey());
      }
      for (Iterator<Map.Entry<String, JsonNode>> o = path.getValue().fields(); o.hasNext(); ) {
        Map.Entry<String, JsonNode> e = o.next();
        String where = e.getKey() + " " + path.getKey();
        JsonNode op = e.getValue();
        if (!List.of("get", "put", "post", "delete", "patch").contains(e.getKey())) {
          problems.add(where + ": not an HTTP method");
        }
        if (!ids.add(op.path("operationId").asText())) {
          problems.add(where + ": operationId not unique");
        }
        if (!tags.contains(op.path("tags").path(0).asText())) {
          problems.add(where + ": tag not declared");
        }
        if (op.path("responses").size() < 2 || !op.path("security").isArray()) {
          problems.add(where + ": responses or security missing");
        }
        op.path("security")
            .forEach(
                req ->
                    req.fieldNames()
                        .forEachRemaining(
                            s -> {
                              if (!schemes.contains(s)) {
                                problems.add(where + ": unknown security scheme " + s);
                              }
                            }));
        for (JsonNode param : op.path("parameters")) {
          if (param.has("name")
              && param.path("in").asText().equals("path")
              && !path.getKey().contains("{" + param.path("name").asText() + "}")) {
            problems.add(where + ": path parameter not in the path");
          }
        }
      }
    }
    refs(doc, problems);
    assertThat(problems).isEmpty();
    assertThat(ids).hasSizeGreaterThan(70);
  }

  /** Every {@code $ref} in the document names something in it. */
  private void refs(JsonNode node, List<String> problems) {
    if (node.isObject()) {
      JsonNode ref = node.get("$ref");
      if (ref != null
          && (!ref.asText().startsWith("#/")
              || doc.at(ref.asText().substring(1)).isMissingNode())) {
        problems.add("unresolved $ref " + ref.asText());
      }
      node.elements().forEachRemaining(n -> refs(n, problems));
    } else if (node.isArray()) {
      node.elements().forEachRemaining(n -> refs(n, problems));
    }
  }

  @Test
  void realAnswers_matchTheSchemas() {
    AdminClient owner = cluster.adminClient(0);
    List<ApiSamples.Sample> samples =
        ApiSamples.collect(
            (m, p, j) -> {
              AdminClient.Response r = owner.send(m, p, j);
              return new ApiSamples.Answer(r.status(), r.body().isMissingNode() ? null : r.body());
            },
            cluster.nodeId(0));
    assertThat(samples)
        .anySatisfy(s -> assertThat(s.body().path("host").path("cpu").isObject()).isTrue());
    assertThat(OpenApiDocumentTest.problems(doc, samples)).isEmpty();
  }

  @Test
  void apiDocs_servesSwaggerUiFromTheJar() throws Exception {
    String base = cluster.daemon(0).config().apiBaseUrl();
    HttpResponse<String> page = get(base + "/api/docs");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
        .contains("script-src 'self'")
        .doesNotContain("unsafe");
    assertThat(page.body()).contains("/api/docs/swagger-ui-bundle.js", "/api/docs/init.js");
    for (String asset :
        List.of(
            "/api/docs/swagger-ui-bundle.js", "/api/docs/swagger-ui.css", "/api/docs/init.js")) {
      HttpResponse<String> r = get(base + asset);
      assertThat(r.statusCode()).as(asset).isEqualTo(200);
      assertThat(r.body()).as(asset).isNotEmpty();
    }
    assertThat(get(base + "/api/docs/nope.js").statusCode()).isEqualTo(404);
    // The console and the API keep their own answers around the new mount.
    assertThat(get(base + "/api/v1/users").statusCode()).isEqualTo(401);
    assertThat(get(base + "/api/other").statusCode()).isEqualTo(404);
  }

  private HttpResponse<String> get(String url) throws Exception {
    return https.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
