package io.raftray.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(10)
class NonceJournalTest {
  @TempDir Path dir;

  @Test
  void open_returnsOnlyTheNoncesStillInTheirWindow() throws Exception {
    NonceJournal j = NonceJournal.open(dir, 1_000, 0).journal();
    j.append("node-2", "aaa", 500, 0);
    j.append("node-2", "bbb", 900, 10);
    j.append("node-3", "ccc", 1_200, 20);
    // Not closed: a killed process leaves its written lines behind.
    NonceJournal.Opened again = NonceJournal.open(dir, 1_000, 600);
    assertThat(again.alive())
        .containsExactly(
            new NonceJournal.Entry("node-2", "bbb", 900),
            new NonceJournal.Entry("node-3", "ccc", 1_200));
    again.journal().close();
    j.close();
  }

  @Test
  void rotation_dropsTheSegmentWhoseNoncesAllExpired_keepsTheLiveOnes() throws Exception {
    NonceJournal j = NonceJournal.open(dir, 1_000, 0).journal();
    j.append("node-2", "old", 1_000, 0);
    j.append("node-2", "mid", 2_100, 1_100); // rotates: "old" moves to previous
    j.append("node-2", "new", 3_100, 2_200); // rotates again: the segment holding "old" is gone
    j.close();
    String previous = Files.readString(dir.resolve(NonceJournal.PREVIOUS));
    assertThat(previous).doesNotContain("old").contains("mid");
    assertThat(NonceJournal.open(dir, 1_000, 2_200).alive())
        .extracting(NonceJournal.Entry::nonce)
        .containsExactly("new"); // "mid" lived until 2,100
  }

  @Test
  void open_ignoresATornLastLineAndGarbage() throws Exception {
    Files.writeString(
        dir.resolve(NonceJournal.CURRENT),
        "node-2 good 5000\nnot a line\nnode-2 bad notanumber\nnode-2 torn 50",
        StandardCharsets.US_ASCII,
        StandardOpenOption.CREATE);
    assertThat(NonceJournal.open(dir, 1_000, 0).alive())
        .containsExactly(new NonceJournal.Entry("node-2", "good", 5_000));
  }

  @Test
  void persistentCache_refusesANonceAcceptedBeforeTheRestart() throws Exception {
    NonceCache before = NonceCache.persistent(10, dir, 120_000, 1_000);
    assertThat(before.remember("node-2", "n1", 61_000, 1_000)).isEqualTo(NonceCache.Result.FRESH);
    NonceCache after = NonceCache.persistent(10, dir, 120_000, 30_000);
    assertThat(after.remember("node-2", "n1", 61_000, 30_000))
        .isEqualTo(NonceCache.Result.REPLAYED);
    assertThat(after.remember("node-3", "n1", 90_000, 30_000)).isEqualTo(NonceCache.Result.FRESH);
    NonceCache late = NonceCache.persistent(10, dir, 120_000, 61_001);
    assertThat(late.size()).isEqualTo(1); // node-3's n1 was accepted later; node-2's expired
  }
}
