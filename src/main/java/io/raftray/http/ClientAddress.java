package io.raftray.http;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.raftray.config.TrustedProxies;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;

/**
 * The client address of a request as far as rate limits are concerned: the TCP peer, or, when the
 * peer is a configured trusted proxy ({@link TrustedProxies}), the nearest address in the proxy
 * header that is not itself a trusted proxy. A header from anyone else is ignored.
 *
 * <p>{@link #limitKey} groups IPv6 clients by their /64: one host usually holds a whole /64, so
 * limiting single IPv6 addresses would let it rotate through 2^64 of them.
 */
@NullMarked
public final class ClientAddress {
  private static final Pattern V4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern V6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
  private static final int MAX_ENTRIES = 32;

  private ClientAddress() {}

  /** The client address of {@code req}; null only when the peer is not an IP socket. */
  public static @Nullable InetAddress of(ServerRequest req, TrustedProxies proxies) {
    SocketAddress a = req.remotePeer().address();
    if (!(a instanceof InetSocketAddress i) || i.getAddress() == null) {
      return null;
    }
    InetAddress peer = i.getAddress();
    if (!proxies.trusts(peer)) {
      return peer;
    }
    return fromHeader(peer, req.headers().values(HeaderNames.create(proxies.header())), proxies);
  }

  /**
   * The client a chain of proxies reports: walking the header's entries from the right (nearest
   * proxy) while they are trusted proxies; the first other entry is the client. An entry that is
   * not an IP literal ends the walk at the hop that added it.
   */
  static InetAddress fromHeader(InetAddress peer, List<String> values, TrustedProxies proxies) {
    List<String> entries = new ArrayList<>();
    for (String v : values) {
      entries.addAll(Arrays.asList(v.split(",")));
    }
    InetAddress current = peer;
    for (int k = entries.size() - 1, seen = 0; k >= 0 && seen < MAX_ENTRIES; k--, seen++) {
      InetAddress next = literal(entries.get(k).trim());
      if (next == null) {
        return current;
      }
      current = next;
      if (!proxies.trusts(next)) {
        return next;
      }
    }
    return current;
  }

  /**
   * The rate-limit key: the IPv4 address, or the /64 of an IPv6 one ({@code 2001:db8:1:2::/64}).
   */
  public static String limitKey(@Nullable InetAddress a) {
    if (a == null) {
      return "?";
    }
    if (a instanceof Inet6Address) {
      byte[] b = a.getAddress();
      Arrays.fill(b, 8, 16, (byte) 0);
      try {
        return InetAddress.getByAddress(b).getHostAddress() + "/64";
      } catch (UnknownHostException e) {
        throw new IllegalStateException("16 bytes are an IPv6 address", e);
      }
    }
    return a.getHostAddress();
  }

  /**
   * An IP literal ({@code 1.2.3.4}, {@code ::1}, {@code [::1]}); null otherwise (never resolves).
   */
  private static @Nullable InetAddress literal(String s) {
    String t = s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
    boolean v4 = V4.matcher(t).matches();
    if (!v4 && !V6.matcher(t).matches()) {
      return null;
    }
    if (v4 && Arrays.stream(t.split("\\.")).anyMatch(o -> Integer.parseInt(o) > 255)) {
      return null;
    }
    try {
      return InetAddress.getByName(t);
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
