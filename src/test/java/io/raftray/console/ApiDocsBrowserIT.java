package io.raftray.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftray.testing.TestCluster;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Swagger UI at /api/docs in Debian's headless Chromium against a real one-node daemon: the page
 * renders every operation of the served document under the page's strict CSP, with no error in the
 * browser console (a blocked script, style or fetch would be one).
 */
@Timeout(120)
class ApiDocsBrowserIT {
  @Test
  void swaggerUi_listsEveryOperation_withoutConsoleErrors() throws Exception {
    assertThat(new File(HeadlessChromium.CHROMIUM).canExecute())
        .as("apt-get install chromium")
        .isTrue();
    Path profile = Files.createTempDirectory("raftray-chromium");
    ChromeDriver driver = null;
    try (TestCluster cluster = TestCluster.start(1)) {
      cluster.awaitLeader();
      JsonNode doc =
          cluster.adminClient(0).withHeaders(Map.of()).get("/api/v1/openapi.json").body();
      int operations = 0;
      for (JsonNode path : doc.path("paths")) {
        operations += path.size();
      }
      ChromeOptions o = HeadlessChromium.options(profile);
      LoggingPreferences logs = new LoggingPreferences();
      logs.enable(LogType.BROWSER, java.util.logging.Level.ALL);
      o.setCapability("goog:loggingPrefs", logs);
      driver =
          new ChromeDriver(
              new ChromeDriverService.Builder()
                  .usingDriverExecutable(new File(HeadlessChromium.CHROMEDRIVER))
                  .usingAnyFreePort()
                  .build(),
              o);
      driver.get(cluster.daemon(0).config().apiBaseUrl() + "/api/docs");
      int expected = operations;
      ChromeDriver d = driver;
      new WebDriverWait(driver, Duration.ofSeconds(30))
          .withMessage(
              () -> "operations shown: " + d.findElements(By.cssSelector(".opblock")).size())
          .until(x -> x.findElements(By.cssSelector(".opblock")).size() == expected);
      assertThat(driver.findElement(By.cssSelector(".info .title")).getText())
          .contains("Raftray admin API");
      assertThat(driver.findElements(By.cssSelector(".opblock-summary-path")))
          .anySatisfy(
              e -> assertThat(e.getText().replace("\u200b", "")).isEqualTo("/api/v1/users/{id}"));
      List<LogEntry> errors =
          driver.manage().logs().get(LogType.BROWSER).getAll().stream()
              .filter(e -> e.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue())
              .toList();
      assertThat(errors).as("browser console").isEmpty();
    } finally {
      if (driver != null) {
        driver.quit();
      }
      ConsoleBrowserIT.deleteQuietly(profile);
    }
  }
}
