package io.raftray.testing.history;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A concurrent history of operations on one replicated set of names (the user set of the API), and
 * its linearizability check.
 *
 * <p>Operations: {@code add(x)} (POST a user named x: OK = 201, FAIL = 409 "name taken", i.e. x was
 * present), {@code remove(x)} (DELETE that user: OK = 204, FAIL = 404, i.e. x was absent) and
 * {@code read()} (a linearizable list returning the whole set in one page). UNKNOWN is an operation
 * that may or may not have taken effect (timeout, 503, connection lost after sending). Requests
 * that certainly never reached the server (connection refused) and reads without an answer are not
 * recorded: they change nothing and observe nothing.
 *
 * <p>Assumptions the check relies on (and {@link #check} enforces): every name is added at most
 * once, removed at most once, and only by the process that added it after the add was acknowledged
 * (so add and remove of one name are ordered in real time).
 *
 * <p>The check has two parts.
 *
 * <ol>
 *   <li>Per element (P-compositionality): for every name x, the adds and removes of x and every
 *       observation of x (each read, projected to "x present / absent", and the FAIL answers) must
 *       be linearizable as a single boolean register. This runs {@link Linearizability} (WGL with
 *       memoization) on each projection and reports violations name by name.
 *   <li>Whole set: per-element linearizability is not enough for reads that return the whole set at
 *       one instant (two reads seeing {x} and {y} while x and y are only ever added would pass per
 *       element). The necessary orderings (an observation of x present comes after the add of x and
 *       before its remove; absent comes before the add or after the remove) form, together with
 *       real-time order, a precedence graph; the history is linearizable iff some choice for the
 *       ambiguous "before the add or after the remove" cases makes it acyclic. Up to {@link
 *       #MAX_BRANCHED} ambiguous cases are branched on; any more are left unconstrained (the check
 *       stays sound: a cycle found is always a real violation) and the report says so.
 * </ol>
 */
public final class SetHistory {
  /** Ambiguous disjunctions tried exhaustively (2^k graph checks). */
  static final int MAX_BRANCHED = 10;

  private static final long ELEMENT_BUDGET = 2_000_000;

  public enum Kind {
    ADD,
    REMOVE,
    READ
  }

  public enum Outcome {
    OK,
    FAIL,
    UNKNOWN
  }

  /**
   * One completed (or abandoned) operation. {@code call}/{@code ret} are {@link System#nanoTime}
   * values; for UNKNOWN, {@code ret} is when the client gave up (shown, not used by the check).
   */
  public record Op(
      int id,
      String process,
      Kind kind,
      @Nullable String name,
      Set<String> seen,
      Outcome outcome,
      long call,
      long ret,
      String detail) {
    public Op {
      seen = Set.copyOf(seen);
      if (ret < call) {
        throw new IllegalArgumentException("completion before invocation: " + call + " > " + ret);
      }
      if ((kind == Kind.READ) != (name == null)) {
        throw new IllegalArgumentException("add/remove need a name, reads have none");
      }
      if (kind == Kind.READ && outcome != Outcome.OK) {
        throw new IllegalArgumentException("only answered reads belong in the history");
      }
    }

    /** The completion the check uses: {@link Linearizability#NEVER} when the outcome is unknown. */
    long effectiveRet() {
      return outcome == Outcome.UNKNOWN ? Linearizability.NEVER : ret;
    }

    boolean isEffect() {
      return kind != Kind.READ && outcome != Outcome.FAIL;
    }

    String describe(long base) {
      String what =
          switch (kind) {
            case ADD -> "add(" + name + ")";
            case REMOVE -> "remove(" + name + ")";
            case READ -> "read() -> " + seen.size() + " names";
          };
      String end = outcome == Outcome.UNKNOWN ? "?" : String.format("%.3f", (ret - base) / 1e9);
      return String.format(
          "#%d %s %s %s [%.3f s .. %s s] %s",
          id, process, what, outcome, (call - base) / 1e9, end, detail);
    }
  }

  private final List<Op> ops = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger ids = new AtomicInteger();

  public Op add(String process, String name, Outcome outcome, long call, long ret, String detail) {
    return record(process, Kind.ADD, name, Set.of(), outcome, call, ret, detail);
  }

  public Op remove(
      String process, String name, Outcome outcome, long call, long ret, String detail) {
    return record(process, Kind.REMOVE, name, Set.of(), outcome, call, ret, detail);
  }

  public Op read(String process, Set<String> seen, long call, long ret, String detail) {
    return record(process, Kind.READ, null, seen, Outcome.OK, call, ret, detail);
  }

  private Op record(
      String process,
      Kind kind,
      @Nullable String name,
      Set<String> seen,
      Outcome outcome,
      long call,
      long ret,
      String detail) {
    Op op = new Op(ids.incrementAndGet(), process, kind, name, seen, outcome, call, ret, detail);
    ops.add(op);
    return op;
  }

  public List<Op> ops() {
    synchronized (ops) {
      return List.copyOf(ops);
    }
  }

  /**
   * Every operation, one line each in invocation order, times in seconds from the first invocation;
   * a read lists the names it saw.
   */
  public String dump() {
    List<Op> all = new ArrayList<>(ops());
    all.sort(Comparator.comparingLong(Op::call));
    long base = all.isEmpty() ? 0 : all.get(0).call();
    StringBuilder b = new StringBuilder();
    for (Op o : all) {
      b.append(o.describe(base));
      if (o.kind() == Kind.READ) {
        b.append(' ').append(new TreeSet<>(o.seen()));
      }
      b.append('\n');
    }
    return b.toString();
  }

  /** Counts by kind and outcome, e.g. {@code {ADD OK=120, ADD UNKNOWN=3, READ OK=400}}. */
  public Map<String, Long> counts() {
    Map<String, Long> m = new TreeMap<>();
    for (Op o : ops()) {
      m.merge(o.kind() + " " + o.outcome(), 1L, Long::sum);
    }
    return m;
  }

  /** The verdict and every anomaly found, each with the operations that show it. */
  public record Report(
      boolean linearizable, List<String> anomalies, int names, int ops, String notes) {}

  /** Checks the whole history recorded so far. */
  public Report check() {
    List<Op> all = ops();
    long base = all.stream().mapToLong(Op::call).min().orElse(0);
    List<String> anomalies = new ArrayList<>();
    Map<String, Op> adds = new HashMap<>();
    Map<String, Op> removes = new HashMap<>();
    Map<String, List<Op>> byName = new TreeMap<>();
    for (Op o : all) {
      if (o.kind() == Kind.READ) {
        continue;
      }
      byName.computeIfAbsent(o.name(), k -> new ArrayList<>()).add(o);
      Map<String, Op> m = o.kind() == Kind.ADD ? adds : removes;
      if (m.putIfAbsent(o.name(), o) != null) {
        throw new IllegalArgumentException(
            "the model needs each name added and removed at most once: " + o.describe(base));
      }
    }
    for (Op r : removes.values()) {
      Op a = adds.get(r.name());
      if (a == null || a.outcome() != Outcome.OK || a.ret() >= r.call()) {
        throw new IllegalArgumentException(
            "a remove must follow the acknowledged add of its name: " + r.describe(base));
      }
    }
    List<Op> reads = all.stream().filter(o -> o.kind() == Kind.READ).toList();
    Set<String> universe = new TreeSet<>(byName.keySet());
    for (Op r : reads) {
      universe.addAll(r.seen());
    }

    for (String x : universe) {
      Op add = adds.get(x);
      if (add == null) {
        Op first = reads.stream().filter(r -> r.seen().contains(x)).findFirst().orElseThrow();
        anomalies.add("phantom: '" + x + "' was read but never sent: " + first.describe(base));
        continue;
      }
      List<ElementOp> projection = project(x, add, removes.get(x), reads);
      Linearizability.Result<ElementOp> r =
          Linearizability.check(
              ELEMENT, projection, e -> e.op.call(), e -> e.op.effectiveRet(), ELEMENT_BUDGET);
      if (r.verdict() == Linearizability.Verdict.NOT_LINEARIZABLE) {
        anomalies.add(elementAnomaly(x, projection, r, base));
      } else if (r.verdict() == Linearizability.Verdict.UNKNOWN) {
        anomalies.add("'" + x + "': per-element search ran out of budget (" + r.steps() + ")");
      }
    }
    String notes = "";
    if (anomalies.isEmpty()) {
      GraphResult g = wholeSet(all, adds, removes, reads, universe, base);
      notes = g.notes;
      anomalies.addAll(g.anomalies);
    }
    return new Report(anomalies.isEmpty(), anomalies, universe.size(), all.size(), notes);
  }

  // ---------------------------------------------------------------- per element

  /** One operation seen through one name: its effect on x, or what it observed about x. */
  record ElementOp(Op op, boolean effect, boolean present) {}

  /** A boolean register per name: an effect sets it, an observation must match it. */
  private static final Linearizability.Model<Boolean, ElementOp> ELEMENT =
      new Linearizability.Model<>() {
        @Override
        public Boolean init() {
          return false;
        }

        @Override
        public @Nullable Boolean step(Boolean present, ElementOp e) {
          if (!e.effect()) {
            return present == e.present() ? present : null;
          }
          Op op = e.op();
          boolean adding = op.kind() == Kind.ADD;
          if (op.outcome() == Outcome.UNKNOWN) {
            return adding;
          }
          // OK: an add needs x absent (else 409), a remove needs it present (else 404).
          return present == adding ? null : adding;
        }
      };

  /**
   * The projection on {@code x}, without reads that every placement satisfies: those wholly before
   * the add's invocation that do not see x, and those wholly between the add's completion and the
   * remove's invocation (or after the remove's completion) that see what must be there.
   */
  static List<ElementOp> project(String x, Op add, @Nullable Op remove, List<Op> reads) {
    List<ElementOp> out = new ArrayList<>();
    out.add(element(add));
    if (remove != null) {
      out.add(element(remove));
    }
    long addRet = add.effectiveRet();
    long remCall = remove == null ? Linearizability.NEVER : remove.call();
    long remRet = remove == null ? Linearizability.NEVER : remove.effectiveRet();
    for (Op r : reads) {
      boolean seen = r.seen().contains(x);
      boolean trivial =
          (!seen && r.ret() < add.call())
              || (seen && addRet != Linearizability.NEVER && r.call() > addRet && r.ret() < remCall)
              || (!seen && remRet != Linearizability.NEVER && r.call() > remRet);
      if (!trivial) {
        out.add(new ElementOp(r, false, seen));
      }
    }
    return out;
  }

  private static ElementOp element(Op op) {
    if (op.outcome() == Outcome.FAIL) {
      // 409 on add: x was there; 404 on remove: x was not.
      return new ElementOp(op, false, op.kind() == Kind.ADD);
    }
    return new ElementOp(op, true, op.kind() == Kind.ADD);
  }

  private static String elementAnomaly(
      String x, List<ElementOp> projection, Linearizability.Result<ElementOp> r, long base) {
    StringBuilder b = new StringBuilder("'" + x + "' is not linearizable on its own");
    b.append(" (").append(kindOf(projection)).append("):\n");
    List<ElementOp> sorted = new ArrayList<>(projection);
    sorted.sort(Comparator.comparingLong(e -> e.op().call()));
    int shown = 0;
    for (ElementOp e : sorted) {
      if (shown++ == 30) {
        b.append("    ... ").append(sorted.size() - 30).append(" more\n");
        break;
      }
      b.append("    ")
          .append(e.effect() ? "" : "observes " + (e.present() ? "present " : "absent "));
      b.append(e.op().describe(base)).append('\n');
    }
    b.append("  longest linearizable prefix: ").append(r.linearization().size()).append(" ops;");
    b.append(" could not place next: ");
    b.append(r.stuckAt().stream().map(e -> "#" + e.op().id()).toList());
    return b.toString();
  }

  /** A name for the shape of a per-element violation, for the report. */
  private static String kindOf(List<ElementOp> projection) {
    ElementOp add = projection.get(0);
    ElementOp remove =
        projection.size() > 1 && projection.get(1).op().kind() == Kind.REMOVE
            ? projection.get(1)
            : null;
    if (add.op().outcome() == Outcome.FAIL) {
      return "409 for a name never added before";
    }
    long addRet = add.op().effectiveRet();
    for (ElementOp e : projection) {
      if (e.effect() || e.op().kind() != Kind.READ) {
        continue;
      }
      Op r = e.op();
      if (e.present() && r.ret() < add.op().call()) {
        return "seen before it was sent";
      }
      if (!e.present() && r.call() > addRet && (remove == null || r.ret() < remove.op().call())) {
        return "missing after its acknowledged add: stale read or lost write";
      }
      if (e.present()
          && remove != null
          && remove.op().outcome() == Outcome.OK
          && r.call() > remove.op().ret()) {
        return "seen after its acknowledged remove";
      }
    }
    return "seen, then not seen, then seen again, or another order no placement explains";
  }

  // ---------------------------------------------------------------- whole set

  private record GraphResult(List<String> anomalies, String notes) {}

  /** Graph nodes: operations 0..n-1, then one node per call event and per completion event. */
  private static GraphResult wholeSet(
      List<Op> all,
      Map<String, Op> adds,
      Map<String, Op> removes,
      List<Op> reads,
      Set<String> universe,
      long base) {
    int n = all.size();
    Map<Integer, Integer> index = new HashMap<>();
    for (int i = 0; i < n; i++) {
      index.put(all.get(i).id(), i);
    }
    // Events: (time, 0 = call | 1 = completion, op); calls sort before completions at equal time,
    // so a completion reaches a later call only when it is strictly earlier.
    List<long[]> events = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Op o = all.get(i);
      events.add(new long[] {o.call(), 0, i});
      if (o.effectiveRet() != Linearizability.NEVER) {
        events.add(new long[] {o.ret(), 1, i});
      }
    }
    events.sort(Comparator.<long[]>comparingLong(e -> e[0]).thenComparingLong(e -> e[1]));
    IntEdges base0 = new IntEdges();
    for (int k = 0; k < events.size(); k++) {
      long[] e = events.get(k);
      int node = n + k;
      if (k + 1 < events.size()) {
        base0.add(node, node + 1);
      }
      if (e[1] == 0) {
        base0.add(node, (int) e[2]);
      } else {
        base0.add((int) e[2], node);
      }
    }
    List<int[]> ambiguous = new ArrayList<>();
    // Observations: reads over every name, and the FAIL answers for their own name.
    List<Op> observations = new ArrayList<>(reads);
    all.stream().filter(o -> o.outcome() == Outcome.FAIL).forEach(observations::add);
    for (Op o : observations) {
      int on = index.get(o.id());
      Iterable<String> names = o.kind() == Kind.READ ? universe : List.of(o.name());
      for (String x : names) {
        boolean present =
            o.kind() == Kind.READ ? o.seen().contains(x) : o.kind() == Kind.ADD; // 409 vs 404
        Op a = adds.get(x);
        if (a == null || a.outcome() == Outcome.FAIL) {
          continue; // phantoms are reported per element
        }
        Op r = removes.get(x);
        if (r != null && r.outcome() == Outcome.FAIL) {
          r = null;
        }
        int an = index.get(a.id());
        if (present) {
          if (!before(a, o)) {
            base0.add(an, on);
          }
          if (r != null && !before(o, r)) {
            base0.add(on, index.get(r.id()));
          }
        } else if (r == null) {
          if (!before(o, a)) {
            base0.add(on, an);
          }
        } else if (!before(o, a)) {
          int rn = index.get(r.id());
          if (before(a, o)) {
            if (!before(r, o)) {
              base0.add(rn, on);
            }
          } else if (before(o, r)) {
            base0.add(on, an);
          } else {
            ambiguous.add(new int[] {on, an, rn});
          }
        }
      }
    }
    int nodes = n + events.size();
    int branched = Math.min(ambiguous.size(), MAX_BRANCHED);
    List<Integer> firstCycle = null;
    for (long choice = 0; choice < (1L << branched); choice++) {
      IntEdges g = base0.copy();
      for (int k = 0; k < branched; k++) {
        int[] d = ambiguous.get(k);
        if ((choice & (1L << k)) == 0) {
          g.add(d[0], d[1]); // observation before the add
        } else {
          g.add(d[2], d[0]); // remove before the observation
        }
      }
      List<Integer> cycle = findCycle(g.csr(nodes));
      if (cycle == null) {
        String notes =
            ambiguous.size() > branched
                ? (ambiguous.size() - branched) + " ambiguous orderings left unconstrained"
                : "";
        return new GraphResult(List.of(), notes);
      }
      if (firstCycle == null) {
        firstCycle = cycle;
      }
    }
    StringBuilder b =
        new StringBuilder("the reads admit no single order of the whole set (a cycle of ");
    b.append("necessary orderings; '->' = must come before):\n");
    Set<String> lines = new LinkedHashSet<>();
    for (int node : firstCycle) {
      lines.add(node < n ? "    " + all.get(node).describe(base) : "    -> (real time)");
    }
    lines.forEach(l -> b.append(l).append('\n'));
    if (branched > 0) {
      b.append("  (").append(1L << branched).append(" choices of ambiguous orderings tried)");
    }
    return new GraphResult(List.of(b.toString()), "");
  }

  /** {@code a} completed before {@code b} was invoked. */
  private static boolean before(Op a, Op b) {
    return a.effectiveRet() != Linearizability.NEVER && a.ret() < b.call();
  }

  /** A cycle as a list of nodes, or null when the graph is acyclic (iterative DFS). */
  private static @Nullable List<Integer> findCycle(int[][] adj) {
    int n = adj.length;
    byte[] color = new byte[n];
    int[] parent = new int[n];
    int[] pos = new int[n];
    Arrays.fill(parent, -1);
    for (int s = 0; s < n; s++) {
      if (color[s] != 0) {
        continue;
      }
      Deque<Integer> stack = new ArrayDeque<>();
      stack.push(s);
      color[s] = 1;
      while (!stack.isEmpty()) {
        int u = stack.peek();
        if (pos[u] < adj[u].length) {
          int v = adj[u][pos[u]++];
          if (color[v] == 0) {
            color[v] = 1;
            parent[v] = u;
            stack.push(v);
          } else if (color[v] == 1) {
            List<Integer> cycle = new ArrayList<>();
            for (int w = u; w != v; w = parent[w]) {
              cycle.add(w);
            }
            cycle.add(v);
            Collections.reverse(cycle);
            return cycle;
          }
        } else {
          color[u] = 2;
          stack.pop();
        }
      }
    }
    return null;
  }

  /** A growable edge list. */
  private static final class IntEdges {
    int[] from = new int[1024];
    int[] to = new int[1024];
    int size;

    void add(int a, int b) {
      if (size == from.length) {
        from = Arrays.copyOf(from, size * 2);
        to = Arrays.copyOf(to, size * 2);
      }
      from[size] = a;
      to[size] = b;
      size++;
    }

    IntEdges copy() {
      IntEdges c = new IntEdges();
      c.from = Arrays.copyOf(from, Math.max(size + 16, 1024));
      c.to = Arrays.copyOf(to, Math.max(size + 16, 1024));
      c.size = size;
      return c;
    }

    int[][] csr(int nodes) {
      int[] degree = new int[nodes];
      for (int i = 0; i < size; i++) {
        degree[from[i]]++;
      }
      int[][] adj = new int[nodes][];
      for (int v = 0; v < nodes; v++) {
        adj[v] = new int[degree[v]];
      }
      int[] fill = new int[nodes];
      for (int i = 0; i < size; i++) {
        adj[from[i]][fill[from[i]]++] = to[i];
      }
      return adj;
    }
  }
}
