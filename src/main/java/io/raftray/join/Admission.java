package io.raftray.join;

import io.raftray.cluster.RaftNode;
import io.raftray.config.NodeConfig;
import io.raftray.state.Command;
import io.raftray.state.Replica;
import io.raftray.state.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The last step of a join, run by the new node itself on its first start: ask the leader to add
 * this node to the Raft group (one change at a time; retried while another change is in progress or
 * no leader is known), then mark the node {@code active} and remove the {@link
 * Joiner#PENDING_MARKER}. It must run on the new node because Ratis only completes adding a peer
 * that answers and has caught up (by snapshot when the log was compacted).
 */
public final class Admission implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Admission.class.getName());
  private static final Duration FIRST_RETRY = Duration.ofMillis(500);
  private static final Duration MAX_RETRY = Duration.ofSeconds(5);

  private final NodeConfig config;
  private final RaftNode raft;
  private final Replica replica;
  private final CountDownLatch stop = new CountDownLatch(1);
  private final CountDownLatch done = new CountDownLatch(1);
  private final Thread thread;

  private Admission(NodeConfig config, RaftNode raft, Replica replica) {
    this.config = config;
    this.raft = raft;
    this.replica = replica;
    this.thread = new Thread(this::run, "raftray-admission-" + config.name());
    this.thread.setDaemon(true);
  }

  /** Starts the admission when the data directory holds the join marker; null otherwise. */
  public static Admission startIfPending(NodeConfig config, RaftNode raft, Replica replica) {
    if (!Files.exists(marker(config))) {
      return null;
    }
    Admission a = new Admission(config, raft, replica);
    a.thread.start();
    return a;
  }

  /** True while this node has joined but is not yet admitted to the Raft group. */
  public static boolean isPending(NodeConfig config) {
    return Files.exists(marker(config));
  }

  static Path marker(NodeConfig config) {
    return config.dataDir().resolve(Joiner.PENDING_MARKER);
  }

  /** Waits until this node is a voter and active; false on timeout. */
  public boolean await(Duration timeout) throws InterruptedException {
    return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void run() {
    Duration wait = FIRST_RETRY;
    String step = "raft membership";
    try {
      while (stop.getCount() > 0) {
        try {
          if (step.equals("raft membership")) {
            raft.addVoter(config.nodeId(), config.apiBaseUrl());
            LOG.info("node " + config.name() + " is a voter of the raft group");
            step = "activation";
          }
          Result r = replica.submit(config.nodeId(), new Command.ActivateNode(config.nodeId()));
          if (r.ok()) {
            Files.deleteIfExists(marker(config));
            LOG.info("node " + config.name() + " joined the cluster");
            done.countDown();
            return;
          }
          LOG.warning("activating node " + config.name() + " was rejected: " + r.message());
        } catch (IOException | RuntimeException e) {
          // Expected while the leader is catching this node up or another change is in progress.
          LOG.log(Level.FINE, step + " of " + config.name() + " not done yet: " + e, e);
        }
        if (stop.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
          return;
        }
        wait = wait.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : wait.multipliedBy(2);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stop.countDown();
    try {
      thread.join(Duration.ofSeconds(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
