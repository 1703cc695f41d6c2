package io.raftray.daemon;

import io.raftray.config.NodeConfig;
import io.raftray.state.Rebase;
import io.raftray.state.State;
import java.nio.file.Path;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.jspecify.annotations.NullMarked;

/**
 * {@code raftray restore}: a new cluster (new cluster id, CA, node key and first owner token, as
 * {@code init} makes them) whose first state is a backup's, rebased by {@link Rebase#forRestore}
 * and written as the group's first snapshot by {@link SeededStorage}. Nothing is started: {@code
 * raftray run} starts the node, which elects itself from that snapshot.
 */
@NullMarked
public final class Restorer {
  /** The term the restored group's snapshot and first metadata carry. */
  static final long TERM = 1;

  private Restorer() {}

  /**
   * What a restore made: the node's config, the new owner token and the snapshot it starts from.
   */
  public record Restored(Bootstrapper.Initialized init, State state, Path snapshot) {}

  /**
   * Creates {@code req}'s data directory (empty or absent, as for init) from {@code backup} (an
   * already decoded and verified backup). On failure nothing is left behind that this call made.
   */
  public static Restored restore(Bootstrapper.InitRequest req, State backup, Clock clock)
      throws StartupException {
    if (!backup.bootstrapped()) {
      throw new StartupException("the backup holds no cluster (taken before its bootstrap?)");
    }
    State[] restored = new State[1];
    Path[] snapshot = new Path[1];
    Bootstrapper.Initialized done =
        Bootstrapper.create(
            req,
            clock,
            (r, c) -> {
              Bootstrapper.Seed seed = Bootstrapper.prepare(List.of(r), c);
              NodeConfig config = seed.configs().get(0);
              restored[0] =
                  Rebase.forRestore(
                      backup,
                      seed.clusterId(),
                      seed.caCertPem(),
                      seed.nodes().get(0),
                      seed.owner().token(),
                      c.instant().truncatedTo(ChronoUnit.MILLIS));
              snapshot[0] =
                  SeededStorage.seed(config.raftDir(), seed.clusterId(), restored[0], TERM);
              return new Bootstrapper.Initialized(config, seed.owner().plaintext());
            });
    return new Restored(done, restored[0], snapshot[0]);
  }
}
