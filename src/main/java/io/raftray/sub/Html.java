package io.raftray.sub;

import io.raftray.model.Enums;
import io.raftray.model.SubscriptionSettings;
import io.raftray.model.User;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The subscription page for people. Everything user-controlled is escaped; the one script and the
 * one style sheet are constants allowed by their SHA-256 in the Content-Security-Policy, so the
 * page loads nothing else and runs nothing else (and stays byte-identical for its ETag).
 */
final class Html {
  static final String STYLE =
      ":root{--fg:#1b1b1b;--muted:#555;--bg:#f6f7f9;--card:#fff;--line:#d9dce1;--code:#f1f2f4;"
          + "--accent:#1f5fbf;--accent-fg:#fff;--ok:#cfe8cf;--bad:#fdecea;--bad-line:#c62828;"
          + "color-scheme:light}"
          + "@media (prefers-color-scheme:dark){:root:not([data-theme=light]){--fg:#e8e8e8;"
          + "--muted:#a8adb5;--bg:#15171a;--card:#1f2226;--line:#3a3f46;--code:#2a2e33;"
          + "--accent:#6ea8ff;--accent-fg:#0d1117;--ok:#1f4d2a;--bad:#4a1f1f;--bad-line:#ff6b6b;"
          + "color-scheme:dark}}"
          + ":root[data-theme=dark]{--fg:#e8e8e8;--muted:#a8adb5;--bg:#15171a;--card:#1f2226;"
          + "--line:#3a3f46;--code:#2a2e33;--accent:#6ea8ff;--accent-fg:#0d1117;--ok:#1f4d2a;"
          + "--bad:#4a1f1f;--bad-line:#ff6b6b;color-scheme:dark}"
          + "body{font-family:system-ui,sans-serif;max-width:46rem;margin:0 auto;padding:1rem;"
          + "color:var(--fg);background:var(--bg);line-height:1.45}"
          + "header{display:flex;align-items:center;gap:.8rem;flex-wrap:wrap}"
          + "header img{width:3rem;height:3rem;object-fit:contain}"
          + ".brand{color:var(--muted);font-size:.95rem;margin:0}h1{font-size:1.5rem;margin:.1rem 0}"
          + ".bar{display:flex;gap:.5rem;flex-wrap:wrap;margin-inline-start:auto;align-items:center}"
          + ".bar a,.bar button{font-size:.85rem}"
          + ".status{display:inline-block;padding:.1rem .5rem;border-radius:.7rem;"
          + "background:var(--line);font-size:.85rem}.status.active,.status.on_hold{"
          + "background:var(--ok)}"
          + ".notice{border-inline-start:4px solid var(--bad-line);background:var(--bad);"
          + "padding:.5rem .8rem}"
          + "progress{width:100%;height:1rem;accent-color:var(--accent)}"
          + "dl{display:grid;grid-template-columns:auto 1fr;gap:.2rem 1rem}dt{color:var(--muted)}"
          + "dd{margin:0}section.item{background:var(--card);border:1px solid var(--line);"
          + "border-radius:.5rem;padding:.6rem .8rem;margin:.8rem 0}"
          + "code{display:block;word-break:break-all;font-size:.8rem;background:var(--code);"
          + "padding:.4rem;margin:.4rem 0;direction:ltr;text-align:left}"
          + "button,a.button{padding:.35rem .8rem;cursor:pointer;border-radius:.35rem;"
          + "border:1px solid var(--line);background:var(--card);color:var(--fg);"
          + "font:inherit;text-decoration:none;display:inline-block}"
          + "a.button.import{background:var(--accent);color:var(--accent-fg);"
          + "border-color:var(--accent)}a{color:var(--accent)}"
          + ":focus-visible{outline:3px solid var(--accent);outline-offset:2px}"
          + "ul.apps{list-style:none;padding:0;margin:.4rem 0}ul.apps li{display:flex;"
          + "align-items:center;gap:.6rem;flex-wrap:wrap;padding:.4rem 0;"
          + "border-bottom:1px solid var(--line)}ul.apps li span{flex:1 1 8rem;font-weight:600}"
          + "details{margin-top:.4rem}summary{cursor:pointer}"
          + "svg.qr{width:14rem;height:14rem;display:block;margin:.4rem 0;background:#fff}";

  static final String SCRIPT =
      "document.querySelectorAll('button[data-copy]').forEach(function(b){"
          + "var label=b.textContent;"
          + "b.addEventListener('click',function(){"
          + "var t=document.getElementById(b.getAttribute('data-copy')).textContent;"
          + "var done=function(){b.textContent=b.getAttribute('data-done');"
          + "setTimeout(function(){b.textContent=label},1500)};"
          + "if(navigator.clipboard){navigator.clipboard.writeText(t).then(done)}else{"
          + "var r=document.createRange();r.selectNodeContents("
          + "document.getElementById(b.getAttribute('data-copy')));"
          + "var s=window.getSelection();s.removeAllRanges();s.addRange(r);"
          + "document.execCommand('copy');done()}})});"
          + "(function(){var k='raftray-theme',h=document.documentElement,b="
          + "document.getElementById('theme');try{var v=localStorage.getItem(k);"
          + "if(v==='dark'||v==='light'){h.setAttribute('data-theme',v)}}catch(e){}"
          + "if(b){b.addEventListener('click',function(){var dark=h.getAttribute('data-theme')"
          + "==='dark'||(!h.getAttribute('data-theme')&&window.matchMedia("
          + "'(prefers-color-scheme: dark)').matches);var n=dark?'light':'dark';"
          + "h.setAttribute('data-theme',n);try{localStorage.setItem(k,n)}catch(e){}})}})()";

  /**
   * The page's Content-Security-Policy: only the constant style and script above, and images only
   * from data URIs (the operator's logo).
   */
  static final String CSP =
      "default-src 'none'; style-src '"
          + sha256(STYLE)
          + "'; script-src '"
          + sha256(SCRIPT)
          + "'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private Html() {}

  /** The page in English, the apps of every system closed. */
  static String page(
      User user, Subscription sub, String subscriptionUrl, SubscriptionSettings settings) {
    return page(user, sub, List.of(subscriptionUrl), settings, PageText.Lang.EN, null, null);
  }

  /**
   * The page of {@code user}: usage and expiry, one-tap import into the client apps of each system
   * ({@code os}'s opened first, when known), the subscription address with its QR code (and the
   * other public addresses, for when the first does not open), every proxy of {@code sub} with its
   * share link, or the notice; in {@code lang}.
   *
   * @param subscriptionUrls the user's subscription URLs, the first being the main one
   * @param now the time the "days left" are counted from, or null to leave them out
   */
  static String page(
      User user,
      Subscription sub,
      List<String> subscriptionUrls,
      SubscriptionSettings settings,
      PageText.Lang lang,
      ClientApps.Os os,
      Instant now) {
    List<Proxy> proxies = sub.proxies();
    StringBuilder h = new StringBuilder(16384 + proxies.size() * 8192);
    h.append("<!DOCTYPE html><html lang=\"")
        .append(lang.code)
        .append(lang.rtl ? "\" dir=\"rtl\">" : "\" dir=\"ltr\">")
        .append("<head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">")
        .append("<meta name=\"referrer\" content=\"no-referrer\"><meta name=\"robots\" ")
        .append("content=\"noindex,nofollow\"><meta name=\"color-scheme\" ")
        .append("content=\"light dark\"><title>")
        .append(escape(sub.title()))
        .append("</title><style>")
        .append(STYLE)
        .append("</style></head><body><header>");
    if (settings.logoDataUri() != null) {
      h.append("<img alt=\"\" src=\"").append(escape(settings.logoDataUri())).append("\">");
    }
    h.append("<div>");
    if (settings.brandName() != null) {
      h.append("<p class=\"brand\">").append(escape(settings.brandName())).append("</p>");
    }
    h.append("<h1>")
        .append(escape(user.name()))
        .append("</h1><span class=\"status ")
        .append(Enums.wire(user.status()))
        .append("\">")
        .append(escape(PageText.get(lang, "status." + Enums.wire(user.status()))))
        .append("</span></div>");
    bar(h, lang);
    h.append("</header>");
    if (sub.notice() != null) {
      h.append("<p class=\"notice\">").append(escape(sub.notice())).append("</p>");
    }
    usage(h, user, lang, now);
    String subscriptionUrl = subscriptionUrls.get(0);
    apps(h, subscriptionUrl, sub.title(), lang, os);
    h.append("<section class=\"item\"><h2>")
        .append(escape(PageText.get(lang, "sub.title")))
        .append("</h2><p>")
        .append(escape(PageText.get(lang, "sub.hint")))
        .append("</p>");
    item(h, "sub-url", subscriptionUrl, "QR code of the subscription address", lang);
    if (subscriptionUrls.size() > 1) {
      h.append("<p>").append(escape(PageText.get(lang, "sub.others"))).append("</p>");
      for (int i = 1; i < subscriptionUrls.size(); i++) {
        item(h, "sub-url-" + i, subscriptionUrls.get(i), "QR code of another address", lang);
      }
    }
    h.append("</section>");
    if (!proxies.isEmpty()) {
      h.append("<h2>").append(escape(PageText.get(lang, "servers"))).append("</h2>");
    }
    for (int i = 0; i < proxies.size(); i++) {
      Proxy p = proxies.get(i);
      h.append("<section class=\"item\"><h3>").append(escape(p.remark())).append("</h3>");
      item(h, "link-" + i, ShareLinks.link(p), "QR code of " + p.remark(), lang);
      h.append("</section>");
    }
    footer(h, settings, lang);
    h.append("<script>").append(SCRIPT).append("</script></body></html>");
    return h.toString();
  }

  /**
   * The language links (relative: the page's own path with {@code ?lang=}) and the theme switch.
   */
  private static void bar(StringBuilder h, PageText.Lang lang) {
    h.append("<nav class=\"bar\" aria-label=\"")
        .append(escape(PageText.get(lang, "language")))
        .append("\">");
    for (PageText.Lang l : PageText.Lang.values()) {
      if (l == lang) {
        h.append("<strong lang=\"").append(l.code).append("\">");
        h.append(escape(PageText.get(l, "lang.name"))).append("</strong>");
      } else {
        h.append("<a hreflang=\"")
            .append(l.code)
            .append("\" lang=\"")
            .append(l.code)
            .append("\" href=\"?lang=")
            .append(l.code)
            .append("\">")
            .append(escape(PageText.get(l, "lang.name")))
            .append("</a>");
      }
    }
    h.append("<button type=\"button\" id=\"theme\">")
        .append(escape(PageText.get(lang, "theme")))
        .append("</button></nav>");
  }

  private static void apps(
      StringBuilder h, String url, String profile, PageText.Lang lang, ClientApps.Os os) {
    h.append("<section class=\"item\"><h2>")
        .append(escape(PageText.get(lang, "add.title")))
        .append("</h2><p>")
        .append(escape(PageText.get(lang, "add.hint")))
        .append("</p>");
    List<ClientApps.Os> order = new ArrayList<>(List.of(ClientApps.Os.values()));
    if (os != null) {
      order.remove(os);
      order.add(0, os);
    }
    for (ClientApps.Os o : order) {
      h.append(o == os ? "<details open>" : "<details>")
          .append("<summary>")
          .append(escape(PageText.get(lang, o.key)))
          .append("</summary><ul class=\"apps\">");
      for (ClientApps.App a : ClientApps.forOs(o)) {
        h.append("<li><span>")
            .append(escape(a.name()))
            .append("</span><a class=\"button import\" href=\"")
            .append(escape(a.importLink(url, profile)))
            .append("\">")
            .append(escape(PageText.get(lang, "import")))
            .append("</a><a class=\"button\" rel=\"noopener noreferrer\" href=\"")
            .append(escape(a.download()))
            .append("\">")
            .append(escape(PageText.get(lang, "get_app")))
            .append("</a></li>");
      }
      h.append("</ul></details>");
    }
    h.append("</section>");
  }

  private static void usage(StringBuilder h, User u, PageText.Lang lang, Instant now) {
    long used = u.usedBytes();
    String usedText =
        u.dataLimitBytes() > 0
            ? PageText.get(lang, "of", Units.bytes(used), Units.bytes(u.dataLimitBytes()))
            : PageText.get(lang, "unlimited", Units.bytes(used));
    String expires;
    if (u.expireAt() == null) {
      expires = PageText.get(lang, "never");
    } else if (now != null && u.expireAt().isAfter(now)) {
      long days = Duration.between(now, u.expireAt()).toDays();
      expires = PageText.get(lang, "days_left", Units.day(u.expireAt()), days);
    } else {
      expires = Units.day(u.expireAt());
    }
    h.append("<dl><dt>")
        .append(escape(PageText.get(lang, "used")))
        .append("</dt><dd>")
        .append(escape(usedText))
        .append("</dd><dt>")
        .append(escape(PageText.get(lang, "upload")))
        .append("</dt><dd>")
        .append(escape(Units.bytes(u.uplinkBytes())))
        .append("</dd><dt>")
        .append(escape(PageText.get(lang, "download")))
        .append("</dt><dd>")
        .append(escape(Units.bytes(u.downlinkBytes())))
        .append("</dd><dt>")
        .append(escape(PageText.get(lang, "expires")))
        .append("</dt><dd>")
        .append(escape(expires))
        .append("</dd></dl>");
    if (u.dataLimitBytes() > 0) {
      long shown = Math.min(used, u.dataLimitBytes());
      h.append("<progress max=\"")
          .append(u.dataLimitBytes())
          .append("\" value=\"")
          .append(shown)
          .append("\" aria-label=\"")
          .append(escape(PageText.get(lang, "used")))
          .append("\">")
          .append(escape(Units.bytes(shown)))
          .append("</progress>");
    }
  }

  private static void item(
      StringBuilder h, String id, String text, String qrLabel, PageText.Lang lang) {
    h.append("<code id=\"")
        .append(id)
        .append("\">")
        .append(escape(text))
        .append("</code><button type=\"button\" data-copy=\"")
        .append(id)
        .append("\" data-done=\"")
        .append(escape(PageText.get(lang, "copied")))
        .append("\">")
        .append(escape(PageText.get(lang, "copy")))
        .append("</button>");
    String qr = escape(PageText.get(lang, "qr"));
    QrSvg.svg(text, qrLabel)
        .ifPresentOrElse(
            svg ->
                h.append("<details><summary>")
                    .append(qr)
                    .append("</summary>")
                    .append(svg)
                    .append("</details>"),
            () -> h.append("<p>").append(escape(PageText.get(lang, "qr.too_long"))).append("</p>"));
  }

  private static void footer(StringBuilder h, SubscriptionSettings s, PageText.Lang lang) {
    if (s.supportUrl() == null && s.webPageUrl() == null) {
      return;
    }
    h.append("<footer><p>");
    if (s.supportUrl() != null) {
      h.append("<a rel=\"noopener noreferrer\" href=\"")
          .append(escape(s.supportUrl()))
          .append("\">")
          .append(escape(PageText.get(lang, "support")))
          .append("</a> ");
    }
    if (s.webPageUrl() != null) {
      h.append("<a rel=\"noopener noreferrer\" href=\"")
          .append(escape(s.webPageUrl()))
          .append("\">")
          .append(escape(PageText.get(lang, "web_page")))
          .append("</a>");
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
