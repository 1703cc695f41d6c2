package io.raftray.sub;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftray.model.Protocol;
import io.raftray.model.User;
import io.raftray.model.UserStatus;
import io.raftray.state.Command;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Device (HWID) limits and fetch activity on {@code /sub/{token}} over a real listener: the
 * placeholder beyond the limit, known devices, pending devices before their batch, required {@code
 * x-hwid}, and one batch per interval.
 */
@Timeout(60)
class SubscriptionDevicesTest {
  static final String TOKEN = "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC";

  /** What only a real proxy of alice's has: the node's access host and the endpoint's port. */
  static final String REAL = "@a.example:443";

  SubFixture f;
  User alice;

  @BeforeEach
  void start() {
    f = new SubFixture();
    alice = f.user("alice", UserStatus.ACTIVE, 0, 0, 0, null, TOKEN);
    f.grant(alice.id(), f.endpoint("node_a", "vless-a", Protocol.VLESS, 443));
    f.submit(Command.UpdateUser.of(alice.id()).hwidDeviceLimit(2).build());
  }

  @AfterEach
  void stop() {
    f.close();
  }

  private SubFixture.Resp fetch(String hwid, String format) {
    return f.get(
        "/sub/" + TOKEN + "/" + format,
        "x-hwid",
        hwid,
        "x-device-os",
        "Android",
        "x-ver-os",
        "14",
        "x-device-model",
        "Pixel 8",
        "User-Agent",
        "Happ/3.1");
  }

  /** The decoded links (remarks URL-decoded too, so notices read as text). */
  private static String links(SubFixture.Resp r) {
    String doc = new String(Base64.getDecoder().decode(r.body().strip()), StandardCharsets.UTF_8);
    return URLDecoder.decode(doc.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  @Test
  void thirdDevice_getsAValidPlaceholder_inTheClientsFormat_knownOnesKeepWorking() {
    assertThat(links(fetch("dev-1", "base64"))).contains(REAL);
    assertThat(links(fetch("dev-2", "base64"))).contains(REAL);
    // Before the batch: pending on this node, counted all the same.
    SubFixture.Resp third = fetch("dev-3", "base64");
    assertThat(third.status()).isEqualTo(200);
    String doc = links(third);
    assertThat(doc).contains("Device limit reached (2 devices)").doesNotContain("a.example");
    assertThat(f.activity.flush()).isTrue();
    assertThat(f.view().devices(alice.id())).containsOnlyKeys("dev-1", "dev-2");
    assertThat(f.view().devices(alice.id()).get("dev-1").model()).isEqualTo("Pixel 8");
    // After it: the state answers. Known devices work; the third still gets the placeholder, in
    // every format (a valid Clash document, here).
    assertThat(links(fetch("dev-1", "base64"))).contains(REAL);
    SubFixture.Resp clash = fetch("dev-3", "clash");
    assertThat(clash.status()).isEqualTo(200);
    assertThat(clash.body()).contains("proxies:").contains("Device limit reached");
    assertThat(clash.body()).doesNotContain("a.example");
    // Deleting a device lets a new one in.
    f.submit(new Command.DeleteDevice(alice.id(), "dev-2"));
    assertThat(links(fetch("dev-3", "base64"))).contains(REAL);
    f.activity.flush();
    assertThat(f.view().devices(alice.id())).containsOnlyKeys("dev-1", "dev-3");
  }

  @Test
  void withoutHwid_servedUnlessTheClusterRequiresIt_thenAPlaceholder() {
    assertThat(links(f.get("/sub/" + TOKEN + "/base64"))).contains(REAL);
    f.submit(new Command.UpdateSettings(null, null, true, null));
    String doc = links(f.get("/sub/" + TOKEN + "/base64"));
    assertThat(doc).contains("HWID").doesNotContain("a.example");
    assertThat(links(fetch("dev-1", "base64"))).contains(REAL);
    assertThat(links(fetch("bad hwid", "base64"))).contains("Invalid device ID");
  }

  @Test
  void clusterDefault_appliesToUsersWithoutTheirOwnLimit() {
    f.submit(
        Command.UpdateUser.of(alice.id())
            .hwidDeviceLimit(Command.UpdateUser.DEFAULT_DEVICE_LIMIT)
            .build());
    f.submit(new Command.UpdateSettings(null, 1, null, null));
    assertThat(links(fetch("dev-1", "base64"))).contains(REAL);
    assertThat(links(fetch("dev-2", "base64"))).contains("Device limit reached (1 devices)");
  }

  @Test
  void fetches_areRecordedInOneBatch_withTheLastUserAgent() {
    f.clock.advance(Duration.ofSeconds(5));
    Instant at = f.clock.instant();
    f.get("/sub/" + TOKEN + "/base64", "User-Agent", "v2rayNG/1.8");
    f.get("/sub/" + TOKEN + "/base64", "User-Agent", "Happ/3.1");
    assertThat(f.view().users().get(alice.id()).subUpdatedAt()).isNull();
    long before = f.view().appliedIndex();
    assertThat(f.activity.flush()).isTrue();
    assertThat(f.view().appliedIndex()).isEqualTo(before + 1);
    User u = f.view().users().get(alice.id());
    assertThat(u.subUpdatedAt()).isEqualTo(at);
    assertThat(u.subLastUserAgent()).isEqualTo("Happ/3.1");
    // Nothing new: no entry.
    assertThat(f.activity.flush()).isFalse();
    assertThat(f.view().appliedIndex()).isEqualTo(before + 1);
  }
}
