package io.raftray.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Debian package {@code target/raftray_<version>_amd64.deb} on this machine, as an operator
 * uses it: {@code dpkg -i}, {@code systemd-analyze verify} of the unit, {@code raftray init} and
 * {@code raftray run} of the installed program as the package's {@code raftray} user on the
 * package's data directory (no systemd needed), the installed CLI against it, an in-place upgrade
 * with a rebuilt package of a higher version (data and an edited conffile kept, the node starts
 * again with its state), {@code dpkg -r} (data kept) and {@code dpkg -P} (data deleted, and said
 * so). Needs root and dpkg: skipped otherwise, but fails when {@code CI=true}. Refuses to touch a
 * machine where raftray is installed with data in {@code /var/lib/raftray}.
 */
class DebianPackageIT {
  private static final Path DATA = Path.of("/var/lib/raftray");
  private static final Path CACHE = Path.of("/var/cache/raftray");
  private static final Path ENV_FILE = Path.of("/etc/raftray/raftray.env");
  private static final Path UNIT = Path.of("/lib/systemd/system/raftray.service");
  private static final Path BIN = Path.of("/usr/bin/raftray");
  private static final Path RUNTIME_JAVA = Path.of("/usr/lib/raftray/runtime/bin/java");
  private static final String NODE_NAME = "debian-package-it";

  @TempDir Path tmp;

  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void installRunUpgradeRemovePurge() throws Exception {
    boolean ci = "true".equals(System.getenv("CI"));
    boolean root = "root".equals(System.getProperty("user.name"));
    boolean dpkg = Files.isExecutable(Path.of("/usr/bin/dpkg"));
    String why = !root ? "needs root (dpkg -i)" : !dpkg ? "needs dpkg (a Debian system)" : null;
    if (why != null) {
      assertThat(ci).as("CI=true: DebianPackageIT %s", why).isFalse();
      assumeTrue(false, why);
    }
    if (installedVersion() != null) {
      assertThat(isEmptyOrMissing(DATA) || isThisTestsNode())
          .as("raftray is installed here with data in %s: not touching it", DATA)
          .isTrue();
      run(Duration.ofMinutes(2), "dpkg", "--purge", "raftray"); // a leftover of this test
    }
    Path deb = builtPackage();
    long size = Files.size(deb);
    boolean installed = false;
    Process node = null;
    try {
      // ---- install
      long t0 = System.nanoTime();
      Result install = run(Duration.ofMinutes(3), "dpkg", "-i", deb.toString());
      installed = true;
      assertThat(install.code()).as("dpkg -i\n%s", install).isZero();
      String version1 = installedVersion();
      assertThat(version1).as("dpkg-query after dpkg -i").isNotNull();
      assertThat(BIN).isExecutable();
      assertThat(RUNTIME_JAVA).isExecutable();
      assertThat(UNIT).isRegularFile();
      assertThat(ENV_FILE).isRegularFile();
      assertThat(
              run(Duration.ofSeconds(30), "dpkg-query", "-W", "-f=${Conffiles}", "raftray").out())
          .as("conffiles")
          .contains(ENV_FILE.toString());
      Result id = run(Duration.ofSeconds(10), "id", "-u", "raftray");
      assertThat(id.code()).as("system user raftray\n%s", id).isZero();
      PosixFileAttributes dataAttrs = Files.readAttributes(DATA, PosixFileAttributes.class);
      assertThat(dataAttrs.owner().getName()).as("owner of %s", DATA).isEqualTo("raftray");
      assertThat(PosixFilePermissions.toString(dataAttrs.permissions())).isEqualTo("rwx------");
      assertThat(Files.readAttributes(CACHE, PosixFileAttributes.class).owner().getName())
          .isEqualTo("raftray");

      // ---- the unit
      Result verify =
          run(Duration.ofSeconds(60), "systemd-analyze", "verify", "--man=no", UNIT.toString());
      assertThat(verify.code()).as("systemd-analyze verify\n%s", verify).isZero();
      assertThat(verify.all().lines().filter(l -> l.contains("raftray")).toList())
          .as("systemd-analyze verify findings about the unit\n%s", verify)
          .isEmpty();
      String unit = Files.readString(UNIT);
      assertThat(unit)
          .contains(
              "User=raftray",
              "ProtectSystem=strict",
              "ReadWritePaths=/var/lib/raftray",
              "NoNewPrivileges=yes",
              "CapabilityBoundingSet=CAP_NET_BIND_SERVICE",
              "AmbientCapabilities=CAP_NET_BIND_SERVICE");

      // ---- init and run the installed program as the raftray user
      // The raftray user writes the owner token into a directory of its own under the temp dir.
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx--x--x"));
      Path home = Files.createDirectories(tmp.resolve("operator"));
      run(Duration.ofSeconds(10), "chown", "raftray:raftray", home.toString());
      Path token = home.resolve("owner.token");
      int port = RaftrayProcess.freePort();
      Result init =
          asRaftray(
              Duration.ofSeconds(90),
              "init",
              "--data-dir",
              DATA.toString(),
              "--bind",
              "127.0.0.1:" + port,
              "--api-base-url",
              "https://127.0.0.1:" + port,
              "--access-host",
              "127.0.0.1",
              "--name",
              NODE_NAME,
              "--admin-token-file",
              token.toString());
      assertThat(init.code()).as("raftray init as raftray\n%s", init).isZero();
      node = startNode(1);
      long readyMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertThat(Path.of("/proc/" + node.pid() + "/exe").toRealPath())
          .as("the node runs on the bundled runtime")
          .isEqualTo(RUNTIME_JAVA.toRealPath());
      Result status = cli(token, "status");
      assertThat(status.code()).as("raftray status\n%s", status).isZero();
      assertThat(status.out()).contains(NODE_NAME);
      Result create = cli(token, "user", "create", "--name", "deb-alice");
      assertThat(create.code()).as("raftray user create\n%s", create).isZero();
      stopNode(node, 1);
      node = null;
      assertThat(CACHE.resolve("raftray-run.jsa"))
          .as("the AppCDS archive the first run writes at exit")
          .isRegularFile();
      String nodeJson = Files.readString(DATA.resolve("node.json"));

      // ---- upgrade in place with a rebuilt package of a higher version
      Files.writeString(ENV_FILE, "# edited by DebianPackageIT\n", StandardOpenOption.APPEND);
      String version2 = version1 + "+it1";
      Path deb2 = repack(deb, version2);
      Result upgrade = run(Duration.ofMinutes(3), "dpkg", "-i", deb2.toString());
      assertThat(upgrade.code()).as("dpkg -i (upgrade)\n%s", upgrade).isZero();
      assertThat(installedVersion()).isEqualTo(version2);
      assertThat(Files.readString(ENV_FILE)).as("edited conffile kept").contains("DebianPackageIT");
      assertThat(Files.readString(DATA.resolve("node.json"))).isEqualTo(nodeJson);
      node = startNode(2);
      Result users = cli(token, "user", "list");
      assertThat(users.code()).as("raftray user list after the upgrade\n%s", users).isZero();
      assertThat(users.out()).contains("deb-alice");
      stopNode(node, 2);
      node = null;
      // The archive is tied to the jar and runtime it was made for (the launcher deletes it when
      // they change, so the first start after an upgrade writes a fresh one at its stop).
      assertThat(CACHE.resolve("raftray-run.jsa")).isRegularFile();
      assertThat(Files.readString(CACHE.resolve("raftray-run.jsa.id")).trim())
          .as("the archive's identity: size and mtime of the jar and of the runtime's modules")
          .isEqualTo(
              (identity(Path.of("/usr/lib/raftray/raftray.jar"))
                      + " "
                      + identity(Path.of("/usr/lib/raftray/runtime/lib/modules")))
                  .trim());

      // ---- remove keeps the data, purge deletes it and says so
      Result remove = run(Duration.ofMinutes(2), "dpkg", "-r", "raftray");
      assertThat(remove.code()).as("dpkg -r\n%s", remove).isZero();
      assertThat(BIN).doesNotExist();
      assertThat(DATA.resolve("node.json")).as("dpkg -r keeps the data").isRegularFile();
      assertThat(ENV_FILE).as("dpkg -r keeps the conffile").isRegularFile();
      assertThat(remove.out()).contains("kept /var/lib/raftray");
      Result purge = run(Duration.ofMinutes(2), "dpkg", "-P", "raftray");
      assertThat(purge.code()).as("dpkg -P\n%s", purge).isZero();
      installed = false;
      assertThat(purge.out())
          .contains("purge deletes /var/lib/raftray")
          .contains("purge deletes /var/cache/raftray")
          .contains("purge deletes /etc/raftray");
      assertThat(DATA).doesNotExist();
      assertThat(CACHE).doesNotExist();
      assertThat(ENV_FILE.getParent()).doesNotExist();
      assertThat(installedVersion()).isNull();
      System.out.printf(
          "DebianPackageIT: package %s is %.1f MiB; dpkg -i to a ready node (init included) %d"
              + " ms%n",
          deb.getFileName(), size / 1048576.0, readyMs);
    } finally {
      if (node != null && node.isAlive()) {
        node.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
      }
      if (installed) {
        run(Duration.ofMinutes(2), "dpkg", "-P", "raftray");
      }
    }
  }

  // ---------------------------------------------------------------- the package

  /** The one {@code raftray_*_amd64.deb} in {@code target/} (system property raftray.target). */
  private static Path builtPackage() throws IOException {
    String target = System.getProperty("raftray.target");
    assertThat(target).as("system property raftray.target (set by failsafe)").isNotBlank();
    try (Stream<Path> s = Files.list(Path.of(target))) {
      List<Path> debs =
          s.filter(p -> p.getFileName().toString().matches("raftray_.*_amd64\\.deb")).toList();
      assertThat(debs)
          .as("the package built by `mvnw package` (and only one: `mvnw clean` removes old ones)")
          .hasSize(1);
      return debs.get(0);
    }
  }

  /** The same package with another version: unpacked by dpkg-deb and built again. */
  private Path repack(Path deb, String version) throws IOException {
    Path tree = tmp.resolve("repack");
    Result unpack = run(Duration.ofMinutes(2), "dpkg-deb", "-R", deb.toString(), tree.toString());
    assertThat(unpack.code()).as("dpkg-deb -R\n%s", unpack).isZero();
    Path control = tree.resolve("DEBIAN/control");
    String text = Files.readString(control);
    assertThat(text).contains("\nVersion: ");
    Files.writeString(control, text.replaceFirst("\nVersion: [^\n]*", "\nVersion: " + version));
    Path out = tmp.resolve("raftray_" + version + "_amd64.deb");
    Result build =
        run(Duration.ofMinutes(3), "dpkg-deb", "-Znone", "-b", tree.toString(), out.toString());
    assertThat(build.code()).as("dpkg-deb -b\n%s", build).isZero();
    return out;
  }

  /** The installed version, or null when raftray is not installed (or only its conffiles are). */
  private static String installedVersion() {
    Result r =
        run(Duration.ofSeconds(30), "dpkg-query", "-W", "-f=${Status}|${Version}", "raftray");
    if (r.code() != 0 || !r.out().startsWith("install ok installed|")) {
      return r.code() == 0 && r.out().contains("config-files") ? "config-files" : null;
    }
    return r.out().substring(r.out().indexOf('|') + 1).strip();
  }

  /** A data directory initialised by an earlier, interrupted run of this test. */
  private static boolean isThisTestsNode() {
    Path config = DATA.resolve("node.json");
    try {
      return Files.isRegularFile(config)
          && NODE_NAME.equals(RaftrayProcess.JSON.readTree(config.toFile()).path("name").asText());
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean isEmptyOrMissing(Path dir) {
    if (!Files.isDirectory(dir)) {
      return true;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isEmpty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---------------------------------------------------------------- the installed program

  /** {@code /usr/bin/raftray args} as the raftray user (setpriv: no session, no fork). */
  private static List<String> raftrayCommand(String... args) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "setpriv",
                "--reuid=raftray",
                "--regid=raftray",
                "--init-groups",
                "--",
                BIN.toString()));
    cmd.addAll(Arrays.asList(args));
    return cmd;
  }

  private static Result asRaftray(Duration timeout, String... args) {
    return run(timeout, Map.of(), raftrayCommand(args));
  }

  /** The installed CLI as root with the owner token, against the node's data directory. */
  private static Result cli(Path token, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(BIN.toString()));
    cmd.addAll(Arrays.asList(args));
    cmd.addAll(List.of("--data-dir", DATA.toString()));
    return run(
        Duration.ofSeconds(60), Map.of("RAFTRAY_TOKEN", Files.readString(token).strip()), cmd);
  }

  private Process startNode(int n) throws IOException {
    Path out = tmp.resolve("run-" + n + ".out");
    Path err = tmp.resolve("run-" + n + ".err");
    Process p =
        new ProcessBuilder(raftrayCommand("run", "--data-dir", DATA.toString()))
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    String port = portOf(Files.readString(DATA.resolve("node.json")));
    HttpClient http =
        HttpClient.newBuilder()
            .sslContext(RaftrayProcess.trusting(DATA.resolve("tls/ca.crt")))
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    HttpRequest readyz =
        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/readyz"))
            .timeout(Duration.ofSeconds(2))
            .build();
    await("readyz 200 from the installed node (run " + n + ")")
        .atMost(RaftrayProcess.START_TIMEOUT)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              if (!p.isAlive()) {
                throw new AssertionError(
                    "raftray run exited with "
                        + p.exitValue()
                        + "\n--- stdout\n"
                        + Files.readString(out)
                        + "--- stderr\n"
                        + Files.readString(err));
              }
              try {
                return http.send(readyz, HttpResponse.BodyHandlers.discarding()).statusCode()
                    == 200;
              } catch (IOException notYet) {
                return false;
              }
            });
    return p;
  }

  private void stopNode(Process p, int n) throws Exception {
    p.destroy(); // SIGTERM to the JVM itself: setpriv and the launcher exec, they do not fork
    boolean exited = p.waitFor(RaftrayProcess.STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    String log = Files.readString(tmp.resolve("run-" + n + ".err"));
    assertThat(exited).as("raftray run exits after SIGTERM\n%s", log).isTrue();
    assertThat(p.exitValue()).as("exit code after SIGTERM\n%s", log).isZero();
  }

  private static String portOf(String nodeJson) throws IOException {
    String bind = RaftrayProcess.JSON.readTree(nodeJson).get("bind").asText();
    return bind.substring(bind.lastIndexOf(':') + 1);
  }

  // ---------------------------------------------------------------- commands

  record Result(int code, String out, String err) {
    String all() {
      return out + err;
    }

    @Override
    public String toString() {
      return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  private static Result run(Duration timeout, String... cmd) {
    return run(timeout, Map.of(), List.of(cmd));
  }

  /** Runs a command to completion (stdin /dev/null, no debconf questions); output via files. */
  private static Result run(Duration timeout, Map<String, String> env, List<String> cmd) {
    try {
      Path out = Files.createTempFile("deb-it-", ".out");
      Path err = Files.createTempFile("deb-it-", ".err");
      try {
        ProcessBuilder pb =
            new ProcessBuilder(cmd)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
        pb.environment().remove("RAFTRAY_TOKEN");
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          p.destroyForcibly().waitFor();
          throw new AssertionError(String.join(" ", cmd) + " did not finish within " + timeout);
        }
        return new Result(
            p.exitValue(),
            Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** "size mtime-seconds" of a file, as the launcher's {@code stat -c '%s %Y'} writes it. */
  private static String identity(Path file) throws IOException {
    return Files.size(file) + " " + Files.getLastModifiedTime(file).toMillis() / 1000;
  }
}
