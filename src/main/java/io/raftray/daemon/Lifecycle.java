package io.raftray.daemon;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.logging.Logger;
import org.jspecify.annotations.NullMarked;

/**
 * What a starting daemon has brought up so far, closed in reverse order: by {@link Daemon#close}
 * and, when a later startup step fails, by {@link Daemon#start} before it reports the failure, so
 * nothing started (threads, the listener, Raft, the core) outlives a failed start.
 */
@NullMarked
final class Lifecycle implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Lifecycle.class.getName());

  /**
   * Something started that must be stopped; if it throws, that is logged and the rest still stop.
   */
  interface Stoppable {
    void stop() throws Exception;
  }

  private record Step(String name, Stoppable stopper) {}

  private final Deque<Step> started = new ArrayDeque<>();

  /** Records a started part; returns {@code part} for chaining. */
  <T> T add(String name, T part, Stoppable stop) {
    synchronized (started) {
      started.push(new Step(name, stop));
    }
    return part;
  }

  <T extends AutoCloseable> T add(String name, T part) {
    return add(name, part, part::close);
  }

  /** Stops everything added, newest first; idempotent. */
  @Override
  public void close() {
    while (true) {
      Step s;
      synchronized (started) {
        s = started.poll();
      }
      if (s == null) {
        return;
      }
      try {
        s.stopper().stop();
      } catch (Exception | Error e) { // keep stopping the rest whatever one part throws
        LOG.warning(s.name() + " did not close cleanly: " + e.getMessage());
      }
    }
  }
}
