package io.raftray.cli;

import io.raftray.config.ConfigException;
import io.raftray.config.NodeConfig;
import io.raftray.config.NodeConfigFile;
import io.raftray.daemon.Daemon;
import io.raftray.daemon.Logging;
import io.raftray.daemon.StartupException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "run", description = "Run this node until SIGTERM or Ctrl-C. Logs go to stdout.")
final class RunCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--data-dir", required = true, description = "The node's data directory.")
  Path dataDir;

  @Override
  public Integer call() throws InterruptedException {
    Logging.configure(System.getenv("RAFTRAY_LOG_LEVEL"));
    NodeConfig config;
    Daemon daemon;
    if (!java.nio.file.Files.isDirectory(dataDir)) {
      spec.commandLine()
          .getErr()
          .println("raftray run: data directory " + dataDir + " does not exist");
      spec.commandLine().getErr().flush();
      return 1;
    }
    try {
      config = NodeConfigFile.read(dataDir);
      daemon = Daemon.start(config);
    } catch (ConfigException | StartupException e) {
      spec.commandLine().getErr().println("raftray run: " + e.getMessage());
      spec.commandLine().getErr().flush();
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  daemon.close();
                  stopped.countDown();
                  Runtime.getRuntime().halt(0); // a requested stop exits 0, not 128+SIGTERM
                },
                "raftray-shutdown"));
    stopped.await();
    return 0;
  }
}
