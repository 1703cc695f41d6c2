package io.raftray.cli;

import io.raftray.cli.admin.AdminCli;
import java.io.ObjectInputFilter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code raftray} program. */
@Command(
    name = "raftray",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Replicated control plane for fleets of Xray proxy servers.",
    subcommands = {
      InitCommand.class,
      RunCommand.class,
      JoinCommand.class,
      DemoCommand.class,
      RestoreCommand.class,
      RecoverCommand.class,
      HostAdminCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main {

  public static void main(String[] args) {
    keepLogsAtShutdown(); // first, before anything touches java.util.logging
    // Ratis carries serialized exceptions between nodes: only JDK and Ratis types may be revived.
    ObjectInputFilter.Config.setSerialFilter(
        ObjectInputFilter.Config.createFilter(
            "maxdepth=32;maxbytes=1048576;java.**;org.apache.ratis.**;!*"));
    System.exit(commandLine().execute(args));
  }

  /**
   * Keeps the log handlers through the JVM's shutdown, so a clean stop's lines are written ({@link
   * Logging.KeepAtShutdown}). Takes effect only before java.util.logging is first used.
   */
  static void keepLogsAtShutdown() {
    if (System.getProperty("java.util.logging.manager") == null) {
      System.setProperty("java.util.logging.manager", Logging.KeepAtShutdown.class.getName());
    }
  }

  /** The configured command line; tests run commands through it. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    AdminCli.register(cl);
    cl.setExecutionExceptionHandler(
        (ex, cmd, parse) -> {
          cmd.getErr().println("raftray: " + oneLine(ex));
          return 1;
        });
    return cl;
  }

  static String oneLine(Throwable ex) {
    String m = ex.getMessage();
    return m == null ? ex.getClass().getSimpleName() : m.replace('\n', ' ');
  }

  /** Version from the jar manifest, or "dev" when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {
        "raftray " + (v == null ? "dev" : v) + " (java " + Runtime.version() + ")"
      };
    }
  }
}
