package io.raftray.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code raftray run --xray-bin /usr/bin/v2ray} as an OS process: the core is reported ready, and
 * after {@code kill -9} of the daemon the core keeps running and the next run adopts it.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class XrayProcessIT {
  static final String V2RAY = "/usr/bin/v2ray";

  @TempDir Path tmp;

  @BeforeAll
  static void needsV2ray() {
    assertThat(Files.isExecutable(Path.of(V2RAY)))
        .as("these tests need V2Ray: apt-get install v2ray")
        .isTrue();
  }

  private static JsonNode readyz(RaftrayProcess p) throws IOException {
    return p.call(p.uri("/readyz"), "GET", null, Duration.ofSeconds(10)).body();
  }

  private static long corePid(RaftrayProcess p) throws IOException {
    return Long.parseLong(Files.readString(p.dataDir().resolve("xray/xray.pid")).strip());
  }

  private static long coresOf(RaftrayProcess p) {
    String cfg = p.dataDir().resolve("xray/config.json").toString();
    return ProcessHandle.allProcesses()
        .filter(
            h -> {
              try {
                return new String(
                        Files.readAllBytes(Path.of("/proc/" + h.pid() + "/cmdline")),
                        java.nio.charset.StandardCharsets.UTF_8)
                    .contains(cfg);
              } catch (IOException e) {
                return false;
              }
            })
        .count();
  }

  @Test
  void daemonKill9_leavesTheCoreRunning_andTheNextRunAdoptsIt() throws Exception {
    RaftrayProcess p = RaftrayProcess.init(tmp.resolve("n1"), RaftrayProcess.freePort());
    p.setRunArgs("--xray-bin", V2RAY, "--stats-interval", "2s");
    try {
      p.start(); // waits for /readyz 200, which needs the core up
      JsonNode core = readyz(p).path("xray");
      assertThat(core.path("status").asText()).isEqualTo("running");
      assertThat(core.path("flavor").asText()).isEqualTo("v2ray");
      assertThat(core.path("version").asText()).isEqualTo("4.34.0");
      long pid = corePid(p);
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  p.get("/nodes")
                      .body()
                      .path("items")
                      .get(0)
                      .path("xray")
                      .path("status")
                      .asText()
                      .equals("running"));
      JsonNode listed = p.get("/nodes").body().path("items").get(0).path("xray");
      assertThat(listed.path("flavor").asText()).isEqualTo("v2ray");
      assertThat(listed.path("version").asText()).isEqualTo("4.34.0");

      assertThat(p.kill9()).isEqualTo(137);
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive))
          .as("the core outlives a killed daemon")
          .contains(true);

      p.start();
      assertThat(corePid(p)).isEqualTo(pid);
      assertThat(coresOf(p)).isEqualTo(1);
      JsonNode again = readyz(p).path("xray");
      assertThat(again.path("status").asText()).isEqualTo("running");
      assertThat(again.path("detail").asText()).contains("adopted");
      assertThat(p.lastRun().all()).contains("adopted the core left running by an earlier run");

      p.stop();
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
          .as("a clean stop stops the core")
          .isFalse();
      assertThat(coresOf(p)).isZero();
    } finally {
      p.close();
      ProcessHandle.allProcesses()
          .filter(h -> h.info().command().map(c -> c.endsWith("v2ray")).orElse(false))
          .filter(
              h ->
                  h.info()
                      .arguments()
                      .map(a -> String.join(" ", a).contains(tmp.toString()))
                      .orElse(false))
          .forEach(ProcessHandle::destroyForcibly);
    }
  }

  @Test
  void binAndApiTogether_exits1WithOneLine() {
    RaftrayProcess p = RaftrayProcess.init(tmp.resolve("n2"), RaftrayProcess.freePort());
    p.setRunArgs("--xray-bin", V2RAY, "--xray-api", "127.0.0.1:10085");
    p.launch();
    RaftrayProcess.Result r = p.awaitFailedStart(Duration.ofSeconds(30));
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.errorLines())
        .containsExactly("raftray run: --xray-bin and --xray-api are mutually exclusive");
  }
}
