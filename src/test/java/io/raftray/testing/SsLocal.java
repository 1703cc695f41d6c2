package io.raftray.testing;

import io.raftray.model.Protocol;
import java.util.List;
import java.util.Set;

/**
 * The {@code ss-local} (shadowsocks-libev) command line for an {@code ss://} link: a SOCKS5 proxy
 * on {@code 127.0.0.1:localPort} to the link's server. shadowsocks-libev 3.3 has the AEAD methods
 * only, so Shadowsocks 2022 links are refused.
 */
public final class SsLocal {
  public static final String BINARY = "/usr/bin/ss-local";
  static final Set<String> METHODS = Set.of("aes-128-gcm", "aes-256-gcm", "chacha20-ietf-poly1305");

  private SsLocal() {}

  /** Parses {@code link} strictly ({@link ShareLinkParser}) and builds the command. */
  public static List<String> command(String link, int localPort) {
    return command(ShareLinkParser.parse(link), localPort);
  }

  /**
   * {@code ss-local -s HOST -p PORT -b 127.0.0.1 -l LOCAL -m METHOD -k PASSWORD -t 60}. The
   * password is on the command line: fine for test credentials, visible in the process list.
   *
   * @throws IllegalArgumentException for a non-Shadowsocks proxy or a method ss-local lacks
   */
  public static List<String> command(ProxySpec p, int localPort) {
    if (p.protocol() != Protocol.SHADOWSOCKS) {
      throw new IllegalArgumentException(
          "ss-local runs shadowsocks links only, not " + p.protocol());
    }
    if (!METHODS.contains(p.method())) {
      throw new IllegalArgumentException("ss-local (shadowsocks-libev 3.3) lacks " + p.method());
    }
    return List.of(
        BINARY,
        "-s",
        p.address(),
        "-p",
        Integer.toString(p.port()),
        "-b",
        "127.0.0.1",
        "-l",
        Integer.toString(localPort),
        "-m",
        p.method(),
        "-k",
        p.secret(),
        "-t",
        "60");
  }
}
