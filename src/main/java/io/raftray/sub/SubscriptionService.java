package io.raftray.sub;

import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.raftray.http.Mount;
import io.raftray.http.Problems;
import io.raftray.http.RouteLabel;
import io.raftray.model.Device;
import io.raftray.model.ErrorKind;
import io.raftray.model.PublicBases;
import io.raftray.model.SubscriptionSettings;
import io.raftray.model.User;
import io.raftray.state.State;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * {@code GET /sub/{token}} and {@code /sub/{token}/{format}}: mount with {@code
 * routing.register(SubscriptionService.MOUNT, service)}. No authentication: the token is the
 * credential. Everything comes from the local view (no Raft round trip), so every node answers and
 * a rotated token stops working on a node as soon as that node applied the rotation.
 *
 * <p>An unknown, rotated or malformed token gets the same bland 404 by the same code path (a
 * bounded hash-map lookup), so neither the body nor the timing tells them apart. Tokens never reach
 * a log line or a metrics label.
 */
public final class SubscriptionService implements HttpService {
  public static final String MOUNT = Mount.SUB.path();

  private static final Logger LOG = Logger.getLogger(SubscriptionService.class.getName());
  private static final int MAX_TOKEN_LENGTH = 64;

  static final HeaderName X_HWID = HeaderNames.create("x-hwid");
  static final HeaderName X_DEVICE_OS = HeaderNames.create("x-device-os");
  static final HeaderName X_VER_OS = HeaderNames.create("x-ver-os");
  static final HeaderName X_DEVICE_MODEL = HeaderNames.create("x-device-model");

  /** The placeholder notice for a fetch without {@code x-hwid} while the cluster requires one. */
  static final String HWID_REQUIRED = "Device ID (HWID) required: use a client that sends it";

  /** The placeholder notice for an {@code x-hwid} that is not 1-128 printable characters. */
  static final String HWID_INVALID = "Invalid device ID (HWID)";

  private final Supplier<State> view;
  private final Clock clock;
  private final String apiBaseUrl;
  private final String publicBaseUrl;
  private final SubscriptionBuilder subscriptions = new SubscriptionBuilder();
  private final SubActivity activity;
  private final DocumentCache documents = new DocumentCache();
  private volatile CompiledRules rules = new CompiledRules(null, null);

  private record CompiledRules(SubscriptionSettings settings, UaRules rules) {}

  /**
   * @param view the local applied view
   * @param clock wall clock for expiry checks
   * @param apiBaseUrl this node's base URL; the page shows {@code <apiBaseUrl>/sub/<token>} while
   *     no public address is set ({@link PublicBases})
   */
  public SubscriptionService(Supplier<State> view, Clock clock, String apiBaseUrl) {
    this(view, clock, apiBaseUrl, null, new SubActivity("local", null, Duration.ofSeconds(10)));
  }

  /**
   * @param publicBaseUrl this node's own public address ({@code public_base_url} in node.json), or
   *     null
   * @param activity where fetches and devices are recorded (batched into the replicated state)
   */
  public SubscriptionService(
      Supplier<State> view,
      Clock clock,
      String apiBaseUrl,
      String publicBaseUrl,
      SubActivity activity) {
    this.activity = Objects.requireNonNull(activity, "activity");
    this.view = Objects.requireNonNull(view, "view");
    this.clock = Objects.requireNonNull(clock, "clock");
    String base = Objects.requireNonNull(apiBaseUrl, "apiBaseUrl");
    while (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    this.apiBaseUrl = base;
    this.publicBaseUrl = publicBaseUrl;
  }

  /** The metrics label of {@code /sub/{token}} (never the token itself). */
  static final String ROUTE_TOKEN = MOUNT + "/{token}";

  /** The metrics label of {@code /sub/{token}/{format}}. */
  static final String ROUTE_TOKEN_FORMAT = MOUNT + "/{token}/{format}";

  /**
   * One catch-all route per method class instead of Helidon path templates: matching {@code
   * /{token}} and {@code /{token}/{format}} (a regular expression and a parameter map per route and
   * request) was about 9% of a fetch's CPU in a JFR of {@code bench/sub.sh}. The path Helidon
   * routes on (decoded and normalized: {@code //} collapsed, matrix parameters dropped) is split
   * here into the same one or two non-empty segments the templates matched; any other shape goes on
   * to the next route, as it did when no template matched.
   */
  @Override
  public void routing(HttpRules r) {
    r.get("/*", (req, res) -> route(req, res, true))
        .any("/*", (req, res) -> route(req, res, false));
  }

  private void route(ServerRequest req, ServerResponse res, boolean get) {
    // Relative to the mount: "/TOKEN" or "/TOKEN/FORMAT".
    String path = req.path().path();
    int start = 1;
    if (!path.startsWith("/") || path.length() == start) {
      res.next();
      return;
    }
    int slash = path.indexOf('/', start);
    String token;
    String format;
    if (slash < 0) {
      token = path.substring(start);
      format = null;
    } else if (slash > start && slash + 1 < path.length() && path.indexOf('/', slash + 1) < 0) {
      token = path.substring(start, slash);
      format = path.substring(slash + 1);
    } else {
      res.next();
      return;
    }
    RouteLabel.set(format == null ? ROUTE_TOKEN : ROUTE_TOKEN_FORMAT);
    if (get) {
      handle(req, res, token, format);
    } else {
      notAllowed(res);
    }
  }

  private static void notAllowed(ServerResponse res) {
    res.header(HeaderNames.ALLOW, "GET");
    Problems.send(res, ErrorKind.METHOD_NOT_ALLOWED, "only GET is allowed here");
  }

  private void handle(
      ServerRequest req, ServerResponse res, String token, @Nullable String format) {
    State s = view.get();
    // Malformed tokens take the same lookup as unknown ones; only the length is bounded first.
    User user = SubscriptionBuilder.userByToken(s, token.length() > MAX_TOKEN_LENGTH ? "" : token);
    boolean marzban = false;
    if (user == null) {
      // Only after the normal lookup missed: a Marzban token of an imported user (a no-op while
      // no marzban_jwt_secret is set), so the normal path costs nothing more.
      user = MarzbanTokens.user(s, token, clock.instant());
      marzban = user != null;
    }
    if (user == null) {
      Problems.send(res, ErrorKind.NOT_FOUND, "not found");
      return;
    }
    String explicit = format;
    // contains() first: first() of an absent name looks up Helidon's global mapper registry, about
    // 3% of a fetch's CPU (JFR of bench/sub.sh), and a fetch usually names no format.
    if (explicit == null && req.query().contains("format")) {
      explicit = req.query().first("format").orElse(null);
    }
    Format chosen;
    boolean negotiated = explicit == null;
    if (explicit != null) {
      Format alias = marzban ? MarzbanTokens.CLIENT_TYPES.get(explicit) : null;
      chosen = alias != null ? alias : Format.parse(explicit).orElse(null);
      if (chosen == null) {
        Problems.send(
            res,
            ErrorKind.INVALID,
            "unknown format; use one of: base64, links, clash, singbox, xray, html");
        return;
      }
    } else {
      chosen =
          rules(s.subscriptionSettings())
              .choose(
                  req.headers().first(HeaderNames.USER_AGENT).orElse(null),
                  req.headers().first(HeaderNames.ACCEPT).orElse(null));
    }
    String deviceNotice = device(req, s, user);
    try {
      answer(req, res, s, user, chosen, negotiated, deviceNotice);
    } catch (RuntimeException e) {
      // The format only: the path holds the token.
      LOG.log(Level.SEVERE, "cannot render subscription as " + chosen.wire(), e);
      Problems.send(res, ErrorKind.INTERNAL, "internal error; see the node log");
    }
  }

  private void answer(
      ServerRequest req,
      ServerResponse res,
      State s,
      User user,
      Format format,
      boolean negotiated,
      String deviceNotice) {
    Instant now = clock.instant();
    DocumentCache.Doc doc;
    if (format == Format.HTML) {
      // The page follows the browser (language, system) and the day (days left): not cached;
      // people open it rarely, apps fetch the documents.
      PageText.Lang lang =
          PageText.choose(
              req.query().first("lang").orElse(null),
              req.headers().first(HeaderNames.ACCEPT_LANGUAGE).orElse(null));
      ClientApps.Os os =
          ClientApps.Os.ofUserAgent(req.headers().first(HeaderNames.USER_AGENT).orElse(null));
      doc = render(s, user, format, negotiated, deviceNotice, now, lang, os);
    } else {
      DocumentCache.Key key = new DocumentCache.Key(user.id(), format, negotiated, deviceNotice);
      doc = documents.get(key, s, user, now);
      if (doc == null) {
        doc = render(s, user, format, negotiated, deviceNotice, now, PageText.Lang.EN, null);
        documents.put(key, s, user, now, doc);
      }
    }
    for (Header h : doc.headers()) {
      res.header(h);
    }
    if (matches(req.headers().first(HeaderNames.IF_NONE_MATCH).orElse(null), doc.etag())) {
      res.headers().remove(HeaderNames.CONTENT_TYPE);
      res.status(Status.NOT_MODIFIED_304);
      res.send();
      return;
    }
    res.status(Status.OK_200);
    res.send(doc.body());
  }

  /** Builds and renders one document: body, headers in their order, ETag over both. */
  private DocumentCache.Doc render(
      State s,
      User user,
      Format format,
      boolean negotiated,
      String deviceNotice,
      Instant now,
      PageText.Lang lang,
      ClientApps.@Nullable Os os) {
    SubscriptionSettings settings = s.subscriptionSettings();
    Subscription sub = subscriptions.build(s, user, now);
    if (deviceNotice != null && sub.notice() == null) {
      // The user's own state (disabled, expired, limited) is the more useful notice; else the
      // device's, and no real endpoint in the document.
      sub = new Subscription(sub.title(), List.of(), deviceNotice);
    }
    Map<String, String> headers;
    String body;
    if (format == Format.HTML) {
      body =
          Html.page(
              user,
              sub,
              PublicBases.urls(
                  PublicBases.of(s.settings(), settings, publicBaseUrl, apiBaseUrl),
                  user.subscriptionToken()),
              settings,
              lang,
              os,
              now);
      headers = new LinkedHashMap<>();
      headers.put("Content-Type", Headers.contentType(Format.HTML));
      headers.put("Content-Security-Policy", Html.CSP);
      headers.put("Referrer-Policy", "no-referrer");
      headers.put("X-Frame-Options", "DENY");
    } else {
      body = Renderers.render(format, sub);
      headers = Headers.client(user, settings, sub.profileTitle(), format);
    }
    headers.put("X-Content-Type-Options", "nosniff");
    // Documents carry credentials: no cache may store them; clients revalidate with the ETag.
    headers.put("Cache-Control", "no-store");
    if (format == Format.HTML) {
      // The page's language and the apps opened first follow the browser.
      headers.put("Vary", "User-Agent, Accept, Accept-Language");
    } else if (negotiated) {
      headers.put("Vary", "User-Agent, Accept");
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    String etag = etag(bytes, headers);
    headers.put("ETag", etag);
    return new DocumentCache.Doc(DocumentCache.headers(headers), bytes, etag);
  }

  /** The rendered-document cache of this service (tests read its counters). */
  DocumentCache documents() {
    return documents;
  }

  /**
   * Records the fetch and decides the device: null when the document may list the user's proxies,
   * else the notice of the placeholder (no {@code x-hwid} while the cluster requires one, an
   * unusable one, or a new device beyond the user's limit).
   */
  private String device(ServerRequest req, State s, User user) {
    Instant now = clock.instant();
    String ua = req.headers().first(HeaderNames.USER_AGENT).orElse(null);
    activity.fetched(user, ua, now);
    String hwid = req.headers().first(X_HWID).orElse(null);
    if (hwid == null || hwid.isBlank()) {
      return s.settings().effectiveHwidRequired() ? HWID_REQUIRED : null;
    }
    hwid = hwid.strip();
    if (!Device.validHwid(hwid)) {
      return HWID_INVALID;
    }
    SubActivity.Client client =
        new SubActivity.Client(
            hwid,
            req.headers().first(X_DEVICE_OS).orElse(null),
            req.headers().first(X_VER_OS).orElse(null),
            req.headers().first(X_DEVICE_MODEL).orElse(null),
            ua);
    if (activity.admit(s, user, client, now) == SubActivity.Admission.REFUSED) {
      return "Device limit reached (" + s.settings().deviceCapacityOf(user) + " devices)";
    }
    return null;
  }

  private UaRules rules(SubscriptionSettings settings) {
    CompiledRules c = rules;
    if (c.settings() != settings) {
      c = new CompiledRules(settings, UaRules.of(settings));
      rules = c;
    }
    return c.rules();
  }

  /** Strong ETag over the body and every header a client reads. */
  static String etag(byte[] body, Map<String, String> headers) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      headers.forEach(
          (k, v) -> {
            md.update(k.getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(v.getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
          });
      md.update(body);
      byte[] d = md.digest();
      return "\""
          + Base64.getUrlEncoder().withoutPadding().encodeToString(d).substring(0, 27)
          + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  /** RFC 9110 If-None-Match: weak comparison, a list of tags, or {@code *}. */
  static boolean matches(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null || ifNoneMatch.length() > 4096) {
      return false;
    }
    for (String t : ifNoneMatch.split(",")) {
      String tag = t.strip();
      if (tag.startsWith("W/")) {
        tag = tag.substring(2);
      }
      if (tag.equals("*") || tag.equals(etag)) {
        return true;
      }
    }
    return false;
  }
}
