package io.raftray.xray;

import java.time.Duration;

/**
 * Timings and limits of {@link XraySupervisor}: restart backoff (doubling from {@code
 * initialBackoff} to {@code maxBackoff}, reset after {@code stableAfter} of uptime), how long a
 * start may take before the core counts as failed, the SIGTERM grace period, the API probe
 * interval, the version-detection timeout and the log size at which the core's output is rotated.
 * {@link #DEFAULT} is what a node runs with; tests shorten them.
 */
record SupervisorTiming(
    Duration initialBackoff,
    Duration maxBackoff,
    Duration stableAfter,
    Duration startTimeout,
    Duration stopGrace,
    Duration probeInterval,
    Duration versionTimeout,
    long maxLogBytes) {
  static final SupervisorTiming DEFAULT =
      new SupervisorTiming(
          Duration.ofSeconds(1),
          Duration.ofSeconds(30),
          Duration.ofSeconds(60),
          Duration.ofSeconds(20),
          Duration.ofSeconds(5),
          Duration.ofSeconds(2),
          Duration.ofSeconds(10),
          8L * 1024 * 1024);
}
