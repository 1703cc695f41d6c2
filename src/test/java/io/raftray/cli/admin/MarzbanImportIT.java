package io.raftray.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftray.daemon.Daemon;
import io.raftray.testing.CoreCluster;
import io.raftray.testing.MarzbanDb;
import io.raftray.testing.ProxyClients;
import io.raftray.testing.V2RayOutbound;
import io.raftray.testing.V2RayProcess;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15 items 1 and 2 end to end: a Marzban-shaped SQLite database (Marzban 0.8's schema) and a
 * mysqldump of another one, imported with {@code raftray import marzban} into two in-process
 * daemons that supervise real V2Ray cores; a real V2Ray client connects with an imported user's old
 * VMess UUID; Marzban subscription tokens answer on both nodes. One cluster for every scenario.
 */
@Timeout(240)
class MarzbanImportIT {
  static final String SECRET = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";
  static final String ALICE_VMESS = "6f1c1a3e-4c1b-4f7e-9a51-3d0f0b6a1c01";
  static final String ALICE_VLESS = "1b8f4e2a-0c9d-4e11-8f3a-5a6b7c8d9e02";
  static final String CAROL_VMESS = "2c9a5f3b-1d0e-4f22-9a4b-6b7c8d9e0f03";
  static final long MIB = 1 << 20;
  static final long GIB = 1L << 30;
  static final Duration WITHIN = Duration.ofSeconds(30);

  /** Two days ago: the current monthly period (an older one would be reset by the first tick). */
  private final Instant lastReset =
      Instant.now().minus(Duration.ofDays(2)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);

  @TempDir Path tmp;
  private CoreCluster cluster;
  private ProxyClients clients;

  @BeforeAll
  static void needsV2ray() {
    assertThat(Files.isExecutable(CoreCluster.V2RAY))
        .as("these tests need V2Ray: apt-get install v2ray")
        .isTrue();
  }

  @AfterEach
  void stop() {
    if (clients != null) {
      clients.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void importsMarzban_keepsClientsUsageStatusAndLinks() throws Exception {
    Path sqlite = tmp.resolve("marzban.db");
    sqliteSource().writeSqlite(sqlite);
    Path xrayConfig = tmp.resolve("xray_config.json");
    Files.writeString(
        xrayConfig,
        "{\"inbounds\":[{\"tag\":\"VMess TCP\",\"protocol\":\"vmess\"},"
            + "{\"tag\":\"VLESS TCP REALITY\",\"protocol\":\"vless\"},"
            + "{\"tag\":\"Trojan WS\",\"protocol\":\"trojan\"},"
            + "{\"tag\":\"Shadowsocks TCP\",\"protocol\":\"shadowsocks\"}]}");
    cluster = CoreCluster.start(tmp.resolve("cluster"), 2);
    clients = ProxyClients.start(tmp.resolve("clients"), 16 * 1024);
    Daemon a = cluster.node(0);
    Daemon b = cluster.node(1);
    // The import's commands need feature level 2, raised by the leader once both nodes said so.
    await()
        .atMost(WITHIN)
        .until(
            () ->
                cluster.call(a, "GET", "/api/v1/cluster", null, 200).path("feature_level").asInt()
                    >= 2);

    // Dry run: reports what it would create, writes nothing.
    List<String> before = settledDigests();
    CliHarness.Result dry = importSqlite(a, sqlite, xrayConfig, "--dry-run");
    assertThat(dry.exitCode()).as(dry.err()).isZero();
    assertThat(dry.out())
        .contains("dry run", "users: 7 to create, 0 already present", "groups: 4 to create");
    assertThat(digests()).isEqualTo(before);

    CliHarness.Result run = importSqlite(a, sqlite, xrayConfig, "--batch-size", "3");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("users: 7 created, 0 already present")
        .contains("groups: 4 created")
        .contains("user templates: 1 created")
        .contains("admins: 2 created")
        .contains("marzban_jwt_secret: 1 created")
        .contains("user 6 'frank' proxy 8: vmess id 'not-a-uuid' is not a UUID")
        .contains("unknown proxy type 'Hysteria2'")
        .contains("user 8 'bad name!': username is not")
        .contains("admin 3 'x'")
        .contains("table next_plan_extras: not a Marzban 0.8 table")
        .contains("username_prefix/suffix have no Raftray equivalent")
        .contains("VLESS flow(s) xtls-rprx-vision");

    Map<String, JsonNode> users = users(a);
    Map<String, String> groups = new HashMap<>();
    for (JsonNode g : cluster.call(a, "GET", "/api/v1/groups?limit=100", null, 200).path("items")) {
      groups.put(g.path("name").asText(), g.path("id").asText());
    }
    assertThat(groups)
        .containsKeys(
            "marzban-VMess-TCP",
            "marzban-VLESS-TCP-REALITY",
            "marzban-Trojan-WS",
            "marzban-Shadowsocks-TCP");
    JsonNode alice = users.get("alice");
    assertThat(alice.path("status").asText()).isEqualTo("active");
    assertThat(alice.path("used_bytes").asLong()).isEqualTo(5 * MIB);
    assertThat(alice.path("lifetime_used_bytes").asLong()).isEqualTo(5 * MIB + 3 * GIB);
    assertThat(alice.path("data_limit_bytes").asLong()).isEqualTo(10 * GIB);
    assertThat(alice.path("reset_strategy").asText()).isEqualTo("month");
    assertThat(alice.path("expire_at").asText())
        .isEqualTo(Instant.ofEpochSecond(2_000_000_000L).toString());
    assertThat(alice.path("created_at").asText()).isEqualTo("2024-03-01T10:00:00.500Z");
    assertThat(alice.path("period_started_at").asText()).isEqualTo(lastReset.toString());
    assertThat(alice.path("sub_revoked_at").asText()).isEqualTo("2024-06-01T00:00:00Z");
    assertThat(alice.path("note").asText()).isEqualTo("VIP; it's \"quoted\"");
    assertThat(alice.path("credentials").path("vmess_uuid").asText()).isEqualTo(ALICE_VMESS);
    assertThat(alice.path("credentials").path("vless_uuid").asText()).isEqualTo(ALICE_VLESS);
    assertThat(alice.path("group_ids"))
        .extracting(JsonNode::asText)
        .containsExactlyInAnyOrder(
            groups.get("marzban-VMess-TCP"), groups.get("marzban-VLESS-TCP-REALITY"));
    JsonNode bob = users.get("bob");
    assertThat(bob.path("status").asText()).isEqualTo("disabled");
    assertThat(bob.path("credentials").path("trojan_password").asText())
        .isEqualTo("bob-trojan-pass");
    assertThat(bob.path("credentials").path("shadowsocks_password").asText())
        .isEqualTo("bob-ss-password");
    // Trojan WS is excluded from bob's trojan proxy.
    assertThat(bob.path("group_ids"))
        .extracting(JsonNode::asText)
        .containsExactly(groups.get("marzban-Shadowsocks-TCP"));
    assertThat(users.get("carol").path("status").asText()).isEqualTo("limited");
    assertThat(users.get("dave").path("status").asText()).isEqualTo("expired");
    JsonNode erin = users.get("erin");
    assertThat(erin.path("status").asText()).isEqualTo("on_hold");
    assertThat(erin.path("on_hold_expire_seconds").asLong()).isEqualTo(86_400);
    assertThat(erin.path("on_hold_timeout").asText()).isEqualTo("2031-01-01T00:00:00Z");
    assertThat(users).doesNotContainKey("bad name!");
    JsonNode template =
        cluster.call(a, "GET", "/api/v1/user-templates?limit=100", null, 200).path("items").get(0);
    assertThat(template.path("name").asText()).isEqualTo("monthly");
    assertThat(template.path("data_limit_bytes").asLong()).isEqualTo(30 * GIB);
    assertThat(template.path("group_ids").get(0).asText())
        .isEqualTo(groups.get("marzban-VMess-TCP"));
    Map<String, JsonNode> admins = new HashMap<>();
    for (JsonNode ad :
        cluster.call(a, "GET", "/api/v1/admins?limit=100", null, 200).path("items")) {
      admins.put(ad.path("username").asText(), ad);
    }
    assertThat(admins.get("root").path("role").asText()).isEqualTo("admin");
    assertThat(admins.get("helper").path("role").asText()).isEqualTo("viewer");
    assertThat(admins.get("helper").path("password_reset_required").asBoolean()).isTrue();
    JsonNode settings = cluster.call(b, "GET", "/api/v1/settings", null, 200);
    assertThat(settings.path("marzban_jwt_secret_set").asBoolean()).isTrue();
    assertThat(settings.toString()).doesNotContain(SECRET);

    // A second run changes nothing and says so.
    before = settledDigests();
    CliHarness.Result again = importSqlite(b, sqlite, xrayConfig);
    assertThat(again.exitCode()).as(again.err()).isZero();
    assertThat(again.out())
        .contains("users: 0 created, 7 already present", "nothing to change")
        .contains("marzban_jwt_secret: 0 created, 1 already present");
    assertThat(digests()).isEqualTo(before);

    // The old VMess UUID connects through an endpoint of the imported inbound's group; carol,
    // limited in Marzban, does not; alice's usage grows from what Marzban had counted.
    JsonNode vmess =
        cluster.call(
            a,
            "POST",
            "/api/v1/endpoints",
            "{\"node_id\":\""
                + a.config().nodeId()
                + "\",\"tag\":\"vmess-a\",\"protocol\":\"vmess\",\"port\":"
                + V2RayProcess.freePort()
                + ",\"transport\":\"tcp\",\"security\":\"none\","
                + "\"labels\":{\"marzban_inbound\":\"VMess TCP\"}}",
            201);
    int port = vmess.path("port").asInt();
    V2RayProcess aliceClient =
        clients.client("alice", V2RayOutbound.vmess("127.0.0.1", port, ALICE_VMESS));
    V2RayProcess carolClient =
        clients.client("carol", V2RayOutbound.vmess("127.0.0.1", port, CAROL_VMESS));
    clients.awaitFetches(aliceClient, true, WITHIN);
    assertThat(clients.fetches(carolClient)).as("carol is limited").isFalse();
    await().atMost(WITHIN).until(() -> users(a).get("alice").path("used_bytes").asLong() > 5 * MIB);
    JsonNode aliceAfter = users(a).get("alice");
    assertThat(aliceAfter.path("status").asText()).isEqualTo("active");
    assertThat(aliceAfter.path("lifetime_used_bytes").asLong())
        .isEqualTo(aliceAfter.path("used_bytes").asLong() + 3 * GIB);

    // Old subscription links: Marzban's current token and its older JWT, on both nodes.
    long now = Instant.now().getEpochSecond();
    String token = compactToken("alice", now);
    for (Daemon d : List.of(a, b)) {
      HttpResponse<String> doc = sub(d, token + "/v2ray-json");
      assertThat(doc.statusCode()).as(doc.body()).isEqualTo(200);
      assertThat(doc.body()).contains(ALICE_VMESS);
      assertThat(sub(d, token).statusCode()).isEqualTo(200);
      assertThat(sub(d, token + "/clash-meta").body()).contains(ALICE_VMESS);
      assertThat(sub(d, jwtToken("alice", now)).statusCode()).isEqualTo(200);
      // Issued before sub_revoked_at, a bad signature, another secret: 404 like an unknown token.
      long beforeRevoke = Instant.parse("2024-05-15T00:00:00Z").getEpochSecond();
      assertThat(sub(d, compactToken("alice", beforeRevoke)).statusCode()).isEqualTo(404);
      String forged = token.substring(0, token.length() - 1) + (token.endsWith("A") ? "B" : "A");
      assertThat(sub(d, forged).statusCode()).isEqualTo(404);
      assertThat(sub(d, compactToken("nobody", now)).statusCode()).isEqualTo(404);
    }

    // A mysqldump of another Marzban: its users join the same cluster, the groups are reused.
    MarzbanDb other = new MarzbanDb();
    other.inbound(1, "VMess TCP").secret(SECRET);
    other.row(
        "users",
        "id",
        1,
        "username",
        "henry",
        "status",
        "active",
        "used_traffic",
        7 * MIB,
        "data_limit",
        0L,
        "data_limit_reset_strategy",
        "no_reset",
        "created_at",
        Instant.parse("2023-12-24T18:00:00Z"),
        "note",
        "dump: O'Brien\\\"s \"line\"\nnext");
    other.proxy(1, "VMess", "{\"id\": \"3d0b6f4c-2e1f-4a33-8b5c-7c8d9e0f1a04\"}");
    other.usageReset(1, GIB, Instant.parse("2024-01-01T00:00:00Z"));
    Path dump = tmp.resolve("marzban.sql");
    Files.writeString(dump, other.mysqldump());
    CliHarness.Result fromDump = cli(a, "import", "marzban", "--mysqldump", dump.toString());
    assertThat(fromDump.exitCode()).as(fromDump.err()).isZero();
    assertThat(fromDump.out())
        .contains("users: 1 created", "groups: 0 created, 1 already present")
        .contains("user 1 'henry': note: line breaks and control characters became spaces");
    JsonNode henry = users(b).get("henry");
    assertThat(henry.path("used_bytes").asLong()).isEqualTo(7 * MIB);
    assertThat(henry.path("lifetime_used_bytes").asLong()).isEqualTo(7 * MIB + GIB);
    assertThat(henry.path("created_at").asText()).isEqualTo("2023-12-24T18:00:00Z");
    assertThat(henry.path("note").asText()).isEqualTo("dump: O'Brien\\\"s \"line\" next");
    assertThat(henry.path("credentials").path("vmess_uuid").asText())
        .isEqualTo("3d0b6f4c-2e1f-4a33-8b5c-7c8d9e0f1a04");
    assertThat(henry.path("group_ids").get(0).asText()).isEqualTo(groups.get("marzban-VMess-TCP"));
  }

  private MarzbanDb sqliteSource() {
    MarzbanDb db = new MarzbanDb();
    db.inbound(1, "VMess TCP").inbound(2, "VLESS TCP REALITY").inbound(3, "Trojan WS");
    db.inbound(4, "Shadowsocks TCP").secret(SECRET);
    db.row("admins", "id", 1, "username", "root", "hashed_password", "$2b$12$abc", "is_sudo", 1);
    db.row("admins", "id", 2, "username", "Helper", "hashed_password", "$2b$12$def", "is_sudo", 0);
    db.row("admins", "id", 3, "username", "x", "hashed_password", "$2b$12$ghi", "is_sudo", 0);
    Instant created = Instant.parse("2024-03-01T10:00:00.500Z");
    db.row(
        "users",
        "id",
        1,
        "username",
        "alice",
        "status",
        "active",
        "used_traffic",
        5 * MIB,
        "data_limit",
        10 * GIB,
        "data_limit_reset_strategy",
        "month",
        "expire",
        2_000_000_000L,
        "admin_id",
        1,
        "created_at",
        created,
        "note",
        "VIP; it's \"quoted\"",
        "sub_revoked_at",
        Instant.parse("2024-06-01T00:00:00Z"));
    db.proxy(1, "VMess", "{\"id\": \"" + ALICE_VMESS + "\"}");
    db.proxy(1, "VLESS", "{\"id\": \"" + ALICE_VLESS + "\", \"flow\": \"xtls-rprx-vision\"}");
    // The last reset two days ago: the current monthly period (an older one would be reset at
    // once).
    db.usageReset(1, GIB, Instant.parse("2024-04-01T00:00:00Z"));
    db.usageReset(1, 2 * GIB, lastReset);
    db.row(
        "users",
        "id",
        2,
        "username",
        "bob",
        "status",
        "disabled",
        "used_traffic",
        0L,
        "data_limit_reset_strategy",
        "no_reset",
        "created_at",
        created);
    db.proxy(2, "Trojan", "{\"password\": \"bob-trojan-pass\"}", "Trojan WS");
    db.proxy(
        2,
        "Shadowsocks",
        "{\"password\": \"bob-ss-password\", \"method\": \"chacha20-ietf-poly1305\"}");
    db.row(
        "users",
        "id",
        3,
        "username",
        "carol",
        "status",
        "limited",
        "used_traffic",
        2 * GIB,
        "data_limit",
        GIB,
        "data_limit_reset_strategy",
        "no_reset",
        "created_at",
        created);
    db.proxy(3, "VMess", "{\"id\": \"" + CAROL_VMESS + "\"}");
    db.row(
        "users",
        "id",
        4,
        "username",
        "dave",
        "status",
        "expired",
        "used_traffic",
        0L,
        "data_limit_reset_strategy",
        "no_reset",
        "expire",
        1_600_000_000L,
        "created_at",
        created);
    db.proxy(4, "VMess", "{\"id\": \"4e1c2b3a-3f20-4b44-9c6d-8d9e0f1a2b05\"}");
    db.row(
        "users",
        "id",
        5,
        "username",
        "erin",
        "status",
        "on_hold",
        "used_traffic",
        0L,
        "data_limit_reset_strategy",
        "no_reset",
        "created_at",
        created,
        "on_hold_expire_duration",
        86_400L,
        "on_hold_timeout",
        Instant.parse("2031-01-01T00:00:00Z"));
    db.proxy(5, "VMess", "{\"id\": \"5f2d3c4b-4a31-4c55-8d7e-9e0f1a2b3c06\"}");
    db.row(
        "users",
        "id",
        6,
        "username",
        "frank",
        "status",
        "active",
        "used_traffic",
        0L,
        "data_limit_reset_strategy",
        "no_reset",
        "created_at",
        created);
    db.proxy(6, "VMess", "{\"id\": \"not-a-uuid\"}");
    db.row(
        "users",
        "id",
        7,
        "username",
        "gina",
        "status",
        "active",
        "used_traffic",
        0L,
        "data_limit_reset_strategy",
        "no_reset",
        "created_at",
        created);
    db.proxy(7, "Hysteria2", "{\"password\": \"gina-password\"}");
    db.proxy(7, "VMess", "{\"id\": \"6a3e4d5c-5b42-4d66-9e8f-0f1a2b3c4d07\"}");
    db.row(
        "users",
        "id",
        8,
        "username",
        "bad name!",
        "status",
        "active",
        "used_traffic",
        0L,
        "data_limit_reset_strategy",
        "no_reset",
        "created_at",
        created);
    db.row(
        "user_templates",
        "id",
        1,
        "name",
        "monthly",
        "data_limit",
        30 * GIB,
        "expire_duration",
        2_592_000L,
        "username_prefix",
        "vip_");
    db.row("template_inbounds_association", "user_template_id", 1, "inbound_tag", "VMess TCP");
    db.extraTable("next_plan_extras", "id", "user_id");
    return db;
  }

  /**
   * {@code raftray import marzban --sqlite DB --xray-config CONFIG EXTRA...} through {@code via}.
   */
  private CliHarness.Result importSqlite(Daemon via, Path db, Path config, String... extra) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "import",
                "marzban",
                "--sqlite",
                db.toString(),
                "--xray-config",
                config.toString()));
    args.addAll(List.of(extra));
    return cli(via, args.toArray(String[]::new));
  }

  private CliHarness.Result cli(Daemon via, String... args) {
    Map<String, String> env =
        Map.of(
            "RAFTRAY_SERVER", via.config().apiBaseUrl(),
            "RAFTRAY_TOKEN", cluster.api().token(),
            "RAFTRAY_CA", via.config().dataDir().resolve("tls/ca.crt").toString());
    return CliHarness.run(env, args);
  }

  private Map<String, JsonNode> users(Daemon d) throws Exception {
    Map<String, JsonNode> out = new HashMap<>();
    JsonNode page =
        cluster.call(d, "GET", "/api/v1/users?limit=1000&consistency=linearizable", null, 200);
    page.path("items").forEach(u -> out.put(u.path("name").asText(), u));
    return out;
  }

  /**
   * The digests once both nodes show the same ones on two reads in a row: the start's own writes
   * (core reports, the feature level) are applied everywhere before a run that must write nothing.
   */
  private List<String> settledDigests() {
    java.util.concurrent.atomic.AtomicReference<List<String>> last =
        new java.util.concurrent.atomic.AtomicReference<>();
    await()
        .atMost(WITHIN)
        .pollInterval(Duration.ofMillis(300))
        .until(
            () -> {
              List<String> now = digests();
              return now.equals(last.getAndSet(now)) && new java.util.HashSet<>(now).size() == 1;
            });
    return last.get();
  }

  /** applied index and state digest of every node (linearizable). */
  private List<String> digests() throws Exception {
    List<String> out = new java.util.ArrayList<>();
    for (Daemon d : cluster.nodes()) {
      JsonNode c = cluster.call(d, "GET", "/api/v1/cluster?consistency=linearizable", null, 200);
      out.add(c.path("applied_index").asLong() + " " + c.path("state_digest").asText());
    }
    return out;
  }

  private HttpResponse<String> sub(Daemon d, String path) throws Exception {
    return cluster
        .https()
        .send(
            HttpRequest.newBuilder(URI.create(d.config().apiBaseUrl() + "/sub/" + path))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  /** Marzban's current token layout (app/utils/jwt.py create_subscription_token). */
  static String compactToken(String username, long seconds) throws Exception {
    String data =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString((username + "," + seconds).getBytes(StandardCharsets.UTF_8));
    byte[] digest =
        MessageDigest.getInstance("SHA-256")
            .digest((data + SECRET).getBytes(StandardCharsets.UTF_8));
    return data + Base64.getUrlEncoder().encodeToString(digest).substring(0, 10);
  }

  /** Marzban's older subscription JWT (HS256, sub, access=subscription, iat). */
  static String jwtToken(String username, long iat) throws Exception {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String signed =
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
            + b64.encodeToString(
                ("{\"sub\":\"" + username + "\",\"access\":\"subscription\",\"iat\":" + iat + "}")
                    .getBytes(StandardCharsets.UTF_8));
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return signed + "." + b64.encodeToString(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
  }
}
