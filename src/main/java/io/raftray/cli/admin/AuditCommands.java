package io.raftray.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code raftray audit list} over {@code /audit}. */
@Command(
    name = "audit",
    description = "Read the replicated audit log.",
    subcommands = {AuditCommands.ListEvents.class})
final class AuditCommands extends CommandGroup {

  static Table table() {
    return new Table("AT", "ACTOR", "ACTION", "TARGET", "SUMMARY");
  }

  static List<?> row(JsonNode a) {
    return Arrays.asList(
        Printer.text(a, "at"),
        Printer.text(a, "actor"),
        Printer.text(a, "action"),
        Printer.text(a, "target"),
        Printer.text(a, "summary"));
  }

  @Command(name = "list", description = "List audit events.")
  static final class ListEvents extends AdminCommand {
    @Option(names = "--actor", paramLabel = "ACTOR", description = "Token id or node id.")
    String actor;

    @Option(names = "--action", paramLabel = "ACTION", description = "Action name.")
    String action;

    @Option(names = "--target", paramLabel = "TARGET", description = "Id of the changed object.")
    String target;

    @Mixin ListOptions page = new ListOptions();

    @Override
    void run(ApiClient api, Printer out) throws ApiException, TransportException {
      JsonNode events =
          api.list(
              "audit", page.query("actor", actor, "action", action, "target", target), page.all);
      out.list(events, table(), AuditCommands::row);
    }
  }
}
