package io.raftray.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftray.model.Json;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NodeConfigSourceAddressTest {
  @TempDir Path dir;

  private NodeConfig config(Optional<InetAddress> source) {
    return NodeConfig.builder()
        .dataDir(dir)
        .clusterId("c1")
        .nodeId("node_1")
        .name("node-1")
        .bind("127.0.0.1", 7443)
        .apiBaseUrl("https://127.0.0.1:7443")
        .accessHost("127.0.0.1")
        .initialPeers(List.of(new NodeConfig.Peer("node_1", "https://127.0.0.1:7443")))
        .clusterSourceAddress(source)
        .build();
  }

  @Test
  void absentByDefault_andNotWritten() throws Exception {
    NodeConfigFile.write(config(Optional.empty()));
    assertThat(Files.readString(dir.resolve("node.json"))).doesNotContain("cluster_source_address");
    assertThat(NodeConfigFile.read(dir).clusterSourceAddress()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.12", "::1", "fd00::7"})
  void roundTrips(String ip) throws Exception {
    NodeConfigFile.write(config(Optional.of(InetAddress.getByName(ip))));
    assertThat(NodeConfigFile.read(dir).clusterSourceAddress()).contains(InetAddress.getByName(ip));
  }

  @ParameterizedTest
  @ValueSource(strings = {"localhost", "example.org", "300.1.1.1", "1.2.3", "", ":::zz"})
  void rejectsAnythingButAnIpLiteral(String value) throws Exception {
    NodeConfigFile.write(config(Optional.empty()));
    ObjectNode root = (ObjectNode) Json.mapper().readTree(dir.resolve("node.json").toFile());
    root.put("cluster_source_address", value);
    Files.write(dir.resolve("node.json"), Json.mapper().writeValueAsBytes(root));
    assertThatThrownBy(() -> NodeConfigFile.read(dir))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("cluster_source_address must be an IPv4 or IPv6 address");
  }

  @Test
  void publicBaseUrl_absentByDefault_roundTrips_andIsValidated() throws Exception {
    NodeConfigFile.write(config(Optional.empty()));
    assertThat(Files.readString(dir.resolve("node.json"))).doesNotContain("public_base_url");
    assertThat(NodeConfigFile.read(dir).publicBaseUrl()).isEmpty();

    NodeConfigFile.write(
        config(Optional.empty()).toBuilder()
            .publicBaseUrl(Optional.of("https://eu.sub.example/vpn"))
            .build());
    assertThat(NodeConfigFile.read(dir).publicBaseUrl()).contains("https://eu.sub.example/vpn");

    for (String bad : List.of("http://eu.example", "https://eu.example/?x", "eu.example")) {
      ObjectNode root = (ObjectNode) Json.mapper().readTree(dir.resolve("node.json").toFile());
      root.put("public_base_url", bad);
      Files.write(dir.resolve("node.json"), Json.mapper().writeValueAsBytes(root));
      assertThatThrownBy(() -> NodeConfigFile.read(dir))
          .as(bad)
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("public_base_url must be an https:// URL");
    }
  }

  @Test
  void trustedProxies_absentByDefault_roundTrip_andAreValidated() throws Exception {
    NodeConfigFile.write(config(Optional.empty()));
    assertThat(Files.readString(dir.resolve("node.json"))).doesNotContain("trusted_proxies");
    assertThat(NodeConfigFile.read(dir).trustedProxies()).isEqualTo(TrustedProxies.none());

    TrustedProxies proxies =
        new TrustedProxies(
            List.of(
                TrustedProxies.Range.parse("10.0.0.0/8").orElseThrow(),
                TrustedProxies.Range.parse("::1").orElseThrow()),
            "X-Real-IP");
    NodeConfigFile.write(config(Optional.empty()).toBuilder().trustedProxies(proxies).build());
    TrustedProxies read = NodeConfigFile.read(dir).trustedProxies();
    assertThat(read.header()).isEqualTo("X-Real-IP");
    assertThat(read.ranges())
        .map(Object::toString)
        .containsExactly("10.0.0.0/8", "0:0:0:0:0:0:0:1");
    assertThat(read.trusts(InetAddress.getByName("10.200.1.1"))).isTrue();
    assertThat(read.trusts(InetAddress.getByName("11.0.0.1"))).isFalse();

    ObjectNode root = (ObjectNode) Json.mapper().readTree(dir.resolve("node.json").toFile());
    root.putArray("trusted_proxies").add("10.0.0.0/33").add("proxy.example");
    root.put("client_address_header", "Forwarded");
    Files.write(dir.resolve("node.json"), Json.mapper().writeValueAsBytes(root));
    assertThatThrownBy(() -> NodeConfigFile.read(dir))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("trusted_proxies: '10.0.0.0/33' is not an IP address or CIDR range")
        .hasMessageContaining("trusted_proxies: 'proxy.example' is not an IP address")
        .hasMessageContaining("the Forwarded header is not supported");

    root.remove("trusted_proxies");
    root.put("client_address_header", "X-Real-IP");
    Files.write(dir.resolve("node.json"), Json.mapper().writeValueAsBytes(root));
    assertThatThrownBy(() -> NodeConfigFile.read(dir))
        .hasMessageContaining("client_address_header needs trusted_proxies");
  }
}
