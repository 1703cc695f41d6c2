package io.raftray.sub;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * The words of the subscription page, from {@code sub/i18n/page_<lang>.properties} (UTF-8): the
 * console's languages, English, Russian, Persian (right to left) and Chinese. A page's language is
 * {@code ?lang=} when given, else the first supported one of the browser's {@code Accept-Language},
 * else English. Every file has every key (a test checks it).
 */
final class PageText {

  /** The supported languages, in the order the page's switch lists them. */
  enum Lang {
    EN("en", false),
    RU("ru", false),
    FA("fa", true),
    ZH("zh", false);

    final String code;
    final boolean rtl;

    Lang(String code, boolean rtl) {
      this.code = code;
      this.rtl = rtl;
    }

    static Optional<Lang> of(String code) {
      for (Lang l : values()) {
        if (l.code.equalsIgnoreCase(code)) {
          return Optional.of(l);
        }
      }
      return Optional.empty();
    }
  }

  private static final Map<Lang, Properties> TEXTS = load();

  private PageText() {}

  private static Map<Lang, Properties> load() {
    Map<Lang, Properties> out = new EnumMap<>(Lang.class);
    for (Lang l : Lang.values()) {
      String name = "/sub/i18n/page_" + l.code + ".properties";
      try (InputStream in = PageText.class.getResourceAsStream(name)) {
        Objects.requireNonNull(in, name);
        Properties p = new Properties();
        p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        out.put(l, p);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  /** The text of {@code key} in {@code lang}, with {@code {0}}, {@code {1}}... replaced. */
  static String get(Lang lang, String key, Object... args) {
    String t = TEXTS.get(lang).getProperty(key);
    if (t == null) {
      t = TEXTS.get(Lang.EN).getProperty(key, key);
    }
    for (int i = 0; i < args.length; i++) {
      t = t.replace("{" + i + "}", String.valueOf(args[i]));
    }
    return t;
  }

  /** Every key of a language's file (for the completeness test). */
  static Set<String> keys(Lang lang) {
    return TEXTS.get(lang).stringPropertyNames();
  }

  /**
   * The page's language: {@code explicit} ({@code ?lang=}) when it names one, else the first
   * supported language of an {@code Accept-Language} value (quality values honoured), else English.
   */
  static Lang choose(String explicit, String acceptLanguage) {
    if (explicit != null) {
      Optional<Lang> l = Lang.of(explicit);
      if (l.isPresent()) {
        return l.get();
      }
    }
    if (acceptLanguage == null || acceptLanguage.length() > 512) {
      return Lang.EN;
    }
    Lang best = Lang.EN;
    double bestQ = -1;
    for (String part : acceptLanguage.split(",")) {
      String[] pieces = part.trim().split(";");
      String tag = pieces[0].trim().toLowerCase(Locale.ROOT);
      int dash = tag.indexOf('-');
      String primary = dash < 0 ? tag : tag.substring(0, dash);
      double q = 1;
      for (int i = 1; i < pieces.length; i++) {
        String p = pieces[i].trim();
        if (p.startsWith("q=")) {
          try {
            q = Double.parseDouble(p.substring(2));
          } catch (NumberFormatException e) {
            q = 0;
          }
        }
      }
      Optional<Lang> l = Lang.of(primary);
      if (l.isPresent() && q > 0 && q > bestQ) {
        best = l.get();
        bestQ = q;
      }
    }
    return best;
  }
}
