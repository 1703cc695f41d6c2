package io.raftray.cli;

import io.raftray.daemon.RecentLog;
import java.io.PrintStream;
import java.time.Instant;
import java.util.Locale;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

/**
 * Process-wide logging setup for the CLI entry point only (the daemon itself never touches it, so
 * tests can run several daemons in one JVM): one line per record on stdout, library chatter (Ratis,
 * Helidon) reduced to warnings unless RAFTRAY_LOG_LEVEL asks for more; the same lines, redacted,
 * kept in memory by {@link RecentLog} for the logs route of the API.
 */
public final class Logging {
  private static final Logger RATIS = Logger.getLogger("org.apache.ratis");
  private static final Logger HELIDON = Logger.getLogger("io.helidon");

  private Logging() {}

  public static void configure(String level) {
    LogManager.getLogManager().reset();
    Logger root = Logger.getLogger("");
    Level lvl = parse(level);
    Handler h = new StdoutHandler(System.out);
    h.setLevel(Level.ALL);
    h.setFormatter(new LineFormatter());
    root.addHandler(h);
    // The last lines, redacted, for GET /api/v1/nodes/{id}/logs?source=daemon (same level).
    RecentLog recent = new RecentLog(new LineFormatter());
    recent.setLevel(Level.ALL);
    root.addHandler(recent);
    root.setLevel(lvl);
    Level libs = lvl.intValue() < Level.INFO.intValue() ? lvl : Level.WARNING;
    // java.util.logging holds named loggers weakly: keep them, or the level is lost at the next GC.
    RATIS.setLevel(libs);
    HELIDON.setLevel(libs);
  }

  /**
   * The JDK's {@link LogManager} resets itself (removes and closes every handler) in its own
   * shutdown hook, which runs concurrently with {@code raftray run}'s clean stop: every line of the
   * stop (the snapshot written at stop, the leadership hand-over) was lost. {@link Main} installs
   * this manager ({@code java.util.logging.manager}, before anything logs); it ignores a reset once
   * the JVM is shutting down and resets as usual before. The handlers flush every line, so nothing
   * is left unwritten when the daemon halts.
   */
  public static final class KeepAtShutdown extends LogManager {
    public KeepAtShutdown() {
      super();
    }

    @Override
    public void reset() {
      if (!shuttingDown()) {
        super.reset();
      }
    }

    /** Whether the JVM is running its shutdown hooks (a hook can no longer be added then). */
    static boolean shuttingDown() {
      Thread probe = new Thread(() -> {}, "raftray-shutdown-probe");
      try {
        Runtime.getRuntime().addShutdownHook(probe);
        Runtime.getRuntime().removeShutdownHook(probe);
        return false;
      } catch (IllegalStateException e) {
        return true;
      }
    }
  }

  private static Level parse(String level) {
    if (level == null || level.isBlank()) {
      return Level.INFO;
    }
    return switch (level.toLowerCase(Locale.ROOT)) {
      case "debug" -> Level.FINE;
      case "trace" -> Level.FINEST;
      case "warn", "warning" -> Level.WARNING;
      case "error" -> Level.SEVERE;
      default -> Level.INFO;
    };
  }

  /**
   * Not a ConsoleHandler: its constructor opens System.err, and setOutputStream would then close
   * System.err for the whole process, losing every one-line error the CLI prints there.
   */
  private static final class StdoutHandler extends StreamHandler {
    StdoutHandler(PrintStream out) {
      super(out, new LineFormatter());
    }

    @Override
    public synchronized void publish(LogRecord r) {
      super.publish(r);
      flush();
    }

    @Override
    public synchronized void close() {
      flush(); // never close System.out
    }
  }

  /** {@code 2026-01-01T00:00:00.123Z INFO logger: message}, plus the cause's class and message. */
  private static final class LineFormatter extends Formatter {
    @Override
    public String format(LogRecord r) {
      String logger = r.getLoggerName() == null ? "" : r.getLoggerName();
      int dot = logger.lastIndexOf('.');
      StringBuilder sb = new StringBuilder();
      sb.append(Instant.ofEpochMilli(r.getMillis()))
          .append(' ')
          .append(String.format("%-8s", r.getLevel().getName()))
          .append(dot >= 0 ? logger.substring(dot + 1) : logger)
          .append(": ")
          .append(formatMessage(r));
      for (Throwable t = r.getThrown(); t != null; t = t.getCause()) {
        sb.append(" | ").append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
      }
      return sb.append(System.lineSeparator()).toString();
    }
  }
}
