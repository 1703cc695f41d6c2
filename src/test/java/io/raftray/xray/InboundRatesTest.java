package io.raftray.xray;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class InboundRatesTest {
  private static final long SEC = 1_000_000_000L;

  private static Map<String, Long> counters(long up, long down) {
    return Map.of(
        "inbound>>>vless-in>>>traffic>>>uplink", up,
        "inbound>>>vless-in>>>traffic>>>downlink", down,
        "user>>>u.g>>>traffic>>>uplink", 999_999L);
  }

  @Test
  void rate_isTheDeltaOverTheInterval_perTag() {
    InboundRates r = new InboundRates();
    r.sample(counters(1000, 5000), 10 * SEC);
    assertThat(r.current()).isEmpty();

    r.sample(counters(11_000, 55_000), 15 * SEC);

    assertThat(r.current())
        .containsOnlyKeys("vless-in")
        .containsEntry("vless-in", new DataPlane.Throughput(2000, 10_000, 5000));
  }

  @Test
  void aCounterThatWentDown_isARestartedCore_noRate() {
    InboundRates r = new InboundRates();
    r.sample(counters(10_000, 10_000), SEC);
    r.sample(counters(10, 20), 2 * SEC);
    assertThat(r.current()).isEmpty();

    r.sample(counters(1010, 20), 3 * SEC);
    assertThat(r.current().get("vless-in")).isEqualTo(new DataPlane.Throughput(1000, 0, 1000));
  }

  @Test
  void clear_forgetsTheReadings() {
    InboundRates r = new InboundRates();
    r.sample(counters(0, 0), SEC);
    r.sample(counters(100, 100), 2 * SEC);
    r.clear();
    assertThat(r.current()).isEmpty();
    r.sample(counters(200, 200), 3 * SEC);
    assertThat(r.current()).isEmpty();
  }
}
