package io.raftray.sub;

import io.helidon.http.Header;
import io.raftray.model.ClusterSettings;
import io.raftray.model.Endpoint;
import io.raftray.model.Grant;
import io.raftray.model.Group;
import io.raftray.model.Node;
import io.raftray.model.SubscriptionSettings;
import io.raftray.model.User;
import io.raftray.state.State;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * Rendered subscription documents (body, headers, ETag), so that a client fetching the same
 * document again costs a lookup instead of building and rendering it. See docs/subscriptions.md,
 * "Document cache".
 *
 * <p><b>Never stale.</b> An entry is used only when every input of the document is the very same
 * object as when it was rendered: the {@link User} record (status, limits, usage, expiry, groups,
 * credentials, token), the state's {@code nodes}, {@code endpoints}, {@code grants}, {@code
 * groups}, {@code subscriptionSettings} and cluster {@code settings}, plus the request's format,
 * whether it was negotiated (the {@code Vary} header), the device notice of this fetch and whether
 * the user's {@code expire_at} has passed on the clock. The state is immutable and every change
 * replaces the objects it touches, so an identity check per input is exact: a change that can
 * affect a document (any user, endpoint, grant, node, group or settings write) makes its entry
 * miss; changes elsewhere (usage of other users, audit, tokens, devices) keep it. Comparing
 * identities is O(1) per input.
 *
 * <p><b>Bounded.</b> Direct-mapped: {@link #SLOTS} slots chosen by the key's hash, a newer document
 * displaces the one in its slot; the bytes held (bodies plus headers, estimated per entry) never
 * exceed {@link #MAX_BYTES} (8 MiB) by more than the documents being inserted concurrently, and a
 * document above {@link #MAX_DOCUMENT} is not cached at all. Lock-free: readers see a whole entry
 * or none.
 */
final class DocumentCache {
  /** Slots: one user's default document per slot for up to this many users. */
  static final int SLOTS = 4096;

  /** Bytes of documents and headers held at most (see the class comment). */
  static final long MAX_BYTES = 8L << 20;

  /** A bigger document is rendered on every fetch. */
  static final int MAX_DOCUMENT = 256 << 10;

  /** Estimated fixed cost of an entry besides its bytes: the objects and the header values. */
  private static final int ENTRY_OVERHEAD = 512;

  /** One rendered answer: status 200 headers in order (ETag included), the body, the ETag. */
  record Doc(List<Header> headers, byte[] body, String etag) {}

  /** Everything a request contributes to its document. */
  record Key(String userId, Format format, boolean negotiated, @Nullable String deviceNotice) {}

  /** The state's collections a document is built from, compared by identity. */
  private record Inputs(
      NavigableMap<String, Node> nodes,
      NavigableMap<String, Endpoint> endpoints,
      NavigableMap<String, Grant> grants,
      NavigableMap<String, Group> groups,
      SubscriptionSettings subscriptionSettings,
      ClusterSettings settings) {

    static Inputs of(State s) {
      return new Inputs(
          s.nodes(), s.endpoints(), s.grants(), s.groups(), s.subscriptionSettings(), s.settings());
    }

    boolean sameAs(State s) {
      return nodes == s.nodes()
          && endpoints == s.endpoints()
          && grants == s.grants()
          && groups == s.groups()
          && subscriptionSettings == s.subscriptionSettings()
          && settings == s.settings();
    }
  }

  private record Entry(Key key, User user, Inputs inputs, boolean expired, Doc doc, int cost) {}

  private final AtomicReferenceArray<@Nullable Entry> slots = new AtomicReferenceArray<>(SLOTS);
  private final AtomicLong bytes = new AtomicLong();
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();

  /** Whether {@code u}'s {@code expire_at} has passed at {@code now} (its document says so). */
  static boolean expired(User u, Instant now) {
    return u.expireAt() != null && !u.expireAt().isAfter(now);
  }

  /** The document rendered for exactly these inputs, or null. */
  @Nullable Doc get(Key key, State s, User user, Instant now) {
    Entry e = slots.get(slot(key));
    if (e != null
        && e.user() == user
        && e.expired() == expired(user, now)
        && e.key().equals(key)
        && e.inputs().sameAs(s)) {
      hits.increment();
      return e.doc();
    }
    misses.increment();
    return null;
  }

  /** Keeps {@code doc}, rendered from {@code s} and {@code user} at {@code now}, if it fits. */
  void put(Key key, State s, User user, Instant now, Doc doc) {
    long cost = (long) doc.body().length + ENTRY_OVERHEAD;
    for (Header h : doc.headers()) {
      cost += h.name().length() + h.get().length();
    }
    if (doc.body().length > MAX_DOCUMENT || cost > Integer.MAX_VALUE) {
      return;
    }
    int slot = slot(key);
    Entry mine = new Entry(key, user, Inputs.of(s), expired(user, now), doc, (int) cost);
    Entry old = slots.getAndSet(slot, mine);
    long total = bytes.addAndGet(cost - (old == null ? 0 : old.cost()));
    if (total > MAX_BYTES && slots.compareAndSet(slot, mine, null)) {
      // Over budget: this document stays uncached (the one it displaced is gone as well).
      bytes.addAndGet(-cost);
    }
  }

  /** Drops every entry (tests; memory pressure is bounded by construction). */
  void clear() {
    for (int i = 0; i < SLOTS; i++) {
      Entry old = slots.getAndSet(i, null);
      if (old != null) {
        bytes.addAndGet(-old.cost());
      }
    }
  }

  /** Bytes held now (estimate, see {@link #MAX_BYTES}). */
  long bytes() {
    return bytes.get();
  }

  long hits() {
    return hits.sum();
  }

  long misses() {
    return misses.sum();
  }

  private static int slot(Key k) {
    int h = Objects.hash(k.userId(), k.format(), k.negotiated(), k.deviceNotice());
    h ^= h >>> 16;
    return h & (SLOTS - 1);
  }

  /**
   * For {@link Doc} headers: a map in its order becomes headers validated and encoded once ({@link
   * FixedHeader}).
   *
   * @throws IllegalArgumentException when a name or value is not valid in HTTP
   */
  static List<Header> headers(Map<String, String> m) {
    return m.entrySet().stream()
        .<Header>map(e -> new FixedHeader(e.getKey(), e.getValue()))
        .toList();
  }
}
