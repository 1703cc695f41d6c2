package io.raftray.state;

import static io.raftray.model.ErrorKind.INVALID;

import io.raftray.model.SubscriptionSettings;
import io.raftray.state.Command.UpdateSubscriptionSettings;
import io.raftray.state.Store.Rejection;
import java.util.List;

/**
 * Merges an {@link UpdateSubscriptionSettings} into the settings at its index: the whole record
 * when it lists no fields, else only the fields it lists.
 */
public final class SubscriptionPatch {
  private SubscriptionPatch() {}

  static SubscriptionSettings apply(SubscriptionSettings current, UpdateSubscriptionSettings u) {
    if (u.fields() != null) {
      for (String f : u.fields()) {
        if (!UpdateSubscriptionSettings.FIELDS.contains(f)) {
          throw new Rejection(INVALID, f, "not a subscription setting");
        }
      }
    }
    return merge(current, u.settings(), u.fields());
  }

  /** {@code next} when {@code fields} is null, else {@code current} with those fields of next. */
  public static SubscriptionSettings merge(
      SubscriptionSettings current, SubscriptionSettings next, List<String> fields) {
    if (fields == null) {
      return next;
    }
    return new SubscriptionSettings(
        fields.contains("update_interval_hours")
            ? next.updateIntervalHours()
            : current.updateIntervalHours(),
        fields.contains("title_template") ? next.titleTemplate() : current.titleTemplate(),
        fields.contains("remark_template") ? next.remarkTemplate() : current.remarkTemplate(),
        fields.contains("support_url") ? next.supportUrl() : current.supportUrl(),
        fields.contains("web_page_url") ? next.webPageUrl() : current.webPageUrl(),
        fields.contains("ua_rules") ? next.uaRules() : current.uaRules(),
        fields.contains("brand_name") ? next.brandName() : current.brandName(),
        fields.contains("logo_data_uri") ? next.logoDataUri() : current.logoDataUri(),
        fields.contains("public_url") ? next.publicUrl() : current.publicUrl());
  }
}
