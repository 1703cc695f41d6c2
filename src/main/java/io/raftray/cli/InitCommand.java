package io.raftray.cli;

import io.raftray.daemon.Bootstrapper;
import io.raftray.daemon.StartupException;
import io.raftray.pki.NodeIdentity;
import io.raftray.pki.PkiException;
import io.raftray.pki.PrivateFiles;
import io.raftray.pki.TlsContexts;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "init",
    description =
        "Create a new cluster: CA, this node's key and certificate, Raft storage and the"
            + " first owner admin token.")
final class InitCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin NodeOptions node;

  @Option(names = "--name", description = "Node name (default: node-1).")
  String name = "node-1";

  @Option(
      names = "--admin-token-file",
      description = "Write the owner token to this file (mode 0600) instead of printing it.")
  Path tokenFile;

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
    if (!problems.isEmpty()) {
      problems.forEach(p -> err.println("raftray init: " + p));
      return 2;
    }
    Bootstrapper.Initialized done;
    try {
      done = Bootstrapper.init(node.request(name), Clock.systemUTC());
    } catch (StartupException e) {
      err.println("raftray init: " + e.getMessage());
      return e.getMessage().contains("is not empty") ? 2 : 1;
    }
    String pin = TlsContexts.caPin(NodeIdentity.load(node.dataDir).caCert());
    out.println("Initialized cluster " + done.config().clusterId() + " in " + node.dataDir);
    out.println("  node:    " + name + " (" + done.config().nodeId() + ")");
    out.println("  api:     " + node.apiBaseUrl);
    out.println("  CA pin:  " + pin);
    if (!printOwnerToken(out, err, tokenFile, done.ownerToken(), "init")) {
      return 1;
    }
    out.println("Start the node with: raftray run --data-dir " + node.dataDir);
    out.flush();
    return 0;
  }

  /**
   * Writes the new owner token to {@code tokenFile} (0600 from creation) or, without one or when
   * writing fails, shows it once; false when writing failed (the token was shown instead).
   */
  static boolean printOwnerToken(
      PrintWriter out, PrintWriter err, Path tokenFile, String token, String command) {
    if (tokenFile != null) {
      try {
        // 0600 from its creation: a chmod after writing would leave a window.
        PrivateFiles.writeNewSecret(tokenFile, token + "\n", "admin token file");
      } catch (PkiException e) {
        // The cluster exists now: losing its only owner token would be worse than showing it.
        err.println("raftray " + command + ": " + e.getMessage());
        out.println("Owner admin token (not saved to a file; shown once, store it safely):");
        out.println("  " + token);
        out.flush();
        return false;
      }
      out.println("Owner admin token written to " + tokenFile + " (mode 0600).");
    } else {
      out.println("Owner admin token (shown once, store it safely):");
      out.println("  " + token);
    }
    return true;
  }
}
