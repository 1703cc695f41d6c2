package io.raftray.config;

import org.jspecify.annotations.NullMarked;

/** A {@code HOST:PORT} or {@code [V6]:PORT} listen address. */
@NullMarked
public record HostPort(String host, int port) {

  public static HostPort parse(String s) {
    if (s == null || s.isBlank()) {
      throw new IllegalArgumentException("expected HOST:PORT");
    }
    String host;
    String port;
    if (s.startsWith("[")) {
      int end = s.indexOf("]:");
      if (end < 0) {
        throw new IllegalArgumentException("expected [IPv6]:PORT, got '" + s + "'");
      }
      host = s.substring(1, end);
      port = s.substring(end + 2);
    } else {
      int colon = s.lastIndexOf(':');
      if (colon <= 0 || s.indexOf(':') != colon) {
        throw new IllegalArgumentException("expected HOST:PORT, got '" + s + "'");
      }
      host = s.substring(0, colon);
      port = s.substring(colon + 1);
    }
    int p;
    try {
      p = Integer.parseInt(port);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("port '" + port + "' is not a number");
    }
    if (p < 0 || p > 65535) {
      throw new IllegalArgumentException("port " + p + " is out of range 0-65535");
    }
    return new HostPort(host, p);
  }
}
