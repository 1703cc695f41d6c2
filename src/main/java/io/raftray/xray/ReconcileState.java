package io.raftray.xray;

import java.util.Locale;

/** What the {@link Reconciler} reports of its last round; {@code /readyz} shows {@link #wire()}. */
public enum ReconcileState {
  /** No core has been ready yet: nothing was reconciled. */
  NO_CORE,
  /** The last round put every desired inbound and user into the core. */
  OK,
  /** The last round left an inbound out, or the core stopped answering; retried with backoff. */
  FAILING;

  /** The lowercase name used in {@code /readyz}: {@code no_core}, {@code ok}, {@code failing}. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}
