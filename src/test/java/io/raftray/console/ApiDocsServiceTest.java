package io.raftray.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.webserver.WebServer;
import io.raftray.http.Mount;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Swagger UI at /api/docs from the jar, over a real Helidon listener as the daemon mounts it. */
@Timeout(60)
class ApiDocsServiceTest {
  static WebServer server;
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final ApiDocsService DOCS = new ApiDocsService();

  @BeforeAll
  static void start() {
    server =
        WebServer.builder()
            .host("127.0.0.1")
            .port(0)
            .routing(r -> r.register(Mount.API_DOCS.path(), DOCS))
            .build()
            .start();
  }

  @AfterAll
  static void stop() {
    server.stop();
  }

  static HttpResponse<String> send(String method, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void thePage_loadsOnlyListedFilesFromThisOrigin_andPointsAtTheDocument() throws Exception {
    for (String page : List.of("/api/docs", "/api/docs/")) {
      HttpResponse<String> r = send("GET", page);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
      assertThat(r.headers().firstValue("Content-Security-Policy")).hasValue(ConsoleService.CSP);
      assertThat(r.headers().firstValue("X-Frame-Options")).hasValue("DENY");
      List<String> refs = new ArrayList<>();
      Matcher m = Pattern.compile("(?:src|href)=\"([^\"]+)\"").matcher(r.body());
      while (m.find()) {
        refs.add(m.group(1));
      }
      assertThat(refs)
          .contains(
              "/api/docs/swagger-ui-bundle.js", "/api/docs/init.js", "/api/docs/swagger-ui.css")
          .allSatisfy(ref -> assertThat(DOCS.files()).containsKey(ref));
      assertThat(r.body()).doesNotContain("<script>").doesNotContain("style=");
    }
    assertThat(send("GET", "/api/docs/init.js").body())
        .contains("url: \"/api/v1/openapi.json\"")
        .contains("validatorUrl: null");
  }

  @Test
  void everyListedFile_isServedFromTheJar_withItsType() throws Exception {
    Map<String, String> types =
        Map.of("js", "text/javascript", "css", "text/css", "png", "image/png", "txt", "text/plain");
    for (String path : DOCS.files().keySet()) {
      HttpResponse<String> r = send("GET", path);
      assertThat(r.statusCode()).as(path).isEqualTo(200);
      assertThat(r.body()).as(path).isNotEmpty();
      assertThat(r.headers().firstValue("ETag")).as(path).isPresent();
      String ext = path.contains(".") ? path.substring(path.lastIndexOf('.') + 1) : "html";
      assertThat(r.headers().firstValue("Content-Type").orElseThrow())
          .as(path)
          .startsWith(types.getOrDefault(ext, "text/html"));
    }
    assertThat(send("GET", "/api/docs/swagger-ui-bundle.js").body()).contains("SwaggerUIBundle");
    assertThat(send("GET", "/api/docs/LICENSE.txt").body()).containsIgnoringCase("license");
  }

  @Test
  void anythingElse_isAProblem() throws Exception {
    for (String path :
        List.of(
            "/api/docs/index.html",
            "/api/docs/swagger-ui.js",
            "/api/docs/oauth2-redirect.html",
            "/api/docs/init.js/",
            "/api/docs/%69nit.js")) {
      HttpResponse<String> r = send("GET", path);
      assertThat(r.statusCode()).as(path).isEqualTo(404);
      assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }
    HttpResponse<String> post = send("POST", "/api/docs");
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
    assertThat(send("HEAD", "/api/docs/init.js").statusCode()).isEqualTo(200);
  }
}
