package io.raftray.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code raftray join-request ...} over {@code /join-requests}. */
@Command(
    name = "join-request",
    description = "Review nodes asking to join with a multi-use join token.",
    subcommands = {
      JoinRequestCommands.ListRequests.class,
      JoinRequestCommands.Approve.class,
      JoinRequestCommands.Reject.class
    })
final class JoinRequestCommands extends CommandGroup {

  static Table table() {
    return new Table("ID", "STATUS", "NODE NAME", "API BASE URL", "HOSTNAME", "CREATED AT");
  }

  static List<?> row(JsonNode r) {
    return Arrays.asList(
        Printer.text(r, "id"),
        Printer.text(r, "status"),
        Printer.text(r, "node_name"),
        Printer.text(r, "api_base_url"),
        Printer.text(r, "facts.hostname"),
        Printer.text(r, "created_at"));
  }

  @Command(name = "list", description = "List join requests.")
  static final class ListRequests extends AdminCommand {
    @Mixin ListOptions page = new ListOptions();

    @Option(
        names = "--status",
        paramLabel = "STATUS",
        description = "Only pending, approved or rejected requests.")
    String status;

    @Override
    void run(ApiClient api, Printer out) throws ApiException, TransportException {
      out.list(
          api.list("join-requests", page.query("status", status), page.all),
          table(),
          JoinRequestCommands::row);
    }
  }

  @Command(name = "approve", description = "Let the node of a pending join request join.")
  static final class Approve extends AdminCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    void run(ApiClient api, Printer out) throws ApiException, TransportException {
      out.resource(
          api.post(
              ApiClient.path("join-requests", id, "approve"), context.json().createObjectNode()));
    }
  }

  @Command(name = "reject", description = "Refuse a pending join request.")
  static final class Reject extends AdminCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Shown to the joining host.")
    String reason;

    @Override
    void run(ApiClient api, Printer out) throws ApiException, TransportException {
      ObjectNode body = context.json().createObjectNode();
      if (reason != null) {
        body.put("reason", reason);
      }
      out.resource(api.post(ApiClient.path("join-requests", id, "reject"), body));
    }
  }
}
