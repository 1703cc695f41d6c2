package io.raftray.sub;

import io.raftray.model.Enums;
import io.raftray.model.SubscriptionSettings;
import io.raftray.model.User;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;

/**
 * The subscription page for people. Everything user-controlled is escaped; the one script and the
 * one style sheet are constants allowed by their SHA-256 in the Content-Security-Policy, so the
 * page loads nothing else and runs nothing else (and stays byte-identical for its ETag).
 */
final class Html {
  static final String STYLE =
      "body{font-family:system-ui,sans-serif;max-width:46rem;margin:1rem auto;padding:0 1rem;"
          + "color:#1b1b1b;background:#fafafa}h1{font-size:1.5rem;margin:.2rem 0}"
          + ".status{display:inline-block;padding:.1rem .5rem;border-radius:.7rem;"
          + "background:#ddd;font-size:.85rem}.status.active,.status.on_hold{background:#cfe8cf}"
          + ".notice{border-left:4px solid #c62828;background:#fdecea;padding:.5rem .8rem}"
          + "progress{width:100%;height:1rem}dl{display:grid;grid-template-columns:auto 1fr;"
          + "gap:.2rem 1rem}dt{color:#555}dd{margin:0}section.item{background:#fff;"
          + "border:1px solid #ddd;border-radius:.4rem;padding:.6rem .8rem;margin:.8rem 0}"
          + "code{display:block;word-break:break-all;font-size:.8rem;background:#f3f3f3;"
          + "padding:.4rem;margin:.4rem 0}button{padding:.3rem .8rem;cursor:pointer}"
          + "details{margin-top:.4rem}svg.qr{width:14rem;height:14rem;display:block;margin:.4rem 0}";

  static final String SCRIPT =
      "document.querySelectorAll('button[data-copy]').forEach(function(b){"
          + "b.addEventListener('click',function(){"
          + "var t=document.getElementById(b.getAttribute('data-copy')).textContent;"
          + "var done=function(){b.textContent='Copied';"
          + "setTimeout(function(){b.textContent='Copy'},1500)};"
          + "if(navigator.clipboard){navigator.clipboard.writeText(t).then(done)}else{"
          + "var r=document.createRange();r.selectNodeContents("
          + "document.getElementById(b.getAttribute('data-copy')));"
          + "var s=window.getSelection();s.removeAllRanges();s.addRange(r);"
          + "document.execCommand('copy');done()}})})";

  /** The page's Content-Security-Policy: only the constant style and script above. */
  static final String CSP =
      "default-src 'none'; style-src '"
          + sha256(STYLE)
          + "'; script-src '"
          + sha256(SCRIPT)
          + "'; img-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private Html() {}

  /** The page of {@code user}: every proxy of {@code sub} with its share link, or the notice. */
  static String page(
      User user, Subscription sub, String subscriptionUrl, SubscriptionSettings settings) {
    List<Proxy> proxies = sub.proxies();
    StringBuilder h = new StringBuilder(8192 + proxies.size() * 8192);
    h.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">")
        .append("<meta name=\"referrer\" content=\"no-referrer\"><meta name=\"robots\" ")
        .append("content=\"noindex,nofollow\"><title>")
        .append(escape(sub.title()))
        .append("</title><style>")
        .append(STYLE)
        .append("</style></head><body><header><h1>")
        .append(escape(user.name()))
        .append("</h1><span class=\"status ")
        .append(Enums.wire(user.status()))
        .append("\">")
        .append(escape(Enums.wire(user.status()).replace('_', ' ')))
        .append("</span></header>");
    if (sub.notice() != null) {
      h.append("<p class=\"notice\">").append(escape(sub.notice())).append("</p>");
    }
    usage(h, user);
    h.append("<section class=\"item\"><h2>Subscription</h2>")
        .append("<p>Add this address to your client app, or scan the code.</p>");
    item(h, "sub-url", subscriptionUrl, "QR code of the subscription address");
    h.append("</section>");
    if (!proxies.isEmpty()) {
      h.append("<h2>Servers</h2>");
    }
    for (int i = 0; i < proxies.size(); i++) {
      Proxy p = proxies.get(i);
      h.append("<section class=\"item\"><h3>").append(escape(p.remark())).append("</h3>");
      item(h, "link-" + i, ShareLinks.link(p), "QR code of " + p.remark());
      h.append("</section>");
    }
    footer(h, settings);
    h.append("<script>").append(SCRIPT).append("</script></body></html>");
    return h.toString();
  }

  private static void usage(StringBuilder h, User u) {
    long used = u.usedBytes();
    h.append("<dl><dt>Used</dt><dd>").append(escape(Units.bytes(used)));
    if (u.dataLimitBytes() > 0) {
      h.append(" of ").append(escape(Units.bytes(u.dataLimitBytes())));
    } else {
      h.append(" (unlimited)");
    }
    h.append("</dd><dt>Upload</dt><dd>")
        .append(escape(Units.bytes(u.uplinkBytes())))
        .append("</dd><dt>Download</dt><dd>")
        .append(escape(Units.bytes(u.downlinkBytes())))
        .append("</dd><dt>Expires</dt><dd>")
        .append(u.expireAt() == null ? "never" : escape(Units.day(u.expireAt())))
        .append("</dd></dl>");
    if (u.dataLimitBytes() > 0) {
      long shown = Math.min(used, u.dataLimitBytes());
      h.append("<progress max=\"")
          .append(u.dataLimitBytes())
          .append("\" value=\"")
          .append(shown)
          .append("\" aria-label=\"data used\">")
          .append(escape(Units.bytes(shown)))
          .append("</progress>");
    }
  }

  private static void item(StringBuilder h, String id, String text, String qrLabel) {
    h.append("<code id=\"")
        .append(id)
        .append("\">")
        .append(escape(text))
        .append("</code><button type=\"button\" data-copy=\"")
        .append(id)
        .append("\">Copy</button>");
    QrSvg.svg(text, qrLabel)
        .ifPresentOrElse(
            svg -> h.append("<details><summary>QR code</summary>").append(svg).append("</details>"),
            () -> h.append("<p>Too long for a QR code: copy it instead.</p>"));
  }

  private static void footer(StringBuilder h, SubscriptionSettings s) {
    if (s.supportUrl() == null && s.webPageUrl() == null) {
      return;
    }
    h.append("<footer><p>");
    if (s.supportUrl() != null) {
      h.append("<a rel=\"noopener noreferrer\" href=\"")
          .append(escape(s.supportUrl()))
          .append("\">Support</a> ");
    }
    if (s.webPageUrl() != null) {
      h.append("<a rel=\"noopener noreferrer\" href=\"")
          .append(escape(s.webPageUrl()))
          .append("\">Web page</a>");
    }
    h.append("</p></footer>");
  }

  /** Escapes text for HTML element content and double- or single-quoted attribute values. */
  static String escape(String s) {
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  static String sha256(String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return "sha256-" + Base64.getEncoder().encodeToString(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }
}
