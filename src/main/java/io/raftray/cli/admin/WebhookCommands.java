package io.raftray.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code raftray webhook ...} over {@code /webhooks} (docs/webhooks.md). The secret is read from a
 * file, never from the command line (where {@code ps} and the shell history would show it).
 */
@Command(
    name = "webhook",
    description = "Manage webhooks: signed deliveries of cluster events to HTTPS receivers.",
    subcommands = {
      WebhookCommands.Create.class,
      WebhookCommands.ListHooks.class,
      WebhookCommands.Get.class,
      WebhookCommands.Update.class,
      WebhookCommands.Delete.class,
      WebhookCommands.Deliveries.class
    })
final class WebhookCommands extends CommandGroup {

  static Table table() {
    return new Table("ID", "URL", "EVENTS", "ENABLED", "DELIVERED", "PENDING", "LAST");
  }

  static List<?> row(JsonNode h) {
    List<String> events = new ArrayList<>();
    h.path("events").forEach(e -> events.add(e.asText()));
    return Arrays.asList(
        Printer.text(h, "id"),
        Printer.text(h, "url"),
        events.isEmpty() ? "all" : String.join(",", events),
        Printer.yesNo(h, "enabled"),
        Printer.text(h, "delivered_seq"),
        Printer.text(h, "pending"),
        Printer.text(h, "last_outcome"));
  }

  /** The secret in {@code file} without a trailing newline. */
  static String secret(Path file) throws UsageException {
    try {
      return Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new UsageException("--secret-file: cannot read " + file);
    }
  }

  static void events(ObjectNode body, List<String> events) {
    ArrayNode a = body.putArray("events");
    events.forEach(a::add);
  }

  @Command(
      name = "create",
      description =
          "Create a webhook. Without --secret-file the cluster generates the secret and prints it"
              + " once.")
  static final class Create extends AdminCommand {
    @Option(
        names = "--url",
        required = true,
        paramLabel = "URL",
        description = "https://... (or telegram:<chat id>,... with the bot token as the secret)")
    String url;

    @Option(
        names = "--event",
        split = ",",
        paramLabel = "TYPE",
        description = "Only these event types (e.g. user.limited); default: all.")
    List<String> events = new ArrayList<>();

    @Option(
        names = "--secret-file",
        paramLabel = "FILE",
        description = "The signing secret (for telegram: the bot token).")
    Path secretFile;

    @Option(names = "--disabled", description = "Create it disabled.")
    boolean disabled;

    private String secret;

    @Override
    void validate() throws UsageException {
      secret = secretFile == null ? null : secret(secretFile);
    }

    @Override
    void run(ApiClient api, Printer out) throws ApiException, TransportException {
      ObjectNode body = context.json().createObjectNode().put("url", url);
      if (secret != null) {
        body.put("secret", secret);
      }
      if (!events.isEmpty()) {
        events(body, events);
      }
      if (disabled) {
        body.put("enabled", false);
      }
      out.resource(api.post("webhooks", body));
    }
  }

  @Command(name = "list", description = "List webhooks and their delivery progress.")
  static final class ListHooks extends AdminCommand {
    @Mixin ListOptions page = new ListOptions();

    @Override
    void run(ApiClient api, Printer out) throws ApiException, TransportException {
      out.list(api.list("webhooks", page.query(), page.all), table(), WebhookCommands::row);
    }
  }

  @Command(name = "get", aliases = "show", description = "Show one webhook.")
  static final class Get extends AdminCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    void run(ApiClient api, Printer out) throws ApiException, TransportException {
      out.resource(api.get(ApiClient.path("webhooks", id)));
    }
  }

  @Command(name = "update", description = "Change a webhook; only the given options are sent.")
  static final class Update extends AdminCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Option(names = "--url", paramLabel = "URL", description = "New address.")
    String url;

    @Option(
        names = "--event",
        split = ",",
        paramLabel = "TYPE",
        description = "The new event filter (replaces it).")
    List<String> events = new ArrayList<>();

    @Option(names = "--all-events", description = "Every event type.")
    boolean allEvents;

    @Option(names = "--secret-file", paramLabel = "FILE", description = "A new signing secret.")
    Path secretFile;

    @Option(names = "--enable", description = "Enable it.")
    boolean enable;

    @Option(names = "--disable", description = "Disable it (no events are queued for it).")
    boolean disable;

    private ObjectNode body;

    @Override
    void validate() throws UsageException {
      if (allEvents && !events.isEmpty()) {
        throw new UsageException("use either --event or --all-events, not both");
      }
      if (enable && disable) {
        throw new UsageException("use either --enable or --disable, not both");
      }
      body = context.json().createObjectNode();
      if (url != null) {
        body.put("url", url);
      }
      if (allEvents || !events.isEmpty()) {
        events(body, events);
      }
      if (secretFile != null) {
        body.put("secret", secret(secretFile));
      }
      if (enable || disable) {
        body.put("enabled", enable);
      }
      if (body.isEmpty()) {
        throw new UsageException("nothing to update: give at least one option");
      }
    }

    @Override
    void run(ApiClient api, Printer out) throws ApiException, TransportException {
      out.resource(api.patch(ApiClient.path("webhooks", id), body));
    }
  }

  @Command(name = "delete", description = "Delete a webhook; what it was owed is dropped.")
  static final class Delete extends AdminCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    void run(ApiClient api, Printer out) throws ApiException, TransportException {
      out.done("deleted webhook " + id, api.delete(ApiClient.path("webhooks", id)));
    }
  }

  @Command(name = "deliveries", description = "The last delivery attempts, newest first.")
  static final class Deliveries extends AdminCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    void run(ApiClient api, Printer out) throws ApiException, TransportException {
      out.list(
          api.get(ApiClient.path("webhooks", id, "deliveries")),
          new Table("EVENT", "TYPE", "AT", "ATTEMPT", "STATUS", "OUTCOME", "ERROR"),
          d ->
              Arrays.asList(
                  Printer.text(d, "event_id"),
                  Printer.text(d, "type"),
                  Printer.text(d, "at"),
                  Printer.text(d, "attempt"),
                  Printer.text(d, "status"),
                  Printer.text(d, "outcome"),
                  Printer.text(d, "error")));
    }
  }
}
