package io.raftray.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** The messages one JUL logger logs at a level or above while attached; close to detach. */
public final class LogCapture extends Handler implements AutoCloseable {
  private final Logger logger;
  private final Level level;
  private final List<String> messages = new ArrayList<>();

  private LogCapture(Logger logger, Level level) {
    this.logger = logger;
    this.level = level;
  }

  /** Attaches to the logger named after {@code source} (how the main code names its loggers). */
  public static LogCapture of(Class<?> source, Level level) {
    LogCapture c = new LogCapture(Logger.getLogger(source.getName()), level);
    c.logger.addHandler(c);
    return c;
  }

  public List<String> messages() {
    synchronized (messages) {
      return List.copyOf(messages);
    }
  }

  @Override
  public void publish(LogRecord r) {
    if (r.getLevel().intValue() >= level.intValue()) {
      synchronized (messages) {
        messages.add(r.getMessage());
      }
    }
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    logger.removeHandler(this);
  }
}
