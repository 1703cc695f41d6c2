package io.raftray.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
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

  @Test
  void decode_garbage_failsWithBadHeader() {
    assertThatThrownBy(() -> SnapshotCodec.decode("hello\nworld".getBytes(), 100))
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
