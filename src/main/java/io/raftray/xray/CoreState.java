package io.raftray.xray;

import java.util.Locale;

/** What the node's core is doing, as {@link XraySupervisor} sees it. */
public enum CoreState {
  /** A child was launched and its API port does not accept connections yet. */
  STARTING,
  /** The supervised child's API port accepts connections. */
  RUNNING,
  /** The child exited; it is started again after a backoff. */
  RESTARTING,
  /**
   * The core cannot run: the binary cannot be executed or its flavor not told, or an external
   * core's API is not reachable. Retried with backoff (children) or probed again (external).
   */
  FAILED,
  /** An external core's API port accepts connections. */
  EXTERNAL,
  /** No core is configured (or the supervisor was stopped). */
  DISABLED;

  /** True when the core's API can be used. */
  public boolean up() {
    return this == RUNNING || this == EXTERNAL;
  }

  /** The lowercase name used in JSON, metrics and {@code node.report_xray}. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}
