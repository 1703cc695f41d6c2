package io.raftray.cli;

import io.raftray.config.HostPort;
import io.raftray.config.NodeConfigFile;
import io.raftray.daemon.Bootstrapper;
import io.raftray.daemon.Logging;
import io.raftray.daemon.StartupException;
import io.raftray.pki.NodeIdentity;
import io.raftray.pki.TlsContexts;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
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

  @Option(names = "--data-dir", required = true, description = "Empty or missing directory.")
  Path dataDir;

  @Option(names = "--bind", required = true, description = "HOST:PORT to listen on.")
  String bind;

  @Option(
      names = "--api-base-url",
      required = true,
      description = "https URL other nodes and admins use to reach this node.")
  String apiBaseUrl;

  @Option(names = "--access-host", required = true, description = "Public host for proxy clients.")
  String accessHost;

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
    List<String> problems = new ArrayList<>();
    HostPort hp = null;
    try {
      hp = HostPort.parse(bind);
    } catch (IllegalArgumentException e) {
      problems.add("--bind: " + e.getMessage());
    }
    String why = NodeConfigFile.checkBaseUrl(apiBaseUrl);
    if (why != null) {
      problems.add("--api-base-url: " + why);
    }
    if (accessHost.isBlank() || accessHost.contains("/") || accessHost.contains(" ")) {
      problems.add("--access-host: must be a host name or IP address");
    }
    if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
      problems.add("--name: 1-64 characters of letters, digits, '.', '_' or '-'");
    }
    if (tokenFile != null && Files.exists(tokenFile)) {
      problems.add("--admin-token-file: " + tokenFile + " already exists");
    }
    if (!problems.isEmpty()) {
      problems.forEach(p -> err.println("raftray init: " + p));
      return 2;
    }
    Bootstrapper.Initialized done;
    try {
      done =
          Bootstrapper.init(
              new Bootstrapper.InitRequest(
                  dataDir, hp.host(), hp.port(), apiBaseUrl, accessHost, name),
              Clock.systemUTC());
    } catch (StartupException e) {
      err.println("raftray init: " + e.getMessage());
      return e.getMessage().contains("is not empty") ? 2 : 1;
    }
    String pin = TlsContexts.caPin(NodeIdentity.load(dataDir).caCert());
    out.println("Initialized cluster " + done.config().clusterId() + " in " + dataDir);
    out.println("  node:    " + name + " (" + done.config().nodeId() + ")");
    out.println("  api:     " + apiBaseUrl);
    out.println("  CA pin:  " + pin);
    if (tokenFile != null) {
      Files.writeString(
          tokenFile,
          done.ownerToken() + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE);
      Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-------"));
      out.println("Owner admin token written to " + tokenFile + " (mode 0600).");
    } else {
      out.println("Owner admin token (shown once, store it safely):");
      out.println("  " + done.ownerToken());
    }
    out.println("Start the node with: raftray run --data-dir " + dataDir);
    out.flush();
    return 0;
  }
}
