package io.raftray.cli.admin;

import java.util.List;
import picocli.CommandLine;

/**
 * Adds the admin client commands ({@code user}, {@code endpoint}, {@code grant}, {@code group},
 * {@code user-template}, {@code node}, {@code token}, {@code join-token}, {@code join-request},
 * {@code audit}, {@code sub-settings}, {@code status}, {@code backup}, {@code import}) to the
 * {@code raftray} root command.
 */
public final class AdminCli {
  private AdminCli() {}

  /**
   * Registers the admin commands on {@code root}; they read the real process environment. They take
   * over root's current out/err writers and color scheme; settings changed on root later propagate
   * to them as picocli does for all subcommands.
   */
  public static void register(CommandLine root) {
    register(root, CliContext.system());
  }

  /** As {@link #register(CommandLine)}, with a given environment, clock and JSON mapper. */
  static void register(CommandLine root, CliContext context) {
    List<Object> commands =
        List.of(
            new UserCommands(),
            new EndpointCommands(),
            new GrantCommands(),
            new GroupCommands(),
            new WebhookCommands(),
            new UserTemplateCommands(),
            new NodeCommands(),
            new TokenCommands(),
            new JoinTokenCommands(),
            new JoinRequestCommands(),
            new AuditCommands(),
            new SubSettingsCommands(),
            new SettingsCommands(),
            new StatusCommand(),
            new BackupCommand(),
            new ImportCommands());
    for (Object command : commands) {
      CommandLine sub = new CommandLine(command);
      sub.setOut(root.getOut());
      sub.setErr(root.getErr());
      sub.setColorScheme(root.getColorScheme());
      inject(sub, context);
      root.addSubcommand(sub);
    }
  }

  private static void inject(CommandLine commandLine, CliContext context) {
    if (commandLine.getCommand() instanceof AdminCommand command) {
      command.context = context;
    }
    commandLine.getSubcommands().values().forEach(sub -> inject(sub, context));
  }
}
