package io.raftray.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code raftray group ...} over {@code /groups}: named sets of endpoints, listed by id and/or
 * chosen by a selector; users get access to them with {@code user create|update --group}.
 */
@Command(
    name = "group",
    description = "Manage groups of endpoints (by id and/or a selector) that users belong to.",
    subcommands = {
      GroupCommands.Create.class,
      GroupCommands.ListGroups.class,
      GroupCommands.Get.class,
      GroupCommands.Update.class,
      GroupCommands.Delete.class
    })
final class GroupCommands extends CommandGroup {

  static Table table() {
    return new Table("ID", "NAME", "ENDPOINTS", "SELECTOR", "MEMBERS");
  }

  static List<?> row(JsonNode g) {
    return Arrays.asList(
        Printer.text(g, "id"),
        Printer.text(g, "name"),
        String.valueOf(g.path("endpoint_ids").size()),
        selectorText(g.path("selector")),
        Printer.text(g, "member_count"));
  }

  /** {@code protocols=vless,vmess node:region=eu endpoint:tier=gold}, or null for none. */
  static String selectorText(JsonNode sel) {
    if (!sel.isObject()) {
      return null;
    }
    List<String> parts = new ArrayList<>();
    List<String> protocols = new ArrayList<>();
    sel.path("protocols").forEach(p -> protocols.add(p.asText()));
    if (!protocols.isEmpty()) {
      parts.add("protocols=" + String.join(",", protocols));
    }
    sel.path("node_labels")
        .properties()
        .forEach(e -> parts.add("node:" + e.getKey() + "=" + e.getValue().asText()));
    sel.path("endpoint_labels")
        .properties()
        .forEach(e -> parts.add("endpoint:" + e.getKey() + "=" + e.getValue().asText()));
    return String.join(" ", parts);
  }

  /** The selector options shared by create and update. */
  static final class SelectorOptions {
    @Option(
        names = "--protocol",
        split = ",",
        paramLabel = "PROTOCOL",
        description = "Selector: endpoints of these protocols (vless, vmess, trojan, shadowsocks).")
    List<String> protocols = new ArrayList<>();

    @Option(
        names = "--node-label",
        paramLabel = "KEY=VALUE",
        description =
            "Selector: endpoints on nodes carrying this label; repeatable (all must match).")
    Map<String, String> nodeLabels = new LinkedHashMap<>();

    @Option(
        names = "--endpoint-label",
        paramLabel = "KEY=VALUE",
        description = "Selector: endpoints carrying this label; repeatable (all must match).")
    Map<String, String> endpointLabels = new LinkedHashMap<>();

    boolean given() {
      return !protocols.isEmpty() || !nodeLabels.isEmpty() || !endpointLabels.isEmpty();
    }

    /** The selector object of the given options (the API replaces the whole selector). */
    ObjectNode json(ObjectMapper json) {
      ObjectNode sel = json.createObjectNode();
      if (!protocols.isEmpty()) {
        ArrayNode a = sel.putArray("protocols");
        protocols.forEach(a::add);
      }
      if (!nodeLabels.isEmpty()) {
        ObjectNode l = sel.putObject("node_labels");
        nodeLabels.forEach(l::put);
      }
      if (!endpointLabels.isEmpty()) {
        ObjectNode l = sel.putObject("endpoint_labels");
        endpointLabels.forEach(l::put);
      }
      return sel;
    }
  }

  @Command(
      name = "create",
      description =
          "Create a group: endpoints by --endpoint and/or a selector (--protocol, --node-label,"
              + " --endpoint-label). Endpoints added later that match the selector join it.")
  static final class Create extends AdminCommand {
    @Option(names = "--name", required = true, paramLabel = "NAME", description = "Unique name.")
    String name;

    @Option(names = "--description", paramLabel = "TEXT", description = "Free-form description.")
    String description;

    @Option(
        names = "--endpoint",
        split = ",",
        paramLabel = "ENDPOINT_ID",
        description = "An endpoint in the group; repeatable or comma-separated.")
    List<String> endpoints = new ArrayList<>();

    @Mixin SelectorOptions selector = new SelectorOptions();

    @Override
    void validate() throws UsageException {
      if (endpoints.isEmpty() && !selector.given()) {
        throw new UsageException(
            "a group needs endpoints: give --endpoint and/or a selector (--protocol,"
                + " --node-label, --endpoint-label)");
      }
    }

    @Override
    void run(ApiClient api, Printer out) throws ApiException, TransportException {
      ObjectNode body = context.json().createObjectNode().put("name", name);
      if (description != null) {
        body.put("description", description);
      }
      if (!endpoints.isEmpty()) {
        ArrayNode a = body.putArray("endpoint_ids");
        endpoints.forEach(a::add);
      }
      if (selector.given()) {
        body.set("selector", selector.json(context.json()));
      }
      out.resource(api.post("groups", body));
    }
  }

  @Command(name = "list", description = "List groups with their member counts.")
  static final class ListGroups extends AdminCommand {
    @Mixin ListOptions page = new ListOptions();

    @Override
    void run(ApiClient api, Printer out) throws ApiException, TransportException {
      out.list(api.list("groups", page.query(), page.all), table(), GroupCommands::row);
    }
  }

  @Command(name = "get", aliases = "show", description = "Show one group.")
  static final class Get extends AdminCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    void run(ApiClient api, Printer out) throws ApiException, TransportException {
      out.resource(api.get(ApiClient.path("groups", id)));
    }
  }

  @Command(
      name = "update",
      description =
          "Change a group; only the given options are sent. --endpoint replaces the endpoint list;"
              + " selector options replace the whole selector.")
  static final class Update extends AdminCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Option(names = "--name", paramLabel = "NAME", description = "New name.")
    String name;

    @Option(names = "--description", paramLabel = "TEXT", description = "New description.")
    String description;

    @Option(
        names = "--endpoint",
        split = ",",
        paramLabel = "ENDPOINT_ID",
        description = "The new endpoint list; repeatable or comma-separated.")
    List<String> endpoints = new ArrayList<>();

    @Option(names = "--no-endpoints", description = "Empty the endpoint list.")
    boolean noEndpoints;

    @Mixin SelectorOptions selector = new SelectorOptions();

    @Option(names = "--no-selector", description = "Remove the selector.")
    boolean noSelector;

    private ObjectNode body;

    @Override
    void validate() throws UsageException {
      if (noEndpoints && !endpoints.isEmpty()) {
        throw new UsageException("use either --endpoint or --no-endpoints, not both");
      }
      if (noSelector && selector.given()) {
        throw new UsageException("use either selector options or --no-selector, not both");
      }
      body = context.json().createObjectNode();
      if (name != null) {
        body.put("name", name);
      }
      if (description != null) {
        body.put("description", description);
      }
      if (noEndpoints || !endpoints.isEmpty()) {
        ArrayNode a = body.putArray("endpoint_ids");
        endpoints.forEach(a::add);
      }
      if (noSelector) {
        body.putNull("selector");
      } else if (selector.given()) {
        body.set("selector", selector.json(context.json()));
      }
      if (body.isEmpty()) {
        throw new UsageException("nothing to update: give at least one option");
      }
    }

    @Override
    void run(ApiClient api, Printer out) throws ApiException, TransportException {
      out.resource(api.patch(ApiClient.path("groups", id), body));
    }
  }

  @Command(
      name = "delete",
      description = "Delete a group; its members lose the access it gave (their grants stay).")
  static final class Delete extends AdminCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    void run(ApiClient api, Printer out) throws ApiException, TransportException {
      out.done("deleted group " + id, api.delete(ApiClient.path("groups", id)));
    }
  }
}
