package io.raftray.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftray.model.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class NodeConfigPublicTlsTest {
  @TempDir Path dir;

  private NodeConfig config() {
    return TestConfigs.minimal(dir).build();
  }

  private void writePublicTls(String json) throws Exception {
    NodeConfigFile.write(config());
    ObjectNode root = (ObjectNode) Json.mapper().readTree(dir.resolve("node.json").toFile());
    root.set("public_tls", Json.mapper().readTree(json));
    root.put("audit_retention", 5); // another problem, to see that all are reported together
    Files.write(dir.resolve("node.json"), Json.mapper().writeValueAsBytes(root));
  }

  @Test
  void absentByDefault_andNotWritten() throws Exception {
    NodeConfigFile.write(config());
    assertThat(Files.readString(dir.resolve("node.json"))).doesNotContain("public_tls");
    assertThat(NodeConfigFile.read(dir).publicTls().isEmpty()).isTrue();
  }

  @Test
  void pairs_roundTrip() throws Exception {
    PublicTlsFiles files =
        new PublicTlsFiles(
            List.of(
                new PublicTlsFiles.Pair(
                    Path.of("/etc/letsencrypt/live/sub.example.com/fullchain.pem"),
                    Path.of("/etc/letsencrypt/live/sub.example.com/privkey.pem")),
                new PublicTlsFiles.Pair(
                    Path.of("/etc/raftray/tls/panel.crt"), Path.of("/etc/raftray/tls/panel.key"))));
    NodeConfigFile.write(config().toBuilder().publicTls(files).build());
    assertThat(NodeConfigFile.read(dir).publicTls()).isEqualTo(files);
  }

  @Test
  void badEntries_allReportedTogether_withTheOtherProblems() throws Exception {
    writePublicTls(
        """
        [{"cert": "/a/fullchain.pem"},
         {"cert": "relative.pem", "key": "/a/privkey.pem", "chain": "/x"},
         "just-a-path",
         {"cert": 7, "key": "/k.pem"}]
        """);
    assertThatThrownBy(() -> NodeConfigFile.read(dir))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("public_tls[0].key is required")
        .hasMessageContaining("public_tls[1].cert must be an absolute path, got 'relative.pem'")
        .hasMessageContaining("unknown key public_tls[1].chain")
        .hasMessageContaining("public_tls[2] must be an object")
        .hasMessageContaining("public_tls[3].cert is required")
        .hasMessageContaining("audit_retention must be >= 100");
  }

  @Test
  void notAList_refused() throws Exception {
    writePublicTls("{\"cert\": \"/a.pem\", \"key\": \"/b.pem\"}");
    assertThatThrownBy(() -> NodeConfigFile.read(dir))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("public_tls must be a list");
  }
}
