package io.raftray.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftray.config.XraySettings;
import io.raftray.model.ErrorKind;
import io.raftray.model.Json;
import io.raftray.model.RaftrayException;
import io.raftray.pki.ClusterCa;
import io.raftray.pki.KeyPairs;
import io.raftray.pki.NodeIdentity;
import io.raftray.state.State;
import io.raftray.testing.MutableClock;
import io.raftray.xray.XraySupervisor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class LocalHostTest {
  static final String NODE = "node_01JTESTNODE0000000000000000";
  static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

  @TempDir Path dir;
  final MutableClock clock = new MutableClock(START);
  XraySupervisor core;

  @AfterEach
  void closeCore() {
    if (core != null) {
      core.close();
    }
  }

  private static NodeIdentity identity() {
    ClusterCa ca = ClusterCa.create("c0ffee00-1111-4222-8333-444455556666");
    KeyPair keys = KeyPairs.generate();
    X509Certificate cert =
        ca.issueNodeCertificate(
            keys.getPublic(), ca.clusterId(), NODE, List.of("localhost"), Duration.ofDays(30));
    return new NodeIdentity(ca.clusterId(), NODE, keys.getPrivate(), cert, ca.certificate());
  }

  private LocalHost host(XraySupervisor core, Optional<RecentLog> log) {
    NodeIdentity id = identity();
    return new LocalHost(
        NODE,
        new HostMetrics(dir, clock.instant()),
        () -> id,
        State::empty,
        core,
        null,
        log,
        null,
        clock);
  }

  private static JsonNode json(byte[] b) throws Exception {
    return Json.mapper().readTree(b);
  }

  @Test
  void report_describesTheHost() throws Exception {
    LocalHost h = host(null, Optional.empty());
    clock.advance(Duration.ofSeconds(90));

    JsonNode r = json(h.report());

    assertThat(r.path("node_id").asText()).isEqualTo(NODE);
    assertThat(r.path("raftray_version").asText()).isEqualTo("dev");
    assertThat(r.path("uptime_seconds").asLong()).isEqualTo(90);
    assertThat(r.path("cpu").path("cpus").asInt())
        .isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(r.path("cpu").path("load_average").size()).isEqualTo(3); // Linux /proc/loadavg
    assertThat(r.path("memory").path("rss_bytes").asLong()).isPositive();
    assertThat(r.path("memory").path("heap_used_bytes").asLong()).isPositive();
    assertThat(r.path("disk").path("total_bytes").asLong())
        .isEqualTo(Files.getFileStore(dir).getTotalSpace());
    assertThat(r.path("disk").path("path").asText()).isEqualTo(dir.toAbsolutePath().toString());
    assertThat(r.path("core").path("mode").asText()).isEqualTo("none");
    assertThat(r.path("core").path("status").asText()).isEqualTo("disabled");
    assertThat(r.path("throughput").isArray()).isTrue();
    assertThat(Instant.parse(r.path("certificates").path("node_not_after").asText()))
        .isAfter(Instant.now().plus(Duration.ofDays(29)));
  }

  @Test
  void daemonLogs_comeFromTheRingBuffer_redacted() throws Exception {
    RecentLog ring =
        new RecentLog(
            new Formatter() {
              @Override
              public String format(LogRecord r) {
                return formatMessage(r);
              }
            },
            100);
    ring.publish(new LogRecord(Level.INFO, "one"));
    ring.publish(new LogRecord(Level.INFO, "token=abcdef1234 two"));
    LocalHost h = host(null, Optional.of(ring));

    JsonNode logs = json(h.logs("daemon", 5));

    assertThat(logs.path("source").asText()).isEqualTo("daemon");
    assertThat(logs.path("lines").toString()).isEqualTo("[\"one\",\"token=[redacted] two\"]");
    assertThat(json(h.logs("daemon", 1)).path("lines").size()).isEqualTo(1);
  }

  @Test
  void coreLogs_lastLinesOfXrayLog_redacted() throws Exception {
    core = XraySupervisor.create(XraySettings.supervised(Path.of("/usr/bin/v2ray")), dir);
    Files.writeString(core.logFile(), "a\nb\nuser password: \"p4ss\" rejected\nd\n");
    LocalHost h = host(core, Optional.empty());

    JsonNode logs = json(h.logs("core", 2));

    assertThat(logs.path("lines").toString())
        .isEqualTo("[\"user password: \\\"[redacted]\\\" rejected\",\"d\"]");
  }

  @Test
  void withoutSources_orWithBadInput_refusals() {
    LocalHost h = host(null, Optional.empty());

    assertThatThrownBy(() -> h.logs("daemon", 10))
        .isInstanceOfSatisfying(
            RaftrayException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT));
    assertThatThrownBy(() -> h.logs("core", 10))
        .isInstanceOfSatisfying(
            RaftrayException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT));
    assertThatThrownBy(() -> h.logs("kernel", 10))
        .isInstanceOfSatisfying(
            RaftrayException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID));
    assertThatThrownBy(() -> h.logs("daemon", 0))
        .isInstanceOfSatisfying(
            RaftrayException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID));
    assertThatThrownBy(h::restartCore)
        .isInstanceOfSatisfying(
            RaftrayException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT));
  }

  @Test
  void restartCore_ofACoreThatIsNotRunning_isAConflict() {
    core = XraySupervisor.create(XraySettings.supervised(Path.of("/usr/bin/v2ray")), dir);
    LocalHost h = host(core, Optional.empty());

    assertThatThrownBy(h::restartCore)
        .isInstanceOfSatisfying(
            RaftrayException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT);
              assertThat(e.getMessage()).contains("the core is not running");
            });
  }
}
