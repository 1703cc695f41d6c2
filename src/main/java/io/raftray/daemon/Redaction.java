package io.raftray.daemon;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.NullMarked;

/**
 * Removes anything secret-shaped from a log line before it leaves the host ({@code GET
 * /api/v1/nodes/{id}/logs}): raftray tokens ({@code rrt_} admin, {@code rrj_} join, {@code rrs_} /
 * {@code rrl_} session and login), bearer credentials and {@code Authorization} values, the value
 * of any {@code token=}, {@code password: "..."}, {@code secret}, {@code key} ... pair (query,
 * header or JSON style), subscription tokens in {@code /sub/...} paths, and PEM private keys. Log
 * lines should hold no secret in the first place (rule 6); this is the second line of defence for
 * what a library or the core prints.
 */
@NullMarked
public final class Redaction {
  static final String MARK = "[redacted]";

  private static final Pattern PEM =
      Pattern.compile(
          "-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----.*?(-----END [A-Z0-9 ]*PRIVATE KEY-----|$)");
  private static final Pattern TOKEN = Pattern.compile("\\brr[tjsl]_[A-Za-z0-9_\\-.~+/=]+");
  private static final Pattern BEARER =
      Pattern.compile("(?i)\\b(bearer|basic)\\s+[A-Za-z0-9_\\-.~+/=]+");
  private static final Pattern AUTHORIZATION =
      Pattern.compile(
          "(?i)\\b((?:proxy-)?authorization|cookie|set-cookie)(\\s*[:=]\\s*)[^\\r\\n]+");
  private static final Pattern PAIR =
      Pattern.compile(
          "(?i)(\"?[A-Za-z0-9_\\-]*(?:token|password|passwd|passphrase|secret|private_?key"
              + "|credential|api_?key)[A-Za-z0-9_\\-]*\"?)(\\s*[=:]\\s*)(\"[^\"]*\"|'[^']*'|[^\\s,;&\"'}]+)");
  private static final Pattern SUB_PATH = Pattern.compile("(/sub/)[A-Za-z0-9_\\-]+");

  private Redaction() {}

  /** {@code line} with every secret-shaped part replaced by {@value #MARK}. */
  public static String line(String line) {
    String s = PEM.matcher(line).replaceAll(MARK);
    s = TOKEN.matcher(s).replaceAll(MARK);
    s = AUTHORIZATION.matcher(s).replaceAll(m -> quote(m.group(1) + m.group(2)) + MARK);
    s = BEARER.matcher(s).replaceAll(m -> quote(m.group(1)) + " " + MARK);
    s = PAIR.matcher(s).replaceAll(m -> quote(m.group(1) + m.group(2)) + pairValue(m.group(3)));
    return SUB_PATH.matcher(s).replaceAll("$1" + Matcher.quoteReplacement(MARK));
  }

  private static String pairValue(String v) {
    if (v.startsWith("\"")) {
      return "\"" + MARK + "\"";
    }
    return v.startsWith("'") ? "'" + MARK + "'" : MARK;
  }

  private static String quote(String s) {
    return Matcher.quoteReplacement(s);
  }
}
