package io.raftray.xray;

import io.raftray.model.Endpoint;
import io.raftray.model.Security;
import io.raftray.state.State;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Makes the local core's inbounds and users match {@link Desired}: level-triggered and idempotent.
 * It remembers what it applied since the core (re)started, because V2Ray 4.x cannot list inbounds
 * or users. Each round diffs the desired state of the current view against that memory and applies
 * the difference: changed or removed inbounds are removed, new ones are added with all their users,
 * and users are added or removed with AlterInbound (no core restart for user changes).
 *
 * <p>A round runs when the view changes, when a core (re)starts (full resync: the core lost
 * everything, or was adopted and holds unknown content), at the next retry after a failure (backoff
 * 1 s doubling to 30 s), and every {@code resyncEvery} (every desired user is re-added; "already
 * exists" is success, a missing inbound is rebuilt). Failures are kept per inbound and in {@link
 * #status()}; nothing is dropped silently.
 */
public final class Reconciler implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Reconciler.class.getName());
  static final Duration MIN_BACKOFF = Duration.ofSeconds(1);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  /** Health of the reconciler; {@code lastError} names the inbound and reason, never a secret. */
  public record Status(
      String state,
      long generation,
      int inbounds,
      int users,
      int failingInbounds,
      long rounds,
      long failures,
      String lastError,
      Instant lastSuccessAt) {}

  private record Applied(String fingerprint, Endpoint endpoint, Map<String, String> users) {}

  private final String nodeId;
  private final Supplier<State> view;
  private final Duration resyncEvery;
  private final Clock clock;
  private final Object lock = new Object();
  private final Thread thread;
  private final Map<String, Applied> applied = new LinkedHashMap<>();
  private final Map<String, String> failing = new LinkedHashMap<>();

  /** Per failing inbound: when to try it again, and how often it failed in a row. */
  private final Map<String, Instant> tagRetryAt = new HashMap<>();

  private final Map<String, Integer> tagFailures = new HashMap<>();
  private final AtomicLong rounds = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();

  // guarded by lock
  private XrayApi api;
  private long generation;
  private boolean dirty = true;
  private boolean fullResync;
  private boolean closed;

  // reconciler thread only
  private Instant nextResync;
  private volatile Instant retryAt = Instant.MIN;
  private volatile int consecutiveFailures;
  private volatile Status status;

  public Reconciler(String nodeId, Supplier<State> view, Duration resyncEvery, Clock clock) {
    this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
    this.view = Objects.requireNonNull(view, "view");
    this.resyncEvery = Objects.requireNonNull(resyncEvery, "resyncEvery");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.status = new Status("no_core", 0, 0, 0, 0, 0, 0, null, null);
    this.thread = Thread.ofPlatform().daemon().name("raftray-reconciler").unstarted(this::loop);
  }

  public void start() {
    thread.start();
  }

  /**
   * A core (re)started or was adopted: reconcile everything against it. {@code api} is owned by the
   * caller.
   */
  public void coreReady(long generation, XrayApi api) {
    synchronized (lock) {
      this.api = Objects.requireNonNull(api, "api");
      this.generation = generation;
      this.fullResync = true;
      this.dirty = true;
      this.retryAt = Instant.MIN;
      lock.notifyAll();
    }
  }

  /** The core of {@code generation} is gone; wait for the next one. */
  public void coreDown(long generation) {
    synchronized (lock) {
      if (this.generation == generation) {
        this.api = null;
      }
    }
  }

  /** The replicated view changed (cheap; called on the apply thread). */
  public void stateChanged() {
    synchronized (lock) {
      dirty = true;
      lock.notifyAll();
    }
  }

  public Status status() {
    return status;
  }

  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      lock.notifyAll();
    }
    try {
      thread.join(Duration.ofSeconds(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void loop() {
    nextResync = clock.instant().plus(resyncEvery);
    while (true) {
      XrayApi current;
      long gen;
      boolean full;
      synchronized (lock) {
        while (!closed && !due()) {
          long waitMs = Math.max(1, millisUntilNextDeadline());
          try {
            lock.wait(Math.min(waitMs, 1000));
          } catch (InterruptedException e) {
            return;
          }
        }
        if (closed) {
          return;
        }
        current = api;
        gen = generation;
        full = fullResync;
        fullResync = false;
        dirty = false;
      }
      if (current == null) {
        publish("no_core", gen, null);
        continue;
      }
      try {
        round(current, gen, full);
      } catch (RuntimeException e) {
        // A bug must not kill the thread; the next round retries.
        LOG.log(Level.WARNING, "reconcile round failed", e);
        noteFailure(gen, "internal error: " + e.getClass().getSimpleName());
      }
    }
  }

  /** Called with the lock held. */
  private boolean due() {
    if (api == null) {
      return false;
    }
    Instant now = clock.instant();
    if (now.isBefore(retryAt)) {
      return false; // the core itself failed: wait for the backoff
    }
    if (fullResync) {
      return true;
    }
    if (dirty || consecutiveFailures > 0 || !now.isBefore(nextResync)) {
      return true;
    }
    for (Instant t : tagRetryAt.values()) {
      if (!now.isBefore(t)) {
        return true;
      }
    }
    return false;
  }

  private long millisUntilNextDeadline() {
    Instant now = clock.instant();
    Instant next = nextResync;
    if (consecutiveFailures > 0 && retryAt.isBefore(next)) {
      next = retryAt;
    }
    for (Instant t : tagRetryAt.values()) {
      if (t.isBefore(next)) {
        next = t;
      }
    }
    return Duration.between(now, next).toMillis();
  }

  private void round(XrayApi core, long gen, boolean full) {
    rounds.incrementAndGet();
    Instant now = clock.instant();
    boolean periodic = !now.isBefore(nextResync);
    if (full) {
      applied.clear();
      failing.clear();
      tagRetryAt.clear();
      tagFailures.clear();
    }
    if (full || periodic) {
      nextResync = now.plus(resyncEvery);
    }
    State state = view.get();
    Map<String, Desired.Inbound> desired = Desired.of(state, nodeId);
    List<String> errors = new ArrayList<>();
    try {
      // 1. inbounds that must go (removed, disabled, or changed: rebuilt below)
      for (var it = new ArrayList<>(applied.entrySet()).iterator(); it.hasNext(); ) {
        var e = it.next();
        Desired.Inbound want = desired.get(e.getKey());
        if (want == null || !e.getValue().fingerprint().equals(fingerprint(core.flavor(), want))) {
          ignoring(XrayApiException.Kind.NOT_FOUND, () -> core.removeInbound(e.getKey()));
          applied.remove(e.getKey());
          LOG.info(() -> "removed inbound " + e.getKey() + " from the core");
        }
      }
      // 2. inbounds to add, and user differences of the others
      for (Desired.Inbound want : desired.values()) {
        String tag = want.endpoint().tag();
        if (singleUser(core, want) && want.users().isEmpty()) {
          continue; // a one-user inbound without its user cannot be built: nothing to run
        }
        Instant tagRetry = tagRetryAt.get(tag);
        if (tagRetry != null && now.isBefore(tagRetry) && !periodic) {
          errors.add(failing.get(tag));
          continue; // still backing off
        }
        try {
          Applied have = applied.get(tag);
          if (have == null) {
            addInbound(core, want);
          } else if (!singleUser(core, want)) {
            syncUsers(core, want, have, periodic);
          }
          tagRetryAt.remove(tag);
          tagFailures.remove(tag);
          if (failing.remove(tag) != null) {
            LOG.info(() -> "inbound " + tag + " is in the core again");
          }
        } catch (XrayApiException e) {
          if (e.kind() == XrayApiException.Kind.UNAVAILABLE) {
            throw e;
          }
          String reason = "inbound " + tag + ": " + e.getMessage();
          if (!reason.equals(failing.put(tag, reason))) {
            LOG.warning(() -> "cannot apply " + reason + " (retrying with backoff)");
          }
          int n = tagFailures.merge(tag, 1, Integer::sum);
          tagRetryAt.put(tag, clock.instant().plusMillis(backoffMillis(n)));
          failures.incrementAndGet();
          errors.add(reason);
        }
      }
      failing.keySet().retainAll(desired.keySet());
      tagRetryAt.keySet().retainAll(desired.keySet());
      tagFailures.keySet().retainAll(desired.keySet());
    } catch (XrayApiException e) {
      // The core went away in the middle: what it holds is unknown; resync fully when it's back.
      synchronized (lock) {
        fullResync = true;
      }
      noteFailure(gen, "core unavailable: " + e.getMessage());
      return;
    }
    consecutiveFailures = 0;
    retryAt = Instant.MIN;
    if (errors.isEmpty()) {
      failing.clear(); // every desired inbound is in the core
      publish("ok", gen, null, clock.instant());
    } else {
      publish("failing", gen, errors.get(0));
    }
  }

  private void addInbound(XrayApi core, Desired.Inbound want) {
    Endpoint e = want.endpoint();
    List<InboundUser> users = new ArrayList<>(want.users().values());
    // A tag this reconciler did not apply may still be in the core (an adopted core, or an earlier
    // attempt whose answer was lost) with unknown content. V2Ray 4.34 accepts a second inbound
    // with the same tag and keeps the old listener, so always remove before adding.
    ignoring(XrayApiException.Kind.NOT_FOUND, () -> core.removeInbound(e.tag()));
    try {
      core.addInbound(e, users);
    } catch (XrayApiException ex) {
      if (ex.kind() != XrayApiException.Kind.ALREADY_EXISTS) {
        throw ex;
      }
      ignoring(XrayApiException.Kind.NOT_FOUND, () -> core.removeInbound(e.tag()));
      core.addInbound(e, users);
    }
    Map<String, String> creds = new HashMap<>();
    for (InboundUser u : users) {
      creds.put(u.email(), u.credential());
    }
    applied.put(e.tag(), new Applied(fingerprint(core.flavor(), want), e, creds));
    LOG.info(() -> "added inbound " + e.tag() + " with " + users.size() + " users to the core");
  }

  private void syncUsers(XrayApi core, Desired.Inbound want, Applied have, boolean reassert) {
    String tag = want.endpoint().tag();
    Map<String, String> users = have.users();
    for (var it = users.entrySet().iterator(); it.hasNext(); ) {
      var u = it.next();
      InboundUser w = want.users().get(u.getKey());
      if (w == null || !w.credential().equals(u.getValue())) {
        ignoring(XrayApiException.Kind.NOT_FOUND, () -> core.removeUser(tag, u.getKey()));
        it.remove();
      }
    }
    for (InboundUser w : want.users().values()) {
      if (!reassert && users.containsKey(w.email())) {
        continue;
      }
      try {
        core.addUser(want.endpoint(), w);
      } catch (XrayApiException ex) {
        if (ex.kind() == XrayApiException.Kind.NOT_FOUND) {
          // The inbound vanished from the core (someone removed it): rebuild it next.
          applied.remove(tag);
          addInbound(core, want);
          return;
        }
        if (ex.kind() != XrayApiException.Kind.ALREADY_EXISTS) {
          throw ex;
        }
      }
      users.put(w.email(), w.credential());
    }
  }

  @SuppressWarnings("NonAtomicVolatileUpdate") // written by the reconciler thread only
  private void noteFailure(long gen, String reason) {
    failures.incrementAndGet();
    consecutiveFailures++;
    retryAt = clock.instant().plusMillis(backoffMillis(consecutiveFailures));
    publish("failing", gen, reason);
  }

  /** 1 s, 2 s, 4 s ... up to 30 s for the {@code n}-th failure in a row. */
  static long backoffMillis(int n) {
    return Math.min(
        MAX_BACKOFF.toMillis(), MIN_BACKOFF.toMillis() << Math.min(10, Math.max(0, n - 1)));
  }

  private void publish(String state, long gen, String error) {
    publish(state, gen, error, status.lastSuccessAt());
  }

  private void publish(String state, long gen, String error, Instant lastSuccessAt) {
    status =
        new Status(
            state,
            gen,
            applied.size(),
            userCount(),
            failing.size(),
            rounds.get(),
            failures.get(),
            error,
            lastSuccessAt);
  }

  private int userCount() {
    int n = 0;
    for (Applied a : applied.values()) {
      n += a.users().size();
    }
    return n;
  }

  /**
   * The endpoint's fingerprint, including the modification time and size of its TLS files, so a
   * renewed certificate on disk rebuilds the inbound at the next round.
   */
  private static String fingerprint(Flavor flavor, Desired.Inbound want) {
    Endpoint e = want.endpoint();
    String files = "";
    if (Capabilities.singleUser(flavor, e.protocol())) {
      // Its users cannot change at run time: a different user set rebuilds the inbound.
      files = credentialsHash(want) + ";";
    }
    if (e.security() == Security.TLS) {
      files +=
          fileStamp(e.settings().get("certificate_file")) + fileStamp(e.settings().get("key_file"));
    }
    return Desired.fingerprint(e, files);
  }

  private static boolean singleUser(XrayApi core, Desired.Inbound want) {
    return Capabilities.singleUser(core.flavor(), want.endpoint().protocol());
  }

  private static String credentialsHash(Desired.Inbound want) {
    StringBuilder sb = new StringBuilder();
    new java.util.TreeMap<>(want.users())
        .forEach((email, u) -> sb.append(email).append(' ').append(u.credential()).append('\n'));
    return io.raftray.model.Digests.sha256Hex(sb.toString());
  }

  private static String fileStamp(Object path) {
    if (!(path instanceof String p)) {
      return "-";
    }
    try {
      Path f = Path.of(p);
      return Files.getLastModifiedTime(f).toMillis() + ":" + Files.size(f) + ";";
    } catch (IOException | RuntimeException e) {
      return "?;";
    }
  }

  private static void ignoring(XrayApiException.Kind kind, Runnable call) {
    try {
      call.run();
    } catch (XrayApiException e) {
      if (e.kind() != kind) {
        throw e;
      }
    }
  }
}
