package io.raftray.daemon;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;

/**
 * The host half of a node's report: raftray's version and uptime, CPU (this process and the host),
 * load average, memory (resident set, heap, host) and the disk holding the data directory. Values a
 * platform does not offer are null. Several daemons in one JVM (tests) share the process figures.
 */
@NullMarked
final class HostMetrics {
  private final Path dataDir;
  private final Instant startedAt;
  private final Path proc;

  HostMetrics(Path dataDir, Instant startedAt) {
    this(dataDir, startedAt, Path.of("/proc"));
  }

  HostMetrics(Path dataDir, Instant startedAt, Path proc) {
    this.dataDir = dataDir;
    this.startedAt = startedAt;
    this.proc = proc;
  }

  /** The raftray version from the jar's manifest; {@code dev} when run from classes. */
  static String version() {
    String v = HostMetrics.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  void addTo(Map<String, Object> m, Instant now) {
    m.put("raftray_version", version());
    m.put("java_version", Runtime.version().toString());
    m.put("started_at", startedAt.toString());
    m.put("uptime_seconds", Math.max(0, now.getEpochSecond() - startedAt.getEpochSecond()));
    m.put("cpu", cpu());
    m.put("memory", memory());
    m.put("disk", disk());
  }

  private Map<String, Object> cpu() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("cpus", Runtime.getRuntime().availableProcessors());
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      c.put("process_load", fraction(os.getProcessCpuLoad()));
      c.put("system_load", fraction(os.getCpuLoad()));
    } else {
      c.put("process_load", null);
      c.put("system_load", null);
    }
    List<Double> load = loadAverage();
    c.put("load_average", load);
    return c;
  }

  /** 1, 5 and 15 minute load averages from {@code /proc/loadavg}, else the 1 minute one. */
  @Nullable List<Double> loadAverage() {
    try {
      String[] f = Files.readString(proc.resolve("loadavg")).trim().split("\\s+");
      return List.of(Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]));
    } catch (IOException | RuntimeException e) {
      double one = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
      return one < 0 ? null : List.of(one);
    }
  }

  private Map<String, Object> memory() {
    Map<String, Object> mem = new LinkedHashMap<>();
    mem.put("rss_bytes", rssBytes());
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    mem.put("heap_used_bytes", heap.getUsed());
    mem.put("heap_max_bytes", heap.getMax() < 0 ? null : heap.getMax());
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      mem.put("host_total_bytes", os.getTotalMemorySize());
      mem.put("host_free_bytes", os.getFreeMemorySize());
    }
    return mem;
  }

  /** {@code VmRSS} of {@code /proc/self/status}. */
  @Nullable Long rssBytes() {
    try {
      for (String line : Files.readAllLines(proc.resolve("self/status"))) {
        if (line.startsWith("VmRSS:")) {
          String kb = line.substring(6).trim().split("\\s+")[0];
          return Long.parseLong(kb) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return null;
    }
    return null;
  }

  private Map<String, Object> disk() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("path", dataDir.toAbsolutePath().toString());
    try {
      FileStore store = Files.getFileStore(dataDir);
      d.put("total_bytes", store.getTotalSpace());
      d.put("usable_bytes", store.getUsableSpace());
    } catch (IOException e) {
      d.put("total_bytes", null);
      d.put("usable_bytes", null);
    }
    return d;
  }

  private static @Nullable Double fraction(double v) {
    return v < 0 ? null : Math.round(v * 1000) / 1000.0;
  }
}
