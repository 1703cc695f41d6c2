package io.raftray.state;

import static io.raftray.model.ErrorKind.INVALID;

import io.raftray.model.ClusterSettings;
import io.raftray.model.Device;
import io.raftray.model.PublicBases;
import java.util.HashSet;
import java.util.List;

/**
 * {@code settings.update}: cluster-wide settings (audit retention, default device limit, hwid
 * required, public base URLs, the Marzban-compatible API switch), merged field by field in apply.
 */
final class SettingsRules {
  private SettingsRules() {}

  static Store.Changed update(State s, Command.UpdateSettings u) {
    Integer retention = u.auditRetention();
    if (retention != null
        && (retention < ClusterSettings.MIN_AUDIT_RETENTION
            || retention > ClusterSettings.MAX_AUDIT_RETENTION)) {
      throw new Store.Rejection(
          INVALID,
          "audit_retention",
          "audit_retention must be between "
              + ClusterSettings.MIN_AUDIT_RETENTION
              + " and "
              + ClusterSettings.MAX_AUDIT_RETENTION);
    }
    Integer limit = u.hwidDeviceLimit();
    if (limit != null && (limit < 0 || limit > Device.HARD_CAP)) {
      throw new Store.Rejection(
          INVALID, "hwid_device_limit", "hwid_device_limit must be 0-" + Device.HARD_CAP);
    }
    List<String> urls = u.publicBaseUrls();
    if (urls != null) {
      checkUrls(urls);
    }
    ClusterSettings cur = s.settings();
    ClusterSettings next =
        new ClusterSettings(
            retention != null ? retention : cur.auditRetention(),
            limit != null ? limit : cur.hwidDeviceLimit(),
            u.hwidRequired() != null ? u.hwidRequired() : cur.hwidRequired(),
            urls != null ? urls.stream().map(PublicBases::trim).toList() : cur.publicBaseUrls(),
            cur.marzbanJwtSecret(),
            u.marzbanCompatApi() != null ? u.marzbanCompatApi() : cur.marzbanCompatApi());
    return new Store.Changed(s.toBuilder().settings(next).build(), "settings");
  }

  /** {@code settings.set_marzban_secret}: 1-256 printable ASCII characters, or null to clear. */
  static Store.Changed setMarzbanSecret(State s, Command.SetMarzbanSecret c) {
    String secret = c.secret();
    if (secret != null && !ClusterSettings.validMarzbanSecret(secret)) {
      throw new Store.Rejection(
          INVALID, "marzban_jwt_secret", "marzban_jwt_secret must be 1-256 printable characters");
    }
    return new Store.Changed(
        s.toBuilder().settings(s.settings().withMarzbanJwtSecret(secret)).build(), "settings");
  }

  /** The API checks the same; this keeps a hand-made entry from storing an unusable address. */
  private static void checkUrls(List<String> urls) {
    if (urls.size() > PublicBases.MAX_COUNT) {
      throw new Store.Rejection(
          INVALID, "public_base_urls", "at most " + PublicBases.MAX_COUNT + " public base urls");
    }
    var seen = new HashSet<String>();
    for (String url : urls) {
      String problem = PublicBases.problem(url).orElse(null);
      if (problem != null) {
        throw new Store.Rejection(INVALID, "public_base_urls", "public base url " + problem);
      }
      if (!seen.add(PublicBases.trim(url))) {
        throw new Store.Rejection(INVALID, "public_base_urls", "public base urls repeat " + url);
      }
    }
  }
}
