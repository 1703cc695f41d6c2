package io.raftray.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class RecentLogTest {
  private static final Formatter PLAIN =
      new Formatter() {
        @Override
        public String format(LogRecord r) {
          return r.getLevel() + " " + formatMessage(r) + "\n";
        }
      };

  private static void log(RecentLog log, String message) {
    log.publish(new LogRecord(Level.INFO, message));
  }

  @Test
  void keepsTheLastLines_oldestFirst_boundedByCapacity() {
    RecentLog log = new RecentLog(PLAIN, 3);
    for (int i = 1; i <= 5; i++) {
      log(log, "line " + i);
    }

    assertThat(log.tail(10)).containsExactly("INFO line 3", "INFO line 4", "INFO line 5");
    assertThat(log.tail(2)).containsExactly("INFO line 4", "INFO line 5");
  }

  @Test
  void linesAreRedactedBeforeTheyAreKept() {
    RecentLog log = new RecentLog(PLAIN, 10);
    log(log, "admin rrt_SECRETSECRETSECRET called with password=hunter2");

    assertThat(log.tail(1))
        .containsExactly("INFO admin [redacted] called with password=[redacted]");
    assertThat(String.join("\n", log.tail(10))).doesNotContain("SECRET", "hunter2");
  }

  @Test
  void multiLineRecords_becomeLines_andLongLinesAreCut() {
    RecentLog log = new RecentLog(PLAIN, 10);
    log(log, "first\nsecond");
    log(log, "x".repeat(RecentLog.MAX_LINE + 50));

    assertThat(log.tail(3).subList(0, 2)).containsExactly("INFO first", "second");
    assertThat(log.tail(1).get(0)).hasSize(RecentLog.MAX_LINE + 3).endsWith("...");
  }

  @Test
  void belowItsLevel_nothingIsKept() {
    RecentLog log = new RecentLog(PLAIN, 10);
    log.setLevel(Level.WARNING);
    log(log, "chatter");

    assertThat(log.tail(10)).isEmpty();
  }
}
