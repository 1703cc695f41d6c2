package io.raftray.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class LifecycleTest {

  @Test
  void close_stopsEverythingInReverseOrder() {
    List<String> stopped = new ArrayList<>();
    Lifecycle life = new Lifecycle();
    life.add("listener", "l", () -> stopped.add("listener"));
    life.add("raft", "r", () -> stopped.add("raft"));
    life.add("ticker", "t", () -> stopped.add("ticker"));

    life.close();

    assertThat(stopped).containsExactly("ticker", "raft", "listener");
  }

  @Test
  void close_partThatFailsToStop_stillStopsTheOthers() {
    List<String> stopped = new ArrayList<>();
    Lifecycle life = new Lifecycle();
    life.add("listener", "l", () -> stopped.add("listener"));
    life.add(
        "raft",
        "r",
        () -> {
          throw new IllegalStateException("stuck");
        });
    life.add("ticker", "t", () -> stopped.add("ticker"));

    life.close();

    assertThat(stopped).containsExactly("ticker", "listener");
  }

  @Test
  void close_twice_stopsEachPartOnce() {
    List<String> stopped = new ArrayList<>();
    Lifecycle life = new Lifecycle();
    AutoCloseable part = () -> stopped.add("part");
    assertThat(life.add("part", part)).isSameAs(part);

    life.close();
    life.close();

    assertThat(stopped).containsExactly("part");
  }
}
