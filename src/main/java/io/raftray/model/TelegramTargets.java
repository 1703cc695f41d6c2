package io.raftray.model;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * Telegram as a webhook receiver (docs/webhooks.md, "Telegram"): a webhook whose {@code url} is
 * {@code telegram:<chat id>[,<chat id>...]} sends its events as readable messages to those chats,
 * with the webhook's {@code secret} as the bot token, and answers the admins' read-only commands
 * from the same chats. Decision: a kind of webhook rather than separate settings, so Telegram gets
 * the same replicated outbox, order, retries, event filter (the per-event opt-in) and delivery log.
 */
public final class TelegramTargets {
  public static final String SCHEME = "telegram:";
  public static final int MAX_CHATS = 10;

  private TelegramTargets() {}

  public static boolean isTelegram(String url) {
    return url != null && url.startsWith(SCHEME);
  }

  /** What is wrong with a {@code telegram:} url, or empty when it names 1-10 chat ids. */
  public static Optional<String> problem(String url) {
    String rest = url.substring(SCHEME.length());
    if (rest.isEmpty()) {
      return Optional.of("must name at least one chat id: telegram:<chat id>[,<chat id>...]");
    }
    String[] parts = rest.split(",", -1);
    if (parts.length > MAX_CHATS) {
      return Optional.of("must name at most " + MAX_CHATS + " chat ids");
    }
    LinkedHashSet<Long> seen = new LinkedHashSet<>();
    for (String p : parts) {
      if (!p.matches("-?[1-9][0-9]{0,18}")) {
        return Optional.of("chat ids must be integers (groups are negative): '" + clip(p) + "'");
      }
      try {
        if (!seen.add(Long.parseLong(p))) {
          return Optional.of("names chat id " + p + " twice");
        }
      } catch (NumberFormatException e) {
        return Optional.of("chat id out of range: '" + clip(p) + "'");
      }
    }
    return Optional.empty();
  }

  /** The chat ids of a valid {@code telegram:} url. */
  public static List<Long> chatIds(String url) {
    List<Long> out = new ArrayList<>();
    for (String p : url.substring(SCHEME.length()).split(",")) {
      out.add(Long.parseLong(p));
    }
    return out;
  }

  private static String clip(String s) {
    return s.length() <= 24 ? s : s.substring(0, 24) + "...";
  }
}
