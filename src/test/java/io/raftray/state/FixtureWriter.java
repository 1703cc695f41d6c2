package io.raftray.state;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.apache.ratis.util.MD5FileUtil;

/**
 * Writes a committed format fixture (only when a test is asked to regenerate it): the log as the
 * leader stamps it, one base64 line per entry, the snapshot at {@code snapshotIndex} with its MD5,
 * and the digest of the final state.
 */
final class FixtureWriter {
  private FixtureWriter() {}

  static void write(Path dir, String snapshotName, long snapshotIndex, List<CommandEnvelope> log)
      throws IOException {
    Files.createDirectories(dir);
    List<String> lines = new ArrayList<>();
    State s = State.empty();
    long index = 0;
    for (CommandEnvelope env : log) {
      byte[] client = CommandCodec.encode(CommandEnvelope.of(env.actor(), env.command()));
      byte[] logged = CommandCodec.encode(CommandCodec.decode(client).stampedAt(env.at()));
      lines.add(Base64.getEncoder().encodeToString(logged));
      s = Store.apply(s, CommandCodec.decode(logged), ++index).state();
      if (index == snapshotIndex) {
        File snap = dir.resolve(snapshotName).toFile();
        Files.write(snap.toPath(), SnapshotCodec.encode(s));
        MD5FileUtil.computeAndSaveMd5ForFile(snap);
      }
    }
    Files.write(dir.resolve("log.b64"), lines, StandardCharsets.US_ASCII);
    Files.writeString(dir.resolve("state.sha256"), SnapshotCodec.digest(s) + "\n");
  }
}
