package io.raftray.cli.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code raftray sub-settings ...} over {@code /subscription-settings}. */
@Command(
    name = "sub-settings",
    description =
        "Show or change the subscription settings (headers, templates, User-Agent rules).",
    subcommands = {SubSettingsCommands.Show.class, SubSettingsCommands.Set.class})
final class SubSettingsCommands extends CommandGroup {
  static final String PATH = "subscription-settings";

  /** Text form: the settings, then the User-Agent rules one a line in the order they apply. */
  static void print(Printer out, JsonNode s) {
    if (out.isJson()) {
      out.json(s);
      return;
    }
    ObjectNode shown = s.deepCopy();
    shown.remove("ua_rules");
    shown.remove("ua_rules_builtin");
    out.resource(shown);
    PrintWriter w = out.out();
    w.println(
        "ua_rules ("
            + (s.path("ua_rules_builtin").asBoolean() ? "built-in" : "custom")
            + ", first match wins; no match: base64):");
    int i = 1;
    for (JsonNode r : s.path("ua_rules")) {
      String accept = r.path("accept").isTextual() ? "  accept: " + r.path("accept").asText() : "";
      w.println(
          "  "
              + i++
              + ". "
              + r.path("format").asText()
              + "  <- "
              + r.path("pattern").asText()
              + accept);
    }
    w.flush();
  }

  @Command(name = "show", description = "Show the subscription settings.")
  static final class Show extends AdminCommand {
    @Override
    void run(ApiClient api, Printer out) throws ApiException, TransportException {
      print(out, api.get(PATH));
    }
  }

  @Command(
      name = "set",
      description =
          "Change subscription settings; only the options given change. An empty URL clears it.")
  static final class Set extends AdminCommand {
    @Option(
        names = "--update-interval-hours",
        paramLabel = "N",
        description = "profile-update-interval header (1-8760).")
    Integer interval;

    @Option(
        names = "--title-template",
        paramLabel = "TEXT",
        description = "Profile title: {user} {status} {expire} {data_limit}.")
    String title;

    @Option(
        names = "--remark-template",
        paramLabel = "TEXT",
        description = "Proxy names: {node} {protocol} {transport} {security} {port} {tag} {user}.")
    String remark;

    @Option(names = "--support-url", paramLabel = "URL", description = "support-url header.")
    String supportUrl;

    @Option(
        names = "--web-page-url",
        paramLabel = "URL",
        description = "profile-web-page-url header.")
    String webPageUrl;

    @Option(
        names = "--ua-rules-json",
        paramLabel = "JSON",
        description =
            "User-Agent rules, a JSON list of {\"pattern\",\"format\",\"accept\"} in order.")
    String uaRulesJson;

    @Option(names = "--builtin-ua-rules", description = "Go back to the built-in User-Agent rules.")
    boolean builtinRules;

    @Option(
        names = "--brand-name",
        paramLabel = "TEXT",
        description = "Your name at the top of the subscription page (\"\" clears it).")
    String brandName;

    @Option(
        names = "--logo-file",
        paramLabel = "FILE",
        description =
            "Logo on the subscription page: a .png, .jpg, .webp, .gif or .svg file of at most 48"
                + " KiB (\"\" clears it).")
    String logoFile;

    @Option(
        names = "--public-url",
        paramLabel = "URL",
        description =
            "The https:// address users reach every node by (DNS name or load balancer);"
                + " subscription URLs use it on every node (\"\" clears it).")
    String publicUrl;

    private String logoUri;

    private JsonNode rules;

    @Override
    void validate() throws UsageException {
      if (interval == null
          && title == null
          && remark == null
          && supportUrl == null
          && webPageUrl == null
          && uaRulesJson == null
          && brandName == null
          && logoFile == null
          && publicUrl == null
          && !builtinRules) {
        throw new UsageException("nothing to change: give at least one option");
      }
      if (uaRulesJson != null && builtinRules) {
        throw new UsageException("give either --ua-rules-json or --builtin-ua-rules, not both");
      }
      if (logoFile != null && !logoFile.isEmpty()) {
        logoUri = logoUri(logoFile);
      }
      if (uaRulesJson != null) {
        try {
          rules = context.json().readTree(uaRulesJson);
        } catch (JsonProcessingException e) {
          throw new UsageException(
              "--ua-rules-json is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (rules == null || !rules.isArray()) {
          throw new UsageException("--ua-rules-json must be a JSON list of rules");
        }
      }
    }

    @Override
    void run(ApiClient api, Printer out) throws ApiException, TransportException {
      ObjectNode body = context.json().createObjectNode();
      if (interval != null) {
        body.put("update_interval_hours", interval);
      }
      if (title != null) {
        body.put("title_template", title);
      }
      if (remark != null) {
        body.put("remark_template", remark);
      }
      url(body, "support_url", supportUrl);
      url(body, "web_page_url", webPageUrl);
      if (rules != null) {
        body.set("ua_rules", rules);
      }
      if (builtinRules) {
        body.put("ua_rules_builtin", true);
      }
      url(body, "brand_name", brandName);
      if (logoFile != null) {
        url(body, "logo_data_uri", logoFile.isEmpty() ? "" : logoUri);
      }
      url(body, "public_url", publicUrl);
      print(out, api.patch(PATH, body));
    }

    /** A data URI of the image file, its type from the file name. */
    private static String logoUri(String file) throws UsageException {
      String lower = file.toLowerCase(Locale.ROOT);
      String type;
      if (lower.endsWith(".png")) {
        type = "image/png";
      } else if (lower.endsWith(".jpg") || lower.endsWith(".jpeg")) {
        type = "image/jpeg";
      } else if (lower.endsWith(".webp")) {
        type = "image/webp";
      } else if (lower.endsWith(".gif")) {
        type = "image/gif";
      } else if (lower.endsWith(".svg")) {
        type = "image/svg+xml";
      } else {
        throw new UsageException("--logo-file must be a .png, .jpg, .webp, .gif or .svg file");
      }
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(Path.of(file));
      } catch (IOException e) {
        throw new UsageException("cannot read --logo-file " + file + ": " + e.getMessage(), e);
      }
      if (bytes.length > 48 * 1024) {
        throw new UsageException("--logo-file is larger than 48 KiB");
      }
      return "data:" + type + ";base64," + Base64.getEncoder().encodeToString(bytes);
    }

    private static void url(ObjectNode body, String field, String value) {
      if (value == null) {
        return;
      }
      if (value.isEmpty()) {
        body.putNull(field);
      } else {
        body.put(field, value);
      }
    }
  }
}
