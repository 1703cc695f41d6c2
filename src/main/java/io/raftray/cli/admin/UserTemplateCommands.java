package io.raftray.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code raftray user-template ...} over {@code /user-templates}: defaults that {@code user create
 * --template} fills in for the fields it leaves out.
 */
@Command(
    name = "user-template",
    description = "Manage user templates (defaults for 'user create --template').",
    subcommands = {
      UserTemplateCommands.Create.class,
      UserTemplateCommands.ListTemplates.class,
      UserTemplateCommands.Get.class,
      UserTemplateCommands.Update.class,
      UserTemplateCommands.Delete.class
    })
final class UserTemplateCommands extends CommandGroup {

  static Table table() {
    return new Table("ID", "NAME", "LIMIT", "EXPIRES AFTER", "RESET", "ON HOLD", "GROUPS");
  }

  static List<?> row(JsonNode t) {
    long limit = t.path("data_limit_bytes").asLong(0);
    long expire = t.path("expire_seconds").asLong(0);
    return Arrays.asList(
        Printer.text(t, "id"),
        Printer.text(t, "name"),
        limit == 0 ? "unlimited" : Sizes.format(limit),
        expire == 0 ? "never" : seconds(expire),
        Printer.text(t, "reset_strategy"),
        Printer.yesNo(t, "on_hold"),
        String.valueOf(t.path("group_ids").size()));
  }

  /** Seconds in the largest whole unit of {@code raftray} durations: 30d, 12h, 90m, 45s. */
  static String seconds(long s) {
    if (s % 604_800 == 0) {
      return s / 604_800 + "w";
    }
    if (s % 86_400 == 0) {
      return s / 86_400 + "d";
    }
    if (s % 3_600 == 0) {
      return s / 3_600 + "h";
    }
    return s % 60 == 0 ? s / 60 + "m" : s + "s";
  }

  /** A duration, or {@code never}/{@code none}/{@code 0} for none (0 seconds on the wire). */
  static final class OptionalDuration implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      String v = value.strip();
      if (v.equalsIgnoreCase("never") || v.equalsIgnoreCase("none") || v.equals("0")) {
        return Duration.ZERO;
      }
      return new Durations.DurationConverter().convert(v);
    }
  }

  /** The template fields shared by create and update; absent options are not sent. */
  static final class Fields {
    @Option(names = "--note", paramLabel = "TEXT", description = "Note given to new users.")
    String note;

    @Option(
        names = "--data-limit",
        paramLabel = "SIZE",
        converter = Sizes.Converter.class,
        description = "Traffic limit, e.g. 10GB or 512MiB; 0 means unlimited.")
    Long dataLimit;

    @Option(
        names = "--expire-after",
        paramLabel = "DURATION",
        converter = OptionalDuration.class,
        description = "New users expire this long after creation, e.g. 30d; never for none.")
    Duration expireAfter;

    @Option(
        names = "--reset-strategy",
        paramLabel = "STRATEGY",
        description = "Usage reset: no_reset, day, week, month or year.")
    String resetStrategy;

    @Option(
        names = "--on-hold",
        arity = "1",
        paramLabel = "true|false",
        description = "Create users on_hold (active from their first traffic).")
    Boolean onHold;

    @Option(
        names = "--on-hold-expire",
        paramLabel = "DURATION",
        converter = OptionalDuration.class,
        description = "For on_hold users: expire this long after the first traffic; none clears.")
    Duration onHoldExpire;

    @Option(
        names = "--group",
        split = ",",
        paramLabel = "GROUP_ID",
        description = "Groups of new users; repeatable or comma-separated (replaces the list).")
    List<String> groups;

    @Option(names = "--no-groups", description = "New users get no groups (clears the list).")
    boolean noGroups;

    void validate() throws UsageException {
      if (noGroups && groups != null) {
        throw new UsageException("use either --group or --no-groups, not both");
      }
    }

    void putInto(ObjectNode body) {
      if (note != null) {
        body.put("note", note);
      }
      if (dataLimit != null) {
        body.put("data_limit_bytes", dataLimit.longValue());
      }
      if (expireAfter != null) {
        body.put("expire_seconds", expireAfter.toSeconds());
      }
      if (resetStrategy != null) {
        body.put("reset_strategy", resetStrategy);
      }
      if (onHold != null) {
        body.put("on_hold", onHold.booleanValue());
      }
      if (onHoldExpire != null) {
        body.put("on_hold_expire_seconds", onHoldExpire.toSeconds());
      }
      if (groups != null || noGroups) {
        ArrayNode a = body.putArray("group_ids");
        if (groups != null) {
          groups.forEach(a::add);
        }
      }
    }
  }

  @Command(name = "create", description = "Create a user template.")
  static final class Create extends AdminCommand {
    @Option(names = "--name", required = true, paramLabel = "NAME", description = "Unique name.")
    String name;

    @Mixin Fields fields = new Fields();

    @Override
    void validate() throws UsageException {
      fields.validate();
    }

    @Override
    void run(ApiClient api, Printer out) throws ApiException, TransportException {
      ObjectNode body = context.json().createObjectNode().put("name", name);
      fields.putInto(body);
      out.resource(api.post("user-templates", body));
    }
  }

  @Command(name = "list", description = "List user templates.")
  static final class ListTemplates extends AdminCommand {
    @Mixin ListOptions page = new ListOptions();

    @Override
    void run(ApiClient api, Printer out) throws ApiException, TransportException {
      out.list(
          api.list("user-templates", page.query(), page.all), table(), UserTemplateCommands::row);
    }
  }

  @Command(name = "get", aliases = "show", description = "Show one user template.")
  static final class Get extends AdminCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    void run(ApiClient api, Printer out) throws ApiException, TransportException {
      out.resource(api.get(ApiClient.path("user-templates", id)));
    }
  }

  @Command(
      name = "update",
      description =
          "Change a template; only the given options are sent. Existing users keep theirs.")
  static final class Update extends AdminCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Option(names = "--name", paramLabel = "NAME", description = "New name.")
    String name;

    @Mixin Fields fields = new Fields();

    private ObjectNode body;

    @Override
    void validate() throws UsageException {
      fields.validate();
      body = context.json().createObjectNode();
      if (name != null) {
        body.put("name", name);
      }
      fields.putInto(body);
      if (body.isEmpty()) {
        throw new UsageException("nothing to update: give at least one option");
      }
    }

    @Override
    void run(ApiClient api, Printer out) throws ApiException, TransportException {
      out.resource(api.patch(ApiClient.path("user-templates", id), body));
    }
  }

  @Command(
      name = "delete",
      description = "Delete a user template; users created from it keep their fields.")
  static final class Delete extends AdminCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    void run(ApiClient api, Printer out) throws ApiException, TransportException {
      out.done("deleted user template " + id, api.delete(ApiClient.path("user-templates", id)));
    }
  }
}
