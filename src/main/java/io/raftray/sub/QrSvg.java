package io.raftray.sub;

import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import com.google.zxing.qrcode.encoder.ByteMatrix;
import com.google.zxing.qrcode.encoder.Encoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * QR codes as compact inline SVG: ZXing computes the module matrix, each row's runs of dark modules
 * become one {@code h/v} path segment. No external resources, no style attributes (the page's CSP
 * allows none), a 4-module quiet zone. Public for the admin API's {@code
 * /users/{id}/subscription-qr}, which draws the same code for the console.
 */
public final class QrSvg {
  static final int QUIET = 4;

  private QrSvg() {}

  /** The module matrix ({@code true} = dark), or empty when the text is too long for a QR code. */
  static Optional<boolean[][]> matrix(String text) {
    try {
      ByteMatrix m =
          Encoder.encode(
                  text,
                  ErrorCorrectionLevel.M,
                  Map.of(EncodeHintType.CHARACTER_SET, StandardCharsets.UTF_8.name()))
              .getMatrix();
      boolean[][] out = new boolean[m.getHeight()][m.getWidth()];
      for (int y = 0; y < m.getHeight(); y++) {
        for (int x = 0; x < m.getWidth(); x++) {
          out[y][x] = m.get(x, y) == 1;
        }
      }
      return Optional.of(out);
    } catch (WriterException e) {
      return Optional.empty();
    }
  }

  /** An {@code <svg>} element for {@code text}, or empty when it does not fit in a QR code. */
  public static Optional<String> svg(String text, String label) {
    return matrix(text).map(m -> svg(m, label));
  }

  static String svg(boolean[][] m, String label) {
    int size = m.length + 2 * QUIET;
    StringBuilder d = new StringBuilder(m.length * m.length);
    for (int y = 0; y < m.length; y++) {
      int x = 0;
      while (x < m[y].length) {
        if (!m[y][x]) {
          x++;
          continue;
        }
        int start = x;
        while (x < m[y].length && m[y][x]) {
          x++;
        }
        int run = x - start;
        d.append('M')
            .append(start + QUIET)
            .append(' ')
            .append(y + QUIET)
            .append('h')
            .append(run)
            .append("v1h-")
            .append(run)
            .append('z');
      }
    }
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"qr\" viewBox=\"0 0 "
        + size
        + " "
        + size
        + "\" shape-rendering=\"crispEdges\" role=\"img\" aria-label=\""
        + Html.escape(label)
        + "\"><rect width=\""
        + size
        + "\" height=\""
        + size
        + "\" fill=\"#fff\"/><path fill=\"#000\" d=\""
        + d
        + "\"/></svg>";
  }
}
