package io.raftray.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The bounded bucket window of {@link UsageSeries}. */
class UsageSeriesTest {

  @Test
  void plus_addsToTheBucket_andShiftsTheWindowForNewerBuckets() {
    UsageSeries s = UsageSeries.of(100, 1, 2).plus(100, 3, 4, 5).plus(102, 10, 20, 5);
    assertThat(s.first()).isEqualTo(100);
    assertThat(s.last()).isEqualTo(102);
    assertThat(s.uplinkAt(100)).isEqualTo(4);
    assertThat(s.downlinkAt(100)).isEqualTo(6);
    assertThat(s.uplinkAt(101)).isZero();
    assertThat(s.uplinkAt(102)).isEqualTo(10);
    assertThat(s.downlinkAt(102)).isEqualTo(20);
  }

  @Test
  void plus_keepsAtMostCapacityBuckets_droppingTheOldest() {
    UsageSeries s = UsageSeries.of(100, 1, 1);
    for (long b = 101; b <= 110; b++) {
      s = s.plus(b, b, b, 4);
    }
    assertThat(s.uplink()).hasSize(4);
    assertThat(s.first()).isEqualTo(107);
    assertThat(s.uplinkAt(106)).as("outside the window").isZero();
    assertThat(s.uplinkAt(107)).isEqualTo(107);
    assertThat(s.uplinkAt(110)).isEqualTo(110);
  }

  @Test
  void plus_intoAnOlderBucketInsideTheWindow_counts_olderThanTheWindow_changesNothing() {
    UsageSeries s = UsageSeries.of(100, 1, 1).plus(103, 1, 1, 4);
    UsageSeries back = s.plus(101, 5, 6, 4);
    assertThat(back.uplinkAt(101)).isEqualTo(5);
    assertThat(back.downlinkAt(101)).isEqualTo(6);
    assertThat(back.last()).isEqualTo(103);
    assertThat(s.plus(99, 5, 5, 4)).isSameAs(s);
    // A bucket before the held ones but inside the capacity widens the window backwards.
    UsageSeries one = UsageSeries.of(100, 1, 1);
    UsageSeries wider = one.plus(98, 2, 2, 4);
    assertThat(wider.first()).isEqualTo(98);
    assertThat(wider.uplinkAt(98)).isEqualTo(2);
    assertThat(wider.uplinkAt(100)).isEqualTo(1);
  }

  @Test
  void plus_neverMutatesTheSeriesItWasCalledOn_andSaturates() {
    UsageSeries s = UsageSeries.of(5, Long.MAX_VALUE - 1, 0);
    UsageSeries t = s.plus(5, 10, 1, 3);
    assertThat(s.uplinkAt(5)).isEqualTo(Long.MAX_VALUE - 1);
    assertThat(s.downlinkAt(5)).isZero();
    assertThat(t.uplinkAt(5)).isEqualTo(Long.MAX_VALUE);
    assertThat(t.downlinkAt(5)).isEqualTo(1);
    assertThat(t).isNotEqualTo(s).isEqualTo(UsageSeries.of(5, Long.MAX_VALUE, 1));
  }
}
