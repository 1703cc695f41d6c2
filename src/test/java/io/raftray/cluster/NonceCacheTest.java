package io.raftray.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class NonceCacheTest {
  @Test
  void remember_untilExpiry_thenForgotten() {
    NonceCache c = new NonceCache(10);
    assertThat(c.remember("a", 2_000, 1_000)).isEqualTo(NonceCache.Result.FRESH);
    assertThat(c.remember("a", 2_000, 1_500)).isEqualTo(NonceCache.Result.REPLAYED);
    assertThat(c.remember("a", 5_000, 2_001)).isEqualTo(NonceCache.Result.FRESH);
  }

  @Test
  void remember_full_refusesUntilEntriesExpire() {
    NonceCache c = new NonceCache(2);
    assertThat(c.remember("a", 2_000, 1_000)).isEqualTo(NonceCache.Result.FRESH);
    assertThat(c.remember("b", 3_000, 1_000)).isEqualTo(NonceCache.Result.FRESH);
    assertThat(c.remember("c", 3_000, 1_000)).isEqualTo(NonceCache.Result.FULL);
    assertThat(c.remember("c", 3_000, 2_500)).isEqualTo(NonceCache.Result.FRESH);
    assertThat(c.size()).isEqualTo(2);
  }
}
