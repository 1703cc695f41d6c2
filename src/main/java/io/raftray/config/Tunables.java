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
 * @param activityInterval how often this node commits its batch of subscription activity (fetches,
 *     devices) as one {@code subscription.activity} entry, when there is any (default 10 s)
 * @param pipelinedReplication as Raft leader, keep several AppendEntries in flight per follower and
 *     notify followers of commits at once (default on; {@code RAFTRAY_REPLICATION=default} gives
 *     {@code raftray run} Ratis' own appender back, see {@link #fromEnvironment})
 * @param publicTlsCheck how often the operator certificate files ({@code public_tls}) are checked
 *     for changes and reloaded (default 5 s)
 */
@NullMarked
public record Tunables(
    Duration coreResync,
    Duration coreReportInterval,
    Duration usageTickInterval,
    RenewalSettings renewal,
    Duration activityInterval,
    boolean pipelinedReplication,
    Duration publicTlsCheck) {

  public static final Duration DEFAULT_ACTIVITY_INTERVAL = Duration.ofSeconds(10);

  /**
   * Environment variable that selects the replication mode: {@code pipelined} or {@code default}.
   */
  public static final String REPLICATION_ENV = "RAFTRAY_REPLICATION";

  /** Replication mode when nothing chooses one: pipelined. */
  public static final boolean DEFAULT_PIPELINED_REPLICATION = true;

  /** How often certbot's or acme.sh's renewals are looked for when nothing else says. */
  public static final Duration DEFAULT_PUBLIC_TLS_CHECK = Duration.ofSeconds(5);

  public static final Tunables DEFAULT =
      new Tunables(
          Duration.ofMinutes(5),
          Duration.ofSeconds(1),
          Duration.ofSeconds(1),
          new RenewalSettings(Duration.ofHours(1), Duration.ofDays(30), 2.0 / 3.0));

  /** The knobs from before the activity interval (that one at its default). */
  public Tunables(
      Duration coreResync,
      Duration coreReportInterval,
      Duration usageTickInterval,
      RenewalSettings renewal) {
    this(coreResync, coreReportInterval, usageTickInterval, renewal, DEFAULT_ACTIVITY_INTERVAL);
  }

  /** The knobs from before the replication switch (that one at its default, pipelined). */
  public Tunables(
      Duration coreResync,
      Duration coreReportInterval,
      Duration usageTickInterval,
      RenewalSettings renewal,
      Duration activityInterval) {
    this(
        coreResync,
        coreReportInterval,
        usageTickInterval,
        renewal,
        activityInterval,
        DEFAULT_PIPELINED_REPLICATION);
  }

  /** The knobs from before the public TLS check (that one at its default, 5 s). */
  public Tunables(
      Duration coreResync,
      Duration coreReportInterval,
      Duration usageTickInterval,
      RenewalSettings renewal,
      Duration activityInterval,
      boolean pipelinedReplication) {
    this(
        coreResync,
        coreReportInterval,
        usageTickInterval,
        renewal,
        activityInterval,
        pipelinedReplication,
        DEFAULT_PUBLIC_TLS_CHECK);
  }

  /**
   * {@link #DEFAULT} with the replication mode of {@code env}'s {@value #REPLICATION_ENV}: unset,
   * empty or {@code pipelined} keeps pipelined replication (the default); {@code default} turns it
   * off, for Ratis' own log appender.
   *
   * @throws IllegalArgumentException for any other value
   */
  public static Tunables fromEnvironment(java.util.Map<String, String> env) {
    String mode = env.getOrDefault(REPLICATION_ENV, "").trim();
    return switch (mode) {
      case "", "pipelined" -> DEFAULT;
      case "default" -> DEFAULT.withPipelinedReplication(false);
      default ->
          throw new IllegalArgumentException(
              REPLICATION_ENV + " must be 'pipelined' or 'default', not '" + mode + "'");
    };
  }

  public Tunables {
    for (Duration d :
        new Duration[] {
          coreResync, coreReportInterval, usageTickInterval, activityInterval, publicTlsCheck
        }) {
      if (d == null || !d.isPositive()) {
        throw new IllegalArgumentException("tunable intervals must be positive");
      }
    }
    Objects.requireNonNull(renewal, "renewal");
  }

  public Tunables withRenewal(RenewalSettings r) {
    return new Tunables(
        coreResync,
        coreReportInterval,
        usageTickInterval,
        r,
        activityInterval,
        pipelinedReplication,
        publicTlsCheck);
  }

  public Tunables withActivityInterval(Duration d) {
    return new Tunables(
        coreResync,
        coreReportInterval,
        usageTickInterval,
        renewal,
        d,
        pipelinedReplication,
        publicTlsCheck);
  }

  public Tunables withPipelinedReplication(boolean on) {
    return new Tunables(
        coreResync,
        coreReportInterval,
        usageTickInterval,
        renewal,
        activityInterval,
        on,
        publicTlsCheck);
  }

  public Tunables withPublicTlsCheck(Duration d) {
    return new Tunables(
        coreResync,
        coreReportInterval,
        usageTickInterval,
        renewal,
        activityInterval,
        pipelinedReplication,
        d);
  }
}
