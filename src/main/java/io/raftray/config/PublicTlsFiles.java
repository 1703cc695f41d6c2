package io.raftray.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;

/**
 * Operator certificates for public clients ({@code public_tls} in {@code node.json}): each pair is
 * a PEM chain (leaf first, e.g. certbot's {@code fullchain.pem}) and its private key. Only the
 * paths are checked here; the files are loaded (and reloaded when they change) by the daemon, so a
 * file that is missing at startup does not stop the node.
 */
@NullMarked
public record PublicTlsFiles(List<Pair> pairs) {
  /** More pairs than any host needs; a longer list is a mistake. */
  public static final int MAX_PAIRS = 32;

  private static final Set<String> PAIR_KEYS = Set.of("cert", "key");

  public PublicTlsFiles {
    pairs = List.copyOf(pairs);
  }

  /** A chain file and its key file, both absolute. */
  public record Pair(Path cert, Path key) {
    public Pair {
      Objects.requireNonNull(cert, "cert");
      Objects.requireNonNull(key, "key");
    }
  }

  /** No operator certificate: every client gets the cluster certificate. */
  public static PublicTlsFiles none() {
    return new PublicTlsFiles(List.of());
  }

  public boolean isEmpty() {
    return pairs.isEmpty();
  }

  void write(ObjectNode root) {
    if (pairs.isEmpty()) {
      return;
    }
    ArrayNode list = root.putArray("public_tls");
    for (Pair p : pairs) {
      list.addObject().put("cert", p.cert().toString()).put("key", p.key().toString());
    }
  }

  /** The optional {@code public_tls} list; problems are added to {@code problems}. */
  static PublicTlsFiles read(JsonNode root, List<String> problems) {
    JsonNode list = root.path("public_tls");
    if (list.isMissingNode() || list.isNull()) {
      return none();
    }
    if (!list.isArray()) {
      problems.add("public_tls must be a list of {\"cert\": path, \"key\": path}");
      return none();
    }
    if (list.size() > MAX_PAIRS) {
      problems.add("public_tls has " + list.size() + " entries (at most " + MAX_PAIRS + ")");
      return none();
    }
    List<Pair> pairs = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode n = list.get(i);
      String at = "public_tls[" + i + "]";
      if (!n.isObject()) {
        problems.add(at + " must be an object with \"cert\" and \"key\"");
        continue;
      }
      for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
        String k = it.next();
        if (!PAIR_KEYS.contains(k)) {
          problems.add("unknown key " + at + "." + k);
        }
      }
      Path cert = path(n, "cert", at, problems);
      Path key = path(n, "key", at, problems);
      if (cert != null && key != null) {
        pairs.add(new Pair(cert, key));
      }
    }
    return new PublicTlsFiles(pairs);
  }

  /** An absolute path: the daemon's working directory is no place to look for certificates. */
  private static @Nullable Path path(JsonNode n, String key, String at, List<String> problems) {
    JsonNode v = n.get(key);
    if (v == null || !v.isTextual() || v.asText().isBlank()) {
      problems.add(at + "." + key + " is required (a file path)");
      return null;
    }
    Path p;
    try {
      p = Path.of(v.asText());
    } catch (java.nio.file.InvalidPathException e) {
      problems.add(at + "." + key + " is not a valid path");
      return null;
    }
    if (!p.isAbsolute()) {
      problems.add(at + "." + key + " must be an absolute path, got '" + v.asText() + "'");
      return null;
    }
    return p.normalize();
  }
}
