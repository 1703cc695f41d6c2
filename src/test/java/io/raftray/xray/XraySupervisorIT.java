package io.raftray.xray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.raftray.config.XraySettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The supervisor driving Debian's real V2Ray 4.34 ({@code /usr/bin/v2ray}). */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class XraySupervisorIT {
  static final Path V2RAY = Path.of("/usr/bin/v2ray");

  @TempDir Path tmp;

  @BeforeAll
  static void needsV2ray() {
    assertThat(Files.isExecutable(V2RAY))
        .as("these tests need V2Ray: apt-get install v2ray")
        .isTrue();
  }

  private static XrayStatus awaitRunning(XraySupervisor s) {
    await().atMost(Duration.ofSeconds(30)).until(() -> s.status().state() == CoreState.RUNNING);
    return s.status();
  }

  /** Live processes whose command line names {@code config}. */
  private static List<ProcessHandle> coresRunning(Path config) {
    String cfg = config.toAbsolutePath().toString();
    return ProcessHandle.allProcesses().filter(h -> CoreProcesses.runsConfig(h, cfg)).toList();
  }

  @Test
  void v2ray_startsDetectsAndComesBackAfterKill9_thenStopsOnClose() throws Exception {
    RecordingListener events = new RecordingListener();
    XraySupervisor s =
        XraySupervisor.create(XraySettings.supervised(V2RAY), tmp, XraySupervisorTest.FAST);
    long firstPid;
    try {
      s.addListener(events);
      s.start();
      XrayStatus first = awaitRunning(s);
      assertThat(first.flavor()).isEqualTo(Flavor.V2RAY);
      assertThat(first.version()).isEqualTo("4.34.0");
      assertThat(first.generation()).isEqualTo(1);
      assertThat(first.restarts()).isZero();
      assertThat(first.adopted()).isFalse();
      assertThat(CoreProcesses.portOpen("127.0.0.1", first.apiPort(), 1000)).isTrue();
      assertThat(ManagedConfig.apiPort(tmp.resolve("config.json"))).hasValue(first.apiPort());
      firstPid = first.pid();
      assertThat(Files.readString(tmp.resolve("xray.pid")).strip())
          .isEqualTo(Long.toString(firstPid));
      assertThat(coresRunning(tmp.resolve("config.json")))
          .extracting(ProcessHandle::pid)
          .containsExactly(firstPid);
      assertThat(events.events).containsExactly("ready 1 v2ray 127.0.0.1:" + first.apiPort());

      ProcessHandle.of(firstPid).orElseThrow().destroyForcibly(); // SIGKILL
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> s.status().state() == CoreState.RUNNING && s.status().generation() == 2);
      XrayStatus second = s.status();
      assertThat(second.pid()).isNotEqualTo(firstPid);
      assertThat(second.restarts()).isEqualTo(1);
      assertThat(CoreProcesses.portOpen("127.0.0.1", second.apiPort(), 1000)).isTrue();
      assertThat(events.events)
          .containsExactly(
              "ready 1 v2ray 127.0.0.1:" + first.apiPort(),
              "down 1",
              "ready 2 v2ray 127.0.0.1:" + second.apiPort());
    } finally {
      s.close();
    }
    long lastPid = s.status().pid();
    assertThat(s.status().state()).isEqualTo(CoreState.DISABLED);
    assertThat(coresRunning(tmp.resolve("config.json"))).isEmpty();
    assertThat(ProcessHandle.of(firstPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(lastPid).isEqualTo(-1);
    assertThat(tmp.resolve("xray.pid")).doesNotExist();
  }

  @Test
  void adoption_aSecondSupervisorTakesOverTheRunningChild_insteadOfStartingAnother()
      throws Exception {
    XraySupervisor a =
        XraySupervisor.create(XraySettings.supervised(V2RAY), tmp, XraySupervisorTest.FAST);
    a.start();
    XrayStatus before = awaitRunning(a);
    a.abandon(); // what `kill -9` of the daemon leaves: the child and its pid file
    assertThat(ProcessHandle.of(before.pid()).map(ProcessHandle::isAlive)).contains(true);

    RecordingListener events = new RecordingListener();
    try (XraySupervisor b =
        XraySupervisor.create(XraySettings.supervised(V2RAY), tmp, XraySupervisorTest.FAST)) {
      b.addListener(events);
      b.start();
      XrayStatus after = awaitRunning(b);
      assertThat(after.pid()).isEqualTo(before.pid());
      assertThat(after.adopted()).isTrue();
      assertThat(after.apiPort()).isEqualTo(before.apiPort());
      assertThat(after.version()).isEqualTo("4.34.0");
      assertThat(after.detail()).contains("adopted");
      assertThat(events.events).containsExactly("ready 1 v2ray 127.0.0.1:" + before.apiPort());
      assertThat(coresRunning(tmp.resolve("config.json")))
          .extracting(ProcessHandle::pid)
          .containsExactly(before.pid());

      // The adopted child is still supervised: killing it starts a new one.
      ProcessHandle.of(before.pid()).orElseThrow().destroyForcibly();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> b.status().state() == CoreState.RUNNING && b.status().generation() == 2);
      assertThat(b.status().pid()).isNotEqualTo(before.pid());
      assertThat(b.status().adopted()).isFalse();
      assertThat(events.events).contains("down 1");
    }
    assertThat(coresRunning(tmp.resolve("config.json"))).isEmpty();
  }

  @Test
  void adoption_withoutPidFile_findsTheChildByItsCommandLine() throws Exception {
    XraySupervisor a =
        XraySupervisor.create(XraySettings.supervised(V2RAY), tmp, XraySupervisorTest.FAST);
    a.start();
    XrayStatus before = awaitRunning(a);
    a.abandon();
    Files.delete(tmp.resolve("xray.pid"));
    try (XraySupervisor b =
        XraySupervisor.create(XraySettings.supervised(V2RAY), tmp, XraySupervisorTest.FAST)) {
      b.start();
      assertThat(awaitRunning(b).pid()).isEqualTo(before.pid());
      assertThat(coresRunning(tmp.resolve("config.json"))).hasSize(1);
    }
    assertThat(ProcessHandle.of(before.pid()).map(ProcessHandle::isAlive).orElse(false)).isFalse();
  }
}
