package io.raftray.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Runs {@code raftray <args>} in-process against a {@link StubApiServer}. */
final class CliHarness implements AutoCloseable {
  static final String TOKEN = "rt_secret_token_0123456789";
  static final Instant NOW = Instant.parse("2030-01-01T12:00:00Z");
  static final ObjectMapper JSON = new ObjectMapper();

  record Result(int exitCode, String out, String err) {}

  @Command(name = "raftray")
  static final class Root {}

  final TestCerts certs;
  final StubApiServer server;
  final Path caFile;

  CliHarness(Path dir) throws Exception {
    certs = TestCerts.newCa("raftray test ca");
    server =
        new StubApiServer(
            certs.serverContext(TestCerts.dns("localhost"), TestCerts.ip("127.0.0.1")));
    caFile = certs.writeCaPem(dir.resolve("ca.crt"));
  }

  /** The environment a configured admin would have. */
  Map<String, String> env() {
    return Map.of(
        "RAFTRAY_SERVER", server.url("127.0.0.1"),
        "RAFTRAY_TOKEN", TOKEN,
        "RAFTRAY_CA", caFile.toString());
  }

  Result run(String... args) {
    return run(env(), args);
  }

  static Result run(Map<String, String> env, String... args) {
    CommandLine root = new CommandLine(new Root());
    AdminCli.register(
        root, new CliContext(env, Clock.fixed(NOW, ZoneOffset.UTC), new ObjectMapper()));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    root.setOut(new PrintWriter(out, true));
    root.setErr(new PrintWriter(err, true));
    int code = root.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + text, e);
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
