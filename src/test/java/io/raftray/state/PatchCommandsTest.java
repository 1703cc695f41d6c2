package io.raftray.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftray.model.SubscriptionSettings;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Patch forms of endpoint.update and subscription_settings.update, merged at apply. */
@Timeout(10)
class PatchCommandsTest {
  private State state = State.empty();
  private long index;

  private Result apply(Command c) {
    Store.Applied a = Store.apply(state, Fixtures.env(c, Fixtures.T0.plusSeconds(index)), ++index);
    state = a.state();
    return a.result();
  }

  private void withEndpoint(Map<String, Object> settings) {
    apply(Fixtures.bootstrap());
    apply(new Command.CreateEndpoint(Fixtures.endpoint("ep_1", 443)));
    apply(new Command.UpdateEndpoint("ep_1", null, null, settings, null));
  }

  @Test
  void endpointPatches_ofDifferentKeys_fromOneBase_bothApply_andRemovalWorks() {
    withEndpoint(Map.of("path", "/p", "host", "h", "mode", "auto"));
    assertThat(
            apply(
                    new Command.UpdateEndpoint(
                        "ep_1", null, null, Map.of("path", "/a"), null, List.of("path"), null))
                .ok())
        .isTrue();
    assertThat(
            apply(
                    new Command.UpdateEndpoint(
                        "ep_1", null, null, Map.of(), null, List.of("host"), null))
                .ok())
        .isTrue();
    assertThat(state.endpoints().get("ep_1").settings())
        .isEqualTo(Map.of("path", "/a", "mode", "auto"));
  }

  @Test
  void endpointUpdate_withoutKeys_replacesTheWholeSettings_asOldEntriesDid() {
    withEndpoint(Map.of("path", "/p", "host", "h"));
    apply(new Command.UpdateEndpoint("ep_1", null, null, Map.of("path", "/x"), null));
    assertThat(state.endpoints().get("ep_1").settings()).isEqualTo(Map.of("path", "/x"));
  }

  @Test
  void codec_oldFormHasNoKeysField_newFormRoundTrips() throws Exception {
    CommandEnvelope old =
        Fixtures.env(new Command.UpdateEndpoint("ep_1", null, 1, null, true), Fixtures.T0);
    assertThat(new String(CommandCodec.encode(old), StandardCharsets.UTF_8))
        .doesNotContain("settings_keys");
    CommandEnvelope patch =
        Fixtures.env(
            new Command.UpdateEndpoint(
                "ep_1", null, null, Map.of("path", "/a"), null, List.of("path", "host"), null),
            Fixtures.T0);
    assertThat(CommandCodec.decode(CommandCodec.encode(patch))).isEqualTo(patch);
    CommandEnvelope sub =
        Fixtures.env(
            new Command.UpdateSubscriptionSettings(SubscriptionSettings.defaults()), Fixtures.T0);
    assertThat(new String(CommandCodec.encode(sub), StandardCharsets.UTF_8))
        .doesNotContain("\"fields\"");
  }

  @Test
  void subscriptionPatches_ofDifferentFields_fromOneBase_bothApply_unknownFieldRejected() {
    apply(Fixtures.bootstrap());
    SubscriptionSettings base = state.subscriptionSettings();
    SubscriptionSettings a =
        new SubscriptionSettings(
            base.updateIntervalHours(),
            base.titleTemplate(),
            base.remarkTemplate(),
            "https://s.example",
            null,
            base.uaRules());
    SubscriptionSettings b =
        new SubscriptionSettings(
            3, base.titleTemplate(), base.remarkTemplate(), null, null, base.uaRules());
    apply(new Command.UpdateSubscriptionSettings(a, List.of("support_url")));
    apply(new Command.UpdateSubscriptionSettings(b, List.of("update_interval_hours")));
    assertThat(state.subscriptionSettings().supportUrl()).isEqualTo("https://s.example");
    assertThat(state.subscriptionSettings().updateIntervalHours()).isEqualTo(3);

    long before = state.appliedIndex();
    SubscriptionSettings kept = state.subscriptionSettings();
    Result r = apply(new Command.UpdateSubscriptionSettings(b, List.of("nope")));
    assertThat(r.ok()).isFalse();
    assertThat(state.subscriptionSettings()).isEqualTo(kept);
    assertThat(state.appliedIndex()).isEqualTo(before + 1);
  }
}
