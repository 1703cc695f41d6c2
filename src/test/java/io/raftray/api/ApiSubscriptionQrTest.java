package io.raftray.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.decoder.Decoder;
import io.raftray.api.ApiFixture.Resp;
import io.raftray.model.Role;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code GET /users/{id}/subscription-qr}: the subscription address as an SVG QR code. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ApiSubscriptionQrTest {
  /** The quiet zone of the SVG (four modules, as on the end user's page). */
  private static final int QUIET = 4;

  private static final Pattern VIEWBOX = Pattern.compile("viewBox=\"0 0 (\\d+) (\\d+)\"");
  private static final Pattern RUN = Pattern.compile("M(\\d+) (\\d+)h(\\d+)v1h-(\\d+)z");
  private ApiFixture f;

  @BeforeEach
  void start() {
    f = ApiFixture.start();
  }

  @AfterEach
  void stop() {
    f.close();
  }

  @Test
  void qr_svgDecodesToTheSubscriptionUrl_andFollowsARotation() throws Exception {
    String id = f.post("/api/v1/users", "{\"name\":\"alice\"}").json().get("id").asText();
    String url = f.get("/api/v1/users/" + id).json().get("subscription_url").asText();

    Resp r = f.get("/api/v1/users/" + id + "/subscription-qr");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Type")).isEqualTo("image/svg+xml");
    assertThat(r.header("Cache-Control")).isEqualTo("no-store");
    assertThat(r.header("Content-Security-Policy")).contains("default-src 'none'");
    assertThat(r.body()).startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\"").contains("alice");
    assertThat(decode(r.body())).isEqualTo(url);

    String rotated =
        f.post("/api/v1/users/" + id + "/rotate-subscription", null)
            .json()
            .get("subscription_url")
            .asText();
    assertThat(rotated).isNotEqualTo(url);
    assertThat(decode(f.get("/api/v1/users/" + id + "/subscription-qr").body())).isEqualTo(rotated);
  }

  @Test
  void qr_unknownUser_404Problem() {
    Resp r = f.get("/api/v1/users/usr_nobody/subscription-qr");
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(r.json().get("detail").asText()).contains("usr_nobody");
  }

  @Test
  void qr_viewer_403_likeTheHiddenSubscriptionUrl() {
    String id = f.post("/api/v1/users", "{\"name\":\"alice\"}").json().get("id").asText();
    String viewer = f.token(Role.VIEWER);
    Resp r = f.send("GET", "/api/v1/users/" + id + "/subscription-qr", viewer, null);
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(r.body()).doesNotContain("/sub/");
    String admin = f.token(Role.ADMIN);
    assertThat(f.send("GET", "/api/v1/users/" + id + "/subscription-qr", admin, null).status())
        .isEqualTo(200);
  }

  @Test
  void qr_queryParameters_checkedLikeEveryRead() {
    String id = f.post("/api/v1/users", "{\"name\":\"alice\"}").json().get("id").asText();
    Resp r = f.get("/api/v1/users/" + id + "/subscription-qr?size=9");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("errors").get(0).get("field").asText()).isEqualTo("size");
  }

  /** Reads the SVG's runs back into modules and decodes them with ZXing's QR decoder. */
  private static String decode(String svg) throws Exception {
    Matcher vb = VIEWBOX.matcher(svg);
    assertThat(vb.find()).isTrue();
    BitMatrix bits = new BitMatrix(Integer.parseInt(vb.group(1)) - 2 * QUIET);
    Matcher m = RUN.matcher(svg);
    while (m.find()) {
      bits.setRegion(
          Integer.parseInt(m.group(1)) - QUIET,
          Integer.parseInt(m.group(2)) - QUIET,
          Integer.parseInt(m.group(3)),
          1);
    }
    return new Decoder().decode(bits).getText();
  }
}
