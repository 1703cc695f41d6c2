package io.raftray.cluster;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * For {@link ClusterAuth}: the record of a sender this node's state does not know, as a member this
 * node does know answers it ({@link MemberLookup}), never as the sender says. Answers are cached
 * (30 s when the member knows the node, 5 s otherwise), concurrent requests of one sender wait for
 * one lookup, and at most two lookups run at once, so a stranger holding a CA-issued certificate
 * cannot make this node flood its peers.
 */
final class MemberVouching {
  static final long KNOWN_MILLIS = 30_000;
  static final long OTHER_MILLIS = 5_000;
  static final int MAX_LOOKUPS = 2;
  private static final long WAIT_MILLIS = 10_000;
  private static final int CACHE_LIMIT = 1024;

  /** Asks known members about {@code nodeId}, never those in {@code exclude}. */
  interface Lookup {
    List<MemberLookup.Reply> ask(String nodeId, String serial, Set<String> exclude);
  }

  /**
   * A verified answer, or null with why there is none; {@code busy} when no lookup could be made
   * now (too many running).
   */
  record Vouch(MemberLookup.Answer answer, String problem, boolean busy, long until) {}

  private final Lookup lookup;
  private final Clock clock;
  private final Map<String, Vouch> cache = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<Vouch>> running = new ConcurrentHashMap<>();
  private final Semaphore slots = new Semaphore(MAX_LOOKUPS);

  MemberVouching(Lookup lookup, Clock clock) {
    this.lookup = Objects.requireNonNull(lookup, "lookup");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** What a known member says about {@code nodeId} presenting the certificate {@code serial}. */
  Vouch vouch(String nodeId, String serial) {
    String key = nodeId + '|' + serial;
    Vouch cached = cache.get(key);
    if (cached != null && cached.until() > clock.millis()) {
      return cached;
    }
    CompletableFuture<Vouch> mine = new CompletableFuture<>();
    CompletableFuture<Vouch> other = running.putIfAbsent(key, mine);
    if (other != null) {
      try {
        return other.get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new Vouch(null, "interrupted", true, 0);
      } catch (ExecutionException | TimeoutException e) {
        return new Vouch(null, "membership lookup did not finish", true, 0);
      }
    }
    Vouch v;
    if (!slots.tryAcquire()) {
      v = new Vouch(null, "too many membership lookups", true, 0);
    } else {
      try {
        v = ask(nodeId, serial);
        if (cache.size() >= CACHE_LIMIT) {
          cache.clear();
        }
        cache.put(key, v);
      } catch (RuntimeException e) {
        v = new Vouch(null, "membership lookup failed", true, 0);
      } finally {
        slots.release();
      }
    }
    running.remove(key, mine);
    mine.complete(v);
    return v;
  }

  private Vouch ask(String nodeId, String serial) {
    List<MemberLookup.Reply> replies = lookup.ask(nodeId, serial, Set.of(nodeId));
    long now = clock.millis();
    for (MemberLookup.Reply r : replies) {
      if (r.verified()) {
        MemberLookup.Answer a = r.answer();
        boolean good = a.known() && !a.removed() && !a.serialRevoked();
        return new Vouch(a, null, false, now + (good ? KNOWN_MILLIS : OTHER_MILLIS));
      }
    }
    String why =
        replies.isEmpty()
            ? "no other member is known"
            : "no known member answered (" + replies.size() + " asked)";
    return new Vouch(null, why, false, now + OTHER_MILLIS);
  }
}
