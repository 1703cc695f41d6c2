package io.raftray.model;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The addresses users are given for subscriptions, and the one rule for such an address. In order
 * of precedence: the node's own {@code public_base_url} (node.json), then the cluster's {@code
 * public_base_urls} (settings), then the older single {@code public_url} (subscription settings),
 * then the node's {@code api_base_url}. The first address is the one {@code subscription_url} uses;
 * the others are alternatives (another CDN host, a mirror) shown beside it.
 */
public final class PublicBases {
  /** The longest address. */
  public static final int MAX_LENGTH = 512;

  /** At most this many cluster-wide addresses. */
  public static final int MAX_COUNT = 8;

  /** What a valid address is, for error messages. */
  public static final String RULE =
      "must be an https:// URL with a host (and optional port and path), without user info,"
          + " query or fragment, at most "
          + MAX_LENGTH
          + " characters";

  private PublicBases() {}

  /**
   * The addresses in order, each without a trailing {@code /}, without duplicates; never empty.
   *
   * @param nodeOverride this node's {@code public_base_url}, or null
   * @param apiBaseUrl this node's {@code api_base_url}, the last resort
   */
  public static List<String> of(
      ClusterSettings cluster, SubscriptionSettings sub, String nodeOverride, String apiBaseUrl) {
    List<String> out = new ArrayList<>(1 + cluster.effectivePublicBaseUrls().size());
    if (nodeOverride != null) {
      add(out, nodeOverride);
    }
    cluster.effectivePublicBaseUrls().forEach(u -> add(out, u));
    if (out.isEmpty() && sub.publicUrl() != null) {
      add(out, sub.publicUrl());
    }
    if (out.isEmpty()) {
      add(out, apiBaseUrl);
    }
    return List.copyOf(out);
  }

  /** The subscription URL of {@code token} under {@code base}. */
  public static String url(String base, String token) {
    return trim(base) + "/sub/" + token;
  }

  /** The URL of {@code token} under each of {@code bases}. */
  public static List<String> urls(List<String> bases, String token) {
    return bases.stream().map(b -> url(b, token)).toList();
  }

  /** Why {@code url} is not a valid public address, or empty when it is. */
  public static Optional<String> problem(String url) {
    if (url == null || url.length() > MAX_LENGTH) {
      return Optional.of(RULE);
    }
    URI u;
    try {
      u = new URI(url);
    } catch (URISyntaxException e) {
      return Optional.of(RULE);
    }
    if (!"https".equalsIgnoreCase(u.getScheme())
        || u.getHost() == null
        || u.getHost().isEmpty()
        || u.getRawUserInfo() != null
        || u.getRawQuery() != null
        || u.getRawFragment() != null
        || u.isOpaque()) {
      return Optional.of(RULE);
    }
    return Optional.empty();
  }

  /** {@code url} without trailing slashes. */
  public static String trim(String url) {
    String s = url;
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    return s;
  }

  private static void add(List<String> out, String url) {
    String t = trim(url);
    if (!out.contains(t)) {
      out.add(t);
    }
  }
}
