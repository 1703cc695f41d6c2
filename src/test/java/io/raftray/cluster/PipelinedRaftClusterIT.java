package io.raftray.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.apache.ratis.protocol.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link RaftClusterIT} with {@link PipelinedLogAppender} on every node. */
class PipelinedRaftClusterIT extends RaftClusterIT {
  @Override
  boolean pipelined() {
    return true;
  }

  @AfterEach
  void defaultMetadataDefer() {
    PipelinedLogAppender.metadataDeferForTests(
        Duration.ofNanos(PipelinedLogAppender.METADATA_DEFER_NANOS));
  }

  /**
   * Each commit makes the leader log a commit-metadata entry. Sent on its own it costs every
   * follower an append, an fsync and a commit heartbeat per write; held back, it travels with the
   * next write. The hold is lengthened here so a slow machine cannot split a pair.
   */
  @Test
  @Timeout(90)
  void sequentialWrites_sendOneAppendPerFollowerPerWrite_theMetadataEntryTravelsWithTheNext()
      throws Exception {
    PipelinedLogAppender.metadataDeferForTests(Duration.ofSeconds(2));
    startCluster();
    TestNode leader = awaitLeader();
    leader.raft().submit(Message.valueOf("warm-up"));
    int writes = 40;
    long before = PipelinedLogAppender.appendsWithEntries();
    for (int i = 0; i < writes; i++) {
      leader.raft().submit(Message.valueOf("w" + i));
    }
    long appends = PipelinedLogAppender.appendsWithEntries() - before;
    // Two followers: 2 per write with the metadata entry riding along, 4 when it goes alone.
    assertThat(appends).isBetween((long) writes, (long) (2 * writes + 4));
    for (TestNode n : nodes) {
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(n.sm().items()).hasSize(writes + 1));
    }
  }
}
