package io.raftray.cli.admin;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Connection and output options shared by every admin command (a picocli mixin). */
final class ClientOptions {
  @Option(
      names = "--server",
      paramLabel = "URL",
      description = "API server, e.g. https://node1.example:8443 (env: RAFTRAY_SERVER).")
  String server;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      description = "Admin token (env: RAFTRAY_TOKEN). Never printed.")
  String token;

  @Option(
      names = "--ca",
      paramLabel = "FILE",
      description = "PEM CA certificate to trust; nothing else is trusted (env: RAFTRAY_CA).")
  Path ca;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description =
          "A node's data dir: trust DIR/tls/ca.crt and, without --server, use the api_base_url"
              + " from DIR/node.json.")
  Path dataDir;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      defaultValue = "table",
      converter = OutputFormat.Converter.class,
      description = "table (default) or json (the API's JSON body).")
  OutputFormat output;
}
