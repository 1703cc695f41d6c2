package io.raftray.api;

import io.raftray.config.TrustedProxies;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the admin API on one node.
 *
 * @param localNodeId id of the node serving the API (default node for new endpoints)
 * @param apiBaseUrl this node's public base URL; subscription URLs are {@code <apiBaseUrl>/sub/<t>}
 * @param maxBodyBytes largest accepted request body; larger bodies get 413
 * @param authFailureLimit failed authentications allowed per source address and window
 * @param authFailureWindow length of the rate limit window
 * @param trustedProxies proxies whose client-address header is believed (none by default)
 */
public record ApiSettings(
    String localNodeId,
    String apiBaseUrl,
    long maxBodyBytes,
    int authFailureLimit,
    Duration authFailureWindow,
    TrustedProxies trustedProxies) {

  public static final long DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
  public static final int DEFAULT_AUTH_FAILURE_LIMIT = 10;
  public static final Duration DEFAULT_AUTH_FAILURE_WINDOW = Duration.ofMinutes(1);

  public ApiSettings {
    Objects.requireNonNull(localNodeId, "localNodeId");
    Objects.requireNonNull(apiBaseUrl, "apiBaseUrl");
    Objects.requireNonNull(authFailureWindow, "authFailureWindow");
    Objects.requireNonNull(trustedProxies, "trustedProxies");
    while (apiBaseUrl.endsWith("/")) {
      apiBaseUrl = apiBaseUrl.substring(0, apiBaseUrl.length() - 1);
    }
    if (maxBodyBytes < 1024 || authFailureLimit < 1 || authFailureWindow.toMillis() < 1000) {
      throw new IllegalArgumentException(
          "api settings out of range: body limit >= 1 KiB, failure limit >= 1, window >= 1 s");
    }
  }

  /** Without trusted proxies. */
  public ApiSettings(
      String localNodeId,
      String apiBaseUrl,
      long maxBodyBytes,
      int authFailureLimit,
      Duration authFailureWindow) {
    this(
        localNodeId,
        apiBaseUrl,
        maxBodyBytes,
        authFailureLimit,
        authFailureWindow,
        TrustedProxies.none());
  }

  /** The same settings with these trusted proxies. */
  public ApiSettings withTrustedProxies(TrustedProxies proxies) {
    return new ApiSettings(
        localNodeId, apiBaseUrl, maxBodyBytes, authFailureLimit, authFailureWindow, proxies);
  }

  /** Defaults: 1 MiB bodies, 10 failed authentications per address per minute. */
  public static ApiSettings of(String localNodeId, String apiBaseUrl) {
    return new ApiSettings(
        localNodeId,
        apiBaseUrl,
        DEFAULT_MAX_BODY_BYTES,
        DEFAULT_AUTH_FAILURE_LIMIT,
        DEFAULT_AUTH_FAILURE_WINDOW);
  }

  /** The subscription URL of {@code token}: under the cluster's public URL when one is set. */
  String subscriptionUrl(io.raftray.state.State s, String token) {
    return s.subscriptionSettings().subscriptionUrl(apiBaseUrl, token);
  }
}
