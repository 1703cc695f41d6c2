package io.raftray.cluster;

import io.raftray.state.Features;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The feature levels ({@link Features}) this node reads and has heard its peers read: every answer
 * on {@code /cluster/v1/raft} carries the answering node's level in {@link Features#HEADER}, and
 * {@link RaftHttpCaller} records it here per peer (an answer without it: {@link Features#BASE}, a
 * release before feature levels). A leader hears every follower with each heartbeat, so its map is
 * at most a heartbeat old; a peer's entry is replaced by every answer, so a downgraded peer lowers
 * it again.
 */
public final class PeerFeatureLevels {
  private final String self;
  private final int supported;
  private final Map<String, Integer> heard = new ConcurrentHashMap<>();

  /**
   * @param self this node's id
   * @param supported the highest level this node reads
   */
  public PeerFeatureLevels(String self, int supported) {
    if (supported < Features.BASE) {
      throw new IllegalArgumentException("feature level must be >= " + Features.BASE);
    }
    this.self = self;
    this.supported = supported;
  }

  /** The highest level this node reads. */
  public int supported() {
    return supported;
  }

  /** Node id to the level it last said it reads, this node included. */
  public Map<String, Integer> heard() {
    Map<String, Integer> out = new HashMap<>(heard);
    out.put(self, supported);
    return out;
  }

  /** Records an answer of {@code peer} whose {@link Features#HEADER} was {@code header}. */
  void answered(String peer, String header) {
    heard.put(peer, Features.parse(header));
  }
}
