package io.raftray.model;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/**
 * Webhook receiver addresses. Decision: {@code https} anywhere; plain {@code http} only to a
 * loopback host ({@code localhost}, {@code 127.0.0.0/8}, {@code [::1]}), for a receiver on the same
 * host or a local relay, since the body carries user names and the signature alone does not hide
 * them. No user info (it would be a second, unredacted secret), no fragment. A {@code
 * telegram:<chat ids>} url sends to Telegram chats instead ({@link TelegramTargets}).
 */
public final class WebhookUrls {
  public static final int MAX_LENGTH = 2048;

  private WebhookUrls() {}

  /** What is wrong with {@code url}, or empty when it is a usable receiver address. */
  public static Optional<String> problem(String url) {
    if (url == null || url.isBlank()) {
      return Optional.of("must be an https url");
    }
    if (url.length() > MAX_LENGTH) {
      return Optional.of("must be at most " + MAX_LENGTH + " characters");
    }
    if (TelegramTargets.isTelegram(url)) {
      return TelegramTargets.problem(url);
    }
    URI u;
    try {
      u = new URI(url);
    } catch (URISyntaxException e) {
      return Optional.of("is not a valid url");
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if (u.getHost() == null || u.getHost().isEmpty()) {
      return Optional.of("needs a host");
    }
    if (u.getRawUserInfo() != null) {
      return Optional.of("must not carry a user name or password");
    }
    if (u.getRawFragment() != null) {
      return Optional.of("must not have a fragment");
    }
    if (scheme.equals("https")) {
      return Optional.empty();
    }
    if (scheme.equals("http")) {
      return loopback(u.getHost())
          ? Optional.empty()
          : Optional.of("must be https (plain http only to a loopback host)");
    }
    return Optional.of("must be an https url");
  }

  /** Only literal loopback addresses and {@code localhost}: no name is looked up. */
  static boolean loopback(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.equals("localhost")) {
      return true;
    }
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (!h.matches("[0-9.]+") && !h.contains(":")) {
      return false;
    }
    try {
      // A literal (checked above), so getByName parses it and looks nothing up.
      return InetAddress.getByName(h).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  /** {@code url} without its query (which may carry a receiver's token), for audit and logs. */
  public static String redacted(String url) {
    if (TelegramTargets.isTelegram(url)) {
      return url; // chat ids only: the bot token is the secret
    }
    try {
      URI u = new URI(url);
      return u.getScheme()
          + "://"
          + u.getRawAuthority()
          + (u.getRawPath() == null ? "" : u.getRawPath());
    } catch (URISyntaxException | RuntimeException e) {
      return "(invalid url)";
    }
  }
}
