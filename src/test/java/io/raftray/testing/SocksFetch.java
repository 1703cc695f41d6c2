package io.raftray.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * One HTTP/1.0 GET through a SOCKS5 proxy on 127.0.0.1, on a fresh TCP connection each time (no
 * pooling, so a refused user shows up at once). Any failure — proxy refused, connection closed
 * before a full response, a status other than 200, a body shorter than Content-Length, no data for
 * {@code timeout} — is an {@link IOException}.
 */
public final class SocksFetch {
  private SocksFetch() {}

  /** The body of {@code GET url} (an http URL with an IP literal host) via the SOCKS port. */
  public static byte[] get(int socksPort, URI url, Duration timeout) throws IOException {
    Proxy proxy = new Proxy(Proxy.Type.SOCKS, new InetSocketAddress("127.0.0.1", socksPort));
    int millis = (int) timeout.toMillis();
    try (Socket s = new Socket(proxy)) {
      s.setSoTimeout(millis);
      s.connect(new InetSocketAddress(url.getHost(), url.getPort()), millis);
      OutputStream out = s.getOutputStream();
      String request =
          "GET "
              + url.getRawPath()
              + " HTTP/1.0\r\nHost: "
              + url.getHost()
              + ":"
              + url.getPort()
              + "\r\nConnection: close\r\n\r\n";
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      String status = line(in);
      if (!status.matches("HTTP/1\\.[01] 200 .*")) {
        throw new IOException("unexpected status line: " + status);
      }
      long length = -1;
      for (String h = line(in); !h.isEmpty(); h = line(in)) {
        if (h.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
          length = Long.parseLong(h.substring(h.indexOf(':') + 1).trim());
        }
      }
      byte[] body = in.readAllBytes();
      if (length >= 0 && body.length != length) {
        throw new IOException("body of " + body.length + " bytes, expected " + length);
      }
      return body;
    }
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new IOException("connection closed before the response headers ended");
      }
      if (c != '\r') {
        b.write(c);
      }
      if (b.size() > 8192) {
        throw new IOException("response header line too long");
      }
    }
    return b.toString(StandardCharsets.US_ASCII);
  }
}
