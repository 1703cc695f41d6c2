package io.raftray.cli.admin;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code raftray endpoint ...} over {@code /endpoints}. */
@Command(
    name = "endpoint",
    description = "Manage endpoints (one Xray inbound on one node).",
    subcommands = {
      EndpointCommands.Create.class,
      EndpointCommands.ListEndpoints.class,
      EndpointCommands.Get.class,
      EndpointCommands.Update.class,
      EndpointCommands.Delete.class
    })
final class EndpointCommands extends CommandGroup {
  private static final String SETTINGS_HELP =
      "Protocol/transport setting, repeatable; the value is sent as a JSON string"
          + " (use --settings-json for numbers, booleans, lists or objects).";

  static Table table() {
    return new Table("ID", "NODE", "TAG", "PROTOCOL", "PORT", "TRANSPORT", "SECURITY", "ENABLED");
  }

  static List<?> row(JsonNode e) {
    return Arrays.asList(
        Printer.text(e, "id"),
        Printer.text(e, "node_id"),
        Printer.text(e, "tag"),
        Printer.text(e, "protocol"),
        Printer.text(e, "port"),
        Printer.text(e, "transport"),
        Printer.text(e, "security"),
        Printer.yesNo(e, "enabled"));
  }

  /** {@code settings}: the --settings-json object with each --set key=value put over it. */
  static ObjectNode settings(ObjectMapper json, String settingsJson, Map<String, String> set)
      throws UsageException {
    ObjectNode settings = json.createObjectNode();
    if (settingsJson != null) {
      JsonNode parsed;
      try {
        parsed = json.readTree(settingsJson);
      } catch (JacksonException e) {
        throw new UsageException("--settings-json is not valid JSON: " + e.getOriginalMessage(), e);
      }
      if (parsed == null || !parsed.isObject()) {
        throw new UsageException("--settings-json must be a JSON object");
      }
      settings.setAll((ObjectNode) parsed);
    }
    set.forEach(settings::put);
    return settings;
  }

  @Command(
      name = "create",
      description = "Create an endpoint. The server generates keys (e.g. REALITY) as needed.")
  static final class Create extends AdminCommand {
    @Option(names = "--node", required = true, paramLabel = "NODE_ID", description = "Node id.")
    String node;

    @Option(
        names = "--protocol",
        required = true,
        paramLabel = "PROTOCOL",
        description = "vless, vmess, trojan or shadowsocks.")
    String protocol;

    @Option(names = "--port", required = true, paramLabel = "PORT", description = "Listen port.")
    int port;

    @Option(
        names = "--transport",
        required = true,
        paramLabel = "TRANSPORT",
        description = "tcp, ws, grpc, httpupgrade or xhttp.")
    String transport;

    @Option(
        names = "--security",
        required = true,
        paramLabel = "SECURITY",
        description = "none, tls or reality.")
    String security;

    @Option(names = "--tag", paramLabel = "TAG", description = "Xray inbound tag.")
    String tag;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = SETTINGS_HELP)
    Map<String, String> set = new LinkedHashMap<>();

    @Option(names = "--settings-json", paramLabel = "JSON", description = "Settings object.")
    String settingsJson;

    @Option(names = "--disabled", description = "Create it disabled.")
    boolean disabled;

    @Option(
        names = "--label",
        paramLabel = "KEY=VALUE",
        description = "Label (what group selectors match), repeatable.")
    Map<String, String> labels = new LinkedHashMap<>();

    private ObjectNode settings;

    @Override
    void validate() throws UsageException {
      settings = settings(context.json(), settingsJson, set);
    }

    @Override
    void run(ApiClient api, Printer out) throws ApiException, TransportException {
      ObjectNode body =
          context
              .json()
              .createObjectNode()
              .put("node_id", node)
              .put("protocol", protocol)
              .put("port", port)
              .put("transport", transport)
              .put("security", security);
      if (tag != null) {
        body.put("tag", tag);
      }
      if (!settings.isEmpty()) {
        body.set("settings", settings);
      }
      body.put("enabled", !disabled);
      if (!labels.isEmpty()) {
        ObjectNode l = body.putObject("labels");
        labels.forEach(l::put);
      }
      out.resource(api.post("endpoints", body));
    }
  }

  @Command(name = "list", description = "List endpoints.")
  static final class ListEndpoints extends AdminCommand {
    @Option(names = "--node", paramLabel = "NODE_ID", description = "Only this node's endpoints.")
    String node;

    @Mixin ListOptions page = new ListOptions();

    @Override
    void run(ApiClient api, Printer out) throws ApiException, TransportException {
      JsonNode endpoints = api.list("endpoints", page.query("node_id", node), page.all);
      out.list(endpoints, table(), EndpointCommands::row);
    }
  }

  @Command(name = "get", description = "Show one endpoint with its settings.")
  static final class Get extends AdminCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    void run(ApiClient api, Printer out) throws ApiException, TransportException {
      out.resource(api.get(ApiClient.path("endpoints", id)));
    }
  }

  @Command(
      name = "update",
      description =
          "Change an endpoint; only the given options are sent. Settings keys given with --set or"
              + " --settings-json are sent as a partial settings object.")
  static final class Update extends AdminCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Option(names = "--port", paramLabel = "PORT", description = "New listen port.")
    Integer port;

    @Option(names = "--tag", paramLabel = "TAG", description = "New Xray inbound tag.")
    String tag;

    @Option(names = "--transport", paramLabel = "TRANSPORT", description = "New transport.")
    String transport;

    @Option(names = "--security", paramLabel = "SECURITY", description = "New security.")
    String security;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = SETTINGS_HELP)
    Map<String, String> set = new LinkedHashMap<>();

    @Option(names = "--settings-json", paramLabel = "JSON", description = "Settings object.")
    String settingsJson;

    @Option(
        names = "--enabled",
        arity = "1",
        paramLabel = "true|false",
        description = "Enable or disable.")
    Boolean enabled;

    @Option(
        names = "--label",
        paramLabel = "KEY=VALUE",
        description = "The new labels, repeatable (replaces all of them).")
    Map<String, String> labels = new LinkedHashMap<>();

    @Option(names = "--no-labels", description = "Remove every label.")
    boolean noLabels;

    private ObjectNode body;

    @Override
    void validate() throws UsageException {
      body = context.json().createObjectNode();
      if (port != null) {
        body.put("port", port.intValue());
      }
      if (tag != null) {
        body.put("tag", tag);
      }
      if (transport != null) {
        body.put("transport", transport);
      }
      if (security != null) {
        body.put("security", security);
      }
      ObjectNode settings = settings(context.json(), settingsJson, set);
      if (settingsJson != null || !settings.isEmpty()) {
        body.set("settings", settings);
      }
      if (enabled != null) {
        body.put("enabled", enabled.booleanValue());
      }
      if (noLabels && !labels.isEmpty()) {
        throw new UsageException("use either --label or --no-labels, not both");
      }
      if (noLabels || !labels.isEmpty()) {
        ObjectNode l = body.putObject("labels");
        labels.forEach(l::put);
      }
      if (body.isEmpty()) {
        throw new UsageException("nothing to update: give at least one option");
      }
    }

    @Override
    void run(ApiClient api, Printer out) throws ApiException, TransportException {
      out.resource(api.patch(ApiClient.path("endpoints", id), body));
    }
  }

  @Command(name = "delete", description = "Delete an endpoint and its grants.")
  static final class Delete extends AdminCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    void run(ApiClient api, Printer out) throws ApiException, TransportException {
      out.done("deleted endpoint " + id, api.delete(ApiClient.path("endpoints", id)));
    }
  }
}
