package io.raftray.state;

import static io.raftray.state.Fixtures.T0;
import static io.raftray.state.Fixtures.bootstrap;
import static io.raftray.state.Fixtures.env;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code settings.update} of the public base URLs: checked in apply, kept by snapshots. */
@Timeout(30)
class SettingsRulesTest {
  private long index;

  private Store.Applied apply(State s, List<String> urls) {
    index++;
    return Store.apply(
        s, env(new Command.UpdateSettings(null, null, null, urls), T0.plusMillis(index)), index);
  }

  @Test
  void publicBaseUrls_mergedInApply_keptBySnapshots_clearedByEmptyList() throws IOException {
    State s = Store.apply(State.empty(), env(bootstrap(), T0), ++index).state();
    s = apply(s, List.of("https://cdn.example/", "https://b.example")).state();
    assertThat(s.settings().publicBaseUrls())
        .containsExactly("https://cdn.example", "https://b.example");

    State back = SnapshotCodec.decode(SnapshotCodec.encode(s), 10_000);
    assertThat(back.settings().publicBaseUrls()).isEqualTo(s.settings().publicBaseUrls());
    assertThat(SnapshotCodec.digest(back)).isEqualTo(SnapshotCodec.digest(s));

    s = apply(s, List.of()).state();
    assertThat(s.settings().publicBaseUrls()).isNull();
  }

  @Test
  void marzbanCompatApi_offByDefault_mergedInApply_keptBySnapshots() throws IOException {
    State s = Store.apply(State.empty(), env(bootstrap(), T0), ++index).state();
    assertThat(s.settings().effectiveMarzbanCompatApi()).isFalse();
    s = apply(s, List.of("https://cdn.example")).state();
    index++;
    s =
        Store.apply(
                s,
                env(new Command.UpdateSettings(null, null, null, null, true), T0.plusMillis(index)),
                index)
            .state();
    assertThat(s.settings().effectiveMarzbanCompatApi()).isTrue();
    // Another setting's change leaves the switch as it is.
    s = apply(s, List.of("https://b.example")).state();
    assertThat(s.settings().effectiveMarzbanCompatApi()).isTrue();
    assertThat(s.settings().publicBaseUrls()).containsExactly("https://b.example");
    State back = SnapshotCodec.decode(SnapshotCodec.encode(s), 10_000);
    assertThat(back.settings().effectiveMarzbanCompatApi()).isTrue();
    assertThat(SnapshotCodec.digest(back)).isEqualTo(SnapshotCodec.digest(s));
  }

  @Test
  void aHandMadeEntryWithABadUrl_isRejected_andChangesNothing() {
    State s = Store.apply(State.empty(), env(bootstrap(), T0), ++index).state();
    s = apply(s, List.of("https://cdn.example")).state();
    for (List<String> bad :
        List.of(
            List.of("http://cdn.example"),
            List.of("https://a.example", "https://a.example/"),
            List.of(
                "https://1.example",
                "https://2.example",
                "https://3.example",
                "https://4.example",
                "https://5.example",
                "https://6.example",
                "https://7.example",
                "https://8.example",
                "https://9.example"))) {
      Store.Applied r = apply(s, bad);
      assertThat(r.result().ok()).as(bad.toString()).isFalse();
      assertThat(r.result().field()).isEqualTo("public_base_urls");
      assertThat(r.state().settings().publicBaseUrls()).containsExactly("https://cdn.example");
    }
  }
}
