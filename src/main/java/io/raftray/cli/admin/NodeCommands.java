package io.raftray.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code raftray node ...} over {@code /nodes}. Nodes join with join tokens, not here. */
@Command(
    name = "node",
    description =
        "Inspect, rename and remove cluster nodes; their host, logs and core; move Raft"
            + " leadership.",
    subcommands = {
      NodeCommands.ListNodes.class,
      NodeCommands.Get.class,
      NodeHostCommands.Show.class,
      NodeHostCommands.Logs.class,
      NodeHostCommands.RestartCore.class,
      NodeCommands.Update.class,
      NodeCommands.Remove.class,
      NodeCommands.TransferLeadership.class
    })
final class NodeCommands extends CommandGroup {

  static Table table() {
    return new Table("ID", "NAME", "STATUS", "ROLE", "ACCESS HOST", "XRAY", "LAST HEARTBEAT");
  }

  static List<?> row(JsonNode n) {
    String xray = Printer.text(n, "xray.status");
    String version = Printer.text(n, "xray.version");
    if (xray != null && version != null) {
      xray += " " + version;
    }
    return Arrays.asList(
        Printer.text(n, "id"),
        Printer.text(n, "name"),
        Printer.text(n, "status"),
        Printer.text(n, "role"),
        Printer.text(n, "access_host"),
        xray,
        Printer.text(n, "last_heartbeat_at"));
  }

  @Command(name = "list", description = "List nodes.")
  static final class ListNodes extends AdminCommand {
    @Mixin ListOptions page = new ListOptions();

    @Override
    void run(ApiClient api, Printer out) throws ApiException, TransportException {
      out.list(api.list("nodes", page.query(), page.all), table(), NodeCommands::row);
    }
  }

  @Command(name = "get", description = "Show one node with its facts and certificate expiry.")
  static final class Get extends AdminCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    void run(ApiClient api, Printer out) throws ApiException, TransportException {
      out.resource(api.get(ApiClient.path("nodes", id)));
    }
  }

  @Command(name = "update", description = "Change a node's name, access host or labels.")
  static final class Update extends AdminCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Option(names = "--name", paramLabel = "NAME", description = "New display name.")
    String name;

    @Option(
        names = "--access-host",
        paramLabel = "HOST",
        description = "Host name clients use to reach this node's endpoints.")
    String accessHost;

    @Option(
        names = "--label",
        paramLabel = "KEY=VALUE",
        description = "Label to set, repeatable (sent as the labels object).")
    Map<String, String> labels = new LinkedHashMap<>();

    @Override
    void validate() throws UsageException {
      if (name == null && accessHost == null && labels.isEmpty()) {
        throw new UsageException("nothing to update: give --name, --access-host or --label");
      }
    }

    @Override
    void run(ApiClient api, Printer out) throws ApiException, TransportException {
      ObjectNode body = context.json().createObjectNode();
      if (name != null) {
        body.put("name", name);
      }
      if (accessHost != null) {
        body.put("access_host", accessHost);
      }
      if (!labels.isEmpty()) {
        ObjectNode l = body.putObject("labels");
        labels.forEach(l::put);
      }
      out.resource(api.patch(ApiClient.path("nodes", id), body));
    }
  }

  @Command(
      name = "remove",
      description =
          "Remove a node: revoke its certificate, disable its endpoints, drop it from the Raft"
              + " group. Send this to another node than the one removed.")
  static final class Remove extends AdminCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    void run(ApiClient api, Printer out) throws ApiException, TransportException {
      out.done("removed node " + id, api.delete(ApiClient.path("nodes", id)));
    }
  }

  @Command(
      name = "transfer-leadership",
      description =
          "Make node ID the Raft leader (it must be a voter); waits until it leads or times out.")
  static final class TransferLeadership extends AdminCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    void run(ApiClient api, Printer out) throws ApiException, TransportException {
      ObjectNode body = context.json().createObjectNode();
      body.put("node_id", id);
      JsonNode cluster = api.post("cluster/transfer-leadership", body);
      out.done("node " + id + " is the leader now", cluster);
    }
  }
}
