package io.raftray.xray;

import java.time.Instant;

/**
 * An immutable snapshot of the core's state.
 *
 * @param state what the core is doing
 * @param flavor API dialect (null when not known yet, e.g. before the first version probe)
 * @param version version from the binary's version output, e.g. {@code 4.34.0}; null when unknown
 *     (always for an external core)
 * @param generation increases each time the core becomes ready (start, restart, adoption, an
 *     external core reachable again); 0 before the first time. Per supervisor instance: it starts
 *     again at 1 after a daemon restart, adopted core or not.
 * @param restarts how many times the core was started again after an exit or a failed start
 * @param detail one line for humans: pid and API address, or why it is down and when it is retried
 * @param since when {@code state} was entered
 * @param pid the child's pid, or -1
 * @param adopted true when the running child was started by an earlier daemon run and adopted
 * @param apiHost host of the core's API
 * @param apiPort port of the core's API, or 0 when not known
 */
public record XrayStatus(
    CoreState state,
    Flavor flavor,
    String version,
    long generation,
    int restarts,
    String detail,
    Instant since,
    long pid,
    boolean adopted,
    String apiHost,
    int apiPort) {

  /** True when the core's API can be used. */
  public boolean up() {
    return state.up();
  }

  static XrayStatus disabled(Instant now) {
    return new XrayStatus(
        CoreState.DISABLED, null, null, 0, 0, "no core configured", now, -1, false, null, 0);
  }
}
