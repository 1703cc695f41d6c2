package io.raftray.console;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.raftray.http.Mount;
import io.raftray.http.Problems;
import io.raftray.model.ErrorKind;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;

/**
 * The web console: static files from the classpath folder {@code console/}, mounted at {@link
 * Mount#CONSOLE} after every other service, so it only sees paths nobody else answered.
 *
 * <p>What it serves: a path made of plain name characters ({@code [A-Za-z0-9._-]} segments, no
 * {@code .} or {@code ..} segment, no percent escapes) whose extension is in {@link #TYPES} and
 * that exists under {@code console/}. A path without an extension (or ending in {@code /}) is a
 * client-side route and gets {@code index.html}. Everything else is a 404 problem: a missing asset
 * is never answered with HTML, and the other mounts' prefixes ({@code /api/}, {@code /sub/}, {@code
 * /cluster/}, probes) are never taken over. There is no directory listing. Every answer carries a
 * strict Content-Security-Policy (only this origin's scripts and styles, no inline code, no
 * framing) and {@code ETag}; assets are revalidated on each load ({@code no-cache}) so a new
 * version shows at once after an upgrade.
 *
 * <p>Third-party code comes from WebJars on the classpath, never copied into {@code console/}: the
 * few files the console uses are listed one by one in {@link #VENDOR} (URL path to jar resource)
 * and served under {@code /vendor/}; nothing else of a WebJar is reachable, and any other path
 * under {@code /vendor/} is a 404.
 */
@NullMarked
public final class ConsoleService implements HttpService {
  /** The console's Content-Security-Policy: this origin only, nothing inline, never framed. */
  public static final String CSP =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; font-src 'self'; manifest-src 'self'; form-action 'self';"
          + " base-uri 'none'; frame-ancestors 'none'";

  static final Map<String, String> TYPES = StaticFiles.TYPES;

  private static final String ROOT = "console/";

  /** The uPlot WebJar's folder (MIT licence; the version is the pom's {@code uplot}). */
  private static final String UPLOT = "META-INF/resources/webjars/uplot/1.6.30/";

  private static final String VENDOR_PREFIX = "/vendor/";

  /** Every file served under {@code /vendor/}: the exact URL path and its classpath resource. */
  static final Map<String, String> VENDOR =
      Map.of(
          "/vendor/uplot/uPlot.esm.js", UPLOT + "dist/uPlot.esm.js",
          "/vendor/uplot/uPlot.min.css", UPLOT + "dist/uPlot.min.css",
          "/vendor/uplot/LICENSE.txt", UPLOT + "LICENSE");

  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}");
  private static final List<String> FOREIGN =
      List.of(
          "/api/",
          "/sub/",
          "/cluster/",
          Mount.HEALTHZ.path(),
          Mount.READYZ.path(),
          Mount.METRICS.path());

  private final StaticFiles files;

  public ConsoleService() {
    this(ConsoleService.class.getClassLoader());
  }

  ConsoleService(ClassLoader loader) {
    this.files = new StaticFiles(loader);
  }

  @Override
  public void routing(HttpRules rules) {
    rules.any(this::handle);
  }

  private void handle(ServerRequest req, ServerResponse res) {
    String raw = req.prologue().uriPath().rawPath();
    secure(res);
    if (isForeign(raw)) {
      Problems.send(res, ErrorKind.NOT_FOUND, "no such resource");
      return;
    }
    if (StaticFiles.refusedMethod(req, res)) {
      return;
    }
    String resource = resource(raw);
    StaticFiles.Asset asset = resource == null ? null : files.load(resource).orElse(null);
    if (asset == null) {
      Problems.send(res, ErrorKind.NOT_FOUND, "no such file");
      return;
    }
    StaticFiles.send(req, res, asset);
  }

  private static void secure(ServerResponse res) {
    StaticFiles.secure(res, CSP);
  }

  static boolean isForeign(String raw) {
    for (String p : FOREIGN) {
      String bare = p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
      if (raw.equals(bare) || raw.startsWith(bare + "/")) {
        return true;
      }
    }
    return false;
  }

  /**
   * The classpath resource that answers {@code raw}: a listed vendored file for a path under {@code
   * /vendor/} (any other such path: null), else the file under {@code console/}.
   */
  static @Nullable String resource(String raw) {
    if (raw.startsWith(VENDOR_PREFIX) || raw.equals("/vendor")) {
      return VENDOR.get(raw);
    }
    String name = resourceName(raw);
    return name == null ? null : ROOT + name;
  }

  /**
   * The resource under {@code console/} that answers {@code raw}, or null when the path is not a
   * plain one (escapes, dot segments, empty segments, odd characters) or has an unknown extension.
   */
  static @Nullable String resourceName(String raw) {
    if (!raw.startsWith("/") || raw.length() > 512) {
      return null;
    }
    String path = raw.substring(1);
    if (path.isEmpty() || path.endsWith("/")) {
      return "index.html";
    }
    String[] segments = path.split("/", -1);
    for (String s : segments) {
      if (!SEGMENT.matcher(s).matches() || s.contains("..")) {
        return null;
      }
    }
    String last = segments[segments.length - 1];
    int dot = last.lastIndexOf('.');
    if (dot < 0) {
      return "index.html";
    }
    String ext = last.substring(dot + 1).toLowerCase(Locale.ROOT);
    return TYPES.containsKey(ext) ? path : null;
  }

  /** How many files are held in memory (tests). */
  int cached() {
    return files.cached();
  }
}
