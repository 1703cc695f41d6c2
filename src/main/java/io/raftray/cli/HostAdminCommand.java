package io.raftray.cli;

import io.raftray.cluster.HostAdminService;
import io.raftray.cluster.NodeRequestSigner;
import io.raftray.config.ConfigException;
import io.raftray.config.NodeConfig;
import io.raftray.config.NodeConfigFile;
import io.raftray.model.Causes;
import io.raftray.model.Ids;
import io.raftray.model.Json;
import io.raftray.model.Passwords;
import io.raftray.pki.NodeIdentity;
import io.raftray.pki.TlsContexts;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code raftray admin create|reset-password}: the lost-password path, on a host with the data
 * directory and without an API token. The password is hashed here; the request is signed with the
 * node's own key and sent to the local daemon ({@code /cluster/v1/host-admin}), which submits it in
 * its own name; the leader accepts it only from a CA holder. Raft cannot be written offline, so the
 * daemon must be running (a clear error otherwise). See docs/console.md.
 */
@Command(
    name = "admin",
    description = "Console admin accounts from the host (needs the data directory, no API token).",
    subcommands = {HostAdminCommand.Create.class, HostAdminCommand.ResetPassword.class})
final class HostAdminCommand {

  abstract static class Base implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--data-dir", required = true, description = "The node's data directory.")
    Path dataDir;

    @Option(names = "--username", required = true, description = "The admin's user name.")
    String username;

    @Option(
        names = "--password-file",
        description = "Read the password from this file (first line); else one is generated.")
    Path passwordFile;

    @Option(
        names = "--server",
        description =
            "The local daemon's URL (default: its bind address from node.json, else api_base_url).")
    String server;

    abstract String role();

    abstract boolean reset();

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      try {
        return run(out, err);
      } finally {
        out.flush();
        err.flush();
      }
    }

    private int run(PrintWriter out, PrintWriter err) {
      NodeConfig config;
      NodeIdentity identity;
      try {
        config = NodeConfigFile.read(dataDir);
        identity = NodeIdentity.load(dataDir);
      } catch (ConfigException | RuntimeException e) {
        err.println(
            "error: cannot read the data directory " + dataDir + ": " + Causes.rootMessage(e));
        return 2;
      }
      String password;
      boolean generated = false;
      try {
        if (passwordFile != null) {
          String text = Files.readString(passwordFile, StandardCharsets.UTF_8);
          int nl = text.indexOf('\n');
          password = (nl < 0 ? text : text.substring(0, nl)).replace("\r", "");
        } else {
          // Generated rather than prompted: on JDK 22+ System.console() exists even without a
          // terminal, so a prompt could silently read a script's stdin.
          password = Ids.secret(18);
          generated = true;
        }
      } catch (IOException e) {
        err.println("error: cannot read " + passwordFile + ": " + Causes.rootMessage(e));
        return 2;
      }
      if (password.length() < Passwords.MIN_LENGTH || password.length() > Passwords.MAX_LENGTH) {
        err.println(
            "error: the password must be "
                + Passwords.MIN_LENGTH
                + "-"
                + Passwords.MAX_LENGTH
                + " characters");
        return 2;
      }
      String base = base(config);
      byte[] body;
      try {
        body =
            Json.mapper()
                .writeValueAsBytes(
                    new HostAdminService.Request(
                        username, role(), Passwords.hash(password), reset()));
      } catch (IOException e) {
        err.println("error: cannot encode the request");
        return 1;
      }
      HttpResponse<String> res;
      try {
        res = send(identity, base, body);
      } catch (ConnectException e) {
        err.println(
            "error: the daemon of "
                + dataDir
                + " is not running at "
                + base
                + " (start it with `raftray run --data-dir "
                + dataDir
                + "`: the cluster can only be written through it)");
        return 1;
      } catch (IOException e) {
        err.println("error: cannot reach the daemon at " + base + ": " + Causes.rootMessage(e));
        return 1;
      }
      if (res.statusCode() != 200) {
        err.println("error: " + res.statusCode() + ": " + oneLine(res.body()));
        return res.statusCode() == 400 || res.statusCode() == 404 || res.statusCode() == 409
            ? 2
            : 1;
      }
      out.println((reset() ? "reset the password of admin " : "created admin ") + username);
      if (generated) {
        out.println("password (shown only once; store it now): " + password);
      }
      return 0;
    }

    private String base(NodeConfig config) {
      if (server != null) {
        return strip(server);
      }
      String host = config.bindHost();
      if (config.bindPort() > 0) {
        if (host == null || host.isEmpty() || host.equals("0.0.0.0")) {
          host = "127.0.0.1";
        } else if (host.equals("::")) {
          host = "[::1]";
        } else if (host.contains(":") && !host.startsWith("[")) {
          host = "[" + host + "]";
        }
        return "https://" + host + ":" + config.bindPort();
      }
      return strip(config.apiBaseUrl());
    }

    private static String strip(String url) {
      String u = url;
      while (u.endsWith("/")) {
        u = u.substring(0, u.length() - 1);
      }
      return u;
    }

    private static HttpResponse<String> send(NodeIdentity identity, String base, byte[] body)
        throws IOException {
      NodeRequestSigner signer = new NodeRequestSigner(identity);
      Map<String, String> signed =
          signer.headers("POST", HostAdminService.ROUTE, identity.nodeId(), body);
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(base + HostAdminService.ROUTE))
              .timeout(Duration.ofSeconds(30))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofByteArray(body));
      signed.forEach(b::header);
      try (HttpClient http =
          HttpClient.newBuilder()
              .sslContext(TlsContexts.client(identity.caCert(), Optional.of(identity)))
              .connectTimeout(Duration.ofSeconds(5))
              .version(HttpClient.Version.HTTP_1_1)
              .build()) {
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    }

    private static String oneLine(String s) {
      String t = s == null ? "" : s.replace('\n', ' ').trim();
      return t.length() > 300 ? t.substring(0, 300) : t;
    }
  }

  @Command(name = "create", description = "Create a console admin account.")
  static final class Create extends Base {
    @Option(names = "--role", required = true, description = "owner, admin or viewer.")
    String role;

    @Override
    String role() {
      return role.toLowerCase(Locale.ROOT);
    }

    @Override
    boolean reset() {
      return false;
    }
  }

  @Command(
      name = "reset-password",
      description =
          "Set a new password for an admin account (ends its sessions, removes its second factor).")
  static final class ResetPassword extends Base {
    @Override
    String role() {
      return null;
    }

    @Override
    boolean reset() {
      return true;
    }
  }
}
