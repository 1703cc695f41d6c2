package io.raftray.sub;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The client apps the subscription page offers, per operating system, each with its one-tap import
 * link (the app's own URL scheme) and where to get it. The import link points at the subscription
 * in the format the app reads best; apps that send a User-Agent our rules know get the plain
 * address and are served by the rules.
 */
final class ClientApps {

  /** Operating systems, in the order the page lists them. */
  enum Os {
    ANDROID("os.android"),
    IOS("os.ios"),
    WINDOWS("os.windows"),
    MACOS("os.macos"),
    LINUX("os.linux");

    final String key;

    Os(String key) {
      this.key = key;
    }

    /** The system a browser's User-Agent names, or null when it names none we know. */
    static Os ofUserAgent(String ua) {
      if (ua == null) {
        return null;
      }
      String u = ua.toLowerCase(Locale.ROOT);
      if (u.contains("android")) {
        return ANDROID;
      }
      if (u.contains("iphone") || u.contains("ipad") || u.contains("ipod")) {
        return IOS;
      }
      if (u.contains("windows")) {
        return WINDOWS;
      }
      if (u.contains("mac os") || u.contains("macintosh")) {
        return MACOS;
      }
      if (u.contains("linux") || u.contains("x11")) {
        return LINUX;
      }
      return null;
    }
  }

  /** How an app's import link is made from the subscription address and the profile name. */
  private enum Scheme {
    V2RAYNG,
    HIDDIFY,
    NEKOBOX,
    SINGBOX,
    CLASH,
    STREISAND,
    SHADOWROCKET
  }

  /** One app: its name, the systems it runs on, its import scheme and where to get it. */
  record App(String name, Set<Os> systems, Scheme scheme, String download) {
    /** The one-tap import link for the subscription at {@code url} named {@code name}. */
    String importLink(String url, String profile) {
      String enc = enc(url);
      String n = enc(profile);
      return switch (scheme) {
        case V2RAYNG -> "v2rayng://install-sub?url=" + enc + "&name=" + n;
        case HIDDIFY -> "hiddify://import/" + url + "#" + n;
        case NEKOBOX -> "sn://subscription?url=" + enc + "&name=" + n;
        case SINGBOX -> "sing-box://import-remote-profile?url=" + enc(url + "/singbox") + "#" + n;
        case CLASH -> "clash://install-config?url=" + enc(url + "/clash") + "&name=" + n;
        case STREISAND -> "streisand://import/" + url + "#" + n;
        case SHADOWROCKET ->
            "sub://"
                + Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString((url + "/base64").getBytes(StandardCharsets.UTF_8))
                + "#"
                + n;
      };
    }
  }

  static final List<App> ALL =
      List.of(
          new App(
              "Hiddify",
              EnumSet.allOf(Os.class),
              Scheme.HIDDIFY,
              "https://github.com/hiddify/hiddify-app/releases"),
          new App(
              "v2rayNG",
              EnumSet.of(Os.ANDROID),
              Scheme.V2RAYNG,
              "https://github.com/2dust/v2rayNG/releases"),
          new App(
              "NekoBox",
              EnumSet.of(Os.ANDROID),
              Scheme.NEKOBOX,
              "https://github.com/MatsuriDayo/NekoBoxForAndroid/releases"),
          new App(
              "sing-box",
              EnumSet.of(Os.ANDROID, Os.IOS, Os.MACOS),
              Scheme.SINGBOX,
              "https://sing-box.sagernet.org/clients/"),
          new App(
              "Clash Meta / mihomo",
              EnumSet.of(Os.ANDROID, Os.WINDOWS, Os.MACOS, Os.LINUX),
              Scheme.CLASH,
              "https://github.com/clash-verge-rev/clash-verge-rev/releases"),
          new App(
              "Streisand",
              EnumSet.of(Os.IOS, Os.MACOS),
              Scheme.STREISAND,
              "https://apps.apple.com/app/streisand/id6450534064"),
          new App(
              "Shadowrocket",
              EnumSet.of(Os.IOS, Os.MACOS),
              Scheme.SHADOWROCKET,
              "https://apps.apple.com/app/shadowrocket/id932747118"));

  private ClientApps() {}

  /** The apps for one system, in the page's order. */
  static List<App> forOs(Os os) {
    List<App> out = new ArrayList<>();
    for (App a : ALL) {
      if (a.systems().contains(os)) {
        out.add(a);
      }
    }
    return out;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
