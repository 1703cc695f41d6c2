package io.raftray.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code raftray node show|logs|restart-core}: fleet visibility over {@code /nodes/{id}}, {@code
 * /nodes/{id}/logs} and {@code /nodes/{id}/core/restart}, from whichever node the CLI talks to.
 */
final class NodeHostCommands {
  private NodeHostCommands() {}

  @Command(
      name = "show",
      description =
          "Show a node's host as it reports itself: version, uptime, CPU, memory, disk, load,"
              + " core, endpoint throughput, certificate expiry, and the leader's last contact.")
  static final class Show extends AdminCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    void run(ApiClient api, Printer out) throws ApiException, TransportException {
      JsonNode n = api.get(ApiClient.path("nodes", id));
      if (out.isJson()) {
        out.json(n);
        return;
      }
      Map<String, String> rows = new LinkedHashMap<>();
      rows.put("node", Printer.text(n, "name") + " (" + Printer.text(n, "id") + ")");
      rows.put("status", Printer.text(n, "status") + ", " + Printer.text(n, "role"));
      rows.put("last contact", ms(n.path("last_contact_ms")) + " (as the leader sees it)");
      JsonNode h = n.path("host");
      if (!h.isObject()) {
        rows.put("host", "unknown: " + Printer.text(n, "host_error"));
      } else {
        rows.put(
            "raftray",
            Printer.text(h, "raftray_version") + ", up " + seconds(h.path("uptime_seconds")));
        rows.put(
            "cpu",
            "process "
                + percent(h.path("cpu").path("process_load"))
                + ", host "
                + percent(h.path("cpu").path("system_load"))
                + " of "
                + Printer.text(h, "cpu.cpus")
                + ", load "
                + Printer.text(h, "cpu.load_average"));
        JsonNode mem = h.path("memory");
        rows.put(
            "memory",
            "rss "
                + size(mem, "rss_bytes")
                + ", heap "
                + size(mem, "heap_used_bytes")
                + " of "
                + size(mem, "heap_max_bytes")
                + ", host free "
                + size(mem, "host_free_bytes")
                + " of "
                + size(mem, "host_total_bytes"));
        JsonNode disk = h.path("disk");
        rows.put(
            "disk",
            size(disk, "usable_bytes")
                + " free of "
                + size(disk, "total_bytes")
                + " ("
                + Printer.text(disk, "path")
                + ")");
        JsonNode core = h.path("core");
        String version = Printer.text(core, "version");
        rows.put(
            "core",
            Printer.text(core, "status")
                + (version == null ? "" : " " + Printer.text(core, "flavor") + " " + version)
                + (core.path("uptime_seconds").isNumber()
                    ? ", up " + seconds(core.path("uptime_seconds"))
                    : ""));
        for (JsonNode t : h.path("throughput")) {
          rows.put(
              "endpoint " + Printer.text(t, "tag"),
              "up "
                  + Sizes.format(t.path("uplink_bytes_per_second").asLong())
                  + "/s, down "
                  + Sizes.format(t.path("downlink_bytes_per_second").asLong())
                  + "/s");
        }
        rows.put("certificate", "expires " + Printer.text(h, "certificates.node_not_after"));
        rows.put("cluster ca", "expires " + Printer.text(h, "certificates.ca_not_after"));
      }
      int width = rows.keySet().stream().mapToInt(String::length).max().orElse(0);
      PrintWriter w = out.out();
      rows.forEach((k, v) -> w.println(k + ":" + " ".repeat(width + 2 - k.length()) + v));
      w.flush();
    }

    private static String size(JsonNode node, String field) {
      String s = Printer.size(node, field);
      return s == null ? "-" : s;
    }

    private static String ms(JsonNode v) {
      return v.isNumber() ? v.asLong() + " ms" : "unknown";
    }

    private static String percent(JsonNode v) {
      return v.isNumber() ? Math.round(v.asDouble() * 1000) / 10.0 + "%" : "-";
    }

    private static String seconds(JsonNode v) {
      if (!v.isNumber()) {
        return "-";
      }
      long s = v.asLong();
      return s >= 86400
          ? s / 86400 + "d" + s % 86400 / 3600 + "h"
          : s >= 3600 ? s / 3600 + "h" + s % 3600 / 60 + "m" : s / 60 + "m" + s % 60 + "s";
    }
  }

  @Command(
      name = "logs",
      description = "Print a node's recent log lines (secrets redacted on the node).")
  static final class Logs extends AdminCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Option(
        names = "--tail",
        paramLabel = "N",
        description = "How many of the last lines (1-2000, default 200).")
    Integer tail;

    @Option(
        names = "--source",
        paramLabel = "SOURCE",
        description = "daemon (raftray's own log, the default) or core (the core's xray.log).")
    String source;

    @Override
    void validate() throws UsageException {
      if (tail != null && (tail < 1 || tail > 2000)) {
        throw new UsageException("--tail must be between 1 and 2000");
      }
      if (source != null && !source.equals("daemon") && !source.equals("core")) {
        throw new UsageException("--source must be daemon or core");
      }
    }

    @Override
    void run(ApiClient api, Printer out) throws ApiException, TransportException {
      Map<String, String> query = new LinkedHashMap<>();
      if (tail != null) {
        query.put("tail", tail.toString());
      }
      if (source != null) {
        query.put("source", source);
      }
      JsonNode logs = api.get(ApiClient.path("nodes", id, "logs"), query);
      if (out.isJson()) {
        out.json(logs);
        return;
      }
      PrintWriter w = out.out();
      for (JsonNode line : logs.path("lines")) {
        w.println(line.asText());
      }
      w.flush();
    }
  }

  @Command(
      name = "restart-core",
      description = "Restart a node's supervised core (the reconciler applies its inbounds again).")
  static final class RestartCore extends AdminCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    void run(ApiClient api, Printer out) throws ApiException, TransportException {
      JsonNode r =
          api.post(
              ApiClient.path("nodes", id, "core", "restart"), context.json().createObjectNode());
      out.done(
          "restarting the core of node "
              + id
              + " (stopped pid "
              + Printer.text(r, "stopped_pid")
              + ")",
          r);
    }
  }
}
