package io.raftray.xray;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.raftray.model.Json;
import io.raftray.state.Command.UsageDelta;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The traffic collector's local journal, {@code <data-dir>/xray/traffic-journal.json}: the last
 * counter values seen and the core generation they belong to, the batches not yet known to be
 * committed, and the next sequence number. Written whole to a temp file, fsynced, atomically
 * renamed over the old one and the directory fsynced, so after a crash it is either the previous or
 * the new version, never a mix.
 */
final class TrafficJournal {
  static final int VERSION = 1;
  static final String FILE = "traffic-journal.json";
  private static final ObjectMapper JSON = Json.mapper();

  /** One batch: its sequence number, whether a submit was ever started, and per-user sums. */
  static final class Batch {
    final long seq;
    final boolean attempted;
    final SortedMap<String, long[]> byUser;

    Batch(long seq, boolean attempted, SortedMap<String, long[]> byUser) {
      this.seq = seq;
      this.attempted = attempted;
      this.byUser = byUser;
    }

    List<UsageDelta> deltas() {
      List<UsageDelta> out = new ArrayList<>(byUser.size());
      byUser.forEach((user, b) -> out.add(new UsageDelta(user, b[0], b[1])));
      return out;
    }
  }

  /** The file format (snake_case JSON). */
  record FileForm(
      int version,
      String nodeId,
      String generation,
      Long coreStartedAt,
      long nextSeq,
      Map<String, Long> lastSeen,
      List<BatchForm> pending) {}

  record BatchForm(long seq, boolean attempted, List<UsageDelta> deltas) {}

  private final Path file;

  String nodeId;
  String generation;

  /**
   * When the core the last seen values come from started (epoch millis, from its uptime); null when
   * unknown (a core without GetSysStats, or a journal written before this field existed).
   */
  Long coreStartedAt;

  long nextSeq = 1;
  TreeMap<String, Long> lastSeen = new TreeMap<>();
  final List<Batch> pending = new ArrayList<>();

  TrafficJournal(Path dir) {
    this.file = dir.resolve(FILE);
  }

  Path file() {
    return file;
  }

  boolean exists() {
    return Files.exists(file);
  }

  /** Reads the file; any damage is an IOException (the caller decides what that means). */
  void load() throws IOException {
    FileForm f;
    try {
      f = JSON.readValue(Files.readAllBytes(file), FileForm.class);
    } catch (IOException | RuntimeException e) {
      throw new IOException("unreadable traffic journal " + file + ": " + e.getMessage(), e);
    }
    if (f.version() != VERSION) {
      throw new IOException("traffic journal " + file + " has unknown version " + f.version());
    }
    nodeId = f.nodeId();
    generation = f.generation();
    coreStartedAt = f.coreStartedAt();
    nextSeq = Math.max(1, f.nextSeq());
    lastSeen = new TreeMap<>(f.lastSeen() == null ? Map.of() : f.lastSeen());
    pending.clear();
    for (BatchForm b : f.pending() == null ? List.<BatchForm>of() : f.pending()) {
      TreeMap<String, long[]> byUser = new TreeMap<>();
      for (UsageDelta d : b.deltas()) {
        byUser.put(d.userId(), new long[] {d.uplinkBytes(), d.downlinkBytes()});
      }
      pending.add(new Batch(b.seq(), b.attempted(), byUser));
    }
  }

  /** Writes the whole journal durably (temp file, fsync, atomic rename, directory fsync). */
  void save() throws IOException {
    List<BatchForm> batches = new ArrayList<>();
    for (Batch b : pending) {
      batches.add(new BatchForm(b.seq, b.attempted, b.deltas()));
    }
    byte[] data =
        JSON.writeValueAsBytes(
            new FileForm(VERSION, nodeId, generation, coreStartedAt, nextSeq, lastSeen, batches));
    Path dir = file.getParent();
    Files.createDirectories(dir);
    Path tmp = dir.resolve(FILE + ".tmp");
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer buf = ByteBuffer.wrap(data);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("cannot atomically replace " + file, e);
    }
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // Some file systems cannot fsync a directory; the rename itself is still atomic.
    }
  }
}
