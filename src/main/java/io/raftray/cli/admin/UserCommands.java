package io.raftray.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code raftray user ...} over {@code /users}. */
@Command(
    name = "user",
    description = "Manage proxy users.",
    subcommands = {
      UserCommands.Create.class,
      UserCommands.ListUsers.class,
      UserCommands.Get.class,
      UserCommands.Update.class,
      UserCommands.Delete.class,
      UserCommands.ResetUsage.class,
      UserCommands.RotateSubscription.class,
      UserCommands.RotateCredentials.class,
      UserCommands.Access.class,
      UserBulkCommands.Batch.class,
      UserBulkCommands.Bulk.class
    })
final class UserCommands extends CommandGroup {

  static Table table() {
    return new Table("ID", "NAME", "STATUS", "USED/LIMIT", "EXPIRES");
  }

  static List<?> row(JsonNode u) {
    long limit = u.path("data_limit_bytes").asLong(0);
    String used = Printer.size(u, "used_bytes");
    String usage =
        (used == null ? "-" : used) + " / " + (limit == 0 ? "unlimited" : Sizes.format(limit));
    String expires = Printer.text(u, "expire_at");
    return List.of(
        u.path("id").asText(),
        u.path("name").asText(),
        u.path("status").asText(),
        usage,
        expires == null ? "never" : expires);
  }

  @Command(name = "create", description = "Create a user; prints it with its subscription URL.")
  static final class Create extends AdminCommand {
    @Option(names = "--name", required = true, paramLabel = "NAME", description = "Unique name.")
    String name;

    @Option(
        names = "--template",
        paramLabel = "TEMPLATE_ID",
        description = "Fill the fields not given here from this user template.")
    String template;

    @Mixin UserFields fields = new UserFields();

    @Override
    void validate() throws UsageException {
      fields.validate();
    }

    @Override
    void run(ApiClient api, Printer out) throws ApiException, TransportException {
      ObjectNode body = context.json().createObjectNode().put("name", name);
      if (template != null) {
        body.put("template_id", template);
      }
      fields.putInto(body, context.clock());
      out.resource(api.post("users", body));
    }
  }

  @Command(name = "list", description = "List users.")
  static final class ListUsers extends AdminCommand {
    @Option(names = "--status", paramLabel = "STATUS", description = "Only users in this status.")
    String status;

    @Option(names = "--q", paramLabel = "TEXT", description = "Search in names and notes.")
    String q;

    @Option(
        names = "--sort",
        paramLabel = "KEY",
        description =
            "Order by name, created_at, used_bytes, expire_at or online_at; a leading '-' sorts"
                + " descending (default: by id).")
    String sort;

    @Mixin ListOptions page = new ListOptions();

    @Override
    void run(ApiClient api, Printer out) throws ApiException, TransportException {
      JsonNode users =
          api.list("users", page.query("status", status, "q", q, "sort", sort), page.all);
      out.list(users, table(), UserCommands::row);
    }
  }

  @Command(
      name = "get",
      aliases = "show",
      description = "Show one user, with its traffic per node.")
  static final class Get extends AdminCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    void run(ApiClient api, Printer out) throws ApiException, TransportException {
      JsonNode user = api.get(ApiClient.path("users", id));
      if (out.isJson() || !user.path("node_usage").isArray()) {
        out.resource(user);
        return;
      }
      ObjectNode shown = user.deepCopy();
      shown.remove("node_usage");
      out.resource(shown);
      out.out().println();
      out.out().println("Traffic by node (uplink/downlink this period, lifetime):");
      Table t = new Table("NODE", "ID", "UPLINK", "DOWNLINK", "LIFETIME");
      for (JsonNode n : user.path("node_usage")) {
        t.row(
            Printer.text(n, "node_name"),
            Printer.text(n, "node_id"),
            Printer.size(n, "uplink_bytes"),
            Printer.size(n, "downlink_bytes"),
            Printer.size(n, "lifetime_used_bytes"));
      }
      if (t.size() == 0) {
        out.out().println("(none counted yet)");
      } else {
        t.print(out.out());
      }
      out.out().flush();
    }
  }

  @Command(name = "update", description = "Change a user; only the given options are sent.")
  static final class Update extends AdminCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Option(names = "--name", paramLabel = "NAME", description = "New name.")
    String name;

    @Mixin UserFields fields = new UserFields();

    @Override
    void validate() throws UsageException {
      fields.validate();
      if (name == null && fields.isEmpty()) {
        throw new UsageException("nothing to update: give at least one option");
      }
    }

    @Override
    void run(ApiClient api, Printer out) throws ApiException, TransportException {
      ObjectNode body = context.json().createObjectNode();
      if (name != null) {
        body.put("name", name);
      }
      fields.putInto(body, context.clock());
      out.resource(api.patch(ApiClient.path("users", id), body));
    }
  }

  @Command(name = "delete", description = "Delete a user and its grants.")
  static final class Delete extends AdminCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    void run(ApiClient api, Printer out) throws ApiException, TransportException {
      out.done("deleted user " + id, api.delete(ApiClient.path("users", id)));
    }
  }

  @Command(name = "reset-usage", description = "Reset a user's current-period usage to zero.")
  static final class ResetUsage extends AdminCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    void run(ApiClient api, Printer out) throws ApiException, TransportException {
      out.resource(api.post(ApiClient.path("users", id, "reset-usage"), null));
    }
  }

  @Command(
      name = "rotate-credentials",
      description =
          "Replace the user's four credentials (VLESS/VMess UUIDs, Trojan and Shadowsocks"
              + " passwords) with new random ones; every node's core drops the old ones within"
              + " seconds. Grants with their own credential keep it.")
  static final class RotateCredentials extends AdminCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    void run(ApiClient api, Printer out) throws ApiException, TransportException {
      out.resource(api.post(ApiClient.path("users", id, "rotate-credentials"), null));
    }
  }

  @Command(
      name = "access",
      description = "List the endpoints a user reaches and where each comes from (grant, group).")
  static final class Access extends AdminCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    void run(ApiClient api, Printer out) throws ApiException, TransportException {
      JsonNode access = api.get(ApiClient.path("users", id, "access"));
      if (out.isJson()) {
        out.json(access);
        return;
      }
      Table t = new Table("ENDPOINT", "NODE", "TAG", "PROTOCOL", "PORT", "FROM", "CREDENTIAL");
      for (JsonNode item : access.path("items")) {
        List<String> from = new ArrayList<>();
        item.path("sources")
            .forEach(s -> from.add(s.path("type").asText() + ":" + s.path("id").asText()));
        t.row(
            Printer.text(item, "endpoint_id"),
            Printer.text(item, "node_id"),
            Printer.text(item, "tag"),
            Printer.text(item, "protocol"),
            Printer.text(item, "port"),
            String.join(",", from),
            Printer.text(item, "credential_from"));
      }
      t.print(out.out());
      if (!access.path("connects").asBoolean(true)) {
        out.out().println("(the user does not connect now: disabled, limited or expired)");
      }
      out.out().flush();
    }
  }

  @Command(
      name = "rotate-subscription",
      description = "Issue a new subscription URL; the old one stops working.")
  static final class RotateSubscription extends AdminCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    void run(ApiClient api, Printer out) throws ApiException, TransportException {
      out.resource(api.post(ApiClient.path("users", id, "rotate-subscription"), null));
    }
  }
}
