import io.raftray.model.UsageHistory;
import io.raftray.state.BackupFile;
import io.raftray.state.Command;
import io.raftray.state.CommandEnvelope;
import io.raftray.state.SnapshotCodec;
import io.raftray.state.State;
import io.raftray.state.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A year of usage history for bench/hundred-k.sh: reads a plain backup (as {@code raftray backup}
 * writes it), applies {@code usage.report} commands of its one node to it with the state
 * machine's own rules ({@link Store#apply}, the code every replica runs), each stamped with a past
 * hour as the leader would have stamped it, and writes the result as a plain backup (the snapshot
 * bytes {@code raftray restore} reads). Only the stamps are synthetic: real reports are stamped
 * with the leader's clock, so they cannot fill past days.
 *
 * <p>What it fills, ending in the current hour: every hour of the last 32 days, today up to the
 * current hour (so the node's 360 hourly buckets are full), each user in one report a day (so every
 * user has traffic on each of its 32 daily buckets, today included), and one report a day at noon
 * before that back to 400 days ago (the node's 401 daily buckets full), each with 1,000 users in
 * rotation. This is the most history the model keeps
 * (docs/api.md, {@code GET /stats/usage}). Per user and day: 1-20 MB up, 10-200 MB down (about 4
 * GB a user in all, under the bench's 10 GiB limit, so every user stays active).
 *
 * <p>Usage: java -Xmx3g -cp target/raftray.jar bench/YearOfUsage.java IN.backup OUT.backup
 */
public final class YearOfUsage {
  public static void main(String[] args) throws Exception {
    long started = System.nanoTime();
    State s = BackupFile.read(Files.readAllBytes(Path.of(args[0])), null);
    if (s.nodes().size() != 1) {
      throw new IllegalStateException("expected a one-node backup, got " + s.nodes().size());
    }
    String node = s.nodes().firstKey();
    List<String> users = new ArrayList<>(s.users().keySet());
    Random rnd = new Random(12);
    Instant now = Instant.now().truncatedTo(ChronoUnit.HOURS);
    long seq = s.usageSeq(node);
    int reports = 0;
    long deltas = 0;
    Instant today = now.truncatedTo(ChronoUnit.DAYS);
    // Days 400..32 back: one report a day (at noon), 1,000 users each in rotation.
    int next = 0;
    for (int day = UsageHistory.NODE_DAYS - 1; day >= UsageHistory.USER_DAYS; day--) {
      List<Command.UsageDelta> ds = new ArrayList<>();
      for (int i = 0; i < Math.min(1000, users.size()); i++) {
        ds.add(delta(users.get(next), rnd));
        next = (next + 1) % users.size();
      }
      s = report(s, node, ++seq, ds, today.minus(Duration.ofDays(day)).plus(Duration.ofHours(12)));
      reports++;
      deltas += ds.size();
    }
    // The last 32 days (today up to the current hour), every hour: each user in one report a day
    // (user index modulo the day's hours so far).
    for (int day = UsageHistory.USER_DAYS - 1; day >= 0; day--) {
      Instant midnight = today.minus(Duration.ofDays(day));
      int hours = day > 0 ? 24 : (int) Duration.between(today, now).toHours() + 1;
      for (int h = 0; h < hours; h++) {
        List<Command.UsageDelta> ds = new ArrayList<>();
        for (int u = h; u < users.size(); u += hours) {
          ds.add(delta(users.get(u), rnd));
        }
        s = report(s, node, ++seq, ds, midnight.plus(Duration.ofHours(h)));
        reports++;
        deltas += ds.size();
      }
    }
    UsageHistory hist = s.usageHistory();
    UsageHistory.NodeSeries ns = hist.nodes().get(node);
    long lastDay = UsageHistory.day(now);
    long fullUsers =
        hist.users().values().stream()
            .filter(x -> x.uplink().length == UsageHistory.USER_DAYS && x.last() == lastDay)
            .filter(x -> java.util.Arrays.stream(x.downlink()).allMatch(v -> v > 0))
            .count();
    byte[] out = SnapshotCodec.encode(s);
    Files.write(Path.of(args[1]), out);
    System.out.printf(
        "year-of-usage: %d usage.report commands (%d deltas) applied at index %d; node %s: %d"
            + " hourly + %d daily buckets; %d of %d users with %d daily buckets; %d bytes written in"
            + " %d ms%n",
        reports,
        deltas,
        s.appliedIndex(),
        node,
        ns.hourly().uplink().length,
        ns.daily().uplink().length,
        fullUsers,
        users.size(),
        UsageHistory.USER_DAYS,
        out.length,
        (System.nanoTime() - started) / 1_000_000);
    if (fullUsers != users.size()
        || ns.hourly().uplink().length != UsageHistory.NODE_HOURS
        || ns.daily().uplink().length != UsageHistory.NODE_DAYS) {
      throw new IllegalStateException("the history is not full");
    }
  }

  private static Command.UsageDelta delta(String user, Random rnd) {
    return new Command.UsageDelta(
        user, 1_000_000L + rnd.nextInt(19_000_000), 10_000_000L + rnd.nextInt(190_000_000));
  }

  private static State report(
      State s, String node, long seq, List<Command.UsageDelta> ds, Instant at) {
    CommandEnvelope env =
        new CommandEnvelope(
            CommandEnvelope.SCHEMA, at, node, new Command.UsageReport(node, seq, ds, true, true));
    Store.Applied a = Store.apply(s, env, s.appliedIndex() + 1);
    if (!a.result().ok()) {
      throw new IllegalStateException("usage.report rejected: " + a.result());
    }
    return a.state();
  }
}
