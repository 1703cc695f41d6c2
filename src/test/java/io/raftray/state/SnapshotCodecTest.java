package io.raftray.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class SnapshotCodecTest {

  private static byte[] snapshot() throws IOException {
    State s =
        Store.apply(State.empty(), Fixtures.env(Fixtures.bootstrap(), Fixtures.T0), 1).state();
    return SnapshotCodec.encode(s);
  }

  @Test
  void decode_flippedByteInBody_failsWithChecksumMismatch() throws IOException {
    byte[] data = snapshot();
    data[data.length - 5] ^= 0x01;
    assertThatThrownBy(() -> SnapshotCodec.decode(data, 100))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("checksum mismatch");
  }

  @Test
  void decode_truncated_fails() throws IOException {
    byte[] data = snapshot();
    byte[] cut = java.util.Arrays.copyOf(data, data.length / 2);
    assertThatThrownBy(() -> SnapshotCodec.decode(cut, 100)).isInstanceOf(IOException.class);
  }

  /**
   * Maps in records come from Map.copyOf, whose order is randomised per JVM: the encoding (and so
   * state_digest) must not depend on it, or equal replicas in different processes disagree.
   */
  @Test
  void encode_mapEntriesSortedByKey_sameBytesWhateverTheMapOrder() throws IOException {
    State s =
        Store.apply(State.empty(), Fixtures.env(Fixtures.bootstrap(), Fixtures.T0), 1).state();
    io.raftray.model.Node n = s.nodes().firstEntry().getValue();
    java.util.Map<String, String> facts = new java.util.LinkedHashMap<>();
    for (String k : java.util.List.of("os", "java", "hostname", "cpus", "arch", "b", "a", "z")) {
      facts.put(k, "v-" + k);
    }
    io.raftray.model.Node withFacts =
        new io.raftray.model.Node(
            n.id(),
            n.name(),
            n.apiBaseUrl(),
            n.accessHost(),
            facts,
            n.role(),
            n.status(),
            facts,
            n.certSerial(),
            n.certNotAfter(),
            n.certificatePem(),
            n.joinedAt(),
            n.updatedAt());
    State changed = s.withNodes(State.with(s.nodes(), n.id(), withFacts));
    String json =
        new String(SnapshotCodec.encode(changed), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(json)
        .contains(
            "\"facts\":{\"a\":\"v-a\",\"arch\":\"v-arch\",\"b\":\"v-b\",\"cpus\":\"v-cpus\","
                + "\"hostname\":\"v-hostname\",\"java\":\"v-java\",\"os\":\"v-os\","
                + "\"z\":\"v-z\"}");
  }

  /** Snapshots written before traffic collection have no usage fields: they read as empty. */
  @Test
  void decode_snapshotWithoutUsageFields_readsAsNone() throws IOException {
    State s =
        Store.apply(State.empty(), Fixtures.env(Fixtures.bootstrap(), Fixtures.T0), 1).state();
    s =
        Store.apply(
                s,
                Fixtures.env(new Command.CreateUser(Fixtures.user("usr_1", "a", 0)), Fixtures.T0),
                2)
            .state();
    String json = new String(SnapshotCodec.encode(s), java.nio.charset.StandardCharsets.UTF_8);
    String body = json.substring(json.indexOf('\n') + 1);
    assertThat(body).contains(",\"node_usage\":{}").contains(",\"usage_seqs\":{}");
    assertThat(body).contains(",\"on_hold_expire_seconds\":0");
    String old =
        body.replace(",\"node_usage\":{}", "")
            .replace(",\"usage_seqs\":{}", "")
            .replace(",\"on_hold_expire_seconds\":0", "");
    byte[] oldBody = old.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] data =
        ("RAFTRAY-SNAPSHOT 1 sha256=" + SnapshotCodec.sha256(oldBody) + "\n" + old)
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    State restored = SnapshotCodec.decode(data, 100);
    assertThat(restored.users().get("usr_1").onHoldExpireSeconds()).isZero();
    assertThat(restored.nodeUsage()).isEmpty();
    assertThat(restored.usageSeqs()).isEmpty();
    assertThat(SnapshotCodec.encode(restored)).isEqualTo(SnapshotCodec.encode(s));
  }

  @Test
  void decode_garbage_failsWithBadHeader() {
    assertThatThrownBy(
            () -> SnapshotCodec.decode("hello\nworld".getBytes(StandardCharsets.UTF_8), 100))
        .hasMessageContaining("bad header");
  }

  @Test
  void auditLog_keepsRetentionBound() {
    AuditLog log = AuditLog.empty();
    for (int i = 1; i <= 30_000; i++) {
      log = log.append(new io.raftray.model.AuditEvent(i, Fixtures.T0, "a", "x", "t", "s"));
    }
    assertThat(log.size()).isBetween(10_000, 10_000 + AuditLog.CHUNK);
    assertThat(log.newestFirst(e -> true, Long.MAX_VALUE, 1).get(0).seq()).isEqualTo(30_000);
    assertThat(log.newestFirst(e -> true, 29_001, 2))
        .extracting(io.raftray.model.AuditEvent::seq)
        .containsExactly(29_000L, 28_999L);
  }
}
