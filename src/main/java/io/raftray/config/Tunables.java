package io.raftray.config;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.NullMarked;

/**
 * The daemon's timing knobs that are not in {@code node.json}: one home with documented defaults
 * ({@link #DEFAULT}); tests pass shorter ones to {@code Daemon.start}.
 *
 * @param coreResync interval of the reconciler's full resync that re-asserts every inbound and user
 *     in the core, even when the state did not change (default 5 min)
 * @param coreReportInterval how often the core's health is compared with the replicated report; a
 *     {@code node.report_xray} is written only on change (default 1 s)
 * @param usageTickInterval how often the leader checks whether a {@code users.tick} (expiry,
 *     periodic resets) is due (default 1 s)
 * @param renewal automatic renewal of node certificates (default: check hourly, renew after 2/3 of
 *     the lifetime, issue 30-day certificates)
 */
@NullMarked
public record Tunables(
    Duration coreResync,
    Duration coreReportInterval,
    Duration usageTickInterval,
    RenewalSettings renewal) {

  public static final Tunables DEFAULT =
      new Tunables(
          Duration.ofMinutes(5),
          Duration.ofSeconds(1),
          Duration.ofSeconds(1),
          new RenewalSettings(Duration.ofHours(1), Duration.ofDays(30), 2.0 / 3.0));

  public Tunables {
    for (Duration d : new Duration[] {coreResync, coreReportInterval, usageTickInterval}) {
      if (d == null || !d.isPositive()) {
        throw new IllegalArgumentException("tunable intervals must be positive");
      }
    }
    Objects.requireNonNull(renewal, "renewal");
  }

  public Tunables withRenewal(RenewalSettings r) {
    return new Tunables(coreResync, coreReportInterval, usageTickInterval, r);
  }
}
