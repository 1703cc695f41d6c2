package io.raftray.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftray.config.TrustedProxies;
import io.raftray.testing.MutableClock;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class FailureLimiterTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));

  @Test
  void overTheLimit_blocksUntilTheWindowEnds() {
    FailureLimiter l = new FailureLimiter(clock, 2, 60_000, 100);
    l.fail("a");
    assertThat(l.blockedFor("a")).isEmpty();
    l.fail("a");
    assertThat(l.blockedFor("a")).hasValue(60);
    assertThat(l.blockedFor("b")).isEmpty();
    clock.advance(Duration.ofSeconds(59));
    assertThat(l.blockedFor("a")).hasValue(1);
    clock.advance(Duration.ofSeconds(1));
    assertThat(l.blockedFor("a")).isEmpty();
  }

  @Test
  void aFloodOfFreshKeys_staysWithinTheCapacity_andKeepsTheRecentOffenders() {
    FailureLimiter l = new FailureLimiter(clock, 1, 60_000, 1000);
    l.fail("offender");
    for (int i = 0; i < 100_000; i++) {
      l.fail("k" + i);
      if (i % 500 == 0) {
        // The offender keeps failing, so it stays young in the table.
        assertThat(l.blockedFor("offender")).isPresent();
      }
    }
    assertThat(l.size()).isEqualTo(1000);
    assertThat(l.blockedFor("offender")).isPresent();
    assertThat(l.blockedFor("k0")).isEmpty();
    assertThat(l.blockedFor("k99999")).isPresent();
  }

  @Test
  void ipv6_isGroupedBySlash64_ipv4ByAddress() throws Exception {
    assertThat(ClientAddress.limitKey(InetAddress.getByName("2001:db8:1:2::1")))
        .isEqualTo(ClientAddress.limitKey(InetAddress.getByName("2001:db8:1:2:ffff:1:2:3")))
        .isEqualTo("2001:db8:1:2:0:0:0:0/64");
    assertThat(ClientAddress.limitKey(InetAddress.getByName("2001:db8:1:3::1")))
        .isNotEqualTo(ClientAddress.limitKey(InetAddress.getByName("2001:db8:1:2::1")));
    assertThat(ClientAddress.limitKey(InetAddress.getByName("192.0.2.7"))).isEqualTo("192.0.2.7");
  }

  @Test
  void forwardedFor_takesTheNearestUntrustedHop_andStopsAtGarbage() throws Exception {
    TrustedProxies p =
        new TrustedProxies(
            List.of(
                TrustedProxies.Range.parse("10.0.0.0/8").orElseThrow(),
                TrustedProxies.Range.parse("fd00::/8").orElseThrow()),
            "X-Forwarded-For");
    InetAddress peer = InetAddress.getByName("10.0.0.1");
    // The client may put anything on the left; only what the trusted hops appended counts.
    assertThat(
            ClientAddress.fromHeader(peer, List.of("1.1.1.1, 203.0.113.9, 10.0.0.2"), p)
                .getHostAddress())
        .isEqualTo("203.0.113.9");
    assertThat(ClientAddress.fromHeader(peer, List.of("1.1.1.1", "[fd00::5]"), p).getHostAddress())
        .isEqualTo("1.1.1.1");
    assertThat(
            ClientAddress.fromHeader(peer, List.of("evil.example, 10.0.0.3"), p).getHostAddress())
        .isEqualTo("10.0.0.3");
    assertThat(ClientAddress.fromHeader(peer, List.of(), p)).isEqualTo(peer);
    assertThat(ClientAddress.fromHeader(peer, List.of("999.1.1.1"), p)).isEqualTo(peer);
  }
}
