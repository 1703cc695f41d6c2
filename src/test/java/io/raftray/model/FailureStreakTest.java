package io.raftray.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class FailureStreakTest {

  @Test
  void streak_warnsOnceAndReportsTheRecoveryWithTheCount() {
    Logger log = Logger.getAnonymousLogger();
    log.setUseParentHandlers(false);
    log.setLevel(Level.ALL);
    List<String> lines = new ArrayList<>();
    log.addHandler(
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            lines.add(r.getLevel() + " " + r.getMessage());
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        });
    FailureStreak streak = new FailureStreak(log);

    streak.succeeded("ok again");
    streak.failed("down: first");
    streak.failed("down: second");
    streak.failed("down: third");
    streak.succeeded("ok again");
    streak.succeeded("ok again");
    streak.failed("down: later");

    assertThat(lines)
        .containsExactly(
            "WARNING down: first", "INFO ok again after 3 failed attempts", "WARNING down: later");
  }
}
