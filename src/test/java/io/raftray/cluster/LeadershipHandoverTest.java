package io.raftray.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class LeadershipHandoverTest {
  private static final Duration HEALTHY = Duration.ofSeconds(1);

  private static Map<String, RaftNode.Peer> peers(Object... idMatchContact) {
    Map<String, RaftNode.Peer> m = new LinkedHashMap<>();
    for (int i = 0; i < idMatchContact.length; i += 3) {
      m.put(
          (String) idMatchContact[i],
          new RaftNode.Peer((Long) idMatchContact[i + 1], (Long) idMatchContact[i + 2]));
    }
    return m;
  }

  @Test
  void successor_isTheMostUpToDateHealthyVoter() {
    Map<String, RaftNode.Peer> p = peers("a", 10L, 50L, "b", 12L, 900L, "c", 11L, 10L);

    assertThat(LeadershipHandover.successor(p, List.of("a", "b", "c"), HEALTHY)).contains("b");
  }

  @Test
  void successor_skipsFollowersNotHeardFromWithinTheWindow() {
    Map<String, RaftNode.Peer> p = peers("a", 10L, 50L, "b", 12L, 1000L);

    assertThat(LeadershipHandover.successor(p, List.of("a", "b"), HEALTHY)).contains("a");
  }

  @Test
  void successor_onATie_isTheOneHeardFromLast() {
    Map<String, RaftNode.Peer> p = peers("a", 12L, 300L, "b", 12L, 20L, "c", 12L, 600L);

    assertThat(LeadershipHandover.successor(p, List.of("a", "b", "c"), HEALTHY)).contains("b");
  }

  @Test
  void successor_ignoresNonVotersAndUnknownProgress() {
    Map<String, RaftNode.Peer> p = peers("a", null, 10L, "gone", 99L, 10L);

    assertThat(LeadershipHandover.successor(p, List.of("a"), HEALTHY)).isEmpty();
  }

  @Test
  void successor_noHealthyFollower_isEmpty() {
    Map<String, RaftNode.Peer> p = peers("a", 10L, 5000L, "b", 12L, 3000L);

    assertThat(LeadershipHandover.successor(p, List.of("a", "b"), HEALTHY)).isEmpty();
  }
}
