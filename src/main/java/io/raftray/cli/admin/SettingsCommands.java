package io.raftray.cli.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code raftray settings ...} over {@code /settings}, the cluster-wide settings. */
@Command(
    name = "settings",
    description = "Show or change the cluster-wide settings.",
    subcommands = {SettingsCommands.Show.class, SettingsCommands.Set.class})
final class SettingsCommands extends CommandGroup {
  static final String PATH = "settings";

  @Command(name = "show", description = "Show the cluster-wide settings.")
  static final class Show extends AdminCommand {
    @Override
    void run(ApiClient api, Printer out) throws ApiException, TransportException {
      out.resource(api.get(PATH));
    }
  }

  @Command(
      name = "set",
      description = "Change cluster-wide settings; only the options given change.")
  static final class Set extends AdminCommand {
    @Option(
        names = "--public-base-url",
        paramLabel = "URL",
        description =
            "An https:// address users reach the fleet by (DNS name, load balancer, CDN); repeat"
                + " for several, the first is the one subscription URLs use. Replaces the list.")
    List<String> publicBaseUrls;

    @Option(
        names = "--clear-public-base-urls",
        description = "Remove the public addresses: each node gives its own address again.")
    boolean clearPublicBaseUrls;

    @Option(
        names = "--audit-retention",
        paramLabel = "N",
        description = "Audit events kept (100-1000000).")
    Integer auditRetention;

    @Option(
        names = "--hwid-device-limit",
        paramLabel = "N",
        description = "Default device limit of users without their own (0 = unlimited).")
    Integer hwidDeviceLimit;

    @Option(
        names = "--hwid-required",
        paramLabel = "true|false",
        arity = "1",
        description = "Refuse subscription fetches without an x-hwid header.")
    Boolean hwidRequired;

    @Option(
        names = "--marzban-jwt-secret-file",
        paramLabel = "FILE",
        description =
            "Marzban's jwt.secret_key, read from FILE (never an argument: the process list would"
                + " show it); old Marzban subscription links then work. Owner tokens only.")
    Path marzbanSecretFile;

    @Option(
        names = "--clear-marzban-jwt-secret",
        description = "Remove the Marzban secret: every Marzban subscription link stops working.")
    boolean clearMarzbanSecret;

    private String marzbanSecret;

    @Option(
        names = "--marzban-compat-api",
        paramLabel = "true|false",
        arity = "1",
        description =
            "Answer Marzban's API at its paths (/api/admin/token, /api/user, ...) for bots and"
                + " shops written against Marzban (docs/migrating-from-marzban.md).")
    Boolean marzbanCompatApi;

    @Override
    void validate() throws UsageException {
      if (publicBaseUrls == null
          && !clearPublicBaseUrls
          && auditRetention == null
          && hwidDeviceLimit == null
          && hwidRequired == null
          && marzbanSecretFile == null
          && !clearMarzbanSecret
          && marzbanCompatApi == null) {
        throw new UsageException("nothing to change: give at least one option");
      }
      if (marzbanSecretFile != null && clearMarzbanSecret) {
        throw new UsageException(
            "give either --marzban-jwt-secret-file or --clear-marzban-jwt-secret, not both");
      }
      if (marzbanSecretFile != null) {
        try {
          marzbanSecret = Files.readString(marzbanSecretFile, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
          throw new UsageException("cannot read " + marzbanSecretFile + ": " + e.getMessage());
        }
        if (marzbanSecret.isEmpty()) {
          throw new UsageException(marzbanSecretFile + " is empty");
        }
      }
      if (publicBaseUrls != null && clearPublicBaseUrls) {
        throw new UsageException(
            "give either --public-base-url or --clear-public-base-urls, not both");
      }
    }

    @Override
    void run(ApiClient api, Printer out) throws ApiException, TransportException {
      ObjectNode body = context.json().createObjectNode();
      if (publicBaseUrls != null || clearPublicBaseUrls) {
        ArrayNode urls = body.putArray("public_base_urls");
        if (publicBaseUrls != null) {
          publicBaseUrls.forEach(urls::add);
        }
      }
      if (auditRetention != null) {
        body.put("audit_retention", auditRetention);
      }
      if (hwidDeviceLimit != null) {
        body.put("hwid_device_limit", hwidDeviceLimit);
      }
      if (hwidRequired != null) {
        body.put("hwid_required", hwidRequired);
      }
      if (marzbanSecret != null) {
        body.put("marzban_jwt_secret", marzbanSecret);
      } else if (clearMarzbanSecret) {
        body.putNull("marzban_jwt_secret");
      }
      if (marzbanCompatApi != null) {
        body.put("marzban_compat_api", marzbanCompatApi);
      }
      out.resource(api.patch(PATH, body));
    }
  }
}
