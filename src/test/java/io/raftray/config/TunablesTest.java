package io.raftray.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class TunablesTest {

  @Test
  void fromEnvironment_unsetEmptyOrPipelined_isTheDefault_pipelined() {
    assertThat(Tunables.fromEnvironment(Map.of())).isEqualTo(Tunables.DEFAULT);
    assertThat(Tunables.fromEnvironment(Map.of(Tunables.REPLICATION_ENV, " ")))
        .isEqualTo(Tunables.DEFAULT);
    assertThat(Tunables.fromEnvironment(Map.of(Tunables.REPLICATION_ENV, "pipelined")))
        .isEqualTo(Tunables.DEFAULT);
    assertThat(Tunables.DEFAULT.pipelinedReplication()).isTrue();
  }

  @Test
  void fromEnvironment_default_turnsOnlyPipeliningOff() {
    Tunables t = Tunables.fromEnvironment(Map.of(Tunables.REPLICATION_ENV, "default"));

    assertThat(t.pipelinedReplication()).isFalse();
    assertThat(t.withPipelinedReplication(true)).isEqualTo(Tunables.DEFAULT);
  }

  @Test
  void olderConstructors_replicatePipelined() {
    Tunables d = Tunables.DEFAULT;

    assertThat(
            new Tunables(d.coreResync(), d.coreReportInterval(), d.usageTickInterval(), d.renewal())
                .pipelinedReplication())
        .isTrue();
  }

  @Test
  void fromEnvironment_unknownMode_namesTheVariableAndTheValue() {
    assertThatThrownBy(() -> Tunables.fromEnvironment(Map.of(Tunables.REPLICATION_ENV, "fast")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("RAFTRAY_REPLICATION")
        .hasMessageContaining("'fast'");
  }

  @Test
  void withers_keepTheReplicationMode() {
    Tunables t = Tunables.DEFAULT.withPipelinedReplication(false);

    assertThat(t.withActivityInterval(java.time.Duration.ofSeconds(3)).pipelinedReplication())
        .isFalse();
    assertThat(t.withRenewal(t.renewal()).pipelinedReplication()).isFalse();
  }
}
