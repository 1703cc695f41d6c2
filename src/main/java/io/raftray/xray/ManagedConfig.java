package io.raftray.xray;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftray.model.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.OptionalInt;

/**
 * The config file the supervised core starts with: only the API (a dokodemo-door inbound on
 * loopback tagged {@code api}, routed to the API handler), stats with per-user counters at level 0,
 * and a {@code freedom} outbound. Endpoints are added at run time through the API, never here, so a
 * user change never restarts the core. The same shape works for Xray and V2Ray 4.x.
 */
final class ManagedConfig {
  static final String API_TAG = "api";
  static final String LOOPBACK = "127.0.0.1";

  private ManagedConfig() {}

  static ObjectNode render(int apiPort) {
    ObjectNode root = Json.mapper().createObjectNode();
    root.putObject("log").put("loglevel", "warning");
    ObjectNode api = root.putObject("api");
    api.put("tag", API_TAG);
    api.putArray("services").add("HandlerService").add("StatsService");
    root.putObject("stats");
    ObjectNode policy = root.putObject("policy");
    policy
        .putObject("levels")
        .putObject("0")
        .put("statsUserUplink", true)
        .put("statsUserDownlink", true);
    policy.putObject("system").put("statsInboundUplink", true).put("statsInboundDownlink", true);
    ObjectNode in = root.putArray("inbounds").addObject();
    in.put("tag", API_TAG);
    in.put("listen", LOOPBACK);
    in.put("port", apiPort);
    in.put("protocol", "dokodemo-door");
    in.putObject("settings").put("address", LOOPBACK);
    ObjectNode out = root.putArray("outbounds").addObject();
    out.put("tag", "direct");
    out.put("protocol", "freedom");
    out.putObject("settings");
    ObjectNode rule = root.putObject("routing").putArray("rules").addObject();
    rule.put("type", "field");
    rule.putArray("inboundTag").add(API_TAG);
    rule.put("outboundTag", API_TAG);
    return root;
  }

  /** Writes the config atomically (a core starting concurrently never reads half a file). */
  static void write(Path file, int apiPort) throws IOException {
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.write(
        tmp, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(render(apiPort)));
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** The API port of a config written by {@link #write}; empty when unreadable. */
  static OptionalInt apiPort(Path file) {
    try {
      JsonNode root = Json.mapper().readTree(file.toFile());
      for (JsonNode in : root.path("inbounds")) {
        if (API_TAG.equals(in.path("tag").asText()) && in.path("port").canConvertToInt()) {
          int port = in.path("port").asInt();
          if (port > 0 && port < 65536) {
            return OptionalInt.of(port);
          }
        }
      }
      return OptionalInt.empty();
    } catch (IOException | RuntimeException e) {
      return OptionalInt.empty();
    }
  }
}
