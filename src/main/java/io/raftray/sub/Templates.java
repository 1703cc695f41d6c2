package io.raftray.sub;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The title and remark templates: text with {@code {placeholder}} names, nothing else special. An
 * unknown placeholder is refused when the template is set, so rendering never meets one.
 */
public final class Templates {
  /** Placeholders of {@code remark_template}. */
  public static final Set<String> REMARK =
      Set.of("node", "protocol", "transport", "security", "port", "tag", "user");

  /** Placeholders of {@code title_template}. */
  public static final Set<String> TITLE = Set.of("user", "status", "expire", "data_limit");

  public static final int MAX_LENGTH = 200;

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]*)}");

  private Templates() {}

  /** Why {@code template} is not acceptable with {@code allowed} placeholders, or empty. */
  public static Optional<String> check(String template, Set<String> allowed) {
    if (template.isBlank() || template.length() > MAX_LENGTH) {
      return Optional.of("must be 1-" + MAX_LENGTH + " characters, not only spaces");
    }
    Matcher m = PLACEHOLDER.matcher(template);
    while (m.find()) {
      if (!allowed.contains(m.group(1))) {
        return Optional.of(
            "unknown placeholder {"
                + bounded(m.group(1))
                + "}; known: "
                + String.join(", ", allowed.stream().sorted().map(p -> "{" + p + "}").toList()));
      }
    }
    return Optional.empty();
  }

  /**
   * {@code template} with each placeholder replaced by its value (unknown ones stay as they are).
   */
  static String render(String template, Map<String, String> values) {
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder out = new StringBuilder(template.length() + 32);
    while (m.find()) {
      String v = values.get(m.group(1));
      m.appendReplacement(out, Matcher.quoteReplacement(v == null ? m.group() : v));
    }
    m.appendTail(out);
    return out.toString().strip();
  }

  private static String bounded(String s) {
    return s.length() > 32 ? s.substring(0, 32) + "..." : s;
  }
}
