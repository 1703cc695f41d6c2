package io.raftray.telegram;

import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * Cluster events as short plain-text messages for people: a headline from the event type and the
 * subject, then the few facts that matter for that kind. Unknown types still read well (type and
 * subject), so a newer event never breaks the bot.
 */
public final class TelegramText {
  private TelegramText() {}

  /** The message for one event of {@code type} with its {@code data}, made at {@code at}. */
  public static String event(String type, Map<String, ?> data, Instant at) {
    StringBuilder b = new StringBuilder(headline(type, data));
    line(b, "status", statusChange(data));
    if (type.startsWith("user.")) {
      line(b, "traffic", traffic(data));
      line(b, "expires", text(data.get("expire_at")));
    }
    line(b, "detail", text(data.get("detail")));
    line(b, "node", type.startsWith("user.") ? null : text(data.get("api_base_url")));
    b.append("\n").append(at);
    return b.toString();
  }

  private static String headline(String type, Map<String, ?> data) {
    String user = text(data.get("username"));
    String node = text(data.get("node_name"));
    return switch (type) {
      case "user.created" -> "New user " + user;
      case "user.updated" -> "User " + user + " changed";
      case "user.deleted" -> "User " + user + " deleted";
      case "user.enabled" -> "User " + user + " enabled";
      case "user.disabled" -> "User " + user + " disabled";
      case "user.limited" -> "User " + user + " reached the data limit";
      case "user.expired" -> "User " + user + " expired";
      case "user.reset" -> "Usage of " + user + " reset";
      case "user.rotated" -> "Links of " + user + " rotated";
      case "user.expiring" -> "User " + user + " expires soon";
      case "user.limit_near" ->
          "User " + user + " used " + text(data.get("percent")) + "% of the data limit";
      case "node.down" -> "Node " + node + " is DOWN";
      case "node.up" -> "Node " + node + " is up again";
      case "core.down" -> "Core on " + node + " is DOWN";
      case "core.up" -> "Core on " + node + " is up again";
      case "join_request.created" -> "Node " + node + " asks to join";
      case "certificate.expiring" ->
          "Certificate " + text(data.get("host")) + " on " + node + " expires soon";
      case "backup.failed" -> "Backup on " + node + " failed";
      default -> type + subject(user, node);
    };
  }

  private static String subject(String user, String node) {
    if (user != null) {
      return ": " + user;
    }
    return node != null ? ": " + node : "";
  }

  private static String statusChange(Map<String, ?> data) {
    String now = text(data.get("status"));
    String before = text(data.get("previous_status"));
    if (now == null) {
      return null;
    }
    return before == null ? now : before + " → " + now;
  }

  /** "1.5 GiB of 10 GiB", or only what is used when there is no limit. */
  static String traffic(Map<String, ?> data) {
    Object used = data.get("used_bytes");
    if (!(used instanceof Number u)) {
      return null;
    }
    Object limit = data.get("data_limit_bytes");
    long l = limit instanceof Number n ? n.longValue() : 0;
    return bytes(u.longValue()) + (l > 0 ? " of " + bytes(l) : " (no limit)");
  }

  /** Binary units with one decimal: 0 B, 512 B, 1.5 KiB, 10.0 GiB. */
  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double v = n;
    int i = -1;
    while (v >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[i]);
  }

  private static void line(StringBuilder b, String label, String value) {
    if (value != null && !value.isEmpty()) {
      b.append('\n').append(label).append(": ").append(value);
    }
  }

  private static String text(Object o) {
    return o == null ? null : String.valueOf(o);
  }
}
