package io.raftray.console;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.raftray.http.Problems;
import io.raftray.model.ErrorKind;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.NullMarked;

/**
 * Classpath files as the console and the API docs page serve them: read once and kept (only files
 * that exist, so anyone asking for missing paths cannot grow the cache), typed by extension, with
 * an {@code ETag}, revalidated on each load ({@code no-cache}) and the security headers of the
 * page's Content-Security-Policy.
 */
@NullMarked
final class StaticFiles {
  static final Map<String, String> TYPES =
      Map.of(
          "html", "text/html; charset=utf-8",
          "js", "text/javascript; charset=utf-8",
          "css", "text/css; charset=utf-8",
          "json", "application/json",
          "svg", "image/svg+xml",
          "png", "image/png",
          "ico", "image/x-icon",
          "txt", "text/plain; charset=utf-8");

  record Asset(byte[] body, String type, String etag) {}

  private final ClassLoader loader;
  private final Map<String, Asset> cache = new ConcurrentHashMap<>();

  StaticFiles(ClassLoader loader) {
    this.loader = loader;
  }

  /** The headers every answer of a page with this policy carries, errors included. */
  static void secure(ServerResponse res, String csp) {
    res.header("Content-Security-Policy", csp);
    res.header("X-Content-Type-Options", "nosniff");
    res.header("X-Frame-Options", "DENY");
    res.header("Referrer-Policy", "no-referrer");
    res.header("Cross-Origin-Opener-Policy", "same-origin");
    res.header("Cross-Origin-Resource-Policy", "same-origin");
    res.header("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
  }

  /** Answers 405 (with {@code Allow}) to anything but GET and HEAD; true when it did. */
  static boolean refusedMethod(ServerRequest req, ServerResponse res) {
    String method = req.prologue().method().text();
    if (method.equals("GET") || method.equals("HEAD")) {
      return false;
    }
    res.header(HeaderNames.ALLOW, "GET, HEAD");
    Problems.send(res, ErrorKind.METHOD_NOT_ALLOWED, method + " is not allowed here");
    return true;
  }

  /** Answers a GET or HEAD with the asset: ETag, no-cache, its type; 304 when it matches. */
  static void send(ServerRequest req, ServerResponse res, Asset asset) {
    res.header(HeaderNames.ETAG, asset.etag());
    res.header(HeaderNames.CACHE_CONTROL, "no-cache");
    res.header(HeaderNames.CONTENT_TYPE, asset.type());
    if (req.headers().contains(HeaderNames.IF_NONE_MATCH)
        && req.headers().get(HeaderNames.IF_NONE_MATCH).values().contains(asset.etag())) {
      res.status(Status.NOT_MODIFIED_304).send();
      return;
    }
    if (req.prologue().method().text().equals("HEAD")) {
      res.header(HeaderNames.CONTENT_LENGTH, Integer.toString(asset.body().length));
      res.send();
      return;
    }
    res.send(asset.body());
  }

  Optional<Asset> load(String name) {
    Asset known = cache.get(name);
    if (known != null) {
      return Optional.of(known);
    }
    Optional<Asset> read = read(name);
    read.ifPresent(a -> cache.putIfAbsent(name, a));
    return read;
  }

  /** How many files are held in memory (tests). */
  int cached() {
    return cache.size();
  }

  /** Reads a classpath resource; its type is that of its extension (none: plain text). */
  private Optional<Asset> read(String name) {
    try (InputStream in = loader.getResourceAsStream(name)) {
      if (in == null) {
        return Optional.empty();
      }
      byte[] body = in.readAllBytes();
      int dot = name.lastIndexOf('.');
      String ext =
          dot > name.lastIndexOf('/') ? name.substring(dot + 1).toLowerCase(Locale.ROOT) : "txt";
      String etag =
          "\""
              + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body), 0, 16)
              + "\"";
      return Optional.of(
          new Asset(body, TYPES.getOrDefault(ext, "application/octet-stream"), etag));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read static file " + name, e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
