package io.raftray.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftray.model.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(10)
class NodeConfigRaftPresetTest {
  @TempDir Path dir;

  private NodeConfig config(NodeConfig.Raft raft) {
    return TestConfigs.minimal(dir).raft(raft).build();
  }

  /** Writes a config, then lets {@code edit} change the file's {@code raft} object. */
  private void withRaft(Consumer<ObjectNode> edit) throws Exception {
    NodeConfigFile.write(config(NodeConfig.Raft.defaults()));
    ObjectNode root = (ObjectNode) Json.mapper().readTree(dir.resolve("node.json").toFile());
    edit.accept((ObjectNode) root.get("raft"));
    Files.write(dir.resolve("node.json"), Json.mapper().writeValueAsBytes(root));
  }

  private JsonNode raftInFile() throws Exception {
    return Json.mapper().readTree(dir.resolve("node.json").toFile()).get("raft");
  }

  @Test
  void noPreset_isWan_withTodaysTimeouts() throws Exception {
    withRaft(r -> r.remove("preset"));

    NodeConfig.Raft raft = NodeConfigFile.read(dir).raft();

    assertThat(raft.preset()).isEqualTo(RaftPreset.WAN);
    assertThat(raft.electionTimeoutMin()).isEqualTo(Duration.ofSeconds(1));
    assertThat(raft.electionTimeoutMax()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void fileWrittenBeforePresets_keepsItsExplicitTimeouts() throws Exception {
    withRaft(
        r -> {
          r.remove("preset");
          r.put("election_timeout_min_ms", 1000);
          r.put("election_timeout_max_ms", 2000);
        });

    NodeConfig.Raft raft = NodeConfigFile.read(dir).raft();

    assertThat(raft.preset()).isEqualTo(RaftPreset.WAN);
    assertThat(raft.electionTimeoutMin()).isEqualTo(Duration.ofSeconds(1));
    assertThat(raft.electionTimeoutMax()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void lan_setsTheLanElectionTimeouts() throws Exception {
    withRaft(r -> r.put("preset", "lan"));

    NodeConfig.Raft raft = NodeConfigFile.read(dir).raft();

    assertThat(raft.preset()).isEqualTo(RaftPreset.LAN);
    assertThat(raft.electionTimeoutMin()).isEqualTo(Duration.ofMillis(300));
    assertThat(raft.electionTimeoutMax()).isEqualTo(Duration.ofMillis(600));
    assertThat(raft.writeTimeout())
        .as("independent of the preset")
        .isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void explicitTimeouts_overrideThePreset() throws Exception {
    withRaft(
        r -> {
          r.put("preset", "lan");
          r.put("election_timeout_max_ms", 900);
        });

    NodeConfig.Raft raft = NodeConfigFile.read(dir).raft();

    assertThat(raft.preset()).isEqualTo(RaftPreset.LAN);
    assertThat(raft.electionTimeoutMin()).as("from the preset").isEqualTo(Duration.ofMillis(300));
    assertThat(raft.electionTimeoutMax()).as("explicit").isEqualTo(Duration.ofMillis(900));
  }

  @Test
  void unknownPreset_isReportedWithTheAllowedValues_togetherWithOtherProblems() throws Exception {
    withRaft(
        r -> {
          r.put("preset", "fast");
          r.put("snapshot_every_entries", 0);
        });

    assertThatThrownBy(() -> NodeConfigFile.read(dir))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.problems())
                    .containsExactlyInAnyOrder(
                        "raft.preset must be one of lan, wan, got \"fast\"",
                        "raft.snapshot_every_entries must be >= 1"));
  }

  @Test
  void presetThatIsNotAString_isRefused() throws Exception {
    withRaft(r -> r.put("preset", 1));

    assertThatThrownBy(() -> NodeConfigFile.read(dir))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("raft.preset must be one of lan, wan, got 1");
  }

  @Test
  void write_namesThePreset_andOnlyTimeoutsThatDifferFromIt() throws Exception {
    NodeConfigFile.write(config(NodeConfig.Raft.of(RaftPreset.LAN)));

    assertThat(raftInFile().path("preset").asText()).isEqualTo("lan");
    assertThat(raftInFile().has("election_timeout_min_ms")).isFalse();
    assertThat(raftInFile().has("election_timeout_max_ms")).isFalse();
    assertThat(NodeConfigFile.read(dir).raft()).isEqualTo(NodeConfig.Raft.of(RaftPreset.LAN));

    NodeConfig.Raft custom =
        new NodeConfig.Raft(
            RaftPreset.LAN,
            Duration.ofMillis(400),
            Duration.ofMillis(800),
            500,
            Duration.ofSeconds(7));
    NodeConfigFile.write(config(custom));

    assertThat(raftInFile().path("election_timeout_min_ms").asLong()).isEqualTo(400);
    assertThat(raftInFile().path("election_timeout_max_ms").asLong()).isEqualTo(800);
    assertThat(NodeConfigFile.read(dir).raft()).isEqualTo(custom);
  }
}
