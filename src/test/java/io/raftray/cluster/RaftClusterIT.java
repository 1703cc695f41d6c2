package io.raftray.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftPeerId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Three nodes on real HTTPS listeners in one JVM; n3 sits behind a path prefix. */
class RaftClusterIT {
  @TempDir Path tmp;
  final List<TestNode> nodes = new ArrayList<>();

  @AfterEach
  void closeNodes() throws Exception {
    for (TestNode n : nodes) {
      n.close();
    }
  }

  void startCluster() throws Exception {
    TestPki pki = new TestPki();
    nodes.add(new TestNode(pki, "n1", tmp.resolve("n1"), ""));
    nodes.add(new TestNode(pki, "n2", tmp.resolve("n2"), ""));
    nodes.add(new TestNode(pki, "n3", tmp.resolve("n3"), "/prefix"));
    List<RaftNodeConfig.Peer> peers = nodes.stream().map(TestNode::peer).toList();
    for (TestNode n : nodes) {
      n.start(n.configBuilder("cluster-a", peers).pipelinedReplication(pipelined()).build());
    }
  }

  /** Whether the nodes replicate with the pipelined appender ({@link PipelinedRaftClusterIT}). */
  boolean pipelined() {
    return false;
  }

  /** Waits until every running node agrees on one leader and returns it. */
  TestNode awaitLeader() {
    return await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              List<Optional<RaftPeerId>> views =
                  nodes.stream()
                      .filter(n -> n.raft() != null)
                      .map(n -> n.raft().leaderId())
                      .toList();
              if (views.stream().anyMatch(Optional::isEmpty)
                  || views.stream().distinct().count() != 1) {
                return null;
              }
              String leader = views.get(0).orElseThrow().toString();
              TestNode node =
                  nodes.stream().filter(n -> n.id.equals(leader)).findFirst().orElseThrow();
              return "LEADER".equals(node.raft().role()) ? node : null;
            },
            Objects::nonNull);
  }

  @Test
  @Timeout(90)
  void submit_onFollower_reachesLeaderAndAppliesEverywhere_andPrefixedPeerWorks() throws Exception {
    startCluster();
    TestNode leader = awaitLeader();
    List<TestNode> followers = nodes.stream().filter(n -> n != leader).toList();

    TestNode writer = followers.get(0);
    TestNode reader = followers.get(1);
    for (int i = 1; i <= 3; i++) {
      Message reply = writer.raft().submit(Message.valueOf("w" + i));
      assertThat(reply.getContent().toStringUtf8()).isEqualTo(Integer.toString(i));
    }
    // No waiting: the ReadIndex barrier alone must make the write visible on the reader.
    reader.raft().awaitLinearizable();
    assertThat(reader.sm().items()).containsExactly("w1", "w2", "w3");
    String viaQuery =
        reader.raft().queryLinearizable(Message.valueOf("q")).getContent().toStringUtf8();
    assertThat(viaQuery).isEqualTo("w1,w2,w3");

    // n3 is reachable only through https://127.0.0.1:PORT/prefix; it must hold the data too.
    TestNode prefixed = nodes.get(2);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(prefixed.sm().items()).containsExactly("w1", "w2", "w3"));
    assertThat(prefixed.raft().queryLinearizable(Message.valueOf("q")).getContent().toStringUtf8())
        .isEqualTo("w1,w2,w3");
    assertThat(leader.raft().peers()).hasSize(3);
    for (TestNode n : nodes) {
      assertThat(n.raft().term()).isEqualTo(leader.raft().term());
      await()
          .untilAsserted(
              () -> assertThat(n.raft().lastAppliedIndex()).isEqualTo(leader.raft().commitIndex()));
    }
  }

  @Test
  @Timeout(90)
  void submit_withoutQuorum_failsFastWithClusterUnavailable() throws Exception {
    startCluster();
    TestNode leader = awaitLeader();
    assertThat(leader.raft().submit(Message.valueOf("before")).getContent().toStringUtf8())
        .isEqualTo("1");
    for (TestNode n : nodes) {
      if (n != leader) {
        n.stopRaft();
      }
    }

    long start = System.nanoTime();
    assertThatThrownBy(() -> leader.raft().submit(Message.valueOf("lost")))
        .isInstanceOf(ClusterUnavailableException.class)
        .hasMessageContaining("no raft leader reachable within 5s");
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(took).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  @Timeout(120)
  void transferLeadership_whileAMembershipChangeIsStaged_waitsForItInsteadOfFailing()
      throws Exception {
    startCluster();
    TestNode leader = awaitLeader();
    TestNode successor = nodes.stream().filter(n -> n != leader).findFirst().orElseThrow();
    // A peer that never answers keeps the leader's configuration in staging until it gives up.
    java.util.concurrent.CompletableFuture<Void> adding =
        java.util.concurrent.CompletableFuture.runAsync(
            () -> {
              try {
                leader.raft().addVoter("n9", "https://127.0.0.1:9");
              } catch (Exception expected) {
                // the staged change times out: that is the point
              }
            });
    Thread.sleep(300);
    assertThat(adding).as("the membership change is still staged").isNotDone();

    successor.raft().transferLeadership(successor.id, Duration.ofSeconds(60));

    assertThat(successor.raft().leaderId()).contains(RaftPeerId.valueOf(successor.id));
    adding.get(60, java.util.concurrent.TimeUnit.SECONDS);
  }
}
