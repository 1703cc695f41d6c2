package io.raftray.state;

import static io.raftray.state.Fixtures.T0;
import static io.raftray.state.Fixtures.bootstrap;
import static io.raftray.state.Fixtures.env;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class StateDigestTest {
  @Test
  void sameView_isEncodedOnce_andANewIndexIsEncodedAgain() {
    AtomicInteger encodes = new AtomicInteger();
    StateDigest digests =
        new StateDigest(
            s -> {
              encodes.incrementAndGet();
              return SnapshotCodec.digest(s);
            });
    State one = Store.apply(State.empty(), env(bootstrap(), T0), 1).state();

    String first = digests.of(one);
    String second = digests.of(one);

    assertThat(encodes).hasValue(1);
    assertThat(second).isEqualTo(first).isEqualTo(SnapshotCodec.digest(one));

    State two = one.withIndex(2);
    assertThat(digests.of(two)).isEqualTo(SnapshotCodec.digest(two)).isNotEqualTo(first);
    assertThat(encodes).hasValue(2);
  }
}
