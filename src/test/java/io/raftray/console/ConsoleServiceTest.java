package io.raftray.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.webserver.WebServer;
import io.raftray.http.Mount;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The console's static serving over a real Helidon listener, as the daemon mounts it. */
@Timeout(60)
class ConsoleServiceTest {
  static WebServer server;
  static final HttpClient HTTP = HttpClient.newHttpClient();

  /** Distinct missing paths are not remembered: only the files that exist are held in memory. */
  @Test
  void missingPaths_areNotCached() throws Exception {
    ConsoleService console = new ConsoleService();
    WebServer own =
        WebServer.builder()
            .host("127.0.0.1")
            .port(0)
            .routing(r -> r.register(Mount.CONSOLE.path(), console))
            .build()
            .start();
    try {
      for (int i = 0; i < 200; i++) {
        HttpResponse<String> r =
            HTTP.send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + own.port() + "/missing-" + i + ".js"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(404);
      }
      HttpResponse<String> app =
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + own.port() + "/app.js"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(app.statusCode()).isEqualTo(200);
      assertThat(console.cached()).isEqualTo(1);
    } finally {
      own.stop();
    }
  }

  @BeforeAll
  static void start() {
    server =
        WebServer.builder()
            .host("127.0.0.1")
            .port(0)
            .routing(r -> r.register(Mount.CONSOLE.path(), new ConsoleService()))
            .build()
            .start();
  }

  @AfterAll
  static void stop() {
    server.stop();
  }

  static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Sends the request line as given (no client-side normalisation of dot segments); answers the
   * status line, the headers and the body (by Content-Length).
   */
  static String rawGet(String target) throws Exception {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(
          ("GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      StringBuilder head = new StringBuilder();
      while (!head.toString().endsWith("\r\n\r\n")) {
        int b = in.read();
        if (b < 0) {
          return head.toString();
        }
        head.append((char) b);
      }
      int length = 0;
      for (String line : head.toString().split("\r\n")) {
        if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
          length = Integer.parseInt(line.substring(15).trim());
        }
      }
      return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
  }

  @Test
  void root_servesIndexHtml_withStrictHeaders() throws Exception {
    HttpResponse<String> r = get("/");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    assertThat(r.body()).contains("<script type=\"module\" src=\"app.js\"></script>");
    String csp = r.headers().firstValue("Content-Security-Policy").orElseThrow();
    assertThat(csp)
        .contains("script-src 'self'", "style-src 'self'", "frame-ancestors 'none'")
        .doesNotContain("unsafe-inline", "unsafe-eval", "http:", "https:");
    assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(r.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
    assertThat(r.headers().firstValue("ETag")).isPresent();
  }

  @Test
  void index_hasNoInlineScriptOrStyle() throws Exception {
    String body = get("/index.html").body();
    assertThat(body).doesNotContain("<style", " style=", "onclick=", "onload=");
    assertThat(body.split("<script", -1)).allMatch(p -> !p.startsWith(">"));
  }

  @Test
  void assets_haveTheirContentTypes() throws Exception {
    assertThat(get("/app.js").headers().firstValue("Content-Type"))
        .hasValue("text/javascript; charset=utf-8");
    assertThat(get("/console.css").headers().firstValue("Content-Type"))
        .hasValue("text/css; charset=utf-8");
    HttpResponse<String> fa = get("/i18n/fa.json");
    assertThat(fa.statusCode()).isEqualTo(200);
    assertThat(fa.headers().firstValue("Content-Type")).hasValue("application/json");
  }

  @Test
  void etag_revalidates_with304() throws Exception {
    String etag = get("/app.js").headers().firstValue("ETag").orElseThrow();
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/app.js"))
                .header("If-None-Match", etag)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(304);
    assertThat(r.body()).isEmpty();
  }

  @Test
  void clientRoutes_fallBackToIndex_butMissingAssetsAre404() throws Exception {
    assertThat(get("/users").body()).contains("app.js");
    assertThat(get("/nodes/abc/").body()).contains("app.js");
    HttpResponse<String> missing = get("/nope.js");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.headers().firstValue("Content-Type")).hasValue("application/problem+json");
  }

  @Test
  void noDirectoryListing() throws Exception {
    HttpResponse<String> r = get("/i18n/");
    // a folder is a client route: the index page, never a list of files
    assertThat(r.body()).doesNotContain("en.json").contains("app.js");
    assertThat(get("/i18n").body()).doesNotContain("fa.json");
  }

  @Test
  void pathTraversal_refused() throws Exception {
    for (String p :
        new String[] {
          "/../io/raftray/console/ConsoleService.class",
          "/i18n/../../META-INF/MANIFEST.MF",
          "/%2e%2e/%2e%2e/etc/passwd",
          "/..%2f..%2fetc%2fpasswd.txt",
          "/.hidden.txt",
          "/i18n//en.json"
        }) {
      String answer = rawGet(p);
      assertThat(answer).as(p).doesNotContain("Manifest-Version", "root:", "cafebabe");
      assertThat(answer.lines().findFirst().orElse("")).as(p).doesNotContain(" 200 ");
    }
    assertThat(ConsoleService.resourceName("/../x.js")).isNull();
    assertThat(ConsoleService.resourceName("/a/%2e%2e/x.js")).isNull();
    assertThat(ConsoleService.resourceName("/x.class")).isNull();
  }

  @Test
  void vendoredUplot_servedFromTheWebJar_withTypeAndCsp() throws Exception {
    HttpResponse<String> js = get("/vendor/uplot/uPlot.esm.js");
    assertThat(js.statusCode()).isEqualTo(200);
    assertThat(js.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
    assertThat(js.headers().firstValue("Content-Security-Policy")).hasValue(ConsoleService.CSP);
    assertThat(js.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(js.headers().firstValue("ETag")).isPresent();
    assertThat(js.body()).contains("export { uPlot as default }");
    HttpResponse<String> css = get("/vendor/uplot/uPlot.min.css");
    assertThat(css.statusCode()).isEqualTo(200);
    assertThat(css.headers().firstValue("Content-Type")).hasValue("text/css; charset=utf-8");
    assertThat(css.headers().firstValue("Content-Security-Policy")).hasValue(ConsoleService.CSP);
    assertThat(css.body()).contains(".uplot");
    HttpResponse<String> licence = get("/vendor/uplot/LICENSE.txt");
    assertThat(licence.statusCode()).isEqualTo(200);
    assertThat(licence.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
    assertThat(licence.body()).contains("MIT License", "Leon Sorokin");
  }

  @Test
  void vendorFolder_servesNothingElse() throws Exception {
    for (String p :
        new String[] {
          "/vendor/uplot/uPlot.iife.js",
          "/vendor/uplot/uPlot.cjs.js",
          "/vendor/uplot/package.json",
          "/vendor/uplot/dist/uPlot.esm.js",
          "/vendor/uplot/1.6.30/dist/uPlot.esm.js",
          "/vendor/uplot/",
          "/vendor/uplot",
          "/vendor/",
          "/vendor",
          "/vendor/other/x.js",
          "/vendor/uplot/uPlot.esm.js/",
          "/vendor/uplot/UPLOT.ESM.JS",
          "/webjars/uplot/1.6.30/dist/uPlot.esm.js",
          "/META-INF/resources/webjars/uplot/1.6.30/dist/uPlot.esm.js"
        }) {
      HttpResponse<String> r = get(p);
      assertThat(r.statusCode()).as(p).isEqualTo(404);
      assertThat(r.body()).as(p).doesNotContain("app.js", "uPlot");
      assertThat(r.headers().firstValue("Content-Security-Policy")).as(p).isPresent();
    }
    for (String p :
        new String[] {
          "/vendor/uplot/%2e%2e/1.6.30/package.json",
          "/vendor/uplot/..%2fpackage.json",
          "/vendor/uplot/../../META-INF/MANIFEST.MF",
          "/vendor/uplot//uPlot.esm.js"
        }) {
      String answer = rawGet(p);
      assertThat(answer.lines().findFirst().orElse("")).as(p).doesNotContain(" 200 ");
      assertThat(answer).as(p).doesNotContain("Manifest-Version", "\"version\"");
    }
  }

  @Test
  void otherMounts_areNeverTakenOver() throws Exception {
    for (String p : new String[] {"/api/v1/nothing", "/sub/abc", "/cluster/v1/x", "/healthz"}) {
      HttpResponse<String> r = get(p);
      assertThat(r.statusCode()).as(p).isEqualTo(404);
      assertThat(r.body()).as(p).doesNotContain("app.js");
    }
  }

  @Test
  void writes_refused() throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/"))
                .POST(HttpRequest.BodyPublishers.ofString("x"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(405);
  }
}
