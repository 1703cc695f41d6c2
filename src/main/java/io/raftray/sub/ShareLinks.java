package io.raftray.sub;

/** Share links ({@code vless://}, {@code vmess://}, {@code trojan://}, {@code ss://}). */
public final class ShareLinks {
  private ShareLinks() {}

  /** The share link of one proxy, with its remark as the fragment. */
  public static String link(ProxyEntry proxy) {
    throw new UnsupportedOperationException("not yet written");
  }
}
