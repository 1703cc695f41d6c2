package io.raftray.testing.history;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.ToLongFunction;
import org.jspecify.annotations.Nullable;

/**
 * A Wing &amp; Gong / Lowe linearizability search with memoization (the algorithm of Knossos'
 * {@code wgl} and Porcupine): depth-first over the operations that may be linearized next, caching
 * every (set of linearized operations, model state) already explored, so each configuration is
 * expanded at most once.
 *
 * <p>An operation is a candidate when it is not yet linearized and its invocation comes before the
 * earliest completion among the operations still open (real-time order). An operation whose outcome
 * is unknown (timeout, connection reset after the request was sent) has no completion: it may take
 * effect at any point after its invocation, or never. The history is linearizable when every
 * operation with a known outcome can be placed; unknown ones are optional.
 *
 * <p>A model must be deterministic: {@link Model#step} returns the one next state, or null when the
 * operation (with its observed outcome) is impossible in that state. States must implement {@code
 * equals}/{@code hashCode} (records, boxed values, immutable sets).
 */
public final class Linearizability {
  private Linearizability() {}

  /** The sequential specification. */
  public interface Model<S, O> {
    S init();

    /** The state after {@code op} with its observed outcome, or null when that is impossible. */
    @Nullable S step(S state, O op);
  }

  /** What the search found. */
  public enum Verdict {
    LINEARIZABLE,
    NOT_LINEARIZABLE,
    /** The step budget ran out first. */
    UNKNOWN
  }

  /**
   * The verdict, one linearization when there is one (operations in order), and otherwise the
   * longest prefix found and the operations none of whose placements worked after it.
   */
  public record Result<O>(
      Verdict verdict, List<O> linearization, List<O> stuckAt, long steps, int operations) {
    public boolean ok() {
      return verdict == Verdict.LINEARIZABLE;
    }
  }

  /** Marks an unknown completion time. */
  public static final long NEVER = Long.MAX_VALUE;

  private record Key(BitSet linearized, Object state) {}

  private static final class Frame<S> {
    final BitSet linearized;
    final S state;
    final int[] candidates;
    final int placed;
    int next;

    Frame(BitSet linearized, S state, int[] candidates, int placed) {
      this.linearized = linearized;
      this.state = state;
      this.candidates = candidates;
      this.placed = placed;
    }
  }

  /**
   * Checks {@code ops} against {@code model}. {@code call} and {@code ret} give each operation's
   * invocation and completion time ({@link #NEVER} for an unknown outcome); {@code budget} bounds
   * the number of configurations explored.
   */
  public static <S, O> Result<O> check(
      Model<S, O> model, List<O> ops, ToLongFunction<O> call, ToLongFunction<O> ret, long budget) {
    List<O> sorted = new ArrayList<>(ops);
    sorted.sort(Comparator.comparingLong(call));
    int n = sorted.size();
    long[] calls = new long[n];
    long[] rets = new long[n];
    BitSet required = new BitSet(n);
    for (int i = 0; i < n; i++) {
      calls[i] = call.applyAsLong(sorted.get(i));
      rets[i] = ret.applyAsLong(sorted.get(i));
      if (rets[i] != NEVER) {
        required.set(i);
      }
    }
    int requiredCount = required.cardinality();
    if (requiredCount == 0) {
      return new Result<>(Verdict.LINEARIZABLE, List.of(), List.of(), 0, n);
    }
    Set<Key> seen = new HashSet<>();
    Deque<Frame<S>> stack = new ArrayDeque<>();
    BitSet empty = new BitSet(n);
    stack.push(new Frame<>(empty, model.init(), candidates(empty, calls, rets, required), 0));
    long steps = 0;
    Frame<S> deepest = stack.peek();
    List<Integer> deepestPath = List.of();
    while (!stack.isEmpty()) {
      Frame<S> f = stack.peek();
      if (f.next >= f.candidates.length) {
        stack.pop();
        continue;
      }
      int i = f.candidates[f.next++];
      S next = model.step(f.state, sorted.get(i));
      if (next == null) {
        continue;
      }
      BitSet lin = (BitSet) f.linearized.clone();
      lin.set(i);
      int placed = f.placed + (required.get(i) ? 1 : 0);
      if (placed == requiredCount) {
        List<O> order = new ArrayList<>();
        for (Frame<S> g : reversed(stack)) {
          order.add(sorted.get(g.candidates[g.next - 1]));
        }
        return new Result<>(Verdict.LINEARIZABLE, order, List.of(), steps, n);
      }
      if (!seen.add(new Key(lin, next))) {
        continue;
      }
      if (++steps > budget) {
        return new Result<>(Verdict.UNKNOWN, List.of(), List.of(), steps, n);
      }
      Frame<S> child = new Frame<>(lin, next, candidates(lin, calls, rets, required), placed);
      stack.push(child);
      if (placed > deepest.placed) {
        deepest = child;
        List<Integer> path = new ArrayList<>();
        for (Frame<S> g : reversed(stack)) {
          if (g != child) {
            path.add(g.candidates[g.next - 1]);
          }
        }
        deepestPath = path;
      }
    }
    List<O> prefix = deepestPath.stream().map(sorted::get).toList();
    List<O> stuck = new ArrayList<>();
    for (int c : deepest.candidates) {
      stuck.add(sorted.get(c));
    }
    return new Result<>(Verdict.NOT_LINEARIZABLE, prefix, stuck, steps, n);
  }

  private static <S> List<Frame<S>> reversed(Deque<Frame<S>> stack) {
    List<Frame<S>> l = new ArrayList<>(stack);
    java.util.Collections.reverse(l);
    return l;
  }

  /**
   * Unlinearized operations invoked before the earliest completion of an open required operation.
   * Operations are sorted by invocation, and an operation invoked after the running minimum
   * completes after it too, so the scan stops there.
   */
  private static int[] candidates(BitSet lin, long[] calls, long[] rets, BitSet required) {
    int n = calls.length;
    long minRet = NEVER;
    int[] out = new int[8];
    int count = 0;
    for (int j = lin.nextClearBit(0); j < n && calls[j] < minRet; j = lin.nextClearBit(j + 1)) {
      if (count == out.length) {
        out = java.util.Arrays.copyOf(out, count * 2);
      }
      out[count++] = j;
      if (required.get(j) && rets[j] < minRet) {
        minRet = rets[j];
      }
    }
    // Drop those invoked after the final minimum (they were collected before it was known).
    int k = 0;
    for (int c = 0; c < count; c++) {
      if (calls[out[c]] < minRet) {
        out[k++] = out[c];
      }
    }
    return java.util.Arrays.copyOf(out, k);
  }
}
