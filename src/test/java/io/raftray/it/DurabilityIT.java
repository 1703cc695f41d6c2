package io.raftray.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An acknowledged write survives {@code kill -9} at any moment: a writer creates users one after
 * another while the daemon is SIGKILLed at a random point, several times over; every user that got
 * a 201 must be there afterwards, exactly once, with its audit entry.
 */
class DurabilityIT {
  private static final int ROUNDS = 5;

  @TempDir Path tmp;

  @Test
  @Timeout(180)
  void acknowledgedWrites_surviveKill9_defaultSnapshots() throws Exception {
    killLoop(null);
  }

  /** Snapshots every 20 entries (about every 10 writes), so kills also land around snapshots. */
  @Test
  @Timeout(180)
  void acknowledgedWrites_surviveKill9_whileSnapshotting() throws Exception {
    killLoop(20L);
  }

  private void killLoop(Long snapshotEvery) throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    String ctx = "seed " + seed + ", snapshot_every_entries " + snapshotEvery;
    try (RaftrayProcess node =
        RaftrayProcess.init(tmp.resolve("data"), RaftrayProcess.freePort())) {
      if (snapshotEvery != null) {
        node.setSnapshotEveryEntries(snapshotEvery);
      }
      Set<String> acked = Collections.synchronizedSet(new HashSet<>());
      Set<String> attempted = Collections.synchronizedSet(new HashSet<>());
      AtomicInteger counter = new AtomicInteger();
      for (int round = 1; round <= ROUNDS; round++) {
        node.start();
        int before = acked.size();
        AtomicBoolean stop = new AtomicBoolean();
        List<Throwable> unexpected = Collections.synchronizedList(new ArrayList<>());
        Thread writer =
            Thread.ofPlatform()
                .name("writer-" + round)
                .start(() -> write(node, stop, counter, attempted, acked, unexpected));
        await("first 201 of round " + round)
            .atMost(Duration.ofSeconds(20))
            .until(() -> acked.size() > before || !writer.isAlive());
        // Then let it write for a random while: join returns early only if the writer gave up.
        writer.join(Duration.ofMillis(300 + random.nextInt(1200)));
        int exit = node.kill9();
        stop.set(true);
        writer.join(Duration.ofSeconds(30).toMillis());
        assertThat(writer.isAlive()).as("writer finished").isFalse();
        assertThat(unexpected).as("round %d (%s): unexpected replies", round, ctx).isEmpty();
        assertThat(exit).as("exit code of a SIGKILLed run").isEqualTo(137);
        assertThat(acked.size())
            .as("round %d (%s): the writer got some 201s before the kill", round, ctx)
            .isGreaterThan(before);
        System.out.printf(
            "%s round %d: %d acknowledged, %d sent so far; killed -> exit %d%n",
            ctx, round, acked.size() - before, attempted.size(), exit);
      }

      node.start();
      List<JsonNode> users = node.listAll("/users");
      List<String> names = users.stream().map(u -> u.get("name").asText()).toList();
      List<String> ids = users.stream().map(u -> u.get("id").asText()).toList();
      assertThat(names).as(ctx).doesNotHaveDuplicates();
      assertThat(ids).as(ctx).doesNotHaveDuplicates();
      assertThat(names).as("every acknowledged user survived (%s)", ctx).containsAll(acked);
      assertThat(attempted).as("nothing appears that was never sent (%s)", ctx).containsAll(names);

      List<JsonNode> creates = node.listAll("/audit?action=user.create");
      List<String> targets = creates.stream().map(e -> e.get("target").asText()).toList();
      assertThat(targets)
          .as("one user.create audit entry per user (%s)", ctx)
          .doesNotHaveDuplicates()
          .containsExactlyInAnyOrderElementsOf(ids);
      System.out.printf(
          "%s: %d users after %d kills (%d acknowledged, %d sent); snapshots %s; segments %s%n",
          ctx,
          names.size(),
          ROUNDS,
          acked.size(),
          attempted.size(),
          node.snapshots().stream().map(p -> p.getFileName().toString()).toList(),
          node.segments().stream().map(p -> p.getFileName().toString()).toList());
      if (snapshotEvery != null) {
        // Only the newest two snapshots are kept; the newest must be far past init's (index 2).
        List<Path> snaps = node.snapshots();
        assertThat(snaps).as("snapshots were taken along the way").isNotEmpty();
        assertThat(RaftrayProcess.snapshotIndex(snaps.get(snaps.size() - 1)))
            .as("newest snapshot index")
            .isGreaterThan(2L * snapshotEvery);
      }
      node.stop();
    }
  }

  /** Creates users u1, u2, ... sequentially until stopped or the node stops answering. */
  private static void write(
      RaftrayProcess node,
      AtomicBoolean stop,
      AtomicInteger counter,
      Set<String> attempted,
      Set<String> acked,
      List<Throwable> unexpected) {
    while (!stop.get()) {
      String name = "u" + counter.incrementAndGet();
      attempted.add(name);
      RaftrayProcess.Response r;
      try {
        r = node.post("/users", RaftrayProcess.obj("name", name));
      } catch (IOException killed) {
        return; // in flight when the process died: may or may not have been committed
      }
      if (r.status() == 201) {
        assertThatName(r, name, unexpected);
        acked.add(name);
      } else if (r.status() != 503) {
        unexpected.add(new AssertionError("POST /users " + name + " -> " + r.raw()));
        return;
      }
    }
  }

  private static void assertThatName(
      RaftrayProcess.Response r, String name, List<Throwable> unexpected) {
    if (r.body() == null || !name.equals(r.body().path("name").asText())) {
      unexpected.add(new AssertionError("201 for " + name + " but body " + r.raw()));
    }
  }
}
