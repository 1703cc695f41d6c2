package io.raftray.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code raftray grant ...} over {@code /grants}: which user may use which endpoint. */
@Command(
    name = "grant",
    description = "Give users access to endpoints.",
    subcommands = {
      GrantCommands.Create.class,
      GrantCommands.ListGrants.class,
      GrantCommands.Update.class,
      GrantCommands.Delete.class
    })
final class GrantCommands extends CommandGroup {

  static Table table() {
    return new Table("ID", "USER", "ENDPOINT", "ENABLED");
  }

  static List<?> row(JsonNode g) {
    return Arrays.asList(
        Printer.text(g, "id"),
        Printer.text(g, "user_id"),
        Printer.text(g, "endpoint_id"),
        Printer.yesNo(g, "enabled"));
  }

  @Command(name = "create", description = "Grant a user an endpoint; generates its credential.")
  static final class Create extends AdminCommand {
    @Option(names = "--user", required = true, paramLabel = "USER_ID", description = "User id.")
    String user;

    @Option(
        names = "--endpoint",
        required = true,
        paramLabel = "ENDPOINT_ID",
        description = "Endpoint id.")
    String endpoint;

    @Override
    void run(ApiClient api, Printer out) throws ApiException, TransportException {
      ObjectNode body =
          context.json().createObjectNode().put("user_id", user).put("endpoint_id", endpoint);
      out.resource(api.post("grants", body));
    }
  }

  @Command(name = "list", description = "List grants.")
  static final class ListGrants extends AdminCommand {
    @Option(names = "--user", paramLabel = "USER_ID", description = "Only this user's grants.")
    String user;

    @Option(
        names = "--endpoint",
        paramLabel = "ENDPOINT_ID",
        description = "Only this endpoint's grants.")
    String endpoint;

    @Mixin ListOptions page = new ListOptions();

    @Override
    void run(ApiClient api, Printer out) throws ApiException, TransportException {
      JsonNode grants =
          api.list("grants", page.query("user_id", user, "endpoint_id", endpoint), page.all);
      out.list(grants, table(), GrantCommands::row);
    }
  }

  @Command(name = "update", description = "Enable or disable a grant.")
  static final class Update extends AdminCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Option(
        names = "--enabled",
        required = true,
        arity = "1",
        paramLabel = "true|false",
        description = "Enable or disable.")
    boolean enabled;

    @Override
    void run(ApiClient api, Printer out) throws ApiException, TransportException {
      ObjectNode body = context.json().createObjectNode().put("enabled", enabled);
      out.resource(api.patch(ApiClient.path("grants", id), body));
    }
  }

  @Command(name = "delete", description = "Revoke a grant.")
  static final class Delete extends AdminCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    void run(ApiClient api, Printer out) throws ApiException, TransportException {
      out.done("deleted grant " + id, api.delete(ApiClient.path("grants", id)));
    }
  }
}
