package io.raftray.console;

import java.nio.file.Path;
import org.openqa.selenium.chrome.ChromeOptions;

/** Debian's headless Chromium as the browser test and the console benchmark start it. */
final class HeadlessChromium {
  static final String CHROMIUM = "/usr/bin/chromium";
  static final String CHROMEDRIVER = "/usr/bin/chromedriver";

  private HeadlessChromium() {}

  /** A quiet, sandbox-free headless browser at 1280x900 in English with its own profile. */
  static ChromeOptions options(Path profile) {
    ChromeOptions o = new ChromeOptions();
    o.setBinary(CHROMIUM);
    o.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--no-first-run",
        "--no-default-browser-check",
        "--user-data-dir=" + profile,
        "--window-size=1280,900",
        "--lang=en-US");
    o.setAcceptInsecureCerts(true);
    return o;
  }
}
