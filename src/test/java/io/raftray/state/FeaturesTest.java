package io.raftray.state;

import static io.raftray.state.Fixtures.T0;
import static io.raftray.state.Fixtures.bootstrap;
import static io.raftray.state.Fixtures.env;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Feature levels: when to raise, what the leader refuses, and how the level is kept. */
@Timeout(30)
class FeaturesTest {
  private static final int NEWER = Command.FeatureProbe.LEVEL;

  @Test
  void raiseTo_onlyWhenEveryVoterWasHeard_toTheLowestLevel() {
    List<String> voters = List.of("a", "b", "c");
    assertThat(Features.raiseTo(1, voters, Map.of("a", 2, "b", 2))).isEmpty();
    assertThat(Features.raiseTo(1, voters, Map.of("a", 2, "b", 2, "c", 1))).isEmpty();
    assertThat(Features.raiseTo(1, voters, Map.of("a", 3, "b", 2, "c", 2, "x", 1))).contains(2);
    assertThat(Features.raiseTo(2, voters, Map.of("a", 2, "b", 2, "c", 2))).isEmpty();
    assertThat(Features.raiseTo(1, List.of(), Map.of("a", 2))).isEmpty();
  }

  @Test
  void parse_absentOrBad_isTheBaseLevel() {
    assertThat(Features.parse(null)).isEqualTo(Features.BASE);
    assertThat(Features.parse("x")).isEqualTo(Features.BASE);
    assertThat(Features.parse("0")).isEqualTo(Features.BASE);
    assertThat(Features.parse(" 2 ")).isEqualTo(2);
  }

  @Test
  void refusal_aCommandAboveTheClusterLevel_orARaiseAboveWhatTheLeaderReads() {
    State base = State.empty();
    Command probe = new Command.FeatureProbe("x");
    assertThat(Features.refusal(base, probe, NEWER))
        .hasValueSatisfying(r -> assertThat(r).contains("needs cluster feature level " + NEWER));
    assertThat(Features.refusal(base.toBuilder().featureLevel(NEWER).build(), probe, NEWER))
        .isEmpty();
    assertThat(Features.refusal(base, new Command.UsersTick(), Features.CURRENT)).isEmpty();
    assertThat(Features.refusal(base, new Command.SetFeatureLevel(NEWER), Features.CURRENT))
        .hasValueSatisfying(r -> assertThat(r).contains("reads up to " + Features.CURRENT));
    assertThat(Features.refusal(base, new Command.SetFeatureLevel(NEWER), NEWER)).isEmpty();
  }

  @Test
  void theMarzbanSwitch_needsItsLevel_otherSettingsDoNot() {
    State base = State.empty();
    Command on = new Command.UpdateSettings(null, null, null, null, true);
    assertThat(Features.required(on)).isEqualTo(Features.MARZBAN_API);
    assertThat(Features.refusal(base, on, Features.CURRENT))
        .hasValueSatisfying(r -> assertThat(r).contains("needs cluster feature level 2"));
    assertThat(Features.refusal(base.toBuilder().featureLevel(2).build(), on, 2)).isEmpty();
    assertThat(Features.required(new Command.UpdateSettings(500))).isEqualTo(Features.BASE);
  }

  @Test
  void setFeatureLevel_neverLowers_andTheSnapshotHoldsItOnlyAboveBase() throws IOException {
    long i = 1;
    State s = Store.apply(State.empty(), env(bootstrap(), T0), i).state();
    String before = new String(SnapshotCodec.encode(s), StandardCharsets.UTF_8);
    assertThat(before).doesNotContain("feature_level");
    assertThat(s.featureLevel()).isEqualTo(Features.BASE);

    s = Store.apply(s, env(new Command.SetFeatureLevel(NEWER), T0.plusMillis(1)), ++i).state();
    assertThat(s.featureLevel()).isEqualTo(NEWER);
    s = Store.apply(s, env(new Command.SetFeatureLevel(1), T0.plusMillis(2)), ++i).state();
    assertThat(s.featureLevel()).isEqualTo(NEWER);

    byte[] snap = SnapshotCodec.encode(s);
    assertThat(new String(snap, StandardCharsets.UTF_8)).contains("\"feature_level\":" + NEWER);
    State back = SnapshotCodec.decode(snap);
    assertThat(back.featureLevel()).isEqualTo(NEWER);
    assertThat(SnapshotCodec.digest(back)).isEqualTo(SnapshotCodec.digest(s));
  }

  @Test
  void probe_changesOnlyTheAudit() {
    State s = Store.apply(State.empty(), env(bootstrap(), T0), 1).state();
    Store.Applied a = Store.apply(s, env(new Command.FeatureProbe("hello"), T0.plusMillis(1)), 2);
    assertThat(a.result().ok()).isTrue();
    assertThat(a.state().users()).isEqualTo(s.users());
    var audit = a.state().audit().all();
    assertThat(audit.get(audit.size() - 1).summary()).isEqualTo("feature probe: hello");
  }
}
