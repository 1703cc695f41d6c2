package io.raftray.console;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The users page's load time in Debian's headless Chromium (bench/console-users.sh starts the node
 * and fills it; this only drives the browser). Not a test: a main, run on the test classpath.
 *
 * <p>Arguments: base URL, admin user name, password, loads per figure. For each list view it
 * measures (1) a full load: a fresh navigation to {@code base/#/users...} with the session cookie,
 * from the navigation start ({@code performance.timeOrigin}) to the first table row of the users
 * page in the DOM, seen by a MutationObserver installed before any page script; (2) an in-app
 * navigation: from setting {@code location.hash} on another console page to that row; and (3) the
 * next page: from the click on "Next" to the first row of the new page. Medians of the loads.
 */
public final class ConsoleUsersBench {
  private static final String OBSERVER =
      "window.__rows = null; new MutationObserver(() => { if (window.__rows === null &&"
          + " document.querySelector('#main[data-page=\"users\"] tbody tr td a'))"
          + " window.__rows = performance.now(); }).observe(document, {subtree: true, childList:"
          + " true, attributes: true});";

  /** In-page: runs {@code action} and answers the ms until the first row's link text changes. */
  private static final String UNTIL_FIRST_ROW_CHANGES =
      "const done = arguments[arguments.length - 1]; const action = arguments[0];"
          + " const first = () => { const a = document.querySelector('#main[data-page=\"users\"]"
          + " tbody tr td a'); return a ? a.textContent + '|' + a.getAttribute('href') : null; };"
          + " const before = arguments[1] ? null : first(); const t0 = performance.now();"
          + " const check = () => { const now = first(); if (now !== null && now !== before) {"
          + " obs.disconnect(); done(performance.now() - t0); return true; } return false; };"
          + " const obs = new MutationObserver(check);"
          + " obs.observe(document.getElementById('main'), {subtree: true, childList: true,"
          + " attributes: true});"
          + " if (action === 'next') document.getElementById('users-next').click();"
          + " else location.hash = action;";

  private ConsoleUsersBench() {}

  public static void main(String[] args) throws Exception {
    String base = args[0];
    String user = args[1];
    String password = args[2];
    int loads = Integer.parseInt(args[3]);
    Path profile = Files.createTempDirectory("raftray-bench-chromium");
    ChromeOptions o = HeadlessChromium.options(profile);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(HeadlessChromium.CHROMEDRIVER))
            .usingAnyFreePort()
            .build();
    ChromeDriver driver = new ChromeDriver(service, o);
    try {
      driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(60));
      WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(60));
      driver.get(base + "/#/overview");
      wait.until(d -> "login".equals(d.findElement(By.id("main")).getAttribute("data-page")));
      driver
          .findElement(By.cssSelector("#login-form [data-field=\"username\"] input"))
          .sendKeys(user);
      driver
          .findElement(By.cssSelector("#login-form [data-field=\"password\"] input"))
          .sendKeys(password);
      driver.findElement(By.id("login-submit")).click();
      wait.until(d -> "overview".equals(d.findElement(By.id("main")).getAttribute("data-page")));
      driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", OBSERVER));

      List<String[]> rows = new ArrayList<>();
      String[][] views = {
        {"default order (by id)", "#/users"},
        {"search q=bench-0123 (100 matches)", "#/users?q=bench-0123"},
        {"sort by used_bytes desc", "#/users?sort=-used_bytes"},
        {"sort by name desc", "#/users?sort=-name"},
      };
      for (String[] v : views) {
        List<Double> full = new ArrayList<>();
        List<Double> inApp = new ArrayList<>();
        for (int i = 0; i < loads + 1; i++) {
          driver.get("about:blank");
          driver.get(base + "/" + v[1]);
          double ms =
              wait.until(
                  d -> {
                    Object r = ((JavascriptExecutor) d).executeScript("return window.__rows");
                    return r instanceof Number n ? n.doubleValue() : null;
                  });
          // in-app: from another page of the console to this view
          ((JavascriptExecutor) driver).executeScript("location.hash = '#/overview'");
          wait.until(
              d -> "overview".equals(d.findElement(By.id("main")).getAttribute("data-page")));
          double app = millis(driver.executeAsyncScript(UNTIL_FIRST_ROW_CHANGES, v[1], true));
          if (i > 0) { // the first round warms the JIT of the node and the browser's caches
            full.add(ms);
            inApp.add(app);
          }
        }
        rows.add(new String[] {v[0], stats(full), stats(inApp)});
      }
      for (String[] v : new String[][] {views[0], views[2]}) {
        // a real load (a hash change alone would keep the last page's window.__rows)
        driver.get("about:blank");
        driver.get(base + "/" + v[1]);
        wait.until(
            d -> ((JavascriptExecutor) d).executeScript("return window.__rows") instanceof Number);
        List<Double> next = new ArrayList<>();
        for (int i = 0; i < loads + 1; i++) {
          double ms = millis(driver.executeAsyncScript(UNTIL_FIRST_ROW_CHANGES, "next", false));
          if (i > 0) {
            next.add(ms);
          }
        }
        rows.add(
            new String[] {v[0] + ": next page (pages 3.." + (loads + 2) + ")", "", stats(next)});
      }
      System.out.printf(
          Locale.ROOT, "%-48s | %-26s | %-26s%n", "users page view", "full load ms", "in-app ms");
      System.out.printf(
          Locale.ROOT, "%-48s | %-26s | %-26s%n", "-".repeat(48), "-".repeat(26), "-".repeat(26));
      for (String[] r : rows) {
        System.out.printf(Locale.ROOT, "%-48s | %-26s | %-26s%n", r[0], r[1], r[2]);
      }
    } finally {
      driver.quit();
      try (var files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static double millis(@Nullable Object o) {
    if (o instanceof Number n) {
      return n.doubleValue();
    }
    throw new IllegalStateException("the page answered " + o);
  }

  /** "median (min-max)" in ms. */
  private static String stats(List<Double> ms) {
    List<Double> s = new ArrayList<>(ms);
    s.sort(Comparator.naturalOrder());
    double median =
        s.size() % 2 == 1
            ? s.get(s.size() / 2)
            : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
    return String.format(
        Locale.ROOT, "%.0f (%.0f-%.0f), n=%d", median, s.get(0), s.get(s.size() - 1), s.size());
  }
}
