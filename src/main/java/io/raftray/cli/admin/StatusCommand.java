package io.raftray.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import picocli.CommandLine.Command;

/**
 * {@code raftray status}: GET {@code /cluster}. Members get the contract's columns plus any extra
 * fields the server reports (e.g. {@code last_heartbeat_at}, {@code lag}), so newer servers show
 * more without a CLI change.
 */
@Command(name = "status", description = "Show the cluster: id, leader, term and members.")
final class StatusCommand extends AdminCommand {
  private static final List<String> KNOWN =
      List.of("node_id", "name", "api_base_url", "role", "is_leader", "healthy");

  @Override
  void run(ApiClient api, Printer out) throws ApiException, TransportException {
    JsonNode cluster = api.get("cluster");
    if (out.isJson()) {
      out.json(cluster);
      return;
    }
    ObjectNode summary = cluster.deepCopy();
    summary.remove("members");
    out.resource(summary);
    out.out().println();
    members(cluster.path("members")).print(out.out());
  }

  static Table members(JsonNode members) {
    Set<String> extra = new LinkedHashSet<>();
    for (JsonNode m : members) {
      m.fieldNames().forEachRemaining(extra::add);
    }
    extra.removeAll(KNOWN);
    List<String> headers =
        new ArrayList<>(List.of("NODE ID", "NAME", "API BASE URL", "ROLE", "LEADER", "HEALTHY"));
    extra.forEach(f -> headers.add(f.replace('_', ' ').toUpperCase(Locale.ROOT)));
    Table table = new Table(headers);
    for (JsonNode m : members) {
      List<Object> row = new ArrayList<>();
      row.add(Printer.text(m, "node_id"));
      row.add(Printer.text(m, "name"));
      row.add(Printer.text(m, "api_base_url"));
      row.add(Printer.text(m, "role"));
      row.add(Printer.yesNo(m, "is_leader"));
      row.add(Printer.yesNo(m, "healthy"));
      extra.forEach(f -> row.add(Printer.text(m, f)));
      table.row(row);
    }
    return table;
  }
}
