package io.raftray.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class TunablesTest {

  @Test
  void fromEnvironment_unsetOrDefault_isTheDefaultWithoutPipelining() {
    assertThat(Tunables.fromEnvironment(Map.of())).isEqualTo(Tunables.DEFAULT);
    assertThat(Tunables.fromEnvironment(Map.of(Tunables.REPLICATION_ENV, "default")))
        .isEqualTo(Tunables.DEFAULT);
    assertThat(Tunables.DEFAULT.pipelinedReplication()).isFalse();
  }

  @Test
  void fromEnvironment_pipelined_turnsOnlyPipeliningOn() {
    Tunables t = Tunables.fromEnvironment(Map.of(Tunables.REPLICATION_ENV, "pipelined"));

    assertThat(t.pipelinedReplication()).isTrue();
    assertThat(t.withPipelinedReplication(false)).isEqualTo(Tunables.DEFAULT);
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
    Tunables t = Tunables.DEFAULT.withPipelinedReplication(true);

    assertThat(t.withActivityInterval(java.time.Duration.ofSeconds(3)).pipelinedReplication())
        .isTrue();
    assertThat(t.withRenewal(t.renewal()).pipelinedReplication()).isTrue();
  }
}
