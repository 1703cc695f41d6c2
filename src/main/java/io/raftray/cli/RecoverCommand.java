package io.raftray.cli;

import io.raftray.daemon.Recovery;
import io.raftray.daemon.StartupException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code raftray recover --force-new-cluster --data-dir D}: a stopped surviving node becomes a
 * one-node cluster from its own committed state (docs/operations.md, "Disaster recovery").
 */
@Command(
    name = "recover",
    description =
        "Disaster recovery: make this stopped node a one-node cluster from its own committed"
            + " state when the majority is gone for good. Other nodes then join it again.")
final class RecoverCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--data-dir", required = true, description = "The stopped node's data dir.")
  Path dataDir;

  @Option(
      names = "--force-new-cluster",
      description =
          "Required: confirms that the other members are gone for good (they are removed and"
              + " their certificates revoked).")
  boolean force;

  @Override
  public Integer call() {
    Logging.configure(
        System.getenv("RAFTRAY_LOG_LEVEL") == null ? "warn" : System.getenv("RAFTRAY_LOG_LEVEL"));
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!force) {
      err.println(
          "raftray recover: --force-new-cluster is required: it removes every other member for"
              + " good; use it only when the majority is lost and cannot come back");
      return 2;
    }
    if (!Files.isDirectory(dataDir)) {
      err.println("raftray recover: --data-dir: " + dataDir + " is not a directory");
      return 2;
    }
    Recovery.Recovered r;
    try {
      r = Recovery.recover(dataDir, Clock.systemUTC());
    } catch (StartupException e) {
      err.println("raftray recover: " + e.getMessage());
      return 1;
    }
    out.println("Recovered a one-node cluster in " + dataDir);
    out.println(
        "  kept:    committed state up to index " + r.kept() + " (" + r.users() + " users)");
    if (r.lastInLog() > r.kept()) {
      out.println(
          "  dropped: log entries "
              + (r.kept() + 1)
              + ".."
              + r.lastInLog()
              + " (not known to be committed)");
    }
    out.println(
        "  removed: "
            + (r.removed().isEmpty() ? "no other member" : String.join(", ", r.removed()))
            + " (certificates revoked)");
    out.println("  old raft directory kept as " + r.oldRaftDir());
    if (!r.holdsCaKey()) {
      out.println(
          "  warning: this node does not hold the CA key, so no new node can join it; restore"
              + " from a backup instead if you need more nodes");
    }
    out.println("Start the node with: raftray run --data-dir " + dataDir);
    out.flush();
    return 0;
  }
}
