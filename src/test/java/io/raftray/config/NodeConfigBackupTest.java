package io.raftray.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftray.model.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(10)
class NodeConfigBackupTest {
  @TempDir Path dir;

  private NodeConfig config(BackupSchedule backup) {
    return NodeConfig.builder()
        .dataDir(dir)
        .clusterId("c1")
        .nodeId("node_1")
        .name("node-1")
        .bind("127.0.0.1", 7443)
        .apiBaseUrl("https://127.0.0.1:7443")
        .accessHost("127.0.0.1")
        .initialPeers(List.of(new NodeConfig.Peer("node_1", "https://127.0.0.1:7443")))
        .backup(backup)
        .build();
  }

  private void edit(String json) throws Exception {
    NodeConfigFile.write(config(BackupSchedule.none()));
    ObjectNode root = (ObjectNode) Json.mapper().readTree(dir.resolve("node.json").toFile());
    root.set("backup", Json.mapper().readTree(json));
    Files.write(dir.resolve("node.json"), Json.mapper().writeValueAsBytes(root));
  }

  @Test
  void absentByDefault_andNotWritten() throws Exception {
    NodeConfigFile.write(config(BackupSchedule.none()));
    assertThat(Files.readString(dir.resolve("node.json"))).doesNotContain("backup");
    assertThat(NodeConfigFile.read(dir).backup().enabled()).isFalse();
  }

  @Test
  void roundTrips() throws Exception {
    BackupSchedule b =
        new BackupSchedule(
            Optional.of(Path.of("/var/backups/raftray")),
            Duration.ofMinutes(30),
            48,
            Optional.of(Path.of("/etc/raftray/backup.pass")));
    NodeConfigFile.write(config(b));
    assertThat(NodeConfigFile.read(dir).backup()).isEqualTo(b);
  }

  @Test
  void defaults_everyHourKeep24() throws Exception {
    edit("{\"dir\": \"/srv/b\"}");
    BackupSchedule b = NodeConfigFile.read(dir).backup();
    assertThat(b.every()).isEqualTo(Duration.ofHours(1));
    assertThat(b.keep()).isEqualTo(24);
  }

  @Test
  void reportsEveryProblemAtOnce() throws Exception {
    edit("{\"dir\": \"relative/b\", \"every_minutes\": 0, \"keep\": 1.5, \"extra\": 1}");
    assertThatThrownBy(() -> NodeConfigFile.read(dir))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("backup.dir must be an absolute path")
        .hasMessageContaining("backup.every_minutes must be a whole number from 1 to 10080")
        .hasMessageContaining("backup.keep must be a whole number from 1 to 10000")
        .hasMessageContaining("backup.extra: unknown key");
    edit("{\"every_minutes\": 5}");
    assertThatThrownBy(() -> NodeConfigFile.read(dir))
        .hasMessageContaining("backup.dir is required");
  }
}
