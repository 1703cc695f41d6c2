package io.raftray.xray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftray.config.HostPort;
import io.raftray.config.XraySettings;
import io.raftray.model.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The supervisor without a real core: fake binaries (shell scripts) and a plain TCP listener. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class XraySupervisorTest {
  static final SupervisorTiming FAST =
      new SupervisorTiming(
          Duration.ofMillis(200),
          Duration.ofSeconds(2),
          Duration.ofSeconds(60),
          Duration.ofSeconds(20),
          Duration.ofSeconds(3),
          Duration.ofMillis(300),
          Duration.ofSeconds(10),
          8L * 1024 * 1024);

  @TempDir Path tmp;

  private Path script(String name, String body) throws IOException {
    Path p = tmp.resolve(name);
    Files.writeString(p, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    return p;
  }

  @Test
  void versionOutput_parsesBothFlavors() {
    assertThat(
            CoreVersion.parse(
                "V2Ray 4.34.0 (user) 20230518-074445 (go1.19.8 linux/amd64)\nA unified platform"))
        .contains(new CoreVersion(Flavor.V2RAY, "4.34.0"));
    assertThat(
            CoreVersion.parse(
                "Xray 1.8.4 (Xray, Penetrates Everything.) 0bf2a3b (go1.21.0 linux/amd64)"))
        .contains(new CoreVersion(Flavor.XRAY, "1.8.4"));
    assertThat(CoreVersion.parse("Xray 25.1.30 (Xray, Penetrates Everything.)"))
        .contains(new CoreVersion(Flavor.XRAY, "25.1.30"));
    assertThat(CoreVersion.parse("sing-box version 1.8.0")).isEmpty();
    assertThat(CoreVersion.parse("")).isEmpty();
  }

  @Test
  void commandLine_byFlavorAndVersion() {
    Path cfg = Path.of("/data/xray/config.json");
    Path bin = Path.of("/usr/bin/core");
    assertThat(new CoreVersion(Flavor.V2RAY, "4.34.0").command(bin, cfg))
        .containsExactly("/usr/bin/core", "-config", "/data/xray/config.json");
    assertThat(new CoreVersion(Flavor.V2RAY, "5.16.1").command(bin, cfg))
        .containsExactly("/usr/bin/core", "run", "-c", "/data/xray/config.json");
    assertThat(new CoreVersion(Flavor.XRAY, "1.8.4").command(bin, cfg))
        .containsExactly("/usr/bin/core", "run", "-c", "/data/xray/config.json");
  }

  @Test
  void managedConfig_hasOnlyTheApi_andItsPortReadsBack() throws Exception {
    Path f = tmp.resolve("x/config.json");
    ManagedConfig.write(f, 10085);
    JsonNode root = Json.mapper().readTree(f.toFile());
    JsonNode expected =
        Json.mapper()
            .readTree(
                """
                {"log":{"loglevel":"warning"},
                 "api":{"tag":"api","services":["HandlerService","StatsService"]},
                 "stats":{},
                 "policy":{"levels":{"0":{"statsUserUplink":true,"statsUserDownlink":true}},
                           "system":{"statsInboundUplink":true,"statsInboundDownlink":true}},
                 "inbounds":[{"tag":"api","listen":"127.0.0.1","port":10085,
                              "protocol":"dokodemo-door","settings":{"address":"127.0.0.1"}}],
                 "outbounds":[{"tag":"direct","protocol":"freedom","settings":{}}],
                 "routing":{"rules":[{"type":"field","inboundTag":["api"],"outboundTag":"api"}]}}
                """);
    assertThat(root).isEqualTo(expected);
    assertThat(ManagedConfig.apiPort(f)).hasValue(10085);
    assertThat(ManagedConfig.apiPort(tmp.resolve("missing.json"))).isEmpty();
  }

  @Test
  void coreLog_rotatesAboveTheLimit_keepingOneOldCopy() throws Exception {
    Path log = tmp.resolve("xray.log");
    Files.writeString(log, "a".repeat(100));
    assertThat(CoreLog.rotateIfLarger(log, 100)).isFalse();
    Files.writeString(log, "b".repeat(101));
    assertThat(CoreLog.rotateIfLarger(log, 100)).isTrue();
    assertThat(Files.size(log)).isZero();
    assertThat(Files.readString(tmp.resolve("xray.log.1"))).isEqualTo("b".repeat(101));
  }

  @Test
  void missingBinary_isFailedWithTheReason_andRetriedWithBackoff() {
    Path bin = tmp.resolve("nope/xray");
    try (XraySupervisor s = XraySupervisor.create(XraySettings.supervised(bin), tmp, FAST)) {
      s.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> s.status().state() == CoreState.FAILED);
      assertThat(s.status().detail())
          .contains("cannot run " + bin)
          .contains("No such file")
          .contains("retry 1 in 200 ms");
      assertThat(s.status().up()).isFalse();
      // Backoff 0.2, 0.4, 0.8, 1.6, 2 s: a busy loop would count hundreds in 2.5 s.
      await()
          .during(Duration.ofMillis(2500))
          .atMost(Duration.ofSeconds(5))
          .until(() -> s.status().restarts() <= 6);
      assertThat(s.status().restarts()).isGreaterThanOrEqualTo(2);
      assertThat(s.status().state()).isEqualTo(CoreState.FAILED);
    }
  }

  @Test
  void binaryThatExitsAtOnce_isRestarting_withItsExitCode_andItsOutputInTheLog() throws Exception {
    Path bin =
        script(
            "fake-v2ray",
            """
            if [ "$1" = "-version" ]; then echo "V2Ray 4.34.0 (fake)"; exit 0; fi
            echo "boom: bad config $2" >&2
            exit 23""");
    try (XraySupervisor s = XraySupervisor.create(XraySettings.supervised(bin), tmp, FAST)) {
      s.start();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> s.status().state() == CoreState.RESTARTING);
      assertThat(s.status().detail()).contains("exited with code 23 before its api was up");
      assertThat(s.status().flavor()).isEqualTo(Flavor.V2RAY);
      assertThat(s.status().version()).isEqualTo("4.34.0");
      assertThat(s.status().generation()).isZero();
      await()
          .during(Duration.ofMillis(2500))
          .atMost(Duration.ofSeconds(5))
          .until(() -> s.status().restarts() <= 6);
      assertThat(s.status().restarts()).isGreaterThanOrEqualTo(2);
      assertThat(Files.readString(s.logFile()))
          .contains("boom: bad config " + tmp.toAbsolutePath().resolve("config.json"));
    }
  }

  @Test
  void unrecognisedVersionOutput_isFailed_unlessTheFlavorIsConfigured() throws Exception {
    Path bin = script("mystery", "echo 'mystery proxy 9'; exit 0");
    try (XraySupervisor s = XraySupervisor.create(XraySettings.supervised(bin), tmp, FAST)) {
      s.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> s.status().state() == CoreState.FAILED);
      assertThat(s.status().detail())
          .contains("cannot tell the flavor of " + bin)
          .contains("'mystery proxy 9'")
          .contains("--xray-flavor");
    }
    XraySettings withFlavor =
        new XraySettings(
            Optional.of(bin),
            Optional.empty(),
            Optional.of(Flavor.XRAY),
            0,
            XraySettings.DEFAULT_STATS_INTERVAL);
    try (XraySupervisor s = XraySupervisor.create(withFlavor, tmp.resolve("b"), FAST)) {
      s.start();
      // It runs (and exits at once): the configured flavor got it past detection.
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> s.status().state() == CoreState.RESTARTING);
      assertThat(s.status().flavor()).isEqualTo(Flavor.XRAY);
      assertThat(s.status().version()).isNull();
    }
  }

  @Test
  void external_followsTheApiPort_upDownUp() throws Exception {
    InetAddress lo = InetAddress.getLoopbackAddress();
    ServerSocket server = new ServerSocket(0, 50, lo);
    int port = server.getLocalPort();
    XraySettings settings =
        new XraySettings(
            Optional.empty(),
            Optional.of(new HostPort("127.0.0.1", port)),
            Optional.empty(),
            0,
            XraySettings.DEFAULT_STATS_INTERVAL);
    RecordingListener events = new RecordingListener();
    try (XraySupervisor s = XraySupervisor.create(settings, tmp, FAST)) {
      s.addListener(events);
      s.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> s.status().state() == CoreState.EXTERNAL);
      assertThat(s.status().flavor()).isEqualTo(Flavor.XRAY);
      assertThat(s.status().generation()).isEqualTo(1);
      assertThat(events.events).containsExactly("ready 1 xray 127.0.0.1:" + port);

      server.close();
      await().atMost(Duration.ofSeconds(10)).until(() -> s.status().state() == CoreState.FAILED);
      assertThat(s.status().detail()).contains("127.0.0.1:" + port).contains("not reachable");
      // The status is set before the listeners hear of it.
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () ->
                  assertThat(events.events)
                      .containsExactly("ready 1 xray 127.0.0.1:" + port, "down 1"));

      server = new ServerSocket();
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress(lo, port));
      await().atMost(Duration.ofSeconds(10)).until(() -> s.status().state() == CoreState.EXTERNAL);
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () ->
                  assertThat(events.events)
                      .isEqualTo(
                          List.of(
                              "ready 1 xray 127.0.0.1:" + port,
                              "down 1",
                              "ready 2 xray 127.0.0.1:" + port)));
      // A listener added later hears about the current generation at once.
      RecordingListener late = new RecordingListener();
      s.addListener(late);
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> late.events.equals(List.of("ready 2 xray 127.0.0.1:" + port)));
    } finally {
      server.close();
    }
  }

  @Test
  void noCore_isDisabled() {
    try (XraySupervisor s = XraySupervisor.create(XraySettings.none(), tmp, FAST)) {
      s.start();
      assertThat(s.status().state()).isEqualTo(CoreState.DISABLED);
      assertThat(s.status().up()).isFalse();
    }
  }
}
