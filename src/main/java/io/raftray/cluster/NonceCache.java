package io.raftray.cluster;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Nonces seen within the clock-skew window, each kept until its request's timestamp leaves the
 * window (after that the timestamp check alone rejects a replay). Bounded per sender: when one
 * sender's share is full of live entries its new requests are refused rather than old ones
 * forgotten (forgetting would reopen replays), and the other senders are unaffected. Only requests
 * with a valid signature reach it, so only members (whose number the replicated state bounds) hold
 * a share. With a {@link NonceJournal} every accepted nonce is also written to disk before the
 * request is served, and a restarted node starts with the nonces still in their window.
 */
final class NonceCache {
  enum Result {
    FRESH,
    REPLAYED,
    FULL
  }

  private static final long PURGE_INTERVAL_MILLIS = 1_000;

  private final int capacityPerSender;
  private final Map<String, Map<String, Long>> bySender = new HashMap<>();
  private final @Nullable NonceJournal journal;
  private long nextPurge = Long.MIN_VALUE;

  NonceCache(int capacityPerSender) {
    this(capacityPerSender, null);
  }

  private NonceCache(int capacityPerSender, @Nullable NonceJournal journal) {
    if (capacityPerSender < 1) {
      throw new IllegalArgumentException("nonce cache capacity must be >= 1");
    }
    this.capacityPerSender = capacityPerSender;
    this.journal = journal;
  }

  /**
   * A cache backed by the journal in {@code dir}, holding the journal's nonces still alive at
   * {@code now}. {@code rotateMillis} must be at least the longest a nonce lives from its
   * acceptance (twice the skew window).
   */
  static NonceCache persistent(int capacityPerSender, Path dir, long rotateMillis, long now)
      throws IOException {
    NonceJournal.Opened opened = NonceJournal.open(dir, rotateMillis, now);
    NonceCache cache = new NonceCache(capacityPerSender, opened.journal());
    synchronized (cache) {
      for (NonceJournal.Entry e : opened.alive()) {
        cache
            .bySender
            .computeIfAbsent(e.sender(), s -> new HashMap<>())
            .put(e.nonce(), e.expiresAt());
      }
    }
    return cache;
  }

  /** {@link #remember(String, String, long, long)} for a single anonymous sender. */
  Result remember(String key, long expiresAt, long now) {
    return remember("", key, expiresAt, now);
  }

  /** Records {@code nonce} of {@code sender} until {@code expiresAt}; says whether it was seen. */
  synchronized Result remember(String sender, String nonce, long expiresAt, long now) {
    if (now >= nextPurge) {
      purge(now);
      nextPurge = now + PURGE_INTERVAL_MILLIS;
    }
    Map<String, Long> seen = bySender.computeIfAbsent(sender, s -> new HashMap<>());
    Long previous = seen.get(nonce);
    if (previous != null && previous >= now) {
      return Result.REPLAYED;
    }
    if (seen.size() >= capacityPerSender) {
      seen.values().removeIf(e -> e < now);
      if (seen.size() >= capacityPerSender) {
        return Result.FULL;
      }
    }
    if (journal != null) {
      journal.append(sender, nonce, expiresAt, now);
    }
    seen.put(nonce, expiresAt);
    return Result.FRESH;
  }

  private void purge(long now) {
    for (Iterator<Map<String, Long>> it = bySender.values().iterator(); it.hasNext(); ) {
      Map<String, Long> seen = it.next();
      seen.values().removeIf(e -> e < now);
      if (seen.isEmpty()) {
        it.remove();
      }
    }
  }

  /** Closes the journal, if any; remembered nonces stay usable in memory. */
  synchronized void close() throws IOException {
    if (journal != null) {
      journal.close();
    }
  }

  synchronized int size() {
    return bySender.values().stream().mapToInt(Map::size).sum();
  }
}
