package io.raftray.sub;

import io.raftray.model.SubscriptionSettings;
import io.raftray.model.SubscriptionSettings.UaRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Chooses a document format from the User-Agent (and Accept) headers: the first matching rule wins,
 * no match means base64. The built-in rules apply while the admin has not set any.
 */
public final class UaRules {
  /** Longest pattern an admin may set; patterns are compiled when they are validated. */
  public static final int MAX_PATTERN_LENGTH = 256;

  /** Most rules an admin may set. */
  public static final int MAX_RULES = 64;

  /**
   * Header values are cut to this many characters before matching, which bounds the work of any
   * pattern on hostile input.
   */
  static final int MAX_HEADER_LENGTH = 512;

  /**
   * The built-in rules. Order matters: browsers first (only when they ask for HTML), then sing-box
   * clients (Hiddify's UA also says "ClashMeta"), then Clash clients by prefix (NekoBox's UA says
   * "Prefer ClashMeta Format" but it reads links), then the link clients.
   */
  public static final List<UaRule> BUILT_IN =
      List.of(
          new UaRule("^Mozilla/", "html", "text/html"),
          new UaRule("(?i)^(hiddify|sf[aimt]/|sing-?box|karing)", "singbox", null),
          new UaRule("(?i)^(clash|mihomo|stash|flclash|koala-clash)", "clash", null),
          new UaRule("(?i)^(v2rayn|shadowrocket|nekobox|nekoray|streisand|v2box)", "base64", null));

  private record Compiled(Pattern ua, Pattern accept, Format format) {}

  private final List<Compiled> rules;

  /** Decisions by User-Agent and Accept; cleared when {@link #MAX_CHOSEN} is reached. */
  private final Map<String, Format> chosen = new ConcurrentHashMap<>();

  static final int MAX_CHOSEN = 1024;

  private UaRules(List<Compiled> rules) {
    this.rules = rules;
  }

  /** The rules of {@code settings} (the built-in ones when it has none), compiled. */
  public static UaRules of(SubscriptionSettings settings) {
    return of(settings.uaRules() == null ? BUILT_IN : settings.uaRules());
  }

  static UaRules of(List<UaRule> list) {
    List<Compiled> out = new ArrayList<>(list.size());
    for (UaRule r : list) {
      Format f =
          Format.parse(r.format())
              .orElseThrow(() -> new IllegalArgumentException("unknown format " + r.format()));
      out.add(
          new Compiled(
              Pattern.compile(r.pattern()),
              r.accept() == null ? null : Pattern.compile(r.accept()),
              f));
    }
    return new UaRules(List.copyOf(out));
  }

  /** The format of the first rule that matches, or base64. */
  public Format choose(String userAgent, String accept) {
    String ua = bounded(userAgent);
    String acc = bounded(accept);
    // A fleet's clients send a handful of distinct User-Agent/Accept pairs: remember the answer
    // instead of running every rule's regular expression on every fetch.
    String key = ua + '\n' + acc;
    Format known = chosen.get(key);
    if (known != null) {
      return known;
    }
    Format f = match(ua, acc);
    if (chosen.size() >= MAX_CHOSEN) {
      chosen.clear();
    }
    chosen.put(key, f);
    return f;
  }

  private Format match(String ua, String acc) {
    for (Compiled r : rules) {
      if (r.ua().matcher(ua).find() && (r.accept() == null || r.accept().matcher(acc).find())) {
        return r.format();
      }
    }
    return Format.BASE64;
  }

  private static String bounded(String s) {
    if (s == null) {
      return "";
    }
    return s.length() > MAX_HEADER_LENGTH ? s.substring(0, MAX_HEADER_LENGTH) : s;
  }

  /**
   * Why {@code pattern} is not an acceptable rule pattern, or empty when it is: at most {@link
   * #MAX_PATTERN_LENGTH} characters and a valid Java regular expression.
   */
  public static Optional<String> checkPattern(String pattern) {
    if (pattern.isEmpty() || pattern.length() > MAX_PATTERN_LENGTH) {
      return Optional.of("must be 1-" + MAX_PATTERN_LENGTH + " characters");
    }
    try {
      Pattern.compile(pattern);
      return Optional.empty();
    } catch (PatternSyntaxException e) {
      // The description names the problem; the echoed pattern is the client's own input.
      return Optional.of("is not a valid Java regular expression: " + e.getDescription());
    }
  }
}
