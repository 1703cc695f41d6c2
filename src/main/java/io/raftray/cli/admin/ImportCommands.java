package io.raftray.cli.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftray.migrate.MarzbanPlan;
import io.raftray.migrate.MysqlDump;
import io.raftray.migrate.SqliteSource;
import io.raftray.migrate.Table;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code raftray import ...}: bring users from another panel into the cluster, through the API. */
@Command(
    name = "import",
    description = "Import users and settings from another panel.",
    subcommands = {ImportCommands.Marzban.class})
final class ImportCommands extends CommandGroup {

  @Command(
      name = "marzban",
      description =
          "Import a Marzban database (users with usage, proxies, inbounds as groups, templates,"
              + " admins, the subscription secret). Only what is missing is created: a second run"
              + " changes nothing. See docs/migrating-from-marzban.md.")
  static final class Marzban extends AdminCommand {
    static final class Source {
      @Option(
          names = "--sqlite",
          paramLabel = "FILE",
          required = true,
          description = "Marzban's SQLite database (/var/lib/marzban/db.sqlite3).")
      Path sqlite;

      @Option(
          names = "--mysqldump",
          paramLabel = "FILE",
          required = true,
          description = "A mysqldump of Marzban's MySQL/MariaDB database.")
      Path mysqldump;
    }

    @ArgGroup(multiplicity = "1")
    Source source;

    @Option(
        names = "--xray-config",
        paramLabel = "FILE",
        description =
            "Marzban's xray_config.json: the protocol of each inbound tag, for exact groups.")
    Path xrayConfig;

    @Option(names = "--dry-run", description = "Read the cluster and report; write nothing.")
    boolean dryRun;

    @Option(
        names = "--batch-size",
        paramLabel = "N",
        defaultValue = "500",
        description = "Users per POST /users/batch (1-1000, default ${DEFAULT-VALUE}).")
    int batchSize;

    private MarzbanPlan plan;

    @Override
    void validate() throws UsageException {
      if (batchSize < 1 || batchSize > 1000) {
        throw new UsageException("--batch-size must be 1-1000");
      }
      Path file = source.sqlite != null ? source.sqlite : source.mysqldump;
      try {
        Map<String, Table> tables =
            source.sqlite != null ? SqliteSource.read(file) : MysqlDump.read(file);
        Map<String, String> protocols =
            xrayConfig == null
                ? Map.of()
                : MarzbanPlan.inboundProtocols(
                    Files.readString(xrayConfig, StandardCharsets.UTF_8));
        plan = MarzbanPlan.of(tables, protocols);
      } catch (IOException e) {
        throw new UsageException("cannot read " + file + ": " + e.getMessage());
      }
    }

    @Override
    void run(ApiClient api, Printer out) throws ApiException, TransportException {
      MarzbanImporter importer = new MarzbanImporter(api, context.json(), dryRun, batchSize);
      importer.run(plan);
      if (out.isJson()) {
        out.json(report(importer));
        return;
      }
      PrintWriter w = out.out();
      w.println("marzban import" + (dryRun ? " (dry run: nothing written)" : "") + ":");
      importer
          .counts()
          .forEach(
              (kind, c) ->
                  w.println(
                      "  "
                          + kind
                          + ": "
                          + c.created()
                          + (dryRun ? " to create, " : " created, ")
                          + c.present()
                          + " already present"));
      if (!importer.changed()) {
        w.println("nothing to change: everything is already in the cluster");
      }
      if (!importer.problems().isEmpty()) {
        w.println("not mapped (" + importer.problems().size() + "):");
        for (MarzbanPlan.Problem p : importer.problems()) {
          w.println("  " + p.record() + ": " + p.reason());
        }
      }
      for (String note : importer.notes()) {
        w.println("note: " + note);
      }
      w.flush();
    }

    private ObjectNode report(MarzbanImporter importer) {
      ObjectNode r = context.json().createObjectNode();
      r.put("dry_run", dryRun);
      r.put("changed", importer.changed());
      ObjectNode counts = r.putObject("counts");
      importer
          .counts()
          .forEach(
              (kind, c) -> {
                ObjectNode o = counts.putObject(kind.replace(' ', '_'));
                o.put("created", c.created());
                o.put("present", c.present());
              });
      ArrayNode problems = r.putArray("problems");
      for (MarzbanPlan.Problem p : importer.problems()) {
        problems.addObject().put("record", p.record()).put("reason", p.reason());
      }
      ArrayNode notes = r.putArray("notes");
      importer.notes().forEach(notes::add);
      return r;
    }
  }
}
