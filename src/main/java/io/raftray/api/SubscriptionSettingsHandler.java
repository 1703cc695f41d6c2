package io.raftray.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftray.api.Router.Access;
import io.raftray.model.PublicBases;
import io.raftray.model.SubscriptionSettings;
import io.raftray.model.SubscriptionSettings.UaRule;
import io.raftray.state.Command;
import io.raftray.state.State;
import io.raftray.state.SubscriptionPatch;
import io.raftray.sub.Format;
import io.raftray.sub.Templates;
import io.raftray.sub.UaRules;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code /subscription-settings}: GET (any role), PUT (replace; absent fields take their defaults)
 * and PATCH (only the fields given). {@code ua_rules: null} or {@code ua_rules_builtin: true}
 * selects the built-in rules.
 */
final class SubscriptionSettingsHandler {
  static final int MAX_URL_LENGTH = 2048;
  static final int MAX_BRAND_LENGTH = 64;

  /** The largest logo: 48 KiB of image, base64 in a data URI (about 64 KiB of text). */
  static final int MAX_LOGO_BYTES = 48 * 1024;

  private static final Pattern LOGO =
      Pattern.compile("data:image/(png|jpeg|webp|gif|svg\\+xml);base64,([A-Za-z0-9+/]+={0,2})");
  private static final Set<String> FIELDS =
      Set.of(
          "update_interval_hours",
          "title_template",
          "remark_template",
          "support_url",
          "web_page_url",
          "ua_rules",
          "ua_rules_builtin",
          "brand_name",
          "logo_data_uri",
          "public_url");
  private static final Set<String> RULE_FIELDS = Set.of("pattern", "format", "accept");
  private static final List<String> FORMATS =
      Arrays.stream(Format.values()).map(Format::wire).toList();

  void routes(Router r) {
    r.get("/subscription-settings", Access.READ, this::get);
    r.put("/subscription-settings", Access.WRITE, c -> write(c, false));
    r.patch("/subscription-settings", Access.WRITE, c -> write(c, true));
  }

  private void get(Call c) {
    c.query();
    State s = c.read();
    c.reply(200, view(s.subscriptionSettings()), s);
  }

  static Map<String, Object> view(SubscriptionSettings s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("update_interval_hours", s.updateIntervalHours());
    m.put("title_template", s.titleTemplate());
    m.put("remark_template", s.remarkTemplate());
    m.put("support_url", s.supportUrl());
    m.put("web_page_url", s.webPageUrl());
    List<Map<String, Object>> rules = new ArrayList<>();
    for (UaRule r : s.uaRules() == null ? UaRules.BUILT_IN : s.uaRules()) {
      Map<String, Object> rule = new LinkedHashMap<>();
      rule.put("pattern", r.pattern());
      rule.put("format", r.format());
      rule.put("accept", r.accept());
      rules.add(rule);
    }
    m.put("ua_rules", rules);
    m.put("ua_rules_builtin", s.uaRules() == null);
    m.put("brand_name", s.brandName());
    m.put("logo_data_uri", s.logoDataUri());
    m.put("public_url", s.publicUrl());
    return m;
  }

  private void write(Call c, boolean patch) {
    ObjectNode body = c.body();
    SubscriptionSettings base =
        patch ? c.current().subscriptionSettings() : SubscriptionSettings.defaults();
    Validator v = Validator.of(body, FIELDS);
    Long interval = v.integer("update_interval_hours", false, 1, 8760);
    String title = template(v, "title_template", Templates.TITLE);
    String remark = template(v, "remark_template", Templates.REMARK);
    String support = url(v, "support_url");
    String web = url(v, "web_page_url");
    Boolean builtin = v.bool("ua_rules_builtin", false);
    List<UaRule> rules = rules(v);
    String brand =
        body.has("brand_name") && body.get("brand_name").isNull()
            ? null
            : v.string("brand_name", false, 1, MAX_BRAND_LENGTH);
    String logo = logo(v);
    String publicUrl = publicUrl(v);
    boolean rulesGiven = body.has("ua_rules");
    if (Boolean.TRUE.equals(builtin)
        && rulesGiven
        && !body.get("ua_rules").isNull()
        && rules != null
        && !rules.equals(UaRules.BUILT_IN)) {
      v.error("ua_rules_builtin", "is true, but ua_rules differ from the built-in rules");
    }
    if (Boolean.FALSE.equals(builtin) && (!rulesGiven || body.get("ua_rules").isNull())) {
      v.error("ua_rules_builtin", "false needs ua_rules, the list to use instead");
    }
    v.throwIfInvalid();
    List<UaRule> nextRules;
    if (Boolean.TRUE.equals(builtin) || (rulesGiven && body.get("ua_rules").isNull())) {
      nextRules = null;
    } else if (rulesGiven) {
      nextRules = rules;
    } else {
      nextRules = base.uaRules();
    }
    SubscriptionSettings next =
        new SubscriptionSettings(
            interval != null ? interval.intValue() : base.updateIntervalHours(),
            title != null ? title : base.titleTemplate(),
            remark != null ? remark : base.remarkTemplate(),
            body.has("support_url") ? support : base.supportUrl(),
            body.has("web_page_url") ? web : base.webPageUrl(),
            nextRules,
            body.has("brand_name") ? brand : base.brandName(),
            body.has("logo_data_uri") ? logo : base.logoDataUri(),
            body.has("public_url") ? publicUrl : base.publicUrl());
    // A PATCH names the fields it sets and is merged at apply, into the settings of that index:
    // merging here, into a view that may lag, would undo a concurrent change of another field.
    List<String> fields = null;
    if (patch) {
      fields = new ArrayList<>();
      for (String f : Command.UpdateSubscriptionSettings.FIELDS) {
        if (body.has(f) || (f.equals("ua_rules") && body.has("ua_rules_builtin"))) {
          fields.add(f);
        }
      }
    }
    State s = c.current();
    if (unchanged(next, fields, s)
        && unchanged(next, fields, c.deps().replica().linearizableView())) {
      // Nothing to commit, confirmed against the leader: this view may lag.
      State now = c.current();
      c.reply(200, view(now.subscriptionSettings()), now);
      return;
    }
    State after = c.submit(new Command.UpdateSubscriptionSettings(next, fields));
    c.reply(200, view(after.subscriptionSettings()), after);
  }

  /** Whether {@code next} (only {@code fields} of it, when not null) is what {@code s} holds. */
  private static boolean unchanged(SubscriptionSettings next, List<String> fields, State s) {
    SubscriptionSettings cur = s.subscriptionSettings();
    return SubscriptionPatch.merge(cur, next, fields).equals(cur);
  }

  /**
   * {@code https://host[:port][/path]}: no user info, query or fragment (the rule of {@link
   * PublicBases}); a trailing {@code /} is dropped. Null (or JSON null) clears it.
   */
  private static String publicUrl(Validator v) {
    JsonNode n = v.node().get("public_url");
    if (n == null || n.isNull()) {
      return null;
    }
    String problem =
        n.isTextual() ? PublicBases.problem(n.asText()).orElse(null) : PublicBases.RULE;
    if (problem != null) {
      v.error("public_url", problem);
      return null;
    }
    return n.asText();
  }

  private static String template(Validator v, String field, Set<String> allowed) {
    String t = v.string(field, false, 1, Templates.MAX_LENGTH);
    if (t == null) {
      return null;
    }
    String problem = Templates.check(t, allowed).orElse(null);
    if (problem != null) {
      v.error(field, problem);
      return null;
    }
    return t;
  }

  /**
   * A {@code data:image/(png|jpeg|webp|gif|svg+xml);base64,...} URI of at most {@link
   * #MAX_LOGO_BYTES} bytes of image, or null (null also clears it). The page shows it in an {@code
   * img} element, where an SVG runs no script, and its CSP allows images from data URIs only.
   */
  private static String logo(Validator v) {
    JsonNode n = v.node().get("logo_data_uri");
    if (n == null || n.isNull()) {
      return null;
    }
    String rule =
        "must be a data:image/(png|jpeg|webp|gif|svg+xml);base64, URI of at most "
            + MAX_LOGO_BYTES / 1024
            + " KiB of image, or null";
    if (!n.isTextual() || n.textValue().length() > MAX_LOGO_BYTES * 4 / 3 + 64) {
      v.error("logo_data_uri", rule);
      return null;
    }
    Matcher m = LOGO.matcher(n.textValue());
    if (!m.matches()) {
      v.error("logo_data_uri", rule);
      return null;
    }
    try {
      if (Base64.getDecoder().decode(m.group(2)).length > MAX_LOGO_BYTES) {
        v.error("logo_data_uri", rule);
        return null;
      }
    } catch (IllegalArgumentException e) {
      v.error("logo_data_uri", rule);
      return null;
    }
    return n.textValue();
  }

  /** An absolute http(s) URL with a host, or null (null also clears the setting). */
  private static String url(Validator v, String field) {
    JsonNode n = v.node().get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    String rule =
        "must be an absolute http or https URL of at most "
            + MAX_URL_LENGTH
            + " characters, or null";
    if (!n.isTextual() || n.textValue().length() > MAX_URL_LENGTH) {
      v.error(field, rule);
      return null;
    }
    String s = n.textValue();
    // Header values: printable ASCII only, no spaces.
    if (!s.chars().allMatch(ch -> ch > 0x20 && ch < 0x7f)) {
      v.error(field, rule);
      return null;
    }
    try {
      URI u = new URI(s);
      String scheme = u.getScheme();
      if (scheme == null
          || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
          || u.getHost() == null
          || u.getHost().isEmpty()) {
        v.error(field, rule);
        return null;
      }
      return s;
    } catch (URISyntaxException e) {
      v.error(field, rule);
      return null;
    }
  }

  private static List<UaRule> rules(Validator v) {
    JsonNode n = v.node().get("ua_rules");
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isArray() || n.size() > UaRules.MAX_RULES) {
      v.error("ua_rules", "must be a list of at most " + UaRules.MAX_RULES + " rules, or null");
      return null;
    }
    List<UaRule> out = new ArrayList<>();
    boolean ok = true;
    for (int i = 0; i < n.size(); i++) {
      String at = "ua_rules[" + i + "]";
      if (!(n.get(i) instanceof ObjectNode o)) {
        v.error(at, "must be an object with pattern, format and optional accept");
        ok = false;
        continue;
      }
      Validator r = v.child(at, o);
      r.rejectUnknown(RULE_FIELDS, "unknown field");
      String pattern = regex(r, "pattern", true);
      String format = r.oneOf("format", true, FORMATS);
      String accept = regex(r, "accept", false);
      if (pattern == null
          || format == null
          || (o.has("accept") && accept == null && !o.get("accept").isNull())) {
        ok = false;
        continue;
      }
      out.add(new UaRule(pattern, format, accept));
    }
    return ok ? out : null;
  }

  private static String regex(Validator v, String field, boolean required) {
    JsonNode n = v.node().get(field);
    if (!required && n != null && n.isNull()) {
      return null;
    }
    String p = v.string(field, required, 1, UaRules.MAX_PATTERN_LENGTH);
    if (p == null) {
      return null;
    }
    String problem = UaRules.checkPattern(p).orElse(null);
    if (problem != null) {
      v.error(field, problem);
      return null;
    }
    return p;
  }
}
