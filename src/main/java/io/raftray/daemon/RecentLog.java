package io.raftray.daemon;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jspecify.annotations.NullMarked;

/**
 * The daemon's last {@link #CAPACITY} log lines in memory, for {@code GET
 * /api/v1/nodes/{id}/logs?source=daemon}: a {@link Handler} the CLI's logging setup installs on the
 * root logger next to stdout (so it sees what stdout sees), each line formatted like stdout,
 * redacted ({@link Redaction}) and cut to {@link #MAX_LINE} characters before it is kept. A daemon
 * started without it (tests running several daemons in one JVM) has no daemon lines to show.
 * Thread-safe.
 */
@NullMarked
public final class RecentLog extends Handler {
  public static final int CAPACITY = 2000;
  static final int MAX_LINE = 1000;

  private final int capacity;
  private final ArrayDeque<String> lines;

  public RecentLog(Formatter formatter) {
    this(formatter, CAPACITY);
  }

  RecentLog(Formatter formatter, int capacity) {
    this.capacity = capacity;
    this.lines = new ArrayDeque<>(capacity);
    setFormatter(formatter);
  }

  /** The one installed on the root logger by the CLI, if any. */
  public static Optional<RecentLog> installed() {
    for (Handler h : Logger.getLogger("").getHandlers()) {
      if (h instanceof RecentLog r) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  @Override
  public void publish(LogRecord r) {
    if (!isLoggable(r)) {
      return;
    }
    String text = getFormatter().format(r).stripTrailing();
    List<String> add = new ArrayList<>();
    for (String l : text.split("\\R")) {
      String red = Redaction.line(l);
      add.add(red.length() > MAX_LINE ? red.substring(0, MAX_LINE) + "..." : red);
    }
    synchronized (lines) {
      for (String l : add) {
        if (lines.size() == capacity) {
          lines.removeFirst();
        }
        lines.addLast(l);
      }
    }
  }

  /** The last {@code n} lines kept, oldest first. */
  public List<String> tail(int n) {
    synchronized (lines) {
      int skip = Math.max(0, lines.size() - n);
      List<String> out = new ArrayList<>(Math.min(n, lines.size()));
      int i = 0;
      for (String l : lines) {
        if (i++ >= skip) {
          out.add(l);
        }
      }
      return out;
    }
  }

  @Override
  public void flush() {}

  @Override
  public void close() {}
}
