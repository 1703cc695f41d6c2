package io.raftray.console;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.raftray.http.Mount;
import io.raftray.http.Problems;
import io.raftray.model.ErrorKind;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;
import org.jspecify.annotations.NullMarked;

/**
 * Swagger UI for the admin API at {@link Mount#API_DOCS}: our own page ({@code apidocs/} on the
 * classpath: the HTML and the script that points Swagger UI at {@code /api/v1/openapi.json}) and
 * exactly the listed files of the Swagger UI WebJar, nothing else of it; no CDN, works offline.
 * Public like the document it shows: neither holds a secret; "Try it out" sends the caller's own
 * token or console session. Same headers and caching as the console.
 */
@NullMarked
public final class ApiDocsService implements HttpService {
  /** The page's policy: the console's (this origin only, nothing inline, never framed). */
  static final String CSP = ConsoleService.CSP;

  private static final String PREFIX = Mount.API_DOCS.path();

  private final Map<String, String> files;
  private final StaticFiles assets;

  public ApiDocsService() {
    this(ApiDocsService.class.getClassLoader());
  }

  ApiDocsService(ClassLoader loader) {
    String jar = "META-INF/resources/webjars/swagger-ui/" + webJarVersion(loader) + "/";
    this.files =
        Map.of(
            PREFIX,
            "apidocs/index.html",
            PREFIX + "/",
            "apidocs/index.html",
            PREFIX + "/init.js",
            "apidocs/init.js",
            PREFIX + "/swagger-ui.css",
            jar + "swagger-ui.css",
            PREFIX + "/swagger-ui-bundle.js",
            jar + "swagger-ui-bundle.js",
            PREFIX + "/favicon-32x32.png",
            jar + "favicon-32x32.png",
            PREFIX + "/LICENSE.txt",
            jar + "swagger-ui-bundle.js.LICENSE.txt");
    this.assets = new StaticFiles(loader);
  }

  /** Every URL path served, to its classpath resource (tests). */
  Map<String, String> files() {
    return files;
  }

  @Override
  public void routing(HttpRules rules) {
    rules.any(this::handle);
  }

  private void handle(ServerRequest req, ServerResponse res) {
    StaticFiles.secure(res, CSP);
    String resource = files.get(req.prologue().uriPath().rawPath());
    if (resource == null) {
      Problems.send(res, ErrorKind.NOT_FOUND, "no such file");
      return;
    }
    if (StaticFiles.refusedMethod(req, res)) {
      return;
    }
    StaticFiles.send(
        req,
        res,
        assets
            .load(resource)
            .orElseThrow(() -> new IllegalStateException("missing resource " + resource)));
  }

  /** The version of the Swagger UI WebJar on the class path (its folder name), from its pom. */
  private static String webJarVersion(ClassLoader loader) {
    String pom = "META-INF/maven/org.webjars/swagger-ui/pom.properties";
    try (InputStream in = loader.getResourceAsStream(pom)) {
      if (in == null) {
        throw new IllegalStateException("the Swagger UI WebJar is not on the class path");
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + pom, e);
    }
  }
}
