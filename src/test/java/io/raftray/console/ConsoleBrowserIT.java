package io.raftray.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftray.config.NodeConfig;
import io.raftray.join.Joiner;
import io.raftray.state.Command;
import io.raftray.state.Result;
import io.raftray.testing.AdminClient;
import io.raftray.testing.InProcessNodes;
import io.raftray.testing.TestCluster;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in Debian's headless Chromium against a real 3-node in-process cluster: one cluster
 * and one browser for the whole class, steps in order. Screenshots of every main page at desktop
 * and phone width go to {@code target/console-screenshots/}.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserIT {
  static final String CHROMIUM = HeadlessChromium.CHROMIUM;
  static final String CHROMEDRIVER = HeadlessChromium.CHROMEDRIVER;
  static final Path SHOTS = Path.of("target", "console-screenshots");
  static final String PASSWORD = "correct horse battery staple";

  TestCluster cluster;
  ChromeDriver driver;
  WebDriverWait wait;
  Path profile;
  String groupId = "";

  /**
   * Whether the nodes have admin accounts with password login (the console-auth API). Without them
   * the console signs in with an API token kept in the tab's memory, and this test does too.
   */
  boolean passwords;

  String viewerToken = "";

  @BeforeAll
  void start() throws Exception {
    assertThat(new File(CHROMIUM).canExecute()).as("apt-get install chromium").isTrue();
    assertThat(new File(CHROMEDRIVER).canExecute()).as("apt-get install chromium-driver").isTrue();
    cluster = TestCluster.start(3);
    cluster.awaitLeader();
    profile = Files.createTempDirectory("raftray-chromium");
    ChromeOptions o = HeadlessChromium.options(profile);
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, java.util.logging.Level.ALL);
    o.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER))
            .usingAnyFreePort()
            .build();
    passwords = owner(0).get("/api/v1/admins").status() == 200;
    assertThat(passwords).as("admin accounts and console login (/api/v1/admins)").isTrue();
    driver = new ChromeDriver(service, o);
    wait = new WebDriverWait(driver, Duration.ofSeconds(20));
    Files.createDirectories(SHOTS);
  }

  @AfterAll
  void stop() {
    if (driver != null) {
      driver.quit();
    }
    if (cluster != null) {
      cluster.close();
    }
    if (profile != null) {
      deleteQuietly(profile);
    }
  }

  static void deleteQuietly(Path dir) {
    try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (java.io.IOException | RuntimeException e) {
      // a temp dir left behind is harmless
    }
  }

  Cookie sessionCookie() {
    Cookie c = driver.manage().getCookieNamed("raftray_session");
    assertThat(c).as("session cookie").isNotNull();
    return java.util.Objects.requireNonNull(c);
  }

  String base(int node) {
    return cluster.daemon(node).config().apiBaseUrl();
  }

  AdminClient owner(int node) {
    return cluster.adminClient(node);
  }

  WebElement el(String css) {
    return wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
  }

  void type(String css, String text) {
    WebElement e = el(css);
    e.clear();
    e.sendKeys(text);
  }

  /** The field's input inside the form, by the API field name it answers for. */
  String in(String form, String fieldName) {
    return form
        + " [data-field=\""
        + fieldName
        + "\"] input, "
        + form
        + " [data-field=\""
        + fieldName
        + "\"] select, "
        + form
        + " [data-field=\""
        + fieldName
        + "\"] textarea";
  }

  void open(int node, String hash) {
    driver.get(base(node) + "/" + hash);
  }

  void go(String hash) {
    // the same hash again re-renders the page (as the console's own navigation does)
    ((JavascriptExecutor) driver)
        .executeScript(
            "if (location.hash === arguments[0]) window.dispatchEvent(new HashChangeEvent('hashchange'));"
                + " else location.hash = arguments[0];",
            hash);
  }

  void awaitPage(String page) {
    wait.withMessage(
            () -> {
              String now = String.valueOf(el("#main").getAttribute("data-page"));
              String text = driver.findElement(By.tagName("body")).getText();
              return "page "
                  + page
                  + " at "
                  + driver.getCurrentUrl()
                  + "; shown: "
                  + now
                  + ": "
                  + text.substring(0, Math.min(400, text.length()));
            })
        .until(d -> page.equals(el("#main").getAttribute("data-page")));
  }

  void awaitText(String css, String text) {
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(css), text));
  }

  void shot(String name) throws Exception {
    for (boolean phone : new boolean[] {false, true}) {
      driver.manage().window().setSize(phone ? new Dimension(390, 844) : new Dimension(1280, 900));
      Thread.sleep(300); // layout settles after the resize (screenshots only, no assertion)
      Path f = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
      Files.copy(
          f,
          SHOTS.resolve(name + (phone ? "-phone" : "-desktop") + ".png"),
          StandardCopyOption.REPLACE_EXISTING);
    }
    driver.manage().window().setSize(new Dimension(1280, 900));
  }

  void noScriptErrors() {
    List<LogEntry> severe =
        driver.manage().logs().get(LogType.BROWSER).getAll().stream()
            .filter(e -> e.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue())
            // an expected 401/403/400 answer is logged by Chromium as a failed resource load
            .filter(e -> !e.getMessage().contains("status of 4"))
            .toList();
    assertThat(severe).as("browser console errors").isEmpty();
  }

  void createAdmin(String username, String role) {
    AdminClient.Response r =
        owner(0)
            .post(
                "/api/v1/admins", Map.of("username", username, "password", PASSWORD, "role", role));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
  }

  void login(int node, String username) {
    open(node, "#/overview");
    awaitPage("login");
    if (passwords) {
      type("#login-form [data-field=\"username\"] input", username);
      type("#login-form [data-field=\"password\"] input", PASSWORD);
      el("#login-submit").click();
    } else {
      el("details.login summary").click();
      type(
          "#token-form [data-field=\"token\"] input",
          username.equals("victor") ? viewerToken : cluster.ownerToken());
      el("#token-submit").click();
    }
    awaitPage("overview");
  }

  @Test
  @Order(1)
  void login_withPassword_onNodeA_showsOverview() throws Exception {
    if (passwords) {
      createAdmin("alice", "owner");
      createAdmin("victor", "viewer");
    } else {
      AdminClient.Response r =
          owner(0).post("/api/v1/admin-tokens", Map.of("name", "victor", "role", "viewer"));
      assertThat(r.status()).as(r.toString()).isEqualTo(201);
      viewerToken = r.body().path("token").asText();
    }
    open(0, "");
    awaitPage("login");
    shot("login");
    if (passwords) {
      type("#login-form [data-field=\"username\"] input", "alice");
      type("#login-form [data-field=\"password\"] input", "wrong password");
      el("#login-submit").click();
      WebElement err = el("#login-form .form-error");
      assertThat(err.getText()).isNotBlank();
      type("#login-form [data-field=\"password\"] input", PASSWORD);
      el("#login-submit").click();
    } else {
      el("details.login summary").click();
      type("#token-form [data-field=\"token\"] input", "rrt_wrong.token");
      el("#token-submit").click();
      assertThat(el("#token-form .form-error").getText()).isNotBlank();
      type("#token-form [data-field=\"token\"] input", cluster.ownerToken());
      el("#token-submit").click();
    }
    awaitPage("overview");
    awaitText("#overview", "node-1");
    if (passwords) {
      assertThat(el("#who").getText()).contains("alice");
      // the session cookie is HttpOnly: no script can read it
      Object cookies = ((JavascriptExecutor) driver).executeScript("return document.cookie");
      assertThat(String.valueOf(cookies)).doesNotContain("raftray_session");
      assertThat(sessionCookie().isHttpOnly()).isTrue();
    }
    // nothing secret in local storage
    Object stored =
        ((JavascriptExecutor) driver).executeScript("return JSON.stringify(localStorage)");
    assertThat(String.valueOf(stored)).doesNotContain("rrt_", "csrf", "session");
    shot("overview");
    noScriptErrors();
  }

  @Test
  @Order(2)
  void createEndpoint_group_user_andBulkAction() throws Exception {
    // endpoint on node-1 (REALITY: the generated public key is shown)
    go("#/endpoints/new");
    awaitPage("endpoints");
    type(in("#endpoint-form", "tag"), "vless-reality");
    type(in("#endpoint-form", "port"), "24443");
    new Select(el(in("#endpoint-form", "security"))).selectByValue("reality");
    type(in("#endpoint-form", "settings.server_names"), "www.example.com");
    type(in("#endpoint-form", "settings.dest"), "www.example.com:443");
    type(in("#endpoint-form", "labels"), "tier=gold");
    shot("endpoint-new");
    el("#endpoint-save").click();
    awaitText("#endpoint-form h1", "vless-reality");
    assertThat(el("#reality-public-key").getText()).isNotBlank();
    shot("endpoint-detail");

    go("#/groups/new");
    awaitPage("groups");
    type(in("#group-form", "name"), "gold");
    el("#group-form [data-field=\"selector.protocols\"] input[value=\"vless\"]").click();
    type(in("#group-form", "selector.endpoint_labels"), "tier=gold");
    el("#group-save").click();
    awaitText("#main", "gold");
    groupId = owner(0).get("/api/v1/groups").body().path("items").get(0).path("id").asText();
    shot("groups");

    for (String name : List.of("bob", "carol", "dave")) {
      go("#/users/new");
      awaitPage("users");
      el("#user-form");
      type(in("#user-form", "name"), name);
      type(in("#user-form", "data_limit_bytes"), "50");
      ((JavascriptExecutor) driver)
          .executeScript("arguments[0].value = '2031-01-31'", el(in("#user-form", "expire_at")));
      if (name.equals("bob")) {
        el("#user-form input[value=\"" + groupId + "\"]").click();
      }
      el("#user-save").click();
      awaitText("#main h1", name);
    }
    JsonNode bob = owner(0).get("/api/v1/users?q=bob").body().path("items").get(0);
    assertThat(bob.path("group_ids").get(0).asText()).isEqualTo(groupId);
    assertThat(bob.path("data_limit_bytes").asLong()).isEqualTo(50_000_000_000L);
    assertThat(bob.path("expire_at").asText()).isEqualTo("2031-01-31T23:59:59Z");
    assertThat(el("#sub-url").getText()).contains("/sub/");
    shot("user-detail");

    // bulk: extend every user matching "a" (carol, dave) by 10 days; the dry run counts first
    go("#/users");
    awaitPage("users");
    type("#user-filter [data-field=\"q\"] input", "a");
    el("#user-filter button[type=submit]").click();
    wait.until(d -> d.findElements(By.cssSelector("#main tbody tr")).size() == 2);
    new Select(el(in("#bulk-form", "scope"))).selectByValue("filter");
    new Select(el(in("#bulk-form", "action"))).selectByValue("extend");
    type(in("#bulk-form", "seconds"), "10");
    el("#bulk-preview").click();
    awaitText("#bulk-result", "2");
    assertThat(el("#bulk-confirm").getText()).contains("2");
    shot("users-bulk");
    el("#bulk-confirm").click();
    awaitText("#bulk-result", "2");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(
                        owner(0)
                            .get("/api/v1/users?q=carol")
                            .body()
                            .path("items")
                            .get(0)
                            .path("expire_at")
                            .asText())
                    .isEqualTo("2031-02-10T23:59:59Z"));
    assertThat(
            owner(0)
                .get("/api/v1/users?q=bob")
                .body()
                .path("items")
                .get(0)
                .path("expire_at")
                .asText())
        .isEqualTo("2031-01-31T23:59:59Z");
    go("#/users");
    awaitText("#main tbody", "bob");
    shot("users");
    noScriptErrors();
  }

  @Test
  @Order(3)
  void badInput_showsTheFieldError() throws Exception {
    go("#/users/new");
    awaitPage("users");
    type(in("#user-form", "name"), "bob");
    el("#user-save").click();
    // name taken: 409 on the field, or a form-level line naming it
    WebElement formErr = el("#user-form .form-error");
    assertThat(formErr.getText()).isNotBlank();
    type(in("#user-form", "name"), "no spaces allowed!");
    type(in("#user-form", "hwid_device_limit"), "500");
    el("#user-save").click();
    wait.until(
        d ->
            !d.findElement(By.cssSelector("#user-form [data-field=\"name\"] .field-error"))
                .getText()
                .isBlank());
    assertThat(el("#user-form [data-field=\"hwid_device_limit\"] .field-error").getText())
        .isNotBlank();
    assertThat(
            driver
                .findElement(By.cssSelector(in("#user-form", "name")))
                .getAttribute("aria-invalid"))
        .isEqualTo("true");
    shot("user-field-error");

    go("#/endpoints/new");
    awaitPage("endpoints");
    type(in("#endpoint-form", "tag"), "bad-port");
    type(in("#endpoint-form", "port"), "70000");
    el("#endpoint-save").click();
    wait.until(
        d ->
            !d.findElement(By.cssSelector("#endpoint-form [data-field=\"port\"] .field-error"))
                .getText()
                .isBlank());
  }

  @Test
  @Order(4)
  void nodeB_showsTheSameState_withTheSameSession() throws Exception {
    // Nodes share one session store (replicated); the browser sends the cookie to every node
    // that answers under the same name. Here each node has its own address, so the cookie is
    // carried over as a shared host name would.
    if (passwords) {
      Cookie c = sessionCookie();
      open(1, "#/users");
      driver
          .manage()
          .addCookie(
              new Cookie.Builder(c.getName(), c.getValue())
                  .path("/")
                  .isSecure(true)
                  .isHttpOnly(true)
                  .sameSite("Strict")
                  .build());
      // The same URL again only changes nothing (same hash): reload so the page asks node B for
      // the session.
      driver.navigate().refresh();
    } else {
      login(1, "alice");
      go("#/users");
    }
    awaitPage("users");
    awaitText("#main tbody", "bob");
    assertThat(el("#main tbody").getText()).contains("carol", "dave");
    go("#/endpoints");
    awaitText("#main tbody", "vless-reality");
    go("#/nodes");
    awaitText("#main", "node-3");
    shot("nodes");
  }

  @Test
  @Order(5)
  void nodeA_killed_nodeB_keepsWorking_afterReload() throws Exception {
    cluster.kill(0);
    await("a leader among B and C")
        .atMost(Duration.ofSeconds(30))
        .until(() -> cluster.findLeader().isPresent());
    driver.navigate().refresh();
    if (passwords) {
      awaitPage("nodes");
    } else {
      // the token lives in the tab's memory only: a reload asks for it again
      login(1, "alice");
    }
    go("#/users/new");
    awaitPage("users");
    type(in("#user-form", "name"), "erin");
    el("#user-save").click();
    awaitText("#main h1", "erin");
    go("#/overview");
    awaitText("#overview", "node-2");
    // the node's badge (the traffic card's "up … · down …" figures must not answer for it)
    awaitText("#overview .badge-down", "down");
    shot("overview-node-down");
    noScriptErrors();
  }

  @Test
  @Order(6)
  void joinRequest_approvedFromTheConsole() throws Exception {
    go("#/nodes");
    awaitPage("nodes");
    type(in("#join-token-form", "max_uses"), "2");
    el("#join-token-create").click();
    String cmd = el("#join-cmd").getText();
    assertThat(cmd).startsWith("raftray join rrj_").contains("--data-dir", "--api-base-url");
    String token = cmd.substring("raftray join ".length()).split("\\s+")[0];
    Path dir = Files.createTempDirectory("raftray-joiner");
    int port = InProcessNodes.freePort();
    CompletableFuture<NodeConfig> joining =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return Joiner.join(
                    new Joiner.Options(
                        token,
                        dir.resolve("n4"),
                        "127.0.0.1",
                        port,
                        "https://127.0.0.1:" + port,
                        "127.0.0.1",
                        "node-4",
                        Map.of("hostname", "node-4", "os", "test"),
                        Duration.ofSeconds(90),
                        Duration.ofMillis(200),
                        line -> {}));
              } catch (Exception e) {
                throw new CompletionException(e);
              }
            });
    try {
      await("the join request of node-4")
          .atMost(Duration.ofSeconds(40))
          .until(
              () ->
                  owner(1)
                      .get("/api/v1/join-requests")
                      .body()
                      .path("items")
                      .toString()
                      .contains("\"node-4\""));
      go("#/nodes");
      WebElement approve = el("[data-approve=\"node-4\"]");
      shot("nodes-join-request");
      approve.click();
      NodeConfig joined = joining.get(60, TimeUnit.SECONDS);
      assertThat(joined.name()).isEqualTo("node-4");
      awaitText("#join-requests", "approved");
    } finally {
      joining.cancel(true);
      deleteQuietly(dir);
    }
  }

  @Test
  @Order(7)
  void remainingPages_render() throws Exception {
    for (String page : List.of("templates", "admins", "audit", "settings")) {
      go("#/" + page);
      awaitPage(page);
      wait.until(d -> !d.findElement(By.id("main")).getText().contains("Loading"));
      assertThat(driver.findElements(By.cssSelector("#main .form-error")))
          .allMatch(e -> e.getText().isBlank());
      shot(page);
    }
    // the public addresses: a plain http one is refused next to the field, https ones are saved
    // and every node's subscription links use the first
    type(in("#settings-form", "public_base_urls"), "https://cdn.example\nhttp://vpn.example");
    el("#settings-save").click();
    wait.until(
        d ->
            !d.findElement(
                    By.cssSelector("#settings-form [data-field=\"public_base_urls\"] .field-error"))
                .getText()
                .isBlank());
    type(in("#settings-form", "public_base_urls"), "https://vpn.example/\n\nhttps://cdn.example");
    el("#settings-save").click();
    await("the public addresses saved from the console")
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                owner(1)
                    .get("/api/v1/settings")
                    .body()
                    .path("public_base_urls")
                    .toString()
                    .equals("[\"https://vpn.example\",\"https://cdn.example\"]"));
    await("node 2 gives links under the first public address")
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                owner(2)
                    .get("/api/v1/users?q=bob")
                    .body()
                    .path("items")
                    .get(0)
                    .path("subscription_url")
                    .asText()
                    .startsWith("https://vpn.example/sub/"));
    assertThat(owner(1).patch("/api/v1/settings", Map.of("public_base_urls", List.of())).status())
        .isEqualTo(200);
    noScriptErrors();
  }

  @Test
  @Order(8)
  void persian_rendersRightToLeft() throws Exception {
    go("#/overview");
    awaitPage("overview");
    new Select(el("#lang-select")).selectByValue("fa");
    wait.until(d -> "rtl".equals(d.findElement(By.tagName("html")).getAttribute("dir")));
    assertThat(driver.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("fa");
    awaitText("#nav", "کاربران");
    Object dir =
        ((JavascriptExecutor) driver)
            .executeScript("return getComputedStyle(document.getElementById('main')).direction");
    assertThat(dir).isEqualTo("rtl");
    // the navigation sits on the right in RTL
    long navX = el("#nav").getRect().getX();
    long mainX = el("#main").getRect().getX();
    assertThat(navX).isGreaterThan(mainX);
    shot("overview-fa");
    go("#/users");
    awaitPage("users");
    awaitText("#main tbody", "bob");
    shot("users-fa");
    new Select(el("#lang-select")).selectByValue("en");
    wait.until(d -> "ltr".equals(d.findElement(By.tagName("html")).getAttribute("dir")));
  }

  @Test
  @Order(9)
  void viewer_seesNoWriteControl_andTheApiRefusesItsWrites() throws Exception {
    el("#logout").click();
    awaitPage("login");
    login(1, "victor");
    if (passwords) {
      assertThat(el("#who").getText()).contains("victor");
    }
    assertThat(driver.findElements(By.id("nav-admins"))).isEmpty();
    go("#/users");
    awaitPage("users");
    awaitText("#main tbody", "bob");
    assertThat(driver.findElements(By.id("user-new"))).isEmpty();
    assertThat(driver.findElements(By.id("bulk-form"))).isEmpty();
    el("#main tbody a").click();
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("user-actions")));
    assertThat(driver.findElements(By.cssSelector("#user-actions button, #user-actions a")))
        .isEmpty();
    go("#/endpoints");
    awaitPage("endpoints");
    assertThat(driver.findElements(By.id("endpoint-new"))).isEmpty();
    go("#/nodes");
    awaitPage("nodes");
    assertThat(driver.findElements(By.id("join-token-form"))).isEmpty();
    assertThat(driver.findElements(By.cssSelector("[data-approve]"))).isEmpty();
    go("#/settings");
    awaitPage("settings");
    assertThat(
            wait.until(ExpectedConditions.presenceOfElementLocated(By.id("settings-save")))
                .isDisplayed())
        .isFalse();
    shot("viewer-users");
    Object status =
        ((JavascriptExecutor) driver)
            .executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                    + "fetch('/api/v1/auth/session').then(r => r.json()).then(s =>"
                    + " fetch('/api/v1/users', {method: 'POST', headers: {'Content-Type':"
                    + " 'application/json', 'X-CSRF-Token': s.csrf_token}, body:"
                    + " JSON.stringify({name: 'mallory'})})).then(r => done(r.status), e =>"
                    + " done(String(e)))");
    assertThat(status).isEqualTo(403L);
    assertThat(owner(1).get("/api/v1/users?q=mallory").body().path("items")).isEmpty();
  }

  /** Traffic the node counted for a user, reported through that node as its collector does. */
  void report(int node, String userId, long up, long down) {
    String id = cluster.nodeId(node);
    long seq = cluster.daemon(node).replica().view().usageSeq(id) + 1;
    Result r =
        cluster
            .daemon(node)
            .replica()
            .submit(
                id,
                new Command.UsageReport(
                    id, seq, List.of(new Command.UsageDelta(userId, up, down)), true, true));
    assertThat(r.ok()).as("usage report via node %d: %s", node, r.message()).isTrue();
  }

  String attr(String css, String name) {
    return String.valueOf(el(css).getAttribute(name));
  }

  /** Pixels of the chart's canvas in `css` drawn in the colour of CSS variable `var`. */
  long pixelsOf(String css, String var) {
    Object n =
        ((JavascriptExecutor) driver)
            .executeScript(
                "const c = document.querySelector(arguments[0]); if (!c) return -1;"
                    + " const hex = getComputedStyle(document.documentElement)"
                    + ".getPropertyValue(arguments[1]).trim();"
                    + " const want = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));"
                    + " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
                    + " let n = 0; for (let i = 0; i < d.length; i += 4) {"
                    + " if (d[i + 3] === 255 && Math.abs(d[i] - want[0]) < 12"
                    + " && Math.abs(d[i + 1] - want[1]) < 12 && Math.abs(d[i + 2] - want[2]) < 12) n++; }"
                    + " return n;",
                css,
                var);
    return ((Number) java.util.Objects.requireNonNull(n)).longValue();
  }

  @Test
  @Order(10)
  void usageCharts_onOverview_nodeAndUserPages() throws Exception {
    String bob =
        owner(1).get("/api/v1/users?q=bob").body().path("items").get(0).path("id").asText();
    String carol =
        owner(1).get("/api/v1/users?q=carol").body().path("items").get(0).path("id").asText();
    LocalDate reported = LocalDate.now(ZoneOffset.UTC);
    // node-2 and node-3 served bob: 1.5 GB and 500 MB; node-1 (killed) and carol have none
    report(1, bob, 200_000_000L, 1_300_000_000L);
    report(2, bob, 100_000_000L, 400_000_000L);
    await("the fleet's history on node B")
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(
                        owner(1)
                            .get("/api/v1/stats/usage?step=day")
                            .body()
                            .path("total")
                            .path("total_bytes")
                            .asLong())
                    .isEqualTo(2_000_000_000L));
    boolean sameDay = LocalDate.now(ZoneOffset.UTC).equals(reported);

    // Overview: fleet totals and a chart drawn in the theme's colours
    go("#/overview");
    awaitPage("overview");
    wait.until(d -> "2000000000".equals(attr("#traffic .usage-period", "data-bytes")));
    assertThat(el("#traffic .usage-period").getText()).contains("2 GB", "up 300 MB", "down 1.7 GB");
    if (sameDay) {
      assertThat(attr("#traffic .usage-today", "data-bytes")).isEqualTo("2000000000");
      assertThat(el("#traffic .usage-today").getText()).contains("2 GB", "up 300 MB");
    }
    if (sameDay || reported.getMonth() == LocalDate.now(ZoneOffset.UTC).getMonth()) {
      assertThat(attr("#traffic .usage-month", "data-bytes")).isEqualTo("2000000000");
    }
    String canvas = "#traffic .usage-chart canvas";
    wait.until(d -> pixelsOf(canvas, "--accent") > 50);
    assertThat(pixelsOf(canvas, "--ok")).as("the uplink line").isGreaterThan(50);
    // a poll redraws the data into the same chart: the canvas is not rebuilt
    ((JavascriptExecutor) driver)
        .executeScript("window.__trafficCanvas = document.querySelector(arguments[0])", canvas);
    String updated = el("#main > p.hint").getText();
    wait.until(d -> !el("#main > p.hint").getText().equals(updated));
    assertThat(
            ((JavascriptExecutor) driver)
                .executeScript(
                    "return document.querySelector(arguments[0]) === window.__trafficCanvas",
                    canvas))
        .isEqualTo(true);
    assertThat(attr("#traffic button[data-step=\"hour\"]", "aria-pressed")).isEqualTo("true");
    // daily view: the last 30 days hold the same traffic
    el("#traffic button[data-step=\"day\"]").click();
    wait.until(d -> "true".equals(attr("#traffic button[data-step=\"day\"]", "aria-pressed")));
    wait.until(d -> "2000000000".equals(attr("#traffic .usage-period", "data-bytes")));
    wait.until(d -> pixelsOf(canvas, "--accent") > 50);
    shot("overview-usage");
    // at phone width the chart fits the screen
    driver.manage().window().setSize(new Dimension(390, 844));
    wait.until(
        d ->
            Boolean.TRUE.equals(
                ((JavascriptExecutor) d)
                    .executeScript(
                        "const r = document.querySelector(arguments[0]).getBoundingClientRect();"
                            + " return r.left >= 0 && r.width > 200"
                            + " && r.right <= document.documentElement.clientWidth;",
                        canvas)));
    driver.manage().window().setSize(new Dimension(1280, 900));
    // the dark theme redraws the chart in its colours
    el("#theme-toggle").click();
    wait.until(d -> "dark".equals(d.findElement(By.tagName("html")).getAttribute("data-theme")));
    wait.until(d -> pixelsOf(canvas, "--accent") > 50);
    shot("overview-usage-dark");
    el("#theme-toggle").click();
    wait.until(d -> "light".equals(d.findElement(By.tagName("html")).getAttribute("data-theme")));
    new Select(el("#lang-select")).selectByValue("fa");
    wait.until(d -> "rtl".equals(d.findElement(By.tagName("html")).getAttribute("dir")));
    awaitPage("overview");
    wait.until(d -> pixelsOf(canvas, "--accent") > 50);
    shot("overview-usage-fa");
    new Select(el("#lang-select")).selectByValue("en");
    wait.until(d -> "ltr".equals(d.findElement(By.tagName("html")).getAttribute("dir")));

    // Node detail: what that node served, or the empty message
    go("#/nodes/" + cluster.nodeId(1));
    awaitPage("nodes");
    wait.until(d -> "1500000000".equals(attr("#node-usage .usage-period", "data-bytes")));
    assertThat(el("#node-usage .usage-period").getText()).contains("1.5 GB", "up 200 MB");
    wait.until(d -> pixelsOf("#node-usage .usage-chart canvas", "--accent") > 50);
    shot("node-detail");
    // node A (killed in step 5): its id from the replicated node list
    String nodeA = null;
    for (var n : owner(1).get("/api/v1/nodes").body().path("items")) {
      if (n.path("name").asText().equals("node-1")) {
        nodeA = n.path("id").asText();
      }
    }
    assertThat(nodeA).as("node-1 in /nodes").isNotNull();
    go("#/nodes/" + nodeA);
    awaitPage("nodes");
    assertThat(el("#node-usage .usage-empty").getText()).isEqualTo("No usage recorded yet.");
    assertThat(driver.findElements(By.cssSelector("#node-usage canvas"))).isEmpty();

    // User detail: bob's daily chart; carol has none
    go("#/users/" + bob);
    awaitPage("users");
    wait.until(d -> "2000000000".equals(attr("#user-usage .usage-period", "data-bytes")));
    wait.until(d -> pixelsOf("#user-usage .usage-chart canvas", "--accent") > 50);
    ((JavascriptExecutor) driver)
        .executeScript("document.getElementById('user-usage').scrollIntoView()");
    shot("user-usage");
    go("#/users/" + carol);
    awaitPage("users");
    assertThat(el("#user-usage .usage-empty").getText()).isEqualTo("No usage recorded yet.");
    assertThat(driver.findElements(By.cssSelector("#user-usage canvas"))).isEmpty();
    noScriptErrors();
  }

  @Test
  @Order(11)
  void users_sortedByNameDescending_viaTheHeader_andTheQrCodeShows() throws Exception {
    el("#logout").click();
    awaitPage("login");
    login(1, "alice");
    go("#/users");
    awaitPage("users");
    awaitText("#main tbody", "bob");
    // a click sorts ascending, the keyboard (Enter on the focused button) toggles to descending
    el("#sort-name").click();
    wait.until(d -> "ascending".equals(nameHeader().getAttribute("aria-sort")));
    assertThat(userNames()).containsExactly("bob", "carol", "dave", "erin");
    el("#sort-name").sendKeys(Keys.ENTER);
    wait.until(d -> "descending".equals(nameHeader().getAttribute("aria-sort")));
    assertThat(userNames()).containsExactly("erin", "dave", "carol", "bob");
    // the focus stays on the header's button across the re-render
    wait.until(d -> "sort-name".equals(d.switchTo().activeElement().getAttribute("id")));
    assertThat(driver.findElements(By.cssSelector("#main th[aria-sort]"))).hasSize(1);
    assertThat(driver.getCurrentUrl()).endsWith("#/users?sort=-name");
    shot("users-sorted");
    // the sort lives in the hash: a reload shows the same order
    driver.navigate().refresh();
    if (!passwords) {
      login(1, "alice");
      go("#/users?sort=-name");
    }
    awaitPage("users");
    wait.until(d -> "descending".equals(nameHeader().getAttribute("aria-sort")));
    assertThat(userNames()).containsExactly("erin", "dave", "carol", "bob");

    el("#main tbody a").click();
    awaitText("#main h1", "erin");
    WebElement qr = el("#sub-qr");
    assertThat(qr.getAttribute("src")).startsWith("data:image/svg+xml");
    wait.until(
        d ->
            Boolean.TRUE.equals(
                ((JavascriptExecutor) d)
                    .executeScript(
                        "return arguments[0].complete && arguments[0].naturalWidth > 0",
                        el("#sub-qr"))));
    assertThat(qr.getAttribute("alt")).isNotBlank();
    shot("user-detail-qr");
    noScriptErrors();
  }

  WebElement nameHeader() {
    return el("#sort-name").findElement(By.xpath("./ancestor::th"));
  }

  List<String> userNames() {
    return driver.findElements(By.cssSelector("#main tbody tr td a")).stream()
        .map(WebElement::getText)
        .toList();
  }
}
