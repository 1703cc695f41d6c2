package io.raftray.cli.admin;

import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** A resource ({@code user}, {@code node}, ...): only its verbs run; alone it is a usage error. */
abstract class CommandGroup implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help.")
  boolean help;

  @Override
  public Integer call() {
    throw new ParameterException(
        spec.commandLine(),
        "missing command: " + spec.name() + " " + String.join("|", spec.subcommands().keySet()));
  }
}
