package io.raftray.config;

import io.raftray.state.Features;
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
 * @param featureLevel the highest feature level this node says it reads ({@link Features}): this
 *     release's, or one above it for tests of mixed-version clusters only ({@value
 *     #TEST_FEATURE_LEVEL_ENV})
 */
@NullMarked
public record Tunables(
    Duration coreResync,
    Duration coreReportInterval,
    Duration usageTickInterval,
    RenewalSettings renewal,
    Duration activityInterval,
    boolean pipelinedReplication,
    Duration publicTlsCheck,
    int featureLevel) {

  public static final Duration DEFAULT_ACTIVITY_INTERVAL = Duration.ofSeconds(10);

  /**
   * Environment variable that selects the replication mode: {@code pipelined} or {@code default}.
   */
  public static final String REPLICATION_ENV = "RAFTRAY_REPLICATION";

  /**
   * Environment variable for tests of mixed-version clusters: this release's level plus one makes
   * the node behave like a newer release that reads one more command kind.
   */
  public static final String TEST_FEATURE_LEVEL_ENV = "RAFTRAY_TEST_FEATURE_LEVEL";

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

  /** These four knobs, the others at their defaults. */
  public Tunables(
      Duration coreResync,
      Duration coreReportInterval,
      Duration usageTickInterval,
      RenewalSettings renewal) {
    this(
        coreResync,
        coreReportInterval,
        usageTickInterval,
        renewal,
        DEFAULT_ACTIVITY_INTERVAL,
        DEFAULT_PIPELINED_REPLICATION,
        DEFAULT_PUBLIC_TLS_CHECK,
        Features.CURRENT);
  }

  /**
   * {@link #DEFAULT} with the replication mode of {@code env}'s {@value #REPLICATION_ENV}: unset,
   * empty or {@code pipelined} keeps pipelined replication (the default); {@code default} turns it
   * off, for Ratis' own log appender. {@value #TEST_FEATURE_LEVEL_ENV}, when set, is the feature
   * level (this release's or the one above, for tests only).
   *
   * @throws IllegalArgumentException for any other value
   */
  public static Tunables fromEnvironment(java.util.Map<String, String> env) {
    String mode = env.getOrDefault(REPLICATION_ENV, "").trim();
    Tunables t =
        switch (mode) {
          case "", "pipelined" -> DEFAULT;
          case "default" -> DEFAULT.withPipelinedReplication(false);
          default ->
              throw new IllegalArgumentException(
                  REPLICATION_ENV + " must be 'pipelined' or 'default', not '" + mode + "'");
        };
    String level = env.getOrDefault(TEST_FEATURE_LEVEL_ENV, "").trim();
    if (level.isEmpty()) {
      return t;
    }
    int current = Features.CURRENT;
    if (!level.equals(String.valueOf(current)) && !level.equals(String.valueOf(current + 1))) {
      throw new IllegalArgumentException(
          TEST_FEATURE_LEVEL_ENV
              + " is for tests only and must be "
              + current
              + " or "
              + (current + 1)
              + ", not '"
              + level
              + "'");
    }
    return t.withFeatureLevel(Integer.parseInt(level));
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
    if (featureLevel < Features.BASE || featureLevel > Features.CURRENT + 1) {
      throw new IllegalArgumentException(
          "feature level must be " + Features.BASE + "-" + (Features.CURRENT + 1));
    }
  }

  public Tunables withRenewal(RenewalSettings r) {
    return new Tunables(
        coreResync,
        coreReportInterval,
        usageTickInterval,
        r,
        activityInterval,
        pipelinedReplication,
        publicTlsCheck,
        featureLevel);
  }

  public Tunables withActivityInterval(Duration d) {
    return new Tunables(
        coreResync,
        coreReportInterval,
        usageTickInterval,
        renewal,
        d,
        pipelinedReplication,
        publicTlsCheck,
        featureLevel);
  }

  public Tunables withPipelinedReplication(boolean on) {
    return new Tunables(
        coreResync,
        coreReportInterval,
        usageTickInterval,
        renewal,
        activityInterval,
        on,
        publicTlsCheck,
        featureLevel);
  }

  public Tunables withPublicTlsCheck(Duration d) {
    return new Tunables(
        coreResync,
        coreReportInterval,
        usageTickInterval,
        renewal,
        activityInterval,
        pipelinedReplication,
        d,
        featureLevel);
  }

  /** With this feature level (for tests of mixed-version clusters). */
  public Tunables withFeatureLevel(int level) {
    return new Tunables(
        coreResync,
        coreReportInterval,
        usageTickInterval,
        renewal,
        activityInterval,
        pipelinedReplication,
        publicTlsCheck,
        level);
  }
}
