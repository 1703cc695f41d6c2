package io.raftray.state;

import io.raftray.model.AuditEvent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Predicate;

/**
 * Bounded, persistent list of audit events. Appending copies only the last chunk and the chunk
 * index, so a write costs O(chunk) instead of O(retention); old views stay valid.
 */
public final class AuditLog {
  static final int CHUNK = 256;
  private static final AuditLog EMPTY = new AuditLog(List.of(), 10_000);

  private final List<List<AuditEvent>> chunks;
  private final int retention;

  private AuditLog(List<List<AuditEvent>> chunks, int retention) {
    this.chunks = chunks;
    this.retention = retention;
  }

  public static AuditLog empty() {
    return EMPTY;
  }

  public static AuditLog of(List<AuditEvent> events, int retention) {
    AuditLog log = new AuditLog(List.of(), retention);
    for (AuditEvent e : events) {
      log = log.append(e);
    }
    return log;
  }

  /** Appends under the retention this log already has. */
  public AuditLog append(AuditEvent event) {
    return append(event, retention);
  }

  /**
   * Appends and trims to about {@code retention} (the replicated setting, so every replica trims
   * the same): whole chunks of the oldest events go, so between {@code retention - CHUNK + 1} and
   * {@code retention + CHUNK - 1} events stay.
   */
  public AuditLog append(AuditEvent event, int retention) {
    List<List<AuditEvent>> next = new ArrayList<>(chunks);
    if (next.isEmpty() || next.get(next.size() - 1).size() >= CHUNK) {
      next.add(List.of(event));
    } else {
      List<AuditEvent> last = new ArrayList<>(next.get(next.size() - 1));
      last.add(event);
      next.set(next.size() - 1, Collections.unmodifiableList(last));
    }
    // Drop whole chunks once the oldest is entirely beyond retention.
    while (next.size() > 1 && (next.size() - 1) * CHUNK >= retention) {
      next.remove(0);
    }
    return new AuditLog(Collections.unmodifiableList(next), retention);
  }

  public int size() {
    int n = 0;
    for (List<AuditEvent> c : chunks) {
      n += c.size();
    }
    return n;
  }

  /** All events, oldest first. */
  public List<AuditEvent> all() {
    List<AuditEvent> out = new ArrayList<>(size());
    chunks.forEach(out::addAll);
    return out;
  }

  /**
   * Newest-first page of matching events with {@code seq < beforeSeq} (use Long.MAX_VALUE for the
   * first page).
   */
  public List<AuditEvent> newestFirst(Predicate<AuditEvent> filter, long beforeSeq, int limit) {
    List<AuditEvent> out = new ArrayList<>();
    for (int c = chunks.size() - 1; c >= 0 && out.size() < limit; c--) {
      List<AuditEvent> chunk = chunks.get(c);
      for (int i = chunk.size() - 1; i >= 0 && out.size() < limit; i--) {
        AuditEvent e = chunk.get(i);
        if (e.seq() < beforeSeq && filter.test(e)) {
          out.add(e);
        }
      }
    }
    return out;
  }
}
