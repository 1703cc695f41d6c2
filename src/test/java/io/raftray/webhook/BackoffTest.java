package io.raftray.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class BackoffTest {
  @Test
  void after_doublesFromBase_upToCap() {
    Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5), 0);
    assertThat(b.after(1, 0.5)).isEqualTo(Duration.ofSeconds(1));
    assertThat(b.after(2, 0.5)).isEqualTo(Duration.ofSeconds(2));
    assertThat(b.after(5, 0.5)).isEqualTo(Duration.ofSeconds(16));
    assertThat(b.after(9, 0.5)).isEqualTo(Duration.ofSeconds(256));
    assertThat(b.after(10, 0.5)).isEqualTo(Duration.ofMinutes(5));
    assertThat(b.after(10_000, 0.5)).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void jitter_takesAtMostItsFractionOff() {
    Backoff b = new Backoff(Duration.ofSeconds(10), Duration.ofSeconds(10), 0.2);
    assertThat(b.after(1, 0)).isEqualTo(Duration.ofSeconds(10));
    assertThat(b.after(1, 0.999)).isBetween(Duration.ofSeconds(8), Duration.ofSeconds(10));
  }

  @Test
  void badSettings_areRefused() {
    assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
