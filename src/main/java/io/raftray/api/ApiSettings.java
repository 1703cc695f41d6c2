package io.raftray.api;

import io.raftray.config.TrustedProxies;
import io.raftray.model.PublicBases;
import io.raftray.state.State;
import java.time.Duration;
import java.util.List;
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
 * @param publicBaseUrl this node's own public address for subscription URLs ({@code
 *     public_base_url} in node.json), or null: see {@link PublicBases}
 */
public record ApiSettings(
    String localNodeId,
    String apiBaseUrl,
    long maxBodyBytes,
    int authFailureLimit,
    Duration authFailureWindow,
    TrustedProxies trustedProxies,
    String publicBaseUrl) {

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
        TrustedProxies.none(),
        null);
  }

  /** The same settings with these trusted proxies. */
  public ApiSettings withTrustedProxies(TrustedProxies proxies) {
    return new ApiSettings(
        localNodeId,
        apiBaseUrl,
        maxBodyBytes,
        authFailureLimit,
        authFailureWindow,
        proxies,
        publicBaseUrl);
  }

  /** The same settings with this node's own public address (null: none). */
  public ApiSettings withPublicBaseUrl(String url) {
    return new ApiSettings(
        localNodeId,
        apiBaseUrl,
        maxBodyBytes,
        authFailureLimit,
        authFailureWindow,
        trustedProxies,
        url);
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

  /** The addresses users are given on this node, first the one {@code subscription_url} uses. */
  List<String> publicBases(State s) {
    return PublicBases.of(s.settings(), s.subscriptionSettings(), publicBaseUrl, apiBaseUrl);
  }

  /** The subscription URL of {@code token}: under the first of {@link #publicBases}. */
  String subscriptionUrl(State s, String token) {
    return PublicBases.url(publicBases(s).get(0), token);
  }
}
