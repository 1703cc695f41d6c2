package io.raftray.daemon;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;

/**
 * Gives memory back after a burst. A burst of writes (an import, a batch of users) makes the heap
 * grow to several times what it holds afterwards, and the Serial collector the launcher chooses
 * only shrinks the heap at a full collection, which a quiet node never has. So, every {@link
 * #PERIOD}: when the committed heap has grown by at least {@link #MIN_GROWTH_BYTES} and {@link
 * #GROWTH_FACTOR} over what it was right after the previous trim (or at start), and no collection
 * at all ran during the last period (the node is quiet: nothing is allocating), it runs one full
 * collection ({@link System#gc}); the launcher's {@code -XX:MaxHeapFreeRatio} then shrinks the heap
 * to the live data plus a margin. At most once per {@link #MIN_INTERVAL}.
 *
 * <p>A node under steady load collects all the time and is never trimmed; a node whose live data
 * really grew is trimmed once and then measures growth from its new size, so it is not trimmed
 * again and again. The pause is that of one full collection of the live heap (a few tens of ms at
 * 10,000 users). It runs only under the Serial collector ({@link #serialCollector}); {@code
 * -XX:+DisableExplicitGC} in {@code RAFTRAY_JAVA_OPTS} turns it into a no-op. See {@code
 * docs/operations.md}, "Memory".
 */
@NullMarked
final class HeapTrimmer implements Runnable {
  private static final Logger LOG = Logger.getLogger(HeapTrimmer.class.getName());

  static final Duration PERIOD = Duration.ofSeconds(2);
  static final Duration MIN_INTERVAL = Duration.ofSeconds(60);
  static final long MIN_GROWTH_BYTES = 24L << 20;
  static final double GROWTH_FACTOR = 1.5;

  /** The committed heap and the number of collections run so far (all collectors). */
  record Reading(long committedBytes, long collections) {}

  /** The heap as the JVM reports it, and a full collection. */
  interface Heap {
    Reading read();

    void collect();
  }

  private final Heap heap;
  private final LongSupplier nanoTime;
  private @Nullable Reading previous;
  private long baseline = -1;
  private long lastTrim;
  private boolean trimmedOnce;
  private int trims;

  HeapTrimmer(Heap heap, LongSupplier nanoTime) {
    this.heap = heap;
    this.nanoTime = nanoTime;
  }

  /** The JVM's own heap. */
  static HeapTrimmer forThisJvm() {
    return new HeapTrimmer(new JvmHeap(), System::nanoTime);
  }

  /**
   * Whether this JVM runs the Serial collector (the launcher's choice), the one that needs the
   * trim: G1 and ZGC give memory back by themselves, and a full collection there (a test JVM, a
   * node started with other flags) would only cost a pause.
   */
  static boolean serialCollector() {
    return serial(
        ManagementFactory.getGarbageCollectorMXBeans().stream()
            .map(GarbageCollectorMXBean::getName));
  }

  /** Serial's old-generation collector is named "MarkSweepCompact". */
  static boolean serial(Stream<String> collectorNames) {
    return collectorNames.anyMatch("MarkSweepCompact"::equals);
  }

  @Override
  public void run() {
    try {
      check();
    } catch (RuntimeException e) {
      LOG.log(Level.FINE, "heap trim check failed", e);
    }
  }

  /** One check; synchronized because tests call it directly. */
  synchronized void check() {
    Reading now = heap.read();
    Reading before = previous;
    previous = now;
    if (baseline < 0) {
      baseline = now.committedBytes();
    }
    if (before == null || !shouldTrim(before, now, baseline)) {
      return;
    }
    long at = nanoTime.getAsLong();
    if (trimmedOnce && at - lastTrim < MIN_INTERVAL.toNanos()) {
      return;
    }
    heap.collect();
    trimmedOnce = true;
    lastTrim = at;
    trims++;
    Reading after = heap.read();
    previous = after;
    baseline = after.committedBytes();
    LOG.fine(
        () ->
            "heap trimmed after a quiet period: committed "
                + mib(now.committedBytes())
                + " -> "
                + mib(after.committedBytes())
                + " MiB");
  }

  /** How many times it collected. */
  synchronized int trims() {
    return trims;
  }

  /**
   * Trim when nothing collected between {@code before} and {@code now} (quiet) and the heap grew
   * well beyond {@code baseline}, what it was after the last trim.
   */
  static boolean shouldTrim(Reading before, Reading now, long baseline) {
    if (now.collections() != before.collections()) {
      return false;
    }
    long growth = now.committedBytes() - baseline;
    return growth >= MIN_GROWTH_BYTES && now.committedBytes() >= GROWTH_FACTOR * baseline;
  }

  private static long mib(long bytes) {
    return bytes >> 20;
  }

  private static final class JvmHeap implements Heap {
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final List<GarbageCollectorMXBean> collectors =
        ManagementFactory.getGarbageCollectorMXBeans();

    @Override
    public Reading read() {
      long count = 0;
      for (GarbageCollectorMXBean gc : collectors) {
        count += Math.max(0, gc.getCollectionCount());
      }
      return new Reading(memory.getHeapMemoryUsage().getCommitted(), count);
    }

    @Override
    @SuppressWarnings("ExplicitGc") // the point of this class: see the class comment
    public void collect() {
      System.gc();
    }
  }
}
