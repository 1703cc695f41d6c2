package io.raftray.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code raftray join-token ...} over {@code /join-tokens}. */
@Command(
    name = "join-token",
    description = "Manage tokens that let new nodes join the cluster.",
    subcommands = {
      JoinTokenCommands.Create.class,
      JoinTokenCommands.ListTokens.class,
      JoinTokenCommands.Delete.class
    })
final class JoinTokenCommands extends CommandGroup {

  static Table table() {
    return new Table("ID", "STATUS", "ROLE", "USES", "EXPIRES AT", "CREATED BY");
  }

  static List<?> row(JsonNode t) {
    return Arrays.asList(
        Printer.text(t, "id"),
        Printer.text(t, "status"),
        Printer.text(t, "role"),
        Printer.text(t, "used_count") + "/" + Printer.text(t, "max_uses"),
        Printer.text(t, "expires_at"),
        Printer.text(t, "created_by"));
  }

  @Command(
      name = "create",
      description =
          "Create a join token for 'raftray join'. It is printed once and cannot be shown again.")
  static final class Create extends AdminCommand {
    @Option(
        names = "--ttl",
        paramLabel = "DURATION",
        converter = Durations.DurationConverter.class,
        description = "How long the token is valid, e.g. 15m (default), 2h; at most 24h.")
    Duration ttl;

    @Option(
        names = "--max-uses",
        paramLabel = "N",
        description =
            "How many nodes may join with it (default 1). With more than 1, every join waits"
                + " for 'join-request approve'.")
    Integer maxUses;

    @Option(names = "--role", paramLabel = "ROLE", description = "Raft role: voter (default).")
    String role;

    @Option(
        names = "--ca-holder",
        description =
            "The new node also holds the cluster CA key and signs certificates (default: an"
                + " ordinary node without the key).")
    boolean caHolder;

    @Override
    void validate() throws UsageException {
      if (ttl != null && (ttl.isZero() || ttl.compareTo(Duration.ofHours(24)) > 0)) {
        throw new UsageException("--ttl must be between 1s and 24h");
      }
      if (maxUses != null && maxUses < 1) {
        throw new UsageException("--max-uses must be at least 1");
      }
    }

    @Override
    void run(ApiClient api, Printer out) throws ApiException, TransportException {
      ObjectNode body = context.json().createObjectNode();
      if (ttl != null) {
        body.put("ttl_seconds", ttl.toSeconds());
      }
      if (maxUses != null) {
        body.put("max_uses", maxUses);
      }
      if (role != null) {
        body.put("role", role);
      }
      if (caHolder) {
        body.put("ca_holder", true);
      }
      out.createdSecret(
          api.post("join-tokens", body),
          "join token (shown only once; use it on the new host within its ttl):",
          "raftray join <token> --data-dir DIR --bind HOST:PORT --api-base-url URL"
              + " --access-host HOST");
    }
  }

  @Command(name = "list", description = "List join tokens (never their secrets).")
  static final class ListTokens extends AdminCommand {
    @Mixin ListOptions page = new ListOptions();

    @Override
    void run(ApiClient api, Printer out) throws ApiException, TransportException {
      out.list(api.list("join-tokens", page.query(), page.all), table(), JoinTokenCommands::row);
    }
  }

  @Command(name = "delete", description = "Revoke a join token.")
  static final class Delete extends AdminCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    void run(ApiClient api, Printer out) throws ApiException, TransportException {
      out.done("revoked join token " + id, api.delete(ApiClient.path("join-tokens", id)));
    }
  }
}
