package io.raftray.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftray.model.Json;
import io.raftray.model.SubscriptionSettings;
import io.raftray.model.SubscriptionSettings.UaRule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The replicated subscription settings: apply, audit, log encoding and snapshots. */
@Timeout(10)
class SubscriptionSettingsStateTest {
  static final SubscriptionSettings CUSTOM =
      new SubscriptionSettings(
          3,
          "VPN {user}",
          "{node}-{port}",
          "https://help.example/",
          null,
          List.of(new UaRule("(?i)^clash", "clash", null), new UaRule("^M", "html", "text/html")));

  private static State bootstrapped() {
    return Store.apply(State.empty(), Fixtures.env(Fixtures.bootstrap(), Fixtures.T0), 1).state();
  }

  @Test
  void apply_replacesSettings_andAudits() throws IOException {
    CommandEnvelope env =
        CommandEnvelope.of("tok_owner", new Command.UpdateSubscriptionSettings(CUSTOM))
            .stampedAt(Fixtures.T0);
    // Through the log encoding, as every replica sees it.
    env = CommandCodec.decode(CommandCodec.encode(env));

    Store.Applied a = Store.apply(bootstrapped(), env, 2);

    assertThat(a.result().ok()).isTrue();
    assertThat(a.state().subscriptionSettings()).isEqualTo(CUSTOM);
    var last = a.state().audit().all().get(a.state().audit().size() - 1);
    assertThat(last.action()).isEqualTo("subscription_settings.update");
    assertThat(last.target()).isEqualTo("subscription-settings");
    assertThat(last.summary()).contains("ua_rules=2 custom").contains("support_url set");
  }

  @Test
  void snapshot_roundTripsSettings() throws IOException {
    State s =
        Store.apply(
                bootstrapped(),
                Fixtures.env(new Command.UpdateSubscriptionSettings(CUSTOM), Fixtures.T0),
                2)
            .state();

    State back = SnapshotCodec.decode(SnapshotCodec.encode(s), 100);

    assertThat(back.subscriptionSettings()).isEqualTo(CUSTOM);
    assertThat(SnapshotCodec.digest(back)).isEqualTo(SnapshotCodec.digest(s));
  }

  @Test
  void snapshotWithoutSettings_decodesToDefaults() throws Exception {
    byte[] data = SnapshotCodec.encode(bootstrapped());
    String text = new String(data, StandardCharsets.UTF_8);
    ObjectNode body = (ObjectNode) Json.mapper().readTree(text.substring(text.indexOf('\n') + 1));
    assertThat(body.has("subscription_settings")).isTrue();
    body.remove("subscription_settings");
    byte[] old = Json.mapper().writeValueAsBytes(body);
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(old));
    byte[] header = ("RAFTRAY-SNAPSHOT 1 sha256=" + sha + "\n").getBytes(StandardCharsets.US_ASCII);
    byte[] file = new byte[header.length + old.length];
    System.arraycopy(header, 0, file, 0, header.length);
    System.arraycopy(old, 0, file, header.length, old.length);

    State back = SnapshotCodec.decode(file, 100);

    assertThat(back.subscriptionSettings()).isEqualTo(SubscriptionSettings.defaults());
    assertThat(back.nodes()).hasSize(1);
  }
}
