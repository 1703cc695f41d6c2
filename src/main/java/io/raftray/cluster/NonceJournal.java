package io.raftray.cluster;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The nonces a node accepted, written to disk before the request is served, so that a restart does
 * not reopen the replay window: a request recorded before a {@code kill -9} and replayed after the
 * restart, within its timestamp window, is still refused.
 *
 * <p>Each accepted nonce is one line {@code sender nonce expiresAt} appended with one {@code write}
 * to the current segment. The write is not fsynced: it survives the process being killed (the page
 * cache holds it), not a power loss; a machine that reboots takes longer than the window anyway.
 * Two segments are kept, {@code current} and {@code previous}; every {@code rotateMillis} (twice
 * the skew window, the longest a nonce can live from its acceptance) the previous one, whose
 * entries have all expired, is deleted. A torn last line is ignored on load.
 *
 * <p>Nonces are not secret (they travel in a header); sender ids are node ids. A write that fails
 * is logged once a minute and the request is still served: losing the journal weakens replay
 * protection across a restart only, while refusing every request would stop the cluster.
 */
final class NonceJournal implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(NonceJournal.class.getName());
  static final String CURRENT = "nonces.current";
  static final String PREVIOUS = "nonces.previous";

  /** One remembered nonce. */
  record Entry(String sender, String nonce, long expiresAt) {}

  private final Path dir;
  private final long rotateMillis;
  private FileChannel out;
  private long rotateAt;
  private long lastFailureLog = Long.MIN_VALUE;

  private NonceJournal(Path dir, long rotateMillis, FileChannel out, long rotateAt) {
    this.dir = dir;
    this.rotateMillis = rotateMillis;
    this.out = out;
    this.rotateAt = rotateAt;
  }

  /**
   * Opens the journal in {@code dir} (created if missing), returning it and the entries still alive
   * at {@code now}.
   */
  static Opened open(Path dir, long rotateMillis, long now) throws IOException {
    if (rotateMillis <= 0) {
      throw new IllegalArgumentException("rotation interval must be positive");
    }
    Files.createDirectories(dir);
    List<Entry> alive = new ArrayList<>();
    read(dir.resolve(PREVIOUS), now, alive);
    read(dir.resolve(CURRENT), now, alive);
    // Start a fresh pair: what is alive moves into the new previous segment, whole lines only.
    Path previous = dir.resolve(PREVIOUS);
    StringBuilder carried = new StringBuilder();
    for (Entry e : alive) {
      carried.append(line(e));
    }
    Path tmp = dir.resolve(PREVIOUS + ".tmp");
    Files.writeString(tmp, carried, StandardCharsets.US_ASCII);
    Files.move(tmp, previous, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    FileChannel out = openCurrent(dir);
    return new Opened(new NonceJournal(dir, rotateMillis, out, now + rotateMillis), alive);
  }

  /** The journal and the nonces it held that are still within their window. */
  record Opened(NonceJournal journal, List<Entry> alive) {}

  private static FileChannel openCurrent(Path dir) throws IOException {
    return FileChannel.open(
        dir.resolve(CURRENT),
        StandardOpenOption.CREATE,
        StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING);
  }

  private static void read(Path file, long now, List<Entry> into) throws IOException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      return;
    } catch (CharacterCodingException e) {
      LOG.warning("ignoring unreadable nonce journal " + file.getFileName());
      return;
    }
    int start = 0;
    while (true) {
      int end = text.indexOf('\n', start);
      if (end < 0) {
        break; // a torn last line (killed mid-write) was never acknowledged
      }
      String[] parts = text.substring(start, end).split(" ", -1);
      start = end + 1;
      if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
        continue;
      }
      long expiresAt;
      try {
        expiresAt = Long.parseLong(parts[2]);
      } catch (NumberFormatException e) {
        continue;
      }
      if (expiresAt >= now) {
        into.add(new Entry(parts[0], parts[1], expiresAt));
      }
    }
  }

  private static String line(Entry e) {
    return e.sender() + " " + e.nonce() + " " + e.expiresAt() + "\n";
  }

  /** Records one accepted nonce; called under the cache's lock before the request is served. */
  void append(String sender, String nonce, long expiresAt, long now) {
    try {
      if (now >= rotateAt) {
        rotate(now);
      }
      ByteBuffer buf =
          ByteBuffer.wrap(
              line(new Entry(sender, nonce, expiresAt)).getBytes(StandardCharsets.US_ASCII));
      while (buf.hasRemaining()) {
        out.write(buf);
      }
    } catch (IOException e) {
      if (lastFailureLog == Long.MIN_VALUE || now - lastFailureLog >= 60_000) {
        lastFailureLog = now;
        LOG.log(
            Level.WARNING,
            "cannot write the nonce journal in "
                + dir
                + " ("
                + e.getMessage()
                + "); a restart within the replay window would forget recent nonces");
      }
    }
  }

  private void rotate(long now) throws IOException {
    out.close();
    Files.move(
        dir.resolve(CURRENT),
        dir.resolve(PREVIOUS),
        StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
    out = openCurrent(dir);
    rotateAt = now + rotateMillis;
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
