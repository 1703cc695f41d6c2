package io.raftray.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.NullMarked;

/**
 * Scheduled backups written by the node itself ({@code "backup"} in node.json; docs/operations.md,
 * "Backups"): every {@code every_minutes} the node writes its applied view into {@code dir} and
 * deletes the oldest files beyond {@code keep}; with {@code passphrase_file} they are encrypted.
 * Absent: no scheduled backups.
 */
@NullMarked
public record BackupSchedule(
    Optional<Path> dir, Duration every, int keep, Optional<Path> passphraseFile) {
  static final Set<String> KEYS = Set.of("dir", "every_minutes", "keep", "passphrase_file");
  static final int MAX_MINUTES = 7 * 24 * 60;
  static final int MAX_KEEP = 10_000;

  private static final BackupSchedule NONE =
      new BackupSchedule(Optional.empty(), Duration.ZERO, 0, Optional.empty());

  /** No scheduled backups. */
  public static BackupSchedule none() {
    return NONE;
  }

  /** Whether backups are scheduled. */
  public boolean enabled() {
    return dir.isPresent();
  }

  /** Reads {@code "backup"}; problems are added to {@code problems}. */
  static BackupSchedule read(JsonNode root, List<String> problems) {
    JsonNode b = root.path("backup");
    if (b.isMissingNode() || b.isNull()) {
      return NONE;
    }
    if (!b.isObject()) {
      problems.add("backup must be an object");
      return NONE;
    }
    for (Iterator<String> it = b.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!KEYS.contains(k)) {
        problems.add("backup." + k + ": unknown key");
      }
    }
    Optional<Path> dir = absolute(b, "dir", problems);
    if (dir.isEmpty() && !b.has("dir")) {
      problems.add("backup.dir is required");
    }
    int minutes = number(b, "every_minutes", 1, MAX_MINUTES, 60, problems);
    int keep = number(b, "keep", 1, MAX_KEEP, 24, problems);
    Optional<Path> pass =
        b.has("passphrase_file") ? absolute(b, "passphrase_file", problems) : Optional.empty();
    return new BackupSchedule(dir, Duration.ofMinutes(minutes), keep, pass);
  }

  private static Optional<Path> absolute(JsonNode b, String key, List<String> problems) {
    JsonNode v = b.get(key);
    if (v == null) {
      return Optional.empty();
    }
    if (!v.isTextual() || v.asText().isBlank() || !Path.of(v.asText()).isAbsolute()) {
      problems.add("backup." + key + " must be an absolute path");
      return Optional.empty();
    }
    return Optional.of(Path.of(v.asText()));
  }

  private static int number(
      JsonNode b, String key, int min, int max, int otherwise, List<String> problems) {
    JsonNode v = b.get(key);
    if (v == null) {
      return otherwise;
    }
    if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < min || v.asInt() > max) {
      problems.add("backup." + key + " must be a whole number from " + min + " to " + max);
      return otherwise;
    }
    return v.asInt();
  }

  /** Writes {@code "backup"} unless there is no schedule. */
  void write(ObjectNode root) {
    if (!enabled()) {
      return;
    }
    ObjectNode b = root.putObject("backup");
    b.put("dir", dir.orElseThrow().toString());
    b.put("every_minutes", every.toMinutes());
    b.put("keep", keep);
    passphraseFile.ifPresent(p -> b.put("passphrase_file", p.toString()));
  }
}
