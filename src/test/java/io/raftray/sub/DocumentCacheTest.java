package io.raftray.sub;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.raftray.model.Group;
import io.raftray.model.GroupSelector;
import io.raftray.model.Protocol;
import io.raftray.model.SubscriptionSettings;
import io.raftray.model.User;
import io.raftray.model.UserCredentials;
import io.raftray.model.UserStatus;
import io.raftray.state.Command;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The rendered-document cache of {@code /sub}: a repeated fetch is served from it, and no change
 * that affects a document is ever answered with the cached one. Each test first fetches (so the
 * document is cached: {@link #cached} checks a hit), then changes exactly one input, then fetches
 * again; it fails if the cache does not compare that input.
 */
@Timeout(60)
class DocumentCacheTest {
  static final String TOKEN = "EEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEE";
  static final Instant EXPIRY = SubFixture.T0.plus(Duration.ofDays(3));

  SubFixture f;
  User alice;
  String endpoint;
  String grant;

  @BeforeEach
  void start() {
    f = new SubFixture();
    alice = f.user("alice", UserStatus.ACTIVE, 0, 0, 0, EXPIRY, TOKEN);
    endpoint = f.endpoint("node_a", "vless-a", Protocol.VLESS, 443);
    grant = f.grant(alice.id(), endpoint);
  }

  @AfterEach
  void stop() {
    f.close();
  }

  private DocumentCache cache() {
    return f.service.documents();
  }

  private SubFixture.Resp fetch(String... headers) {
    return f.get("/sub/" + TOKEN + "/links", headers);
  }

  private static String text(SubFixture.Resp r) {
    return URLDecoder.decode(r.body().replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  /** Fetches twice; the second answer must come from the cache and be the same. */
  private SubFixture.Resp cached(String... headers) {
    SubFixture.Resp first = fetch(headers);
    long hits = cache().hits();
    SubFixture.Resp second = fetch(headers);
    assertThat(cache().hits()).as("second fetch is a cache hit").isEqualTo(hits + 1);
    assertThat(second.body()).isEqualTo(first.body());
    assertThat(second.header("etag")).isEqualTo(first.header("etag"));
    return second;
  }

  @Test
  void repeatedFetch_sameBytesHeadersAndEtag_from304Too() {
    SubFixture.Resp r = cached();
    assertThat(r.status()).isEqualTo(200);
    assertThat(text(r)).contains("@a.example:443");
    assertThat(r.header("cache-control")).isEqualTo("no-store");
    long hits = cache().hits();
    SubFixture.Resp notModified = fetch("If-None-Match", r.header("etag"));
    assertThat(notModified.status()).isEqualTo(304);
    assertThat(notModified.body()).isEmpty();
    assertThat(cache().hits()).isEqualTo(hits + 1);
    // Other formats and the negotiated form are documents of their own.
    SubFixture.Resp clash = f.get("/sub/" + TOKEN + "/clash");
    assertThat(clash.body()).contains("proxies:");
    SubFixture.Resp negotiated = f.get("/sub/" + TOKEN, "User-Agent", "v2rayNG/1.9");
    assertThat(negotiated.header("vary")).isEqualTo("User-Agent, Accept");
    assertThat(cached().header("vary")).isNull();
  }

  @Test
  void userDisabled_nextFetchIsTheNotice() {
    String etag = cached().header("etag");
    f.submit(Command.UpdateUser.of(alice.id()).status(UserStatus.DISABLED).build());
    SubFixture.Resp r = fetch("If-None-Match", etag);
    assertThat(r.status()).isEqualTo(200);
    assertThat(text(r)).contains("Disabled").doesNotContain("a.example");
  }

  @Test
  void usageReported_userinfoHeaderFollows() {
    assertThat(cached().header("subscription-userinfo")).startsWith("upload=0; download=0;");
    f.submit(
        new Command.UsageReport(
            "node_a", 1, List.of(new Command.UsageDelta(alice.id(), 100, 200))));
    assertThat(fetch().header("subscription-userinfo")).startsWith("upload=100; download=200;");
  }

  @Test
  void endpointEdited_newPortServed() {
    cached();
    f.submit(new Command.UpdateEndpoint(endpoint, null, 444, null, null));
    assertThat(text(fetch())).contains("@a.example:444").doesNotContain(":443");
  }

  @Test
  void grantDisabled_proxyGone() {
    cached();
    f.submit(new Command.UpdateGrant(grant, false));
    assertThat(text(fetch())).contains("No servers available").doesNotContain("a.example");
  }

  @Test
  void nodeAccessHostChanged_newHostServed() {
    cached();
    f.submit(new Command.UpdateNode("node_a", null, "b.example", null));
    assertThat(text(fetch())).contains("@b.example:443").doesNotContain("a.example");
  }

  @Test
  void subscriptionSettingsPatched_templateAndHeadersFollow() {
    SubFixture.Resp before = cached();
    assertThat(before.header("profile-update-interval")).isEqualTo("12");
    f.settings(new SubscriptionSettings(6, "{user}", "R-{port}", null, null, null));
    SubFixture.Resp after = fetch();
    assertThat(after.header("profile-update-interval")).isEqualTo("6");
    assertThat(text(after)).contains("#R-443");
  }

  @Test
  void credentialsRotated_groupEndpointGetsTheNewOnes() {
    UserCredentials first = creds("11111111-1111-4111-8111-111111111111");
    UserCredentials second = creds("22222222-2222-4222-8222-222222222222");
    String other = f.endpoint("node_a", "vless-g", Protocol.VLESS, 2053);
    Instant t = SubFixture.T0;
    f.submit(new Command.CreateGroup(new Group("grp_1", "g", "", List.of(other), null, t, t)));
    f.submit(
        Command.UpdateUser.of(alice.id()).credentials(first).groupIds(List.of("grp_1")).build());
    assertThat(text(cached())).contains(first.vlessUuid() + "@a.example:2053");
    f.submit(new Command.RotateCredentials(alice.id(), second));
    assertThat(text(fetch()))
        .contains(second.vlessUuid() + "@a.example:2053")
        .doesNotContain(first.vlessUuid());
  }

  @Test
  void groupSelectorChanged_selectedEndpointAppears() {
    UserCredentials c = creds("33333333-3333-4333-8333-333333333333");
    String trojan = f.endpoint("node_a", "trojan-g", Protocol.TROJAN, 8443);
    Instant t = SubFixture.T0;
    f.submit(
        new Command.CreateGroup(
            new Group(
                "grp_2",
                "g",
                "",
                List.of(),
                new GroupSelector(List.of(Protocol.SHADOWSOCKS), Map.of(), Map.of()),
                t,
                t)));
    f.submit(Command.UpdateUser.of(alice.id()).credentials(c).groupIds(List.of("grp_2")).build());
    assertThat(text(cached())).doesNotContain(":8443");
    f.submit(
        new Command.UpdateGroup(
            "grp_2",
            null,
            null,
            null,
            true,
            new GroupSelector(List.of(Protocol.TROJAN), Map.of(), Map.of())));
    assertThat(trojan).isNotNull();
    assertThat(text(fetch())).contains("@a.example:8443");
  }

  @Test
  void subscriptionRotated_pageShowsTheNewUrl_oldTokenIs404() {
    String html = f.get("/sub/" + TOKEN + "/html").body();
    assertThat(f.get("/sub/" + TOKEN + "/html").body()).isEqualTo(html);
    String fresh = "F".repeat(32);
    f.submit(new Command.RotateSubscription(alice.id(), fresh));
    assertThat(f.get("/sub/" + TOKEN + "/html").status()).isEqualTo(404);
    assertThat(f.get("/sub/" + fresh + "/html").body())
        .contains("/sub/" + fresh)
        .doesNotContain("/sub/" + TOKEN);
  }

  @Test
  void expiryPassesOnTheClock_noticeWithoutAnyWrite() {
    cached();
    f.clock.advance(Duration.ofDays(4));
    assertThat(text(fetch())).contains("Expired on").doesNotContain("a.example");
  }

  @Test
  void deviceLimit_eachDeviceGetsItsOwnAnswer_everyFetchCounted() {
    f.submit(Command.UpdateUser.of(alice.id()).hwidDeviceLimit(1).build());
    String[] one = {"x-hwid", "dev-1", "User-Agent", "Happ/3.1"};
    String[] two = {"x-hwid", "dev-2", "User-Agent", "Happ/3.1"};
    assertThat(text(cached(one))).contains("@a.example:443");
    assertThat(text(fetch(two))).contains("Device limit reached (1 devices)");
    assertThat(text(fetch(one))).contains("@a.example:443");
    assertThat(text(fetch(two))).contains("Device limit reached").doesNotContain("a.example");
    // The cached answers still went through admission: the first device is in the batch.
    assertThat(f.activity.flush()).isTrue();
    assertThat(f.view().devices(alice.id())).containsOnlyKeys("dev-1");
    // Deleting it frees the slot: the second device now gets the proxies, the first the notice.
    f.submit(new Command.DeleteDevice(alice.id(), "dev-1"));
    assertThat(text(fetch(two))).contains("@a.example:443");
    assertThat(text(fetch(one))).contains("Device limit reached");
  }

  @Test
  void hwidRequiredTurnedOn_fetchWithoutOneGetsThePlaceholder() {
    cached();
    f.submit(new Command.UpdateSettings(null, null, true, null));
    assertThat(text(fetch())).contains("HWID").doesNotContain("a.example");
  }

  @Test
  void bounded_neverAboveTheByteBudget_bigDocumentsNotKept() {
    DocumentCache c = new DocumentCache();
    byte[] body = new byte[8 << 10];
    List<Header> h = List.of(HeaderValues.create(HeaderNames.CONTENT_TYPE, "text/plain"));
    for (int i = 0; i < 3 * DocumentCache.SLOTS; i++) {
      User u = User.builder().id("usr_" + i).name("u" + i).subscriptionToken("t" + i).build();
      DocumentCache.Key k = new DocumentCache.Key(u.id(), Format.LINKS, false, null);
      c.put(k, f.view(), u, SubFixture.T0, new DocumentCache.Doc(h, body, "\"e\""));
      assertThat(c.bytes()).isLessThanOrEqualTo(DocumentCache.MAX_BYTES);
    }
    assertThat(c.bytes()).isGreaterThan(DocumentCache.MAX_BYTES / 2);
    User big = User.builder().id("usr_big").name("big").subscriptionToken("tb").build();
    DocumentCache.Key k = new DocumentCache.Key(big.id(), Format.LINKS, false, null);
    c.clear();
    c.put(
        k,
        f.view(),
        big,
        SubFixture.T0,
        new DocumentCache.Doc(h, new byte[DocumentCache.MAX_DOCUMENT + 1], "\"e\""));
    assertThat(c.get(k, f.view(), big, SubFixture.T0)).isNull();
    assertThat(c.bytes()).isZero();
  }

  private static UserCredentials creds(String uuid) {
    return new UserCredentials(
        uuid, uuid, "pw-" + uuid.substring(0, 8), Base64.getEncoder().encodeToString(new byte[32]));
  }
}
