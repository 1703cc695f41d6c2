package io.raftray.state;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * Feature levels: how a cluster of mixed releases never logs what one of its voters cannot read.
 *
 * <p>A release reads every command kind, command field and snapshot section up to its {@link
 * #CURRENT} level. Each node sends the highest level it reads with every answer on {@code
 * /cluster/v1/raft} ({@link #HEADER}; a release without the header reads {@link #BASE}). The
 * cluster's level is in the replicated state ({@link State#featureLevel()}): the leader raises it
 * ({@code cluster.set_feature_level}) once every voter has said it reads the higher level, and it
 * never goes down. The leader refuses, before logging, a command that needs more than the cluster's
 * level ({@link #required}); a replica that still meets an entry or a snapshot above what it reads
 * halts instead of skipping it (RaftrayStateMachine).
 *
 * <p>Level 1 ({@link #BASE}) is everything the release before webhooks had; level 2 ({@link
 * #WEBHOOKS}) adds the {@code webhook.*} commands and the {@code webhooks} snapshot section. A
 * release that adds a command kind, a field to a command, or a snapshot section raises {@link
 * #CURRENT} and returns the new level from {@link #required} for exactly those commands (a field:
 * only when it is set), so nothing of it is logged or written before every voter reads it. {@link
 * Command.FeatureProbe} is the one command above CURRENT: a test-only "newer" node ({@code
 * RAFTRAY_TEST_FEATURE_LEVEL}) reads it, a normal one does not, which is how the tests run a
 * mixed-version cluster with a single build.
 */
public final class Features {
  /** The level of a node that says nothing: the release before feature levels. */
  public static final int BASE = 1;

  /**
   * The level of the Marzban import: {@code users.create_batch} with {@code imported} (users with
   * {@code sub_revoked_at}, {@code on_hold_timeout}) and {@code settings.set_marzban_secret}.
   */
  public static final int MARZBAN_IMPORT = 2;

  /** The highest level this release reads. */
  public static final int CURRENT = 2;

  /** Webhooks and their outbox (issue 15): the {@code webhook.*} commands and section. */
  public static final int WEBHOOKS = 2;

  /** The level of {@code settings.update} with {@code marzban_compat_api}. */
  public static final int MARZBAN_API = 2;

  /** The response header of {@code /cluster/v1/raft} that carries the answering node's level. */
  public static final String HEADER = "X-Raftray-Feature-Level";

  private Features() {}

  /** The cluster level {@code c} needs to be logged. */
  public static int required(Command c) {
    return switch (c) {
      case Command.FeatureProbe p -> Command.FeatureProbe.LEVEL;
      case Command.SetFeatureLevel l -> l.level();
      case Command.CreateWebhook w -> WEBHOOKS;
      case Command.UpdateWebhook w -> WEBHOOKS;
      case Command.DeleteWebhook w -> WEBHOOKS;
      case Command.UpdateWebhookSettings w -> WEBHOOKS;
      case Command.AckWebhooks w -> WEBHOOKS;
      case Command.ObserveEvents w -> WEBHOOKS;
      case Command.CreateUsers b -> b.isImport() ? MARZBAN_IMPORT : BASE;
      case Command.SetMarzbanSecret m -> MARZBAN_IMPORT;
      case Command.UpdateSettings u -> u.marzbanCompatApi() != null ? MARZBAN_API : BASE;
      default -> BASE;
    };
  }

  /**
   * The level to raise the cluster to: the lowest level among {@code voters}, when every one of
   * them has been heard from and that is above {@code current}; else empty.
   *
   * @param heard node id to the level it last sent
   */
  public static Optional<Integer> raiseTo(
      int current, Collection<String> voters, Map<String, Integer> heard) {
    if (voters.isEmpty()) {
      return Optional.empty();
    }
    int min = Integer.MAX_VALUE;
    for (String v : voters) {
      Integer level = heard.get(v);
      if (level == null) {
        return Optional.empty();
      }
      min = Math.min(min, level);
    }
    return min > current ? Optional.of(min) : Optional.empty();
  }

  /** The level in a {@link #HEADER} value; {@link #BASE} when absent or not a positive number. */
  public static int parse(String header) {
    if (header == null) {
      return BASE;
    }
    try {
      int v = Integer.parseInt(header.trim());
      return v >= BASE ? v : BASE;
    } catch (NumberFormatException e) {
      return BASE;
    }
  }

  /**
   * Why the leader must not log {@code c} now, or empty: it needs a higher level than the cluster
   * has, or (raising the level) more than this leader reads.
   */
  static Optional<String> refusal(State view, Command c, int supported) {
    if (c instanceof Command.SetFeatureLevel l) {
      if (l.level() > supported) {
        return Optional.of(
            "cannot raise the cluster to feature level "
                + l.level()
                + ": this leader reads up to "
                + supported);
      }
      return Optional.empty();
    }
    int needs = required(c);
    if (needs > view.featureLevel()) {
      return Optional.of(
          c.action()
              + " needs cluster feature level "
              + needs
              + ", and the cluster is at "
              + view.featureLevel()
              + ": every voter must run a release that reads it first (docs/operations.md,"
              + " \"Rolling upgrades\")");
    }
    return Optional.empty();
  }
}
