package io.raftray.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lines logged while the JVM shuts down (a clean stop's "snapshot written at index N (...)") reach
 * the log: a child JVM set up as {@link Main} sets it up logs from a shutdown hook after the JDK's
 * own hook would have reset the handlers.
 */
class LoggingShutdownTest {
  @Test
  @Timeout(60)
  void aLineLoggedDuringShutdownIsWritten(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("out.txt");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                java, "-cp", System.getProperty("java.class.path"), Child.class.getName())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    assertThat(p.waitFor(50, TimeUnit.SECONDS)).isTrue();
    String text = Files.readString(out, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(text).isZero();
    assertThat(text)
        .contains("manager " + Logging.KeepAtShutdown.class.getName())
        .contains("INFO    probe: before the stop")
        .contains(
            "INFO    probe: snapshot written at index 7 (1 bytes, 2 ms off the apply thread)");
  }

  @Test
  void notShuttingDownWhileRunning() {
    assertThat(Logging.KeepAtShutdown.shuttingDown()).isFalse();
  }

  /** The child JVM: logging as {@code raftray run} sets it up, one line from a shutdown hook. */
  public static final class Child {
    public static void main(String[] args) {
      Main.keepLogsAtShutdown();
      Logging.configure("info");
      Logger log = Logger.getLogger("test.probe");
      System.out.println("manager " + LogManager.getLogManager().getClass().getName());
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      Thread.sleep(500); // the JDK's own hook has run by then
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                    log.info("snapshot written at index 7 (1 bytes, 2 ms off the apply thread)");
                  }));
      log.info("before the stop");
      System.exit(0);
    }
  }
}
