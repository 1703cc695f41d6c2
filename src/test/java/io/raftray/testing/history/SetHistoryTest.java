package io.raftray.testing.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftray.testing.history.SetHistory.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Hand-written histories for the set checker; times are in milliseconds (any unit works, only the
 * order matters). Each non-linearizable history is one a real bug would produce.
 */
@Timeout(60)
class SetHistoryTest {
  private static final Outcome OK = Outcome.OK;
  private static final Outcome FAIL = Outcome.FAIL;
  private static final Outcome UNKNOWN = Outcome.UNKNOWN;

  private final SetHistory h = new SetHistory();

  private void add(String p, String x, Outcome o, long call, long ret) {
    h.add(p, x, o, call, ret, "");
  }

  private void remove(String p, String x, Outcome o, long call, long ret) {
    h.remove(p, x, o, call, ret, "");
  }

  private void read(String p, long call, long ret, String... seen) {
    h.read(p, Set.of(seen), call, ret, "");
  }

  private SetHistory.Report linearizable() {
    SetHistory.Report r = h.check();
    assertThat(r.anomalies()).as("anomalies").isEmpty();
    assertThat(r.linearizable()).isTrue();
    return r;
  }

  private String anomaly() {
    SetHistory.Report r = h.check();
    assertThat(r.linearizable()).as("a violation is found").isFalse();
    assertThat(r.anomalies()).hasSize(1);
    return r.anomalies().get(0);
  }

  @Test
  void concurrentAddsRemovesAndReads_thatSomeOrderExplains_pass() {
    add("a", "x", OK, 0, 10);
    add("b", "y", OK, 2, 30);
    read("c", 5, 8); // before both took effect
    read("c", 9, 12, "x"); // x took effect, y not yet
    read("d", 11, 25, "x", "y");
    remove("a", "x", OK, 20, 40);
    read("c", 35, 38, "y", "x"); // the remove has not taken effect yet
    read("d", 41, 45, "y");
    linearizable();
  }

  @Test
  void readSeeingAnAdd_thatCompletesLater_isFine_evenBeforeOtherReadsMissIt() {
    add("a", "x", OK, 0, 100);
    read("b", 10, 20, "x"); // the add took effect early
    read("c", 30, 40, "x");
    linearizable();
  }

  @Test
  void staleRead_afterAnAcknowledgedAdd_isAViolation() {
    add("a", "x", OK, 0, 10);
    read("b", 20, 30); // started after the 201, does not see x
    assertThat(anomaly()).contains("'x'").contains("stale read or lost write");
  }

  @Test
  void lostAcknowledgedWrite_missingFromTheFinalReads_isAViolation() {
    add("a", "x", OK, 0, 10);
    add("a", "y", OK, 11, 20);
    read("b", 15, 18, "x");
    read("final", 100, 110, "y");
    assertThat(anomaly()).contains("'x'").contains("stale read or lost write");
  }

  @Test
  void writeThatWasNeverSent_appearing_isAViolation() {
    add("a", "x", OK, 0, 10);
    read("b", 20, 30, "x", "ghost");
    assertThat(anomaly()).startsWith("phantom: 'ghost'");
  }

  @Test
  void readSeeingAnAdd_beforeItWasInvoked_isAViolation() {
    read("b", 0, 5, "x");
    add("a", "x", OK, 10, 20);
    assertThat(anomaly()).contains("seen before it was sent");
  }

  @Test
  void flicker_seenThenNotSeen_withoutARemove_isAViolation() {
    add("a", "x", UNKNOWN, 0, 5); // timed out: it may take effect at any time
    read("b", 10, 20, "x");
    read("c", 30, 40); // x gone again, nobody removed it
    read("b", 50, 60, "x");
    assertThat(anomaly()).contains("'x'");
  }

  @Test
  void flicker_withAnAcknowledgedAdd_stillConcurrent_isAViolation() {
    add("a", "x", OK, 0, 100);
    read("b", 10, 20, "x");
    read("c", 30, 40); // would need the add to take effect twice
    assertThat(anomaly()).contains("'x'");
  }

  @Test
  void readAfterAcknowledgedRemove_stillSeeingTheName_isAViolation() {
    add("a", "x", OK, 0, 10);
    remove("a", "x", OK, 20, 30);
    read("b", 40, 50, "x");
    assertThat(anomaly()).contains("seen after its acknowledged remove");
  }

  @Test
  void conflictForANameNeverAdded_isAViolation() {
    add("a", "x", FAIL, 0, 10); // 409 "name taken" for a unique name
    assertThat(anomaly()).contains("409 for a name never added before");
  }

  @Test
  void notFoundOnRemove_afterTheAcknowledgedAdd_isAViolation() {
    add("a", "x", OK, 0, 10);
    remove("a", "x", FAIL, 20, 30); // 404
    assertThat(anomaly()).contains("'x'");
  }

  @Test
  void unknownOutcomes_mayTakeEffectLate_orNever() {
    add("a", "x", UNKNOWN, 0, 5); // never took effect
    add("a", "y", UNKNOWN, 6, 8); // took effect long after the client gave up
    read("b", 10, 20);
    read("b", 30, 40);
    read("c", 100, 110, "y");
    read("c", 120, 130, "y");
    linearizable();
  }

  @Test
  void unknownRemove_mayTakeEffectLate() {
    add("a", "x", OK, 0, 10);
    remove("a", "x", UNKNOWN, 20, 25);
    read("b", 30, 40, "x");
    read("b", 50, 60);
    read("c", 70, 80);
    linearizable();
  }

  @Test
  void twoReadsSeeingDisjointHalves_passPerElement_butNotAsAWholeSet() {
    // x and y are only ever added; one read sees x without y, a concurrent one y without x.
    // Each name alone is fine; no single order of the two adds explains both reads.
    add("a", "x", OK, 0, 100);
    add("b", "y", OK, 0, 100);
    read("c", 10, 90, "x");
    read("d", 10, 90, "y");
    String a = anomaly();
    assertThat(a).startsWith("the reads admit no single order of the whole set");
    assertThat(a).contains("add(x)").contains("add(y)");
  }

  @Test
  void wholeSet_withAmbiguousAddRemoveWindows_findsTheConsistentChoice() {
    // The read overlaps both the add and the remove of x: it may come before the add or after the
    // remove; it saw y, which was added after x was removed, so it must be after the remove.
    add("a", "x", OK, 0, 10);
    remove("a", "x", OK, 20, 30);
    add("a", "y", OK, 40, 50);
    read("b", 5, 60, "y");
    linearizable();
  }

  @Test
  void wholeSet_ambiguousWindow_withNoConsistentChoice_isAViolation() {
    // The read overlaps both the add and the remove of x, so alone it could be before the add or
    // after the remove. But it saw w (invoked after x's add was acknowledged) and y (removed
    // before x's remove was invoked): it sits where x must be present, and x is missing.
    add("a", "y", OK, 0, 2);
    add("a", "x", OK, 3, 10);
    add("b", "w", OK, 11, 12);
    remove("a", "y", OK, 13, 14);
    remove("a", "x", OK, 20, 30);
    read("c", 1, 31, "y", "w");
    String a = anomaly();
    assertThat(a).startsWith("the reads admit no single order of the whole set");
    assertThat(a).contains("choices of ambiguous orderings tried");
  }

  @Test
  void historyBreakingTheModelAssumptions_isRejected() {
    add("a", "x", OK, 0, 10);
    add("b", "x", OK, 20, 30);
    assertThatThrownBy(h::check).hasMessageContaining("added and removed at most once");
  }

  /**
   * Random histories of a correct sequential set run by concurrent clients: every operation takes
   * effect at a random instant inside its interval. The checker must accept all of them (and reject
   * each after one read is altered).
   */
  @Test
  void randomCorrectHistories_pass_andOneAlteredReadFails() {
    for (int seed = 0; seed < 40; seed++) {
      Random rnd = new Random(seed);
      SetHistory good = new SetHistory();
      List<String> names = simulate(rnd, good, null);
      SetHistory.Report r = good.check();
      assertThat(r.anomalies()).as("seed %d", seed).isEmpty();
      SetHistory bad = new SetHistory();
      simulate(new Random(seed), bad, names.get(rnd.nextInt(names.size())));
      assertThat(bad.check().linearizable()).as("seed %d altered", seed).isFalse();
    }
  }

  /**
   * 6 clients, each adds fresh names, removes some of its own, reads; a global clock of 1 unit per
   * step, effects at a random point of each interval. With {@code corrupt}, the last read drops
   * that name if present or adds it if absent. Returns the names added.
   */
  private static List<String> simulate(Random rnd, SetHistory out, @Nullable String corrupt) {
    java.util.TreeMap<Long, Runnable> effects = new java.util.TreeMap<>();
    java.util.Set<String> set = new java.util.TreeSet<>();
    List<String> names = new ArrayList<>();
    List<Object[]> pendingReads = new ArrayList<>();
    int counter = 0;
    for (int c = 0; c < 6; c++) {
      long t = rnd.nextInt(10);
      List<String> mine = new ArrayList<>();
      for (int k = 0; k < 15; k++) {
        long call = t * 1000 + c;
        long len = 1L + rnd.nextInt(30);
        long ret = (t + len) * 1000 + c;
        long at = call + 1 + rnd.nextInt((int) (ret - call - 1));
        int choice = rnd.nextInt(3);
        String p = "c" + c;
        if (choice == 0 || (mine.isEmpty() && choice == 1)) {
          String x = "u" + counter++;
          names.add(x);
          mine.add(x);
          effects.put(at * 10 + c, () -> set.add(x));
          out.add(p, x, Outcome.OK, call, ret, "");
        } else if (choice == 1) {
          String x = mine.remove(rnd.nextInt(mine.size()));
          effects.put(at * 10 + c, () -> set.remove(x));
          out.remove(p, x, Outcome.OK, call, ret, "");
        } else {
          Object[] rd = {p, call, ret, null};
          pendingReads.add(rd);
          effects.put(at * 10 + c, () -> rd[3] = new java.util.TreeSet<>(set));
        }
        t += len + 1;
      }
    }
    effects.values().forEach(Runnable::run);
    for (Object[] rd : pendingReads) {
      @SuppressWarnings("unchecked")
      java.util.Set<String> seen = (java.util.Set<String>) rd[3];
      out.read((String) rd[0], seen, (Long) rd[1], (Long) rd[2], "");
    }
    long end = 1_000_000_000L;
    java.util.Set<String> last = new java.util.TreeSet<>(set);
    if (corrupt != null && !last.remove(corrupt)) {
      last.add(corrupt);
    }
    out.read("final", last, end, end + 5, "");
    return names;
  }
}
