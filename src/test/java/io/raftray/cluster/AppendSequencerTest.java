package io.raftray.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.raftray.cluster.AppendSequencer.Stamp;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class AppendSequencerTest {
  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
  private final List<String> started = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    threads.shutdownNow();
  }

  private Future<String> submit(AppendSequencer seq, String sender, Stamp stamp, String name) {
    return threads.submit(
        () ->
            seq.submit(
                    sender,
                    stamp,
                    () -> {
                      started.add(name);
                      return CompletableFuture.completedFuture(name);
                    })
                .get());
  }

  @Test
  void submit_appendsArrivingInReverse_startInStreamOrder() throws Exception {
    AppendSequencer seq = new AppendSequencer(Duration.ofSeconds(20));
    assertThat(submit(seq, "n1", new Stamp(3, 7, 0), "a0").get(5, TimeUnit.SECONDS))
        .isEqualTo("a0");
    Future<String> third = submit(seq, "n1", new Stamp(3, 7, 3), "a3");
    Future<String> second = submit(seq, "n1", new Stamp(3, 7, 2), "a2");
    await().pollDelay(Duration.ofMillis(200)).until(() -> true);
    assertThat(started).containsExactly("a0"); // a2 and a3 wait for a1

    Future<String> first = submit(seq, "n1", new Stamp(3, 7, 1), "a1");

    assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("a1");
    assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo("a2");
    assertThat(third.get(5, TimeUnit.SECONDS)).isEqualTo("a3");
    assertThat(started).containsExactly("a0", "a1", "a2", "a3");
  }

  @Test
  void submit_missingPredecessor_startsAfterTheBoundedWait_andTheStreamMovesOn() throws Exception {
    AppendSequencer seq = new AppendSequencer(Duration.ofMillis(300));
    submit(seq, "n1", new Stamp(1, 1, 0), "a0").get(5, TimeUnit.SECONDS);

    // a1 is lost; a2 must not wait forever, and a3 then follows without waiting.
    assertThat(submit(seq, "n1", new Stamp(1, 1, 2), "a2").get(5, TimeUnit.SECONDS))
        .isEqualTo("a2");
    assertThat(submit(seq, "n1", new Stamp(1, 1, 3), "a3").get(5, TimeUnit.SECONDS))
        .isEqualTo("a3");
    // a1 arriving late is started at once (Ratis answers it against its log).
    assertThat(submit(seq, "n1", new Stamp(1, 1, 1), "a1").get(5, TimeUnit.SECONDS))
        .isEqualTo("a1");
    assertThat(started).containsExactly("a0", "a2", "a3", "a1");
  }

  @Test
  void submit_newerStream_releasesWaitersOfTheOldOne_andOlderStreamsAreNotHeld() throws Exception {
    AppendSequencer seq = new AppendSequencer(Duration.ofSeconds(20));
    submit(seq, "n1", new Stamp(5, 1, 0), "old0").get(5, TimeUnit.SECONDS);
    Future<String> waiting = submit(seq, "n1", new Stamp(5, 1, 2), "old2");
    await().pollDelay(Duration.ofMillis(200)).until(() -> true);
    assertThat(waiting).isNotDone();

    // The leader dropped its window: stream 2 starts at 0 and frees old2 at once.
    assertThat(submit(seq, "n1", new Stamp(5, 2, 0), "new0").get(5, TimeUnit.SECONDS))
        .isEqualTo("new0");
    assertThat(waiting.get(5, TimeUnit.SECONDS)).isEqualTo("old2");
    // A newer term is a newer stream even with a smaller stream number.
    assertThat(submit(seq, "n1", new Stamp(6, 0, 0), "t6").get(5, TimeUnit.SECONDS))
        .isEqualTo("t6");
    // An append of the old term is not held back at all.
    assertThat(submit(seq, "n1", new Stamp(5, 2, 9), "stale").get(5, TimeUnit.SECONDS))
        .isEqualTo("stale");
    assertThat(started).containsExactly("old0", "new0", "old2", "t6", "stale");
  }

  @Test
  void submit_sendersHaveSeparateStreams() throws Exception {
    AppendSequencer seq = new AppendSequencer(Duration.ofSeconds(20));
    submit(seq, "n1", new Stamp(1, 1, 0), "n1-0").get(5, TimeUnit.SECONDS);
    Future<String> n1Ahead = submit(seq, "n1", new Stamp(1, 1, 2), "n1-2");

    assertThat(submit(seq, "n2", new Stamp(1, 1, 0), "n2-0").get(5, TimeUnit.SECONDS))
        .isEqualTo("n2-0");
    assertThat(n1Ahead).isNotDone();
    submit(seq, "n1", new Stamp(1, 1, 1), "n1-1").get(5, TimeUnit.SECONDS);
    assertThat(n1Ahead.get(5, TimeUnit.SECONDS)).isEqualTo("n1-2");
  }
}
