package io.raftray.sub;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.decoder.Decoder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The SVG path is read back into modules and decoded by ZXing's QR decoder. */
@Timeout(20)
class QrSvgTest {
  private static final Pattern VIEWBOX = Pattern.compile("viewBox=\"0 0 (\\d+) (\\d+)\"");
  private static final Pattern RUN = Pattern.compile("M(\\d+) (\\d+)h(\\d+)v1h-(\\d+)z");

  @Test
  void svg_decodesToTheText() throws Exception {
    String url = "https://node-a.example:8443/sub/AbCdEfGhIjKlMnOpQrStUvWxYz012345";
    String link =
        "vless://11111111-2222-4333-8444-555555555555@a.example:443?encryption=none&security=reality"
            + "&type=tcp&sni=www.example.com&fp=chrome&pbk=abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
            + "&sid=6ba85179e30d4fc2#%D0%A1%D0%B5%D1%80%D0%B2%D0%B5%D1%80%201";

    assertThat(decode(QrSvg.svg(url, "u").orElseThrow())).isEqualTo(url);
    assertThat(decode(QrSvg.svg(link, "l").orElseThrow())).isEqualTo(link);
  }

  @Test
  void svg_escapesLabel_noStyleAttributes() {
    String svg = QrSvg.svg("x", "a\"<b>").orElseThrow();

    assertThat(svg).contains("aria-label=\"a&quot;&lt;b&gt;\"").doesNotContain("style=");
  }

  @Test
  void tooLong_empty() {
    assertThat(QrSvg.svg("x".repeat(5000), "big")).isEmpty();
  }

  private static String decode(String svg) throws Exception {
    Matcher vb = VIEWBOX.matcher(svg);
    assertThat(vb.find()).isTrue();
    int size = Integer.parseInt(vb.group(1));
    int modules = size - 2 * QrSvg.QUIET;
    BitMatrix bits = new BitMatrix(modules);
    Matcher m = RUN.matcher(svg);
    int runs = 0;
    while (m.find()) {
      assertThat(m.group(3)).isEqualTo(m.group(4));
      int x = Integer.parseInt(m.group(1)) - QrSvg.QUIET;
      int y = Integer.parseInt(m.group(2)) - QrSvg.QUIET;
      bits.setRegion(x, y, Integer.parseInt(m.group(3)), 1);
      runs++;
    }
    assertThat(runs).isPositive();
    return new Decoder().decode(bits).getText();
  }
}
