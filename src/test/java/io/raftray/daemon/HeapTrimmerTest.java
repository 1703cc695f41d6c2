package io.raftray.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class HeapTrimmerTest {
  private static final long MIB = 1L << 20;

  /** A heap whose readings the test sets; a collection shrinks it to {@link #afterCollect}. */
  private static final class FakeHeap implements HeapTrimmer.Heap {
    long committed;
    long collections;
    long afterCollect;
    int collects;
    final Deque<Long> log = new ArrayDeque<>();

    @Override
    public HeapTrimmer.Reading read() {
      return new HeapTrimmer.Reading(committed, collections);
    }

    @Override
    public void collect() {
      collects++;
      collections++;
      committed = afterCollect;
      log.add(committed);
    }
  }

  private final FakeHeap heap = new FakeHeap();
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final HeapTrimmer trimmer = new HeapTrimmer(heap, nanos::get);

  private void period(long committedMib, long collections) {
    nanos.addAndGet(HeapTrimmer.PERIOD.toNanos());
    heap.committed = committedMib * MIB;
    heap.collections = collections;
    trimmer.check();
  }

  @Test
  void aBurstFollowedByAQuietPeriod_collectsOnce_andTheShrunkHeapIsTheNewBaseline() {
    heap.afterCollect = 58 * MIB;
    period(40, 3); // start: baseline 40 MiB
    period(120, 90); // the burst: collections ran
    assertThat(heap.collects).isZero();
    period(120, 90); // quiet and 3x the baseline
    assertThat(heap.collects).isEqualTo(1);
    // Quiet again, at the shrunk size: nothing more to give back.
    period(58, 91);
    period(58, 91);
    assertThat(heap.collects).isEqualTo(1);
    assertThat(trimmer.trims()).isEqualTo(1);
  }

  @Test
  void underSteadyLoad_itNeverCollects() {
    heap.afterCollect = 40 * MIB;
    period(40, 0);
    for (int i = 1; i <= 20; i++) {
      period(160, i * 10L);
    }
    assertThat(heap.collects).isZero();
  }

  @Test
  void smallGrowth_orGrowthBelowTheFactor_isLeftAlone() {
    heap.afterCollect = 30 * MIB;
    period(30, 1);
    period(50, 2); // + 20 MiB: under the minimum growth
    period(50, 2);
    assertThat(heap.collects).isZero();
    HeapTrimmer big = new HeapTrimmer(heap, nanos::get);
    heap.committed = 300 * MIB;
    big.check(); // baseline 300 MiB
    heap.committed = 400 * MIB; // + 100 MiB but only 1.33x
    big.check();
    big.check();
    assertThat(heap.collects).isZero();
  }

  @Test
  void afterATrim_theNextOneWaitsTheMinimumInterval() {
    heap.afterCollect = 40 * MIB;
    period(40, 0);
    period(100, 5);
    period(100, 5);
    assertThat(heap.collects).isEqualTo(1);
    // The heap grows again right away and the node goes quiet: too soon for a second trim.
    period(100, 20);
    period(100, 20);
    assertThat(heap.collects).isEqualTo(1);
    nanos.addAndGet(HeapTrimmer.MIN_INTERVAL.toNanos());
    period(100, 20);
    assertThat(heap.collects).isEqualTo(2);
  }

  @Test
  void onlyTheSerialCollectorIsTrimmed() {
    assertThat(HeapTrimmer.serial(Stream.of("Copy", "MarkSweepCompact"))).isTrue();
    assertThat(HeapTrimmer.serial(Stream.of("G1 Young Generation", "G1 Old Generation"))).isFalse();
    assertThat(HeapTrimmer.serial(Stream.of("ZGC Cycles", "ZGC Pauses"))).isFalse();
  }

  @Test
  void shouldTrim_needsBothAQuietPeriodAndRealGrowth() {
    var before = new HeapTrimmer.Reading(100 * MIB, 7);
    assertThat(HeapTrimmer.shouldTrim(before, new HeapTrimmer.Reading(100 * MIB, 7), 40 * MIB))
        .isTrue();
    assertThat(HeapTrimmer.shouldTrim(before, new HeapTrimmer.Reading(100 * MIB, 8), 40 * MIB))
        .isFalse();
    assertThat(HeapTrimmer.shouldTrim(before, new HeapTrimmer.Reading(100 * MIB, 7), 80 * MIB))
        .isFalse();
  }
}
