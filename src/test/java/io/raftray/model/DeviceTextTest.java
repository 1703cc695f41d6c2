package io.raftray.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DeviceTextTest {
  @Test
  void printableAndShort_keptAsIs() {
    String ua = "v2rayNG/1.9.30 (Android 14; Pixel 8)";
    assertThat(Device.text(ua)).isSameAs(ua);
    assertThat(Device.text("")).isEmpty();
    assertThat(Device.text(null)).isNull();
  }

  @Test
  void controlCharactersDropped_longCut() {
    assertThat(Device.text("a\r\nb\tc\u007fd\u0000e")).isEqualTo("abcde");
    assertThat(Device.text("é".repeat(Device.MAX_TEXT_LENGTH + 5)))
        .isEqualTo("é".repeat(Device.MAX_TEXT_LENGTH));
    String exact = "x".repeat(Device.MAX_TEXT_LENGTH);
    assertThat(Device.text(exact)).isSameAs(exact);
    assertThat(Device.text(exact + "\n")).isEqualTo(exact);
  }
}
