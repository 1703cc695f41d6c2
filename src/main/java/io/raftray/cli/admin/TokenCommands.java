package io.raftray.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code raftray token ...} over {@code /admin-tokens}. */
@Command(
    name = "token",
    description = "Manage admin tokens.",
    subcommands = {
      TokenCommands.Create.class,
      TokenCommands.ListTokens.class,
      TokenCommands.Delete.class
    })
final class TokenCommands extends CommandGroup {

  static Table table() {
    return new Table("ID", "NAME", "ROLE", "LAST USED");
  }

  static List<?> row(JsonNode t) {
    return Arrays.asList(
        Printer.text(t, "id"),
        Printer.text(t, "name"),
        Printer.text(t, "role"),
        Printer.text(t, "last_used_at"));
  }

  @Command(
      name = "create",
      description = "Create an admin token. Its secret is printed once and cannot be shown again.")
  static final class Create extends AdminCommand {
    @Option(names = "--name", required = true, paramLabel = "NAME", description = "Token name.")
    String name;

    @Option(
        names = "--role",
        required = true,
        paramLabel = "ROLE",
        description = "owner, admin or viewer.")
    String role;

    @Override
    void run(ApiClient api, Printer out) throws ApiException, TransportException {
      ObjectNode body = context.json().createObjectNode().put("name", name).put("role", role);
      out.createdSecret(api.post("admin-tokens", body), "token (shown only once; store it now):");
    }
  }

  @Command(name = "list", description = "List admin tokens (never their secrets).")
  static final class ListTokens extends AdminCommand {
    @Mixin ListOptions page = new ListOptions();

    @Override
    void run(ApiClient api, Printer out) throws ApiException, TransportException {
      out.list(api.list("admin-tokens", page.query(), page.all), table(), TokenCommands::row);
    }
  }

  @Command(name = "delete", description = "Revoke an admin token.")
  static final class Delete extends AdminCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    void run(ApiClient api, Printer out) throws ApiException, TransportException {
      out.done("deleted token " + id, api.delete(ApiClient.path("admin-tokens", id)));
    }
  }
}
