package io.raftray.model;

import java.util.logging.Logger;

/**
 * Log-once bookkeeping for a retried background step (a tick, a report, a poll): the first failure
 * of a streak is a warning, the retries are silent, and the first success after it says how many
 * attempts failed. Thread-safe.
 */
public final class FailureStreak {
  private final Logger log;
  private long failures;

  public FailureStreak(Logger log) {
    this.log = log;
  }

  /** Records a failure; logs {@code warning} only when it starts a streak. */
  public synchronized void failed(String warning) {
    if (failures++ == 0) {
      log.warning(warning);
    }
  }

  /** Ends a streak, if any, with "{@code recovered} after N failed attempts". */
  public synchronized void succeeded(String recovered) {
    if (failures > 0) {
      log.info(recovered + " after " + failures + " failed attempts");
      failures = 0;
    }
  }
}
