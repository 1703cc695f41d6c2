// Raftray apply cost per write as the state grows: the state machine's pure apply (Store.apply)
// in-process, no Raft, no disk, no HTTP. Single file, run with the source launcher (JEP 330) on the
// class path of a packaged build; bench/apply-cost.sh drives it (before/after two builds):
//
//   $JAVA -cp 'target/raftray.jar:target/lib/*' bench/ApplyCost.java [--users 1000,10000,100000]
//       [--ops 5000] [--warmup 3000] [--label NAME]
//
// For each user count it builds a state (bootstrap, one endpoint, one group, the users created
// through users.create_batch in batches of 1,000, every other user in the group, then a usage
// report per user so every user has a per-node breakdown), then times, one apply at a time
// (System.nanoTime around Store.apply): user.update (a note), usage.report (100 deltas),
// user.create; and one snapshot encode. Prints one line per (users, operation).

import io.raftray.model.AdminToken;
import io.raftray.model.Endpoint;
import io.raftray.model.Group;
import io.raftray.model.Node;
import io.raftray.model.NodeRole;
import io.raftray.model.NodeStatus;
import io.raftray.model.Protocol;
import io.raftray.model.Role;
import io.raftray.model.Security;
import io.raftray.model.Transport;
import io.raftray.model.User;
import io.raftray.state.Command;
import io.raftray.state.CommandEnvelope;
import io.raftray.state.SnapshotCodec;
import io.raftray.state.State;
import io.raftray.state.Store;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

public class ApplyCost {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static long index;
  static Instant at = T0;

  public static void main(String[] args) throws Exception {
    int[] users = {1000, 10_000, 100_000};
    int ops = 5000;
    int warmup = 3000;
    String label = "this build";
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--users" ->
            users = Arrays.stream(args[i + 1].split(",")).mapToInt(Integer::parseInt).toArray();
        case "--ops" -> ops = Integer.parseInt(args[i + 1]);
        case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
        case "--label" -> label = args[i + 1];
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    System.out.printf(
        Locale.ROOT, "# %s, java %s, ops %d, warmup %d%n", label, Runtime.version(), ops, warmup);
    System.out.printf(
        Locale.ROOT, "%-10s %-14s %10s %10s %10s%n", "users", "operation", "mean_us", "p50_us",
        "p99_us");
    for (int n : users) {
      index = 0;
      at = T0;
      State s = build(n);
      Random r = new Random(n);
      s = time(n, "user.update", s, ops, warmup, k -> {
        String id = userId(r.nextInt(n));
        return new Command.UpdateUser(
            id, null, "note " + k, null, null, false, null, null, null, null, null, null);
      });
      long[] seq = {n + 1L};
      s = time(n, "usage.report", s, ops, warmup, k -> {
        List<Command.UsageDelta> d = new ArrayList<>();
        for (int j = 0; j < 100; j++) {
          d.add(new Command.UsageDelta(userId(r.nextInt(n)), 1000, 5000));
        }
        return new Command.UsageReport("node_a", seq[0]++, d, true);
      });
      int[] next = {n};
      s = time(n, "user.create", s, ops, warmup, k -> new Command.CreateUser(user(next[0]++)));
      long t = System.nanoTime();
      byte[] snap = SnapshotCodec.encode(s);
      long encodeMs = (System.nanoTime() - t) / 1_000_000;
      System.out.printf(
          Locale.ROOT, "%-10d %-14s %10s %10s %10s   (%d ms, %.1f MiB)%n", n, "snapshot", "-",
          "-", "-", encodeMs, snap.length / 1048576.0);
    }
  }

  interface Gen {
    Command make(int k);
  }

  static State time(int n, String what, State s, int ops, int warmup, Gen gen) {
    long[] lat = new long[ops];
    for (int k = 0; k < warmup + ops; k++) {
      Command c = gen.make(k);
      at = at.plusMillis(1);
      CommandEnvelope env = new CommandEnvelope(CommandEnvelope.SCHEMA, at, "tok_owner", c);
      long t = System.nanoTime();
      Store.Applied a = Store.apply(s, env, ++index);
      long dt = System.nanoTime() - t;
      if (!a.result().ok()) {
        throw new IllegalStateException(what + " rejected: " + a.result());
      }
      s = a.state();
      if (k >= warmup) {
        lat[k - warmup] = dt;
      }
    }
    long sum = 0;
    for (long l : lat) {
      sum += l;
    }
    Arrays.sort(lat);
    System.out.printf(
        Locale.ROOT, "%-10d %-14s %10.1f %10.1f %10.1f%n", n, what, sum / 1000.0 / ops,
        lat[ops / 2] / 1000.0, lat[(int) (ops * 0.99)] / 1000.0);
    return s;
  }

  static String userId(int i) {
    return String.format(Locale.ROOT, "usr_%08d", i);
  }

  static User user(int i) {
    User.Builder b = User.builder().id(userId(i)).name("u" + i).subscriptionToken("sub-" + i);
    if (i % 2 == 0) {
      b.groupIds(List.of("grp_1"));
    }
    return b.build();
  }

  static State build(int n) {
    State s = State.empty();
    Node node =
        new Node("node_a", "a", "https://127.0.0.1:8443", "a.example", Map.of(), NodeRole.VOTER,
            NodeStatus.ACTIVE, Map.of(), "01", T0.plusSeconds(86400), "PEM", T0, T0);
    AdminToken owner = new AdminToken("tok_owner", "owner", Role.OWNER, "ab", T0, false);
    s = apply(s, new Command.Bootstrap("cluster-1", "CA-PEM", node, owner));
    s = apply(s, new Command.CreateEndpoint(new Endpoint("ep_1", "node_a", "vless-443",
        Protocol.VLESS, 443, Transport.TCP, Security.NONE, Map.of(), Map.of(), true, T0, T0)));
    s = apply(s, new Command.CreateGroup(
        new Group("grp_1", "g", "", List.of("ep_1"), null, null, null)));
    for (int i = 0; i < n; i += 1000) {
      List<User> batch = new ArrayList<>();
      for (int j = i; j < Math.min(n, i + 1000); j++) {
        batch.add(user(j));
      }
      s = apply(s, new Command.CreateUsers(batch));
    }
    for (int i = 0; i < n; i += 1000) {
      List<Command.UsageDelta> d = new ArrayList<>();
      for (int j = i; j < Math.min(n, i + 1000); j++) {
        d.add(new Command.UsageDelta(userId(j), 100, 100));
      }
      s = apply(s, new Command.UsageReport("node_a", 1 + i / 1000, d, true));
    }
    return s;
  }

  static State apply(State s, Command c) {
    at = at.plusMillis(1);
    Store.Applied a =
        Store.apply(s, new CommandEnvelope(CommandEnvelope.SCHEMA, at, "tok_owner", c), ++index);
    if (!a.result().ok()) {
      throw new IllegalStateException(c.action() + " rejected: " + a.result());
    }
    return a.state();
  }
}
