package io.raftray.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftray.model.Json;
import io.raftray.xray.Flavor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class NodeConfigXrayTest {
  @TempDir Path dir;

  private NodeConfig config() {
    return TestConfigs.minimal(dir).build();
  }

  private void writeXray(String json) throws Exception {
    NodeConfigFile.write(config());
    ObjectNode root = (ObjectNode) Json.mapper().readTree(dir.resolve("node.json").toFile());
    root.set("xray", Json.mapper().readTree(json));
    Files.write(dir.resolve("node.json"), Json.mapper().writeValueAsBytes(root));
  }

  @Test
  void oldConstructors_meanNoCore_andNodeJsonOmitsTheObject() throws Exception {
    assertThat(config().xray()).isEqualTo(XraySettings.none());
    assertThat(config().xray().enabled()).isFalse();
    NodeConfigFile.write(config());
    assertThat(Files.readString(dir.resolve("node.json"))).doesNotContain("xray");
    assertThat(NodeConfigFile.read(dir).xray()).isEqualTo(XraySettings.none());
  }

  @Test
  void supervised_roundTripsEveryKey() throws Exception {
    XraySettings x =
        new XraySettings(
            Optional.of(Path.of("/usr/bin/v2ray")),
            Optional.empty(),
            Optional.of(Flavor.V2RAY),
            10085,
            Duration.ofMillis(1500));
    NodeConfigFile.write(config().withXray(x));
    String text = Files.readString(dir.resolve("node.json"));
    assertThat(text)
        .contains("\"bin\" : \"/usr/bin/v2ray\"")
        .contains("\"flavor\" : \"v2ray\"")
        .contains("\"api_port\" : 10085")
        .contains("\"stats_interval_seconds\" : 1.5");
    assertThat(NodeConfigFile.read(dir).xray()).isEqualTo(x);
  }

  @Test
  void external_readsApiAndDefaults() throws Exception {
    writeXray("{\"api\":\"127.0.0.1:10085\"}");
    XraySettings x = NodeConfigFile.read(dir).xray();
    assertThat(x.api()).contains(new HostPort("127.0.0.1", 10085));
    assertThat(x.bin()).isEmpty();
    assertThat(x.flavor()).isEmpty();
    assertThat(x.apiPort()).isZero();
    assertThat(x.statsInterval()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void unknownXrayKey_isRejected() throws Exception {
    writeXray("{\"bin\":\"/usr/bin/v2ray\",\"binary\":\"x\"}");
    assertThatThrownBy(() -> NodeConfigFile.read(dir))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown key xray.binary");
  }

  @Test
  void unknownTopLevelKey_isStillRejected() throws Exception {
    NodeConfigFile.write(config());
    ObjectNode root = (ObjectNode) Json.mapper().readTree(dir.resolve("node.json").toFile());
    root.put("xray_bin", "/usr/bin/v2ray");
    Files.write(dir.resolve("node.json"), Json.mapper().writeValueAsBytes(root));
    assertThatThrownBy(() -> NodeConfigFile.read(dir))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown key xray_bin");
  }

  @Test
  void badValues_areAllReportedTogether() throws Exception {
    writeXray(
        "{\"bin\":\"/usr/bin/v2ray\",\"api\":\"127.0.0.1:10085\",\"flavor\":\"sing-box\","
            + "\"api_port\":70000,\"stats_interval_seconds\":0}");
    assertThatThrownBy(() -> NodeConfigFile.read(dir))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.problems())
                    .contains(
                        "xray.flavor must be xray or v2ray",
                        "xray.bin and xray.api are mutually exclusive",
                        "xray.api_port must be 0 (pick a free port) or 1-65535",
                        "xray.stats_interval_seconds must be between 200 ms and 1 h"));
  }

  @Test
  void notAnObject_isRejected() throws Exception {
    writeXray("\"/usr/bin/v2ray\"");
    assertThatThrownBy(() -> NodeConfigFile.read(dir))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("xray must be an object");
  }
}
