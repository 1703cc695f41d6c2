package io.raftray.cluster;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.apache.ratis.protocol.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class RaftNodeTest {
  @TempDir Path tmp;

  @Test
  @Timeout(60)
  void start_singleNode_electsItselfAndRecoversStateAfterRestart() throws Exception {
    TestPki pki = new TestPki();
    try (TestNode n = new TestNode(pki, "n1", tmp.resolve("n1"), "")) {
      RaftNodeConfig cfg = n.configBuilder("c1", List.of(n.peer())).snapshotThreshold(3).build();
      RaftNode node = n.start(cfg);
      // Role and leader id are published separately; wait for both.
      await()
          .atMost(Duration.ofSeconds(15))
          .untilAsserted(
              () -> {
                assertThat(node.role()).isEqualTo("LEADER");
                assertThat(node.leaderId()).contains(RaftNode.peerId("n1"));
              });

      for (int i = 1; i <= 5; i++) {
        Message reply = node.submit(Message.valueOf("item-" + i));
        assertThat(reply.getContent().toStringUtf8()).isEqualTo(Integer.toString(i));
      }
      assertThat(n.sm().items()).containsExactly("item-1", "item-2", "item-3", "item-4", "item-5");
      assertThat(node.commitIndex()).isGreaterThanOrEqualTo(5);
      // Ratis' commit-metadata entries commit after the write they follow: applied catches up.
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(() -> assertThat(node.lastAppliedIndex()).isEqualTo(node.commitIndex()));
      assertThat(node.peers()).extracting(p -> p.getId().toString()).containsExactly("n1");
      await().atMost(Duration.ofSeconds(10)).until(() -> snapshotCount(n.dir) > 0);
      long termBefore = node.term();

      n.stopRaft();
      n.stopRaft(); // idempotent
      node.close();

      RaftNode again = n.start(cfg);
      await().atMost(Duration.ofSeconds(15)).until(() -> "LEADER".equals(again.role()));
      assertThat(again.term()).isGreaterThan(termBefore);
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(() -> assertThat(n.sm().items()).hasSize(5));
      assertThat(again.submit(Message.valueOf("item-6")).getContent().toString(UTF_8))
          .isEqualTo("6");
      again.awaitLinearizable();
      assertThat(again.queryLinearizable(Message.valueOf("all")).getContent().toString(UTF_8))
          .endsWith("item-5,item-6");
    }
  }

  @Test
  void groupId_sameClusterId_isStable() {
    assertThat(RaftNode.groupId("abc")).isEqualTo(RaftNode.groupId("abc"));
    assertThat(RaftNode.groupId("abc")).isNotEqualTo(RaftNode.groupId("abd"));
  }

  private static long snapshotCount(Path dir) throws Exception {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(p -> p.getFileName().toString().startsWith("snapshot.")).count();
    }
  }
}
