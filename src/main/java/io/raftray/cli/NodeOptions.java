package io.raftray.cli;

import io.raftray.config.HostPort;
import io.raftray.config.NodeConfigFile;
import io.raftray.config.RaftPreset;
import io.raftray.daemon.Bootstrapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Where a new node keeps its data, listens and is reached: the options {@code init} and {@code
 * join} share. {@code --name} stays with each command because its default differs.
 */
final class NodeOptions {
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

  @Option(
      names = "--raft-preset",
      paramLabel = "lan|wan",
      description =
          "Raft timings for the network between the nodes, written to node.json: lan (election"
              + " timeout 300-600 ms; one data centre, round trips under about 10 ms) or wan"
              + " (1-2 s; across regions). Default: wan.")
  String raftPreset = RaftPreset.DEFAULT.wire();

  /** One line per bad option (these and {@code --name}), each starting with the option. */
  List<String> problems(String name) {
    List<String> problems = new ArrayList<>();
    try {
      HostPort.parse(bind);
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
    if (RaftPreset.parse(raftPreset).isEmpty()) {
      problems.add("--raft-preset: must be one of " + RaftPreset.allowed());
    }
    if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
      problems.add("--name: 1-64 characters of letters, digits, '.', '_' or '-'");
    }
    return problems;
  }

  /** The parsed {@code --raft-preset}; call only after {@link #problems} found none. */
  RaftPreset preset() {
    return RaftPreset.parse(raftPreset).orElseThrow();
  }

  /** What {@code init} (and {@code restore}) make from these options; after {@link #problems}. */
  Bootstrapper.InitRequest request(String name) {
    HostPort hp = bindAddress();
    return new Bootstrapper.InitRequest(
        dataDir, hp.host(), hp.port(), apiBaseUrl, accessHost, name, preset());
  }

  /** The parsed {@code --bind}; call only after {@link #problems} found none. */
  HostPort bindAddress() {
    return HostPort.parse(bind);
  }
}
