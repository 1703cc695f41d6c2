package io.raftray.sub;

import java.util.List;

/**
 * What a renderer turns into a document. {@code notice} is non-null when the user has no working
 * proxies (disabled, limited, expired, nothing granted): the document is then still valid for the
 * client and says why, instead of being empty.
 */
public record Subscription(String title, List<ProxyEntry> proxies, String notice) {
  public Subscription {
    proxies = List.copyOf(proxies);
  }
}
