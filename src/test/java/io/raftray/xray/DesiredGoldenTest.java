package io.raftray.xray;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.raftray.model.Endpoint;
import io.raftray.model.Enums;
import io.raftray.model.Json;
import io.raftray.state.State;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Desired} of each node of {@link XrayFixtures#state()} and the {@link InboundSpec}s they
 * resolve to, against golden files under {@code src/test/resources/golden/xray/}, byte for byte.
 * The forms are written here (ordered as the code orders them, unordered maps sorted), so a change
 * of what a core is told shows as a diff. Regenerate with {@code -Draftray.regenerateGoldens=true}.
 */
@Timeout(30)
class DesiredGoldenTest {
  static final Path DIR = Path.of("src/test/resources/golden/xray");
  static final boolean REGENERATE = Boolean.getBoolean("raftray.regenerateGoldens");
  static final List<String> NODES = List.of("node_a", "node_b", "node_c");

  final State state = XrayFixtures.state();

  @ParameterizedTest
  @ValueSource(strings = {"node_a", "node_b", "node_c"})
  void desired_matchesGolden(String node) throws IOException {
    String out = desiredText(Desired.of(state, node));
    assertThat(desiredText(Desired.of(state, node))).as("deterministic").isEqualTo(out);
    assertGolden("desired-" + node + ".json", out);
  }

  @Test
  void inboundSpecs_matchGolden() throws IOException {
    List<Object> specs = new ArrayList<>();
    for (Desired.Inbound in : Desired.of(state, "node_a").values()) {
      specs.add(
          spec(
              InboundSpec.of(
                  in.endpoint(), new ArrayList<>(in.users().values()), InboundFactory.ANY)));
    }
    assertGolden("inbound-specs-node_a.json", text(specs));
  }

  @Test
  void desired_holdsEnabledEndpointsOfTheNode_andUsersThatMayConnect() {
    Map<String, Desired.Inbound> a = Desired.of(state, "node_a");
    assertThat(a.keySet())
        .as("endpoint id order; the disabled endpoint is absent")
        .containsExactly(
            "vless-reality",
            "vmess-ws-tls",
            "trojan-grpc-tls",
            "ss-2022",
            "ss-aes",
            "vless-httpupgrade");
    assertThat(a.get("vless-reality").users().keySet())
        .as("active and on hold; not limited, not a missing user")
        .containsExactly("usr_alice.grt_01", "usr_dave.grt_03");
    assertThat(a.get("vmess-ws-tls").users().keySet())
        .as("not a disabled user, not a disabled grant")
        .containsExactly("usr_alice.grt_04");
    assertThat(a.get("trojan-grpc-tls").users().keySet()).containsExactly("usr_alice.grt_07");
    assertThat(a.get("vless-httpupgrade").users()).isEmpty();
    assertThat(Desired.of(state, "node_b").keySet()).containsExactly("vmess-tcp-b");
    assertThat(Desired.of(state, "node_c")).as("a removed node runs nothing").isEmpty();
    assertThat(Desired.of(state, "node_x")).as("an unknown node runs nothing").isEmpty();
  }

  @Test
  void goldenDirectory_holdsNoStaleFiles() throws IOException {
    Set<String> expected = new TreeSet<>();
    NODES.forEach(n -> expected.add("desired-" + n + ".json"));
    expected.add("inbound-specs-node_a.json");
    Set<String> actual = new TreeSet<>();
    try (Stream<Path> files = Files.list(DIR)) {
      files.forEach(p -> actual.add(p.getFileName().toString()));
    }
    assertThat(actual).isEqualTo(expected);
  }

  private static void assertGolden(String name, String out) throws IOException {
    Path file = DIR.resolve(name);
    if (REGENERATE) {
      Files.createDirectories(DIR);
      Files.writeString(file, out, StandardCharsets.UTF_8);
    }
    assertThat(file).as("golden file; regenerate with -Draftray.regenerateGoldens=true").exists();
    assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo(out);
  }

  // --- the written forms

  static String desiredText(Map<String, Desired.Inbound> desired) throws JsonProcessingException {
    List<Object> inbounds = new ArrayList<>();
    desired.forEach(
        (tag, in) -> {
          Endpoint e = in.endpoint();
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("tag", tag);
          m.put("endpoint_id", e.id());
          m.put("node_id", e.nodeId());
          m.put("protocol", Enums.wire(e.protocol()));
          m.put("port", e.port());
          m.put("transport", Enums.wire(e.transport()));
          m.put("security", Enums.wire(e.security()));
          m.put("settings", new TreeMap<>(e.settings()));
          m.put("secrets", new TreeMap<>(e.secrets()));
          m.put("users", users(in.users().values()));
          inbounds.add(m);
        });
    return text(Map.of("inbounds", inbounds));
  }

  private static Map<String, Object> spec(InboundSpec s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("tag", s.tag());
    m.put("listen", s.listen());
    m.put("port", s.port());
    InboundSpec.Stream st = s.stream();
    Map<String, Object> stream = new LinkedHashMap<>();
    stream.put("transport", Enums.wire(st.transport()));
    stream.put("path", st.path());
    stream.put("host", st.host());
    stream.put("service_name", st.serviceName());
    stream.put("mode", st.mode());
    stream.put("security", Enums.wire(st.security()));
    if (st.tls() != null) {
      Map<String, Object> tls = new LinkedHashMap<>();
      tls.put("certificate_pem", new String(st.tls().certificatePem(), StandardCharsets.UTF_8));
      tls.put("key_pem", new String(st.tls().keyPem(), StandardCharsets.UTF_8));
      tls.put("server_name", st.tls().serverName());
      stream.put("tls", tls);
    }
    if (st.reality() != null) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("dest", st.reality().dest());
      r.put("server_names", st.reality().serverNames());
      r.put("private_key_hex", HexFormat.of().formatHex(st.reality().privateKey()));
      r.put(
          "short_ids_hex",
          st.reality().shortIds().stream().map(HexFormat.of()::formatHex).toList());
      stream.put("reality", r);
    }
    m.put("stream", stream);
    InboundSpec.Proxy p = s.proxy();
    Map<String, Object> proxy = new LinkedHashMap<>();
    proxy.put("protocol", Enums.wire(p.protocol()));
    proxy.put("flow", p.flow());
    proxy.put("method", p.method());
    proxy.put("server_key", p.serverKey());
    m.put("proxy", proxy);
    m.put("users", users(s.users()));
    return m;
  }

  private static List<Object> users(Iterable<InboundUser> users) {
    List<Object> out = new ArrayList<>();
    for (InboundUser u : users) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("email", u.email());
      m.put("credential", u.credential());
      out.add(m);
    }
    return out;
  }

  private static String text(Object value) throws JsonProcessingException {
    return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(value) + "\n";
  }
}
