package io.raftray.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TelegramTextTest {
  private static final Instant AT = Instant.parse("2026-12-03T10:00:00Z");

  @Test
  void userLimited_saysWhoWhatAndTheTraffic() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("username", "alice");
    d.put("status", "limited");
    d.put("previous_status", "active");
    d.put("used_bytes", 10L << 30);
    d.put("data_limit_bytes", 10L << 30);
    d.put("expire_at", null);

    assertThat(TelegramText.event("user.limited", d, AT))
        .isEqualTo(
            """
            User alice reached the data limit
            status: active → limited
            traffic: 10.0 GiB of 10.0 GiB
            2026-12-03T10:00:00Z""");
  }

  @Test
  void nodeAndCoreEvents_nameTheNode() {
    assertThat(TelegramText.event("core.down", Map.of("node_name", "eu-1", "detail", "exit 1"), AT))
        .startsWith("Core on eu-1 is DOWN\ndetail: exit 1");
    assertThat(TelegramText.event("node.up", Map.of("node_name", "eu-1"), AT))
        .startsWith("Node eu-1 is up again");
  }

  @Test
  void unknownType_stillReads() {
    assertThat(TelegramText.event("user.teleported", Map.of("username", "bob"), AT))
        .startsWith("user.teleported: bob\n");
  }

  @Test
  void bytes_inBinaryUnits() {
    assertThat(TelegramText.bytes(0)).isEqualTo("0 B");
    assertThat(TelegramText.bytes(1023)).isEqualTo("1023 B");
    assertThat(TelegramText.bytes(1536)).isEqualTo("1.5 KiB");
    assertThat(TelegramText.bytes(5L << 40)).isEqualTo("5.0 TiB");
  }

  @Test
  void trafficWithoutLimit() {
    assertThat(TelegramText.traffic(Map.of("used_bytes", 2048L, "data_limit_bytes", 0L)))
        .isEqualTo("2.0 KiB (no limit)");
  }
}
