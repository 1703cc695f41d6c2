import io.raftray.model.Json;
import io.raftray.model.UsageHistory;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The memory cost of the replicated usage history (bench/history-memory.sh): USERS users with
 * traffic on every one of the last 31 days through NODES nodes, reported every HOUR for 400 days
 * per node (the worst case: every bucket filled). Prints the retained heap of the history (after
 * GC, measured twice) and the size of its snapshot section.
 *
 * <p>Usage: java -cp target/raftray.jar bench/HistoryMemory.java USERS NODES
 */
public final class HistoryMemory {
  public static void main(String[] args) throws Exception {
    int users = Integer.parseInt(args[0]);
    int nodes = Integer.parseInt(args[1]);
    long before = used();
    UsageHistory h = UsageHistory.empty();
    Instant start = Instant.parse("2030-01-01T00:00:00Z");
    // A year and more of hourly node reports (one user's traffic each keeps it cheap to build).
    for (int hour = 0; hour < 401 * 24; hour++) {
      Instant at = start.plus(Duration.ofHours(hour));
      for (int n = 0; n < nodes; n++) {
        h = h.plus("node_" + n, Map.of("usr_0", new long[] {1000, 2000}), at);
      }
    }
    // The last 32 days: every user has traffic on every day, through node 0.
    Instant lastDays = start.plus(Duration.ofDays(401 - 32));
    for (int day = 0; day < 32; day++) {
      Map<String, long[]> all = new HashMap<>();
      for (int u = 0; u < users; u++) {
        all.put(String.format("usr_%026d", u), new long[] {123_456_789L, 987_654_321L});
      }
      h = h.plus("node_0", all, lastDays.plus(Duration.ofDays(day)));
    }
    long after = used();
    byte[] json = Json.mapper().writeValueAsBytes(h);
    System.out.printf(
        "users=%d nodes=%d history_heap_bytes=%d (%.1f MiB, %.0f bytes/user) snapshot_section_bytes=%d (%.1f MiB)%n",
        users,
        nodes,
        after - before,
        (after - before) / 1048576.0,
        (after - before) / (double) Math.max(1, users),
        json.length,
        json.length / 1048576.0);
    if (h.users().size() != users + 1) { // + usr_0 of the node reports
      throw new IllegalStateException("expected " + users + " users, got " + h.users().size());
    }
  }

  private static long used() throws InterruptedException {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return rt.totalMemory() - rt.freeMemory();
  }
}
