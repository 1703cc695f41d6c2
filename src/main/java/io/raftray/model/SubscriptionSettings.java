package io.raftray.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Objects;

/**
 * Cluster-wide settings of {@code /sub}, replicated like all state. {@code uaRules} null means the
 * built-in rules (they follow the release, an admin can restore them); an empty list means "no
 * rules": every client without an explicit format gets base64. Values are validated by the API
 * before they are logged (patterns compile, URLs are absolute http(s), templates known).
 *
 * @param updateIntervalHours {@code profile-update-interval} header, hours
 * @param titleTemplate {@code profile-title} and file name; placeholders see docs/subscriptions.md
 * @param remarkTemplate the name of each proxy in a document
 * @param supportUrl {@code support-url} header, or null
 * @param webPageUrl {@code profile-web-page-url} header, or null
 * @param uaRules ordered User-Agent rules (first match wins), or null for the built-in ones
 * @param brandName the operator's name at the top of the subscription page, or null
 * @param logoDataUri the operator's logo on that page as a {@code data:image/...;base64,} URI (so
 *     the page makes no request for it), or null
 * @param publicUrl the address users reach every node by (a DNS name or load balancer in front of
 *     the fleet, e.g. {@code https://sub.example.com}); subscription URLs are {@code
 *     <publicUrl>/sub/<token>} on every node. Null: each node gives its own {@code api_base_url}
 */
public record SubscriptionSettings(
    int updateIntervalHours,
    String titleTemplate,
    String remarkTemplate,
    String supportUrl,
    String webPageUrl,
    List<UaRule> uaRules,
    @JsonInclude(JsonInclude.Include.NON_NULL) String brandName,
    @JsonInclude(JsonInclude.Include.NON_NULL) String logoDataUri,
    @JsonInclude(JsonInclude.Include.NON_NULL) String publicUrl) {

  public static final int DEFAULT_UPDATE_INTERVAL_HOURS = 12;
  public static final String DEFAULT_TITLE_TEMPLATE = "{user}";
  public static final String DEFAULT_REMARK_TEMPLATE = "{node} {protocol}";

  private static final SubscriptionSettings DEFAULTS =
      new SubscriptionSettings(
          DEFAULT_UPDATE_INTERVAL_HOURS,
          DEFAULT_TITLE_TEMPLATE,
          DEFAULT_REMARK_TEMPLATE,
          null,
          null,
          null,
          null,
          null,
          null);

  public SubscriptionSettings {
    Objects.requireNonNull(titleTemplate, "titleTemplate");
    Objects.requireNonNull(remarkTemplate, "remarkTemplate");
    uaRules = uaRules == null ? null : List.copyOf(uaRules);
    while (publicUrl != null && publicUrl.endsWith("/")) {
      publicUrl = publicUrl.substring(0, publicUrl.length() - 1);
    }
  }

  /** Settings without a public URL (as logged before it existed). */
  public SubscriptionSettings(
      int updateIntervalHours,
      String titleTemplate,
      String remarkTemplate,
      String supportUrl,
      String webPageUrl,
      List<UaRule> uaRules,
      String brandName,
      String logoDataUri) {
    this(
        updateIntervalHours,
        titleTemplate,
        remarkTemplate,
        supportUrl,
        webPageUrl,
        uaRules,
        brandName,
        logoDataUri,
        null);
  }

  /** Settings without a brand name or logo (as logged before the subscription page had them). */
  public SubscriptionSettings(
      int updateIntervalHours,
      String titleTemplate,
      String remarkTemplate,
      String supportUrl,
      String webPageUrl,
      List<UaRule> uaRules) {
    this(
        updateIntervalHours,
        titleTemplate,
        remarkTemplate,
        supportUrl,
        webPageUrl,
        uaRules,
        null,
        null);
  }

  public static SubscriptionSettings defaults() {
    return DEFAULTS;
  }

  /**
   * One User-Agent rule: matches when {@code pattern} is found in the User-Agent and, if {@code
   * accept} is set, {@code accept} is found in the Accept header. Both are Java regular
   * expressions; {@code format} is a format wire name ({@code base64}, {@code clash}, ...).
   */
  public record UaRule(String pattern, String format, String accept) {
    public UaRule {
      Objects.requireNonNull(pattern, "pattern");
      Objects.requireNonNull(format, "format");
    }
  }
}
