package io.raftray.sub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftray.model.Protocol;
import io.raftray.model.Security;
import io.raftray.model.Transport;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class SubscriptionTest {
  static final Proxy VLESS =
      Proxy.of(
          "a",
          "203.0.113.7",
          SubscriptionFixtures.endpoint(
              Protocol.VLESS, 443, Transport.TCP, Security.NONE, Map.of()),
          Proxy.NIL_UUID);

  @Test
  void noProxiesNoReason_noServersNotice() {
    Subscription s = new Subscription("alice", List.of(), null);

    assertThat(s.notice()).isEqualTo(Subscription.NO_PROXIES).isEqualTo("No servers available");
    assertThat(s.profileTitle()).isEqualTo("alice - No servers available");
    assertThat(s.listing(p -> true).proxies())
        .extracting(Proxy::remark)
        .containsExactly(s.notice());
  }

  @Test
  void proxiesAndNotice_refused() {
    assertThatThrownBy(() -> new Subscription("alice", List.of(VLESS), "Disabled"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void listing_noneExpressible_placeholderOtherwiseTheProxies() {
    Subscription s = new Subscription("alice", List.of(VLESS), null);

    assertThat(s.profileTitle()).isEqualTo("alice");
    assertThat(s.listing(p -> true).proxies()).containsExactly(VLESS);
    assertThat(s.listing(p -> true).isNotice()).isFalse();
    Subscription.Listing none = s.listing(p -> false);
    assertThat(none.notice()).isEqualTo("No proxy of this subscription works here");
    assertThat(none.proxies())
        .containsExactly(Proxy.notice("No proxy of this subscription works here"));
    assertThat(none.proxies().get(0).toString()).doesNotContain(Proxy.NIL_UUID);
  }

  @Test
  void unique_suffixesTakenNamesAndTakesTheResult() {
    Set<String> taken = new HashSet<>(List.of("Proxy", "Proxy 2"));

    assertThat(Names.unique("Proxy", taken)).isEqualTo("Proxy 3");
    assertThat(Names.unique("Proxy", taken)).isEqualTo("Proxy 4");
    assertThat(Names.unique("Auto", taken)).isEqualTo("Auto");
    assertThat(taken).contains("Proxy 3", "Proxy 4", "Auto");
  }
}
