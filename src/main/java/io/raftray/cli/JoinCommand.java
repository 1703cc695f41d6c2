package io.raftray.cli;

import io.raftray.config.HostPort;
import io.raftray.config.NodeConfig;
import io.raftray.daemon.Facts;
import io.raftray.join.JoinException;
import io.raftray.join.Joiner;
import io.raftray.model.Causes;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "join",
    description =
        "Join an existing cluster with a join token: checks the cluster CA against the token's"
            + " pin, creates this node's key locally, and writes the data directory. Then run it"
            + " with 'raftray run --data-dir D'.")
final class JoinCommand implements Callable<Integer> {
  private static final Pattern WAIT = Pattern.compile("(\\d{1,6})([smh])");

  @Spec CommandSpec spec;

  /** Where {@code --token -} reads the token; tests replace it. */
  InputStream stdin = System.in;

  private static final int MAX_TOKEN_BYTES = 16 * 1024;

  @Parameters(
      paramLabel = "TOKEN",
      arity = "0..1",
      description =
          "The rrj_... join token from 'join-token create'. On the command line it is visible in"
              + " /proc and shell history: prefer --token-file or --token -.")
  String token;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description = "Read the join token from FILE (e.g. one created with mode 0600).")
  Path tokenFile;

  @Option(
      names = "--token",
      paramLabel = "-",
      description = "'-' reads the join token from standard input.")
  String tokenOption;

  @Mixin NodeOptions node;

  @Option(names = "--name", description = "Node name (default: this host's name).")
  String name;

  @Option(
      names = "--wait",
      paramLabel = "DURATION",
      description = "How long to wait for an admin's approval (multi-use tokens), e.g. 30m.")
  String waitText = "1h";

  @Override
  public Integer call() {
    Logging.configure(
        System.getenv("RAFTRAY_LOG_LEVEL") == null ? "warn" : System.getenv("RAFTRAY_LOG_LEVEL"));
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    var facts = Facts.collect();
    if (name == null) {
      name = defaultName(facts.get("hostname"));
    }
    List<String> problems = node.problems(name);
    String text = readToken(problems);
    Duration wait = parseWait(waitText);
    if (wait == null) {
      problems.add("--wait: a duration such as 90s, 30m or 2h");
    }
    if (!problems.isEmpty()) {
      problems.forEach(p -> err.println("raftray join: " + p));
      err.flush();
      return 2;
    }
    HostPort hp = node.bindAddress();
    NodeConfig config;
    try {
      config =
          Joiner.join(
              new Joiner.Options(
                  text,
                  node.dataDir,
                  hp.host(),
                  hp.port(),
                  node.apiBaseUrl,
                  node.accessHost,
                  name,
                  facts,
                  wait,
                  Duration.ofSeconds(2),
                  line -> {
                    out.println(line);
                    out.flush();
                  },
                  node.preset()));
    } catch (JoinException e) {
      err.println("raftray join: " + Main.oneLine(e));
      err.flush();
      return e.usage() ? 2 : 1;
    }
    out.println("Joined cluster " + config.clusterId() + " in " + node.dataDir);
    out.println("  node:    " + name + " (" + config.nodeId() + ")");
    out.println("  api:     " + node.apiBaseUrl);
    out.println("  peers:   " + config.initialPeers().size());
    out.println("Start the node with: raftray run --data-dir " + node.dataDir);
    out.println("It becomes a Raft voter once it has caught up with the cluster.");
    out.flush();
    return 0;
  }

  /** The token from exactly one of TOKEN, --token and --token-file; null after a problem. */
  private String readToken(List<String> problems) {
    int given =
        (token != null ? 1 : 0) + (tokenOption != null ? 1 : 0) + (tokenFile != null ? 1 : 0);
    if (given > 1) {
      problems.add("give the join token with only one of TOKEN, --token - and --token-file");
      return null;
    }
    if (given == 0) {
      problems.add("no join token: use --token-file FILE or --token - (standard input)");
      return null;
    }
    if (token != null) {
      return token;
    }
    if (tokenFile != null) {
      try (InputStream in = Files.newInputStream(tokenFile)) {
        return nonEmpty(
            in.readNBytes(MAX_TOKEN_BYTES),
            "--token-file: no join token in " + tokenFile,
            problems);
      } catch (IOException e) {
        problems.add("--token-file: cannot read " + tokenFile + ": " + Causes.rootMessage(e));
        return null;
      }
    }
    if (!tokenOption.equals("-")) {
      problems.add(
          "--token: only '-' (read standard input); pass a token in a file with --token-file");
      return null;
    }
    try {
      return nonEmpty(
          stdin.readNBytes(MAX_TOKEN_BYTES),
          "--token -: no join token on standard input",
          problems);
    } catch (IOException e) {
      problems.add("--token -: cannot read standard input: " + Causes.rootMessage(e));
      return null;
    }
  }

  private static String nonEmpty(byte[] bytes, String problem, List<String> problems) {
    String t = new String(bytes, StandardCharsets.UTF_8).strip();
    if (t.isEmpty()) {
      problems.add(problem);
      return null;
    }
    return t;
  }

  static Duration parseWait(String text) {
    Matcher m = WAIT.matcher(text == null ? "" : text.strip());
    if (!m.matches()) {
      return null;
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
  }

  static String defaultName(String hostname) {
    String n =
        hostname == null
            ? ""
            : hostname.replaceAll("\\..*$", "").replaceAll("[^A-Za-z0-9._-]", "-");
    n = n.replaceAll("^[^A-Za-z0-9]+", "");
    if (n.isEmpty()) {
      return "node";
    }
    return n.length() > 64 ? n.substring(0, 64) : n;
  }
}
