package io.raftray.cli;

import io.raftray.daemon.Restorer;
import io.raftray.daemon.StartupException;
import io.raftray.pki.NodeIdentity;
import io.raftray.pki.TlsContexts;
import io.raftray.state.BackupFile;
import io.raftray.state.State;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code raftray restore FILE --data-dir D ...} (the options of {@code init}): a new cluster whose
 * first state is the backup's (docs/operations.md, "Restore"). The backup is read and verified in
 * full before anything is created.
 */
@Command(
    name = "restore",
    description =
        "Create a new cluster from a backup: same users, credentials, subscription tokens and"
            + " settings; new cluster id, CA and owner token. Other nodes join it with join"
            + " tokens.")
final class RestoreCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "The backup file.")
  Path backup;

  @Mixin NodeOptions node;

  @Option(
      names = "--name",
      description =
          "Node name (default: node-1). Endpoints of the old node of this name move to this node.")
  String name = "node-1";

  @Option(
      names = "--admin-token-file",
      description = "Write the new owner token to this file (mode 0600) instead of printing it.")
  Path tokenFile;

  @Option(
      names = "--passphrase-file",
      description = "The passphrase of an encrypted backup (its first line).")
  Path passphraseFile;

  @Override
  public Integer call() throws IOException {
    Logging.configure(
        System.getenv("RAFTRAY_LOG_LEVEL") == null ? "warn" : System.getenv("RAFTRAY_LOG_LEVEL"));
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<String> problems = node.problems(name);
    if (tokenFile != null && Files.exists(tokenFile)) {
      problems.add("--admin-token-file: " + tokenFile + " already exists");
    }
    if (!Files.isRegularFile(backup) || !Files.isReadable(backup)) {
      problems.add("FILE: cannot read " + backup);
    }
    if (!problems.isEmpty()) {
      problems.forEach(p -> err.println("raftray restore: " + p));
      return 2;
    }
    long started = System.nanoTime();
    State state;
    try {
      char[] pass = passphraseFile == null ? null : BackupFile.passphrase(passphraseFile);
      state = BackupFile.read(backup, pass);
      if (pass != null) {
        Arrays.fill(pass, '\0');
      }
    } catch (BackupFile.Unreadable e) {
      err.println("raftray restore: " + backup + ": " + e.getMessage() + "; nothing was created");
      return 2;
    }
    Restorer.Restored done;
    try {
      done = Restorer.restore(node.request(name), state, Clock.systemUTC());
    } catch (StartupException e) {
      err.println("raftray restore: " + e.getMessage());
      return e.getMessage().contains("is not empty") ? 2 : 1;
    }
    long ms = (System.nanoTime() - started) / 1_000_000;
    String pin = TlsContexts.caPin(NodeIdentity.load(node.dataDir).caCert());
    long parked =
        done.state().endpoints().values().stream()
            .filter(e -> e.nodeId().startsWith(io.raftray.state.Rebase.FORMER_NODE))
            .count();
    out.println(
        "Restored cluster "
            + done.init().config().clusterId()
            + " in "
            + node.dataDir
            + " from "
            + backup
            + " (backup index "
            + state.appliedIndex()
            + ", "
            + state.users().size()
            + " users, "
            + ms
            + " ms)");
    out.println("  node:    " + name + " (" + done.init().config().nodeId() + ")");
    out.println("  api:     " + node.apiBaseUrl);
    out.println("  CA pin:  " + pin);
    if (parked > 0) {
      out.println(
          "  "
              + parked
              + " endpoint(s) of other old nodes wait for a node joining under that node's name");
    }
    if (!InitCommand.printOwnerToken(out, err, tokenFile, done.init().ownerToken(), "restore")) {
      return 1;
    }
    out.println("Start the node with: raftray run --data-dir " + node.dataDir);
    out.flush();
    return 0;
  }
}
