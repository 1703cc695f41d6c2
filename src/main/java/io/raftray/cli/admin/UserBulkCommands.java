package io.raftray.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code raftray user batch} and {@code raftray user bulk} over {@code /users/batch|bulk}. */
final class UserBulkCommands {
  /** Users one {@code /users/batch} request may hold. */
  static final int BATCH = 1000;

  private UserBulkCommands() {}

  @Command(
      name = "batch",
      description =
          "Create users from a JSON Lines file (one user object per line, the fields of"
              + " POST /users). Sent 1,000 per request; each request is all or nothing.")
  static final class Batch extends AdminCommand {
    @Option(
        names = "--file",
        required = true,
        paramLabel = "FILE",
        description = "users.jsonl; '-' reads standard input.")
    String file;

    private final List<JsonNode> users = new ArrayList<>();

    @Override
    void validate() throws UsageException {
      List<String> lines;
      try {
        lines =
            file.equals("-")
                ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8).lines().toList()
                : Files.readAllLines(Path.of(file), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UsageException("cannot read " + file + ": " + e.getMessage(), e);
      }
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i).strip();
        if (line.isEmpty()) {
          continue;
        }
        JsonNode n;
        try {
          n = context.json().readTree(line);
        } catch (IOException e) {
          throw new UsageException(file + " line " + (i + 1) + ": not valid JSON", e);
        }
        if (!n.isObject()) {
          throw new UsageException(file + " line " + (i + 1) + ": must be a JSON object");
        }
        users.add(n);
      }
      if (users.isEmpty()) {
        throw new UsageException(file + " holds no users");
      }
    }

    @Override
    void run(ApiClient api, Printer out) throws ApiException, TransportException {
      ArrayNode created = context.json().createArrayNode();
      for (int from = 0; from < users.size(); from += BATCH) {
        ObjectNode body = context.json().createObjectNode();
        ArrayNode items = body.putArray("users");
        users.subList(from, Math.min(users.size(), from + BATCH)).forEach(items::add);
        JsonNode answer;
        try {
          answer = api.post("users/batch", body);
        } catch (ApiException e) {
          if (from > 0) {
            out.out().println("created " + from + " users before this batch failed");
            out.out().flush();
          }
          throw e;
        }
        answer.path("items").forEach(created::add);
      }
      ObjectNode all = context.json().createObjectNode();
      all.put("count", created.size());
      all.set("items", created);
      if (out.isJson()) {
        out.json(all);
      } else {
        out.list(all, UserCommands.table(), UserCommands::row);
        out.out().println("created " + created.size() + " users");
        out.out().flush();
      }
    }
  }

  @Command(
      name = "bulk",
      description =
          "Apply one action to many users, chosen by --ids or by filters (the keys of 'user"
              + " list'). Actions: extend, add-data, set-limit, reset-usage, enable, disable,"
              + " add-groups, remove-groups, rotate-subscription, delete.")
  static final class Bulk extends AdminCommand {
    @Parameters(paramLabel = "ACTION", description = "What to do to every selected user.")
    String action;

    @Option(names = "--ids", split = ",", paramLabel = "ID", description = "These users.")
    List<String> ids;

    @Option(names = "--status", paramLabel = "STATUS", description = "Users in this status.")
    String status;

    @Option(names = "--q", paramLabel = "TEXT", description = "Users whose name or note has it.")
    String q;

    @Option(names = "--group", paramLabel = "GROUP_ID", description = "Members of this group.")
    String group;

    @Option(
        names = "--expire-before",
        paramLabel = "TIME",
        description = "Users expiring before this RFC 3339 time.")
    String expireBefore;

    @Option(
        names = "--used-over",
        paramLabel = "SIZE",
        description = "Users that used more than this in the current period, e.g. 10GB.")
    String usedOver;

    @Option(names = "--all", description = "Every user (a filter that matches all).")
    boolean all;

    @Option(names = "--by", paramLabel = "DURATION", description = "extend: how long, e.g. 30d.")
    String by;

    @Option(names = "--data", paramLabel = "SIZE", description = "add-data, set-limit: a size.")
    String data;

    @Option(
        names = "--groups",
        split = ",",
        paramLabel = "GROUP_ID",
        description = "add-groups, remove-groups: the groups.")
    List<String> groups;

    @Option(names = "--dry-run", description = "Only count the users and show a sample.")
    boolean dryRun;

    private ObjectNode body;

    @Override
    void validate() throws UsageException {
      String wire = action.replace('-', '_').toLowerCase(Locale.ROOT);
      List<String> known =
          List.of(
              "extend",
              "add_data",
              "set_limit",
              "reset_usage",
              "enable",
              "disable",
              "add_groups",
              "remove_groups",
              "rotate_subscription",
              "delete");
      if (!known.contains(wire)) {
        throw new UsageException(
            "unknown action '"
                + action
                + "'; one of: "
                + String.join(", ", known).replace('_', '-'));
      }
      body = context.json().createObjectNode().put("action", wire);
      boolean filtered =
          status != null || q != null || group != null || expireBefore != null || usedOver != null;
      int ways = (ids != null ? 1 : 0) + (filtered ? 1 : 0) + (all ? 1 : 0);
      if (ways != 1) {
        throw new UsageException("choose users with exactly one of --ids, filters, or --all");
      }
      if (ids != null) {
        ArrayNode a = body.putArray("ids");
        ids.forEach(a::add);
      } else {
        ObjectNode f = body.putObject("filter");
        if (status != null) {
          f.put("status", status);
        }
        if (q != null) {
          f.put("q", q);
        }
        if (group != null) {
          f.put("group_id", group);
        }
        if (expireBefore != null) {
          f.put("expire_before", expireBefore);
        }
        if (usedOver != null) {
          f.put("used_over", size("--used-over", usedOver));
        }
      }
      switch (wire) {
        case "extend" -> {
          require("--by", by);
          try {
            body.put("seconds", Durations.parse(by).toSeconds());
          } catch (IllegalArgumentException e) {
            throw new UsageException("--by: " + e.getMessage(), e);
          }
        }
        case "add_data", "set_limit" -> body.put("bytes", size("--data", require("--data", data)));
        case "add_groups", "remove_groups" -> {
          require("--groups", groups == null ? null : "x");
          ArrayNode a = body.putArray("group_ids");
          groups.forEach(a::add);
        }
        default -> {}
      }
      if (dryRun) {
        body.put("dry_run", true);
      }
    }

    private static String require(String option, String value) throws UsageException {
      if (value == null) {
        throw new UsageException("this action needs " + option);
      }
      return value;
    }

    private static long size(String option, String text) throws UsageException {
      try {
        return Sizes.parse(text);
      } catch (IllegalArgumentException e) {
        throw new UsageException(option + ": " + e.getMessage(), e);
      }
    }

    @Override
    void run(ApiClient api, Printer out) throws ApiException, TransportException {
      JsonNode answer = api.post("users/bulk", body);
      if (out.isJson()) {
        out.json(answer);
        return;
      }
      ObjectNode page = context.json().createObjectNode();
      page.set("items", answer.path("sample"));
      out.list(page, UserCommands.table(), UserCommands::row);
      int count = answer.path("count").asInt();
      out.out()
          .println(
              (answer.path("dry_run").asBoolean() ? "would " : "")
                  + action
                  + ": "
                  + count
                  + (count == 1 ? " user" : " users")
                  + (answer.path("dry_run").asBoolean() ? " (dry run, nothing changed)" : ""));
      out.out().flush();
    }
  }
}
