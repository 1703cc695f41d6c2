package io.raftray.xray;

import io.raftray.state.State;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Makes the local core's inbounds and users match {@link Desired}: level-triggered and idempotent.
 * Each round computes the desired state of the current view, plans the difference to what was
 * applied since the core (re)started ({@link ReconcilePlan}, pure) and applies it ({@link
 * ReconcileExecutor}, which remembers what it applied because V2Ray 4.x cannot list inbounds or
 * users): changed or removed inbounds are removed, new ones are added with all their users, and
 * users are added or removed with AlterInbound (no core restart for user changes).
 *
 * <p>A round runs when the view changes, when a core (re)starts (full resync: the core lost
 * everything, or was adopted and holds unknown content), at the next retry after a failure (backoff
 * 1 s doubling to 30 s), and every {@code resyncEvery} (every desired user is re-added; "already
 * exists" is success, a missing inbound is rebuilt). Failures are kept per inbound and in {@link
 * #status()}; nothing is dropped silently.
 *
 * <p>Threads: {@link #stateChanged} is called on the state machine's threads, {@link #coreReady}
 * and {@link #coreDown} on the supervisor's, {@link #status} on any (HTTP handlers); they only
 * touch the fields guarded by {@code lock} (or read the volatile status). Rounds, the schedule and
 * the executor's memory belong to the {@code raftray-reconciler} thread alone.
 */
public final class Reconciler implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Reconciler.class.getName());
  static final Duration MIN_BACKOFF = Duration.ofSeconds(1);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  /** Health of the reconciler; {@code lastError} names the inbound and reason, never a secret. */
  public record Status(
      ReconcileState state,
      long generation,
      int inbounds,
      int users,
      int failingInbounds,
      long rounds,
      long failures,
      String lastError,
      Instant lastSuccessAt) {}

  private final String nodeId;
  private final Supplier<State> view;
  private final Duration resyncEvery;
  private final Clock clock;
  private final Object lock = new Object();
  private final Thread thread;

  // guarded by lock: set by the callers' threads, taken by the reconciler thread
  private XrayApi api;
  private long generation;
  private boolean dirty = true;
  private boolean fullResync;
  private boolean newCore; // a core became ready: run at once, whatever the backoff
  private boolean closed;

  // reconciler thread only (due() reads them with the lock held, on that thread)
  private final ReconcileExecutor executor;
  private Instant nextResync;
  private Instant retryAt = Instant.MIN;
  private int consecutiveFailures;
  private long rounds;
  private long coreFailures;

  // written by the reconciler thread, read by any
  private volatile Status status;

  public Reconciler(String nodeId, Supplier<State> view, Duration resyncEvery, Clock clock) {
    this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
    this.view = Objects.requireNonNull(view, "view");
    this.resyncEvery = Objects.requireNonNull(resyncEvery, "resyncEvery");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.executor = new ReconcileExecutor(clock);
    this.status = new Status(ReconcileState.NO_CORE, 0, 0, 0, 0, 0, 0, null, null);
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
      this.newCore = true;
      this.dirty = true;
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

  /** The replicated view changed (cheap: only marks the reconciler dirty). */
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
        newCore = false;
        dirty = false;
      }
      if (current == null) {
        publish(ReconcileState.NO_CORE, gen, null);
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

  /** Called with the lock held, on the reconciler thread. */
  private boolean due() {
    if (api == null) {
      return false;
    }
    if (newCore) {
      return true;
    }
    Instant now = clock.instant();
    if (now.isBefore(retryAt)) {
      return false; // the core itself failed: wait for the backoff
    }
    if (fullResync || dirty || consecutiveFailures > 0 || !now.isBefore(nextResync)) {
      return true;
    }
    Instant tagRetry = executor.nextRetry();
    return tagRetry != null && !now.isBefore(tagRetry);
  }

  private long millisUntilNextDeadline() {
    Instant now = clock.instant();
    Instant next = nextResync;
    if (consecutiveFailures > 0 && retryAt.isBefore(next)) {
      next = retryAt;
    }
    Instant tagRetry = executor.nextRetry();
    if (tagRetry != null && tagRetry.isBefore(next)) {
      next = tagRetry;
    }
    return Duration.between(now, next).toMillis();
  }

  private void round(XrayApi core, long gen, boolean full) {
    rounds++;
    Instant now = clock.instant();
    boolean periodic = !now.isBefore(nextResync);
    if (full) {
      executor.forget();
    }
    if (full || periodic) {
      nextResync = now.plus(resyncEvery);
    }
    Map<String, Desired.Inbound> desired = Desired.of(view.get(), nodeId);
    List<String> errors;
    try {
      errors = executor.run(core, desired, now, periodic);
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
      executor.clearFailures(); // every desired inbound is in the core
      publish(ReconcileState.OK, gen, null, clock.instant());
    } else {
      publish(ReconcileState.FAILING, gen, errors.get(0));
    }
  }

  private void noteFailure(long gen, String reason) {
    coreFailures++;
    consecutiveFailures++;
    retryAt = clock.instant().plusMillis(backoffMillis(consecutiveFailures));
    publish(ReconcileState.FAILING, gen, reason);
  }

  /** 1 s, 2 s, 4 s ... up to 30 s for the {@code n}-th failure in a row. */
  static long backoffMillis(int n) {
    return Math.min(
        MAX_BACKOFF.toMillis(), MIN_BACKOFF.toMillis() << Math.min(10, Math.max(0, n - 1)));
  }

  private void publish(ReconcileState state, long gen, String error) {
    publish(state, gen, error, status.lastSuccessAt());
  }

  private void publish(ReconcileState state, long gen, String error, Instant lastSuccessAt) {
    status =
        new Status(
            state,
            gen,
            executor.inboundCount(),
            executor.userCount(),
            executor.failingCount(),
            rounds,
            coreFailures + executor.failures(),
            error,
            lastSuccessAt);
  }
}
